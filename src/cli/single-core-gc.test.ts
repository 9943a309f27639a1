import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GC_HELPERS_ENV, ONE_CPU_GC_FLAGS, tuneGcForOneCpu } from './single-core-gc.js';

describe('tuneGcForOneCpu', () => {
  const run = (cpus: number, env: NodeJS.ProcessEnv = {}) => {
    const set: string[] = [];
    const returned = tuneGcForOneCpu({ cpus, env, setFlag: (flag) => set.push(flag) });
    return { set, returned };
  };

  it('turns off the GC helper threads when the process has one CPU', () => {
    expect(run(1)).toEqual({ set: [...ONE_CPU_GC_FLAGS], returned: [...ONE_CPU_GC_FLAGS] });
  });

  it('leaves V8 alone with more CPUs, or when asked to keep the helpers', () => {
    expect(run(2)).toEqual({ set: [], returned: [] });
    expect(run(1, { [GC_HELPERS_ENV]: 'on' })).toEqual({ set: [], returned: [] });
  });

  it("sets flags this node's V8 accepts at run time (a process survives collections under them)", () => {
    // A child process, so this worker's V8 keeps its own settings.
    const script = `import('${new URL('./single-core-gc.ts', import.meta.url).href}').then(({ tuneGcForOneCpu }) => {
      const flags = tuneGcForOneCpu({ cpus: 1, env: {} });
      let keep = [];
      for (let round = 0; round < 200000; round++) { keep.push(new ArrayBuffer(64)); if (keep.length > 1000) keep = []; }
      process.stdout.write(JSON.stringify(flags));
    })`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--max-semi-space-size=1', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).not.toMatch(/unknown|error/i);
    expect(JSON.parse(child.stdout)).toEqual([...ONE_CPU_GC_FLAGS]);
  });
});
