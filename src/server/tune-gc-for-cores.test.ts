import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcFlagsFor } from './tune-gc-for-cores.js';

describe('gcFlagsFor', () => {
  it('scavenges on the main thread alone when the process has one core', () => {
    expect(gcFlagsFor(1, []).applied).toEqual(['--no-parallel-scavenge']);
  });

  it('keeps V8 defaults with more than one core', () => {
    expect(gcFlagsFor(2, []).applied).toEqual([]);
    expect(gcFlagsFor(16, ['--max-semi-space-size=8']).applied).toEqual([]);
  });

  it('leaves scavenger flags the operator set alone', () => {
    expect(gcFlagsFor(1, ['--parallel-scavenge']).applied).toEqual([]);
    expect(gcFlagsFor(1, ['--single-threaded-gc']).applied).toEqual([]);
    expect(gcFlagsFor(1, ['--no_parallel_scavenge']).reason).toMatch(/operator/);
  });
});

describe('tuneGcForCores', () => {
  // Runs in a child process: V8 flags are process-wide. One core is simulated by pinning it with taskset where present.
  const script = `
    import { tuneGcForCores } from ${JSON.stringify(new URL('./tune-gc-for-cores.ts', import.meta.url).href)};
    const t = tuneGcForCores();
    (await import('node:v8')).setFlagsFromString('--trace-gc-nvp'); // only the scavenges after tuning
    const keep = []; for (let i = 0; i < 2e6; i++) { const o = { a: i, b: [i] }; if (i % 100 === 0) keep.push(o); }
    console.log('TUNING ' + JSON.stringify(t));`;
  const taskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

  it.runIf(taskset)('on one core, turns off the scavenger helper threads (V8 reports no background scavenging)', () => {
    const child = spawnSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    const tuning = JSON.parse(/TUNING (.*)/.exec(child.stdout)![1]!);
    expect(tuning).toMatchObject({ cores: 1, applied: ['--no-parallel-scavenge'] });
    const scavenges = child.stdout.split('\n').filter((line) => line.includes('gc=s'));
    expect(scavenges.length).toBeGreaterThan(3);
    const background = scavenges.map((line) => Number(/background\.scavenge\.parallel=([\d.]+)/.exec(line)![1]));
    expect(background.every((ms) => ms === 0)).toBe(true);
  });
});
