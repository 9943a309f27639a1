import { describe, expect, it } from 'vitest';
import { generateVirtualKey } from './generate-virtual-key.js';
import { hashVirtualKey } from './hash-virtual-key.js';
import { virtualKeySchema, virtualKeysSchema } from './virtual-key-config.js';
import { VirtualKeyRegistry } from './virtual-key-registry.js';

const PLAIN = 'sy-plain-key-for-team-a-0123456789';
const HASHED = 'sy-hashed-key-for-team-b-987654321';

function registry() {
  const entries = virtualKeysSchema.parse([
    { name: 'team-a', key: PLAIN, workloads: ['support-triage'], limits: { requests_per_minute: 60 } },
    { name: 'team-b', key_sha256: hashVirtualKey(HASHED).toUpperCase(), models: ['open-small'] },
    { name: 'retired', key: 'sy-retired-key-0123456789', disabled: true },
  ]);
  return { entries, registry: VirtualKeyRegistry.fromConfig(entries) };
}

describe('virtual key config', () => {
  it('hashes a plain key at parse time and keeps only the digest', () => {
    const { entries } = registry();
    expect(entries[0]).toEqual({
      name: 'team-a',
      key_sha256: hashVirtualKey(PLAIN),
      workloads: ['support-triage'],
      limits: { requests_per_minute: 60 },
      disabled: false,
    });
    expect(JSON.stringify(entries)).not.toContain(PLAIN);
    expect(entries[1]!.key_sha256).toBe(hashVirtualKey(HASHED));
  });

  it('digests keys as standard SHA-256 hex, what `sha256sum` prints for a key_sha256 entry', () => {
    expect(hashVirtualKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashVirtualKey('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('requires exactly one of key and key_sha256', () => {
    const neither = virtualKeySchema.safeParse({ name: 'x' });
    expect(neither.error?.issues).toMatchObject([{ path: ['key_sha256'], message: 'expected one of key_sha256 or key' }]);
    const both = virtualKeySchema.safeParse({ name: 'x', key: PLAIN, key_sha256: hashVirtualKey(PLAIN) });
    expect(both.error?.issues).toMatchObject([{ path: ['key'], message: 'expected only one of key_sha256 or key, not both' }]);
  });

  it('rejects unknown fields, bad digests, short keys and bad limits', () => {
    const issues = (value: unknown) => virtualKeySchema.safeParse(value).error?.issues.map((issue) => [issue.path.join('.'), issue.code]);
    expect(issues({ name: 'x', key: PLAIN, model: ['typo'] })).toEqual([['', 'unrecognized_keys']]);
    expect(issues({ name: 'x', key_sha256: 'abc' })).toEqual([['key_sha256', 'invalid_format']]);
    expect(issues({ name: 'x', key: 'short' })).toEqual([['key', 'too_small']]);
    expect(issues({ name: 'x', key: PLAIN, limits: { requests_per_minute: 0, burst: 3 } })).toEqual([
      ['limits.requests_per_minute', 'too_small'],
      ['limits', 'unrecognized_keys'],
    ]);
  });

  it('rejects duplicate names and duplicate keys without printing the key', () => {
    const result = virtualKeysSchema.safeParse([
      { name: 'a', key: PLAIN },
      { name: 'a', key: 'sy-another-key-0123456789' },
      { name: 'c', key_sha256: hashVirtualKey(PLAIN) },
    ]);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(["duplicate key name 'a'", "key 'c' has the same key as an earlier entry"]);
    expect(JSON.stringify(result.error?.issues)).not.toContain(PLAIN);
  });

  it('reports short keys as short, not as duplicates of each other', () => {
    const result = virtualKeysSchema.safeParse([
      { name: 'team-a', key: 'key-a' },
      { name: 'team-b', key: 'key-b' },
    ]);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['0.key', 'expected at least 16 characters'],
      ['1.key', 'expected at least 16 characters'],
    ]);
  });
});

describe('VirtualKeyRegistry', () => {
  it('authenticates plain-configured and hash-configured keys', () => {
    const { registry: keys } = registry();
    expect(keys.authenticate(PLAIN)).toMatchObject({ name: 'team-a', limits: { requests_per_minute: 60 } });
    expect(keys.authenticate(HASHED)).toMatchObject({ name: 'team-b', limits: undefined });
    expect(keys.size).toBe(3);
  });

  it('refuses unknown, empty, near-miss and disabled keys alike', () => {
    const { registry: keys } = registry();
    expect(keys.authenticate('sy-unknown')).toBeUndefined();
    expect(keys.authenticate('')).toBeUndefined();
    expect(keys.authenticate(`${PLAIN} `)).toBeUndefined();
    expect(keys.authenticate(hashVirtualKey(PLAIN))).toBeUndefined();
    expect(keys.authenticate('sy-retired-key-0123456789')).toBeUndefined();
  });

  it('restricts workloads and direct models; absent lists allow all', () => {
    const { registry: keys } = registry();
    const teamA = keys.authenticate(PLAIN)!;
    expect(teamA.allows('support-triage')).toBe(true);
    expect(teamA.allows('contract-review')).toBe(false);
    expect(teamA.allows(undefined, 'frontier')).toBe(true);
    const teamB = keys.authenticate(HASHED)!;
    expect(teamB.allows(undefined, 'open-small')).toBe(true);
    expect(teamB.allows(undefined, 'frontier')).toBe(false);
    expect(teamB.allows('contract-review')).toBe(true);
    expect(teamB.allows('contract-review', 'frontier')).toBe(false);
  });

  it('treats an empty list as nothing allowed', () => {
    const keys = VirtualKeyRegistry.fromConfig(virtualKeysSchema.parse([{ name: 'none', key: PLAIN, workloads: [], models: [] }]));
    expect(keys.authenticate(PLAIN)!.allows('support-triage')).toBe(false);
    expect(keys.authenticate(PLAIN)!.allows(undefined, 'open-small')).toBe(false);
  });
});

describe('generateVirtualKey', () => {
  it('makes a sy- key of 32 random bytes and its SHA-256, which never contains the key', () => {
    const generated = generateVirtualKey();
    expect(generated.key).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(generated.key.slice(3), 'base64url')).toHaveLength(32);
    expect(generated.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.sha256).toBe(hashVirtualKey(generated.key));
    expect(generated.sha256).not.toContain(generated.key.slice(3, 13));
    expect(generateVirtualKey().key).not.toBe(generated.key);
    const keys = VirtualKeyRegistry.fromConfig(virtualKeysSchema.parse([{ name: 'new', key_sha256: generated.sha256 }]));
    expect(keys.authenticate(generated.key)?.name).toBe('new');
  });

  it('hashes to the documented SHA-256', () => {
    // echo -n 'abc' | sha256sum
    expect(hashVirtualKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
