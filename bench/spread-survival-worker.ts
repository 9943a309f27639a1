/**
 * Child of bench/spread-survival.ts (run with --trace-gc-nvp): builds short-lived objects one way,
 * in batches separated by event-loop turns as requests are, and prints its time per object.
 */
import { merged } from '../src/spec/merged.js';

export const FORMS = {
  'spread, then fields': (base: Record<string, unknown>, i: number) => ({ ...base, index: i, tag: 'x' }),
  'spread, then spread': (base: Record<string, unknown>, i: number) => ({ ...base, ...{ index: i } }),
  'field, then spread': (base: Record<string, unknown>, i: number) => ({ index: i, tag: 'x', ...base }),
  'lone spread': (base: Record<string, unknown>) => ({ ...base }),
  'Object.assign': (base: Record<string, unknown>, i: number) => Object.assign({}, base, { index: i, tag: 'x' }),
  'merged()': (base: Record<string, unknown>, i: number) => merged(base, { index: i, tag: 'x' }),
} as const;

export type Form = keyof typeof FORMS;

const BATCH = 2_000;

function main(form: Form, objects: number): void {
  const build = FORMS[form];
  let sink: unknown;
  let built = 0;
  const started = process.hrtime.bigint();
  const batch = () => {
    for (let i = 0; i < BATCH; i++) {
      // A fresh source each time, as a request's own objects are.
      const base = { id: `r${built}`, model: 'm', stream: true, attempt: built & 3 };
      sink = build(base, built++);
    }
    if (built < objects) setImmediate(batch);
    else {
      const nanoseconds = Number(process.hrtime.bigint() - started);
      process.stdout.write(`${JSON.stringify({ form, objects: built, nsPerObject: nanoseconds / built, kept: sink !== undefined })}\n`);
    }
  };
  batch();
}

if (process.argv[2] === '--form') main(process.argv[3] as Form, Number(process.argv[4]));
