/**
 * `{ ...base, ...overrides }` without an object literal that begins with a spread.
 *
 * Why this exists (and sits in `spec`, the one layer every other may import): on Node 20 (V8 11.3) a
 * literal that begins with a spread and then adds anything — `{ ...a, b }`, `{ ...a, ...b }` — is built
 * by cloning `a` and extending the clone, and objects built that way survive young-generation
 * collections: V8 copies and then promotes them, with whatever they reference, where the same object
 * built by `Object.assign` dies young. `npm run bench:spread` shows it in isolation. On the gateway's
 * streaming path three such literals left ~1.5 KB per request in the old generation (scavenges 1.7 ms
 * instead of 1.0, and frequent full collections). `npm run lint:spreads` keeps them off the request path.
 *
 * The result is the spread's: own enumerable properties (symbols too), the later source winning. The
 * one place `Object.assign` differs — a source with an own `__proto__` key (JSON.parse makes one), which
 * it would take as the prototype — falls back to the spread itself.
 */
export type Merged<A, B> = A extends object ? (B extends object ? Overlay<A, B> : A) : B extends object ? B : {};

/** The type TypeScript gives `{ ...A, ...B }` (for records with index signatures, as for a type parameter: A & B). */
type Overlay<A, B> = string extends keyof A | keyof B ? A & B : Exact<A, B>;

/** B's required keys replace A's; an optional one may keep A's value. */
type Exact<A, B> = Omit<A, keyof B> &
  Omit<B, OptionalKeys<B>> & { [K in OptionalKeys<B> & keyof A]: A[K] | Exclude<B[K], undefined> } & { [K in Exclude<OptionalKeys<B>, keyof A>]?: B[K] };

type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];

export function merged<A extends object | undefined, B extends object | undefined>(base: A, overrides: B): Merged<A, B> {
  if ((base !== undefined && Object.hasOwn(base, '__proto__')) || (overrides !== undefined && Object.hasOwn(overrides, '__proto__'))) {
    // leading spread: only for a source with its own __proto__ key, which a spread keeps as data.
    return { ...base, ...overrides } as unknown as Merged<A, B>;
  }
  return Object.assign({}, base, overrides) as unknown as Merged<A, B>;
}
