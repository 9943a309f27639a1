import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatCoreShareTable,
  loadCommand,
  loadVariants,
  parseCoreShareOptions,
  summariseCoreShare,
  type CoreShareRun,
} from '../../bench/core-share-report.js';

const LOAD_SCRIPT = fileURLToPath(new URL('../../bench/duty-cycle-load.mjs', import.meta.url));

function run(variant: string, round: number, p99Ms: number, proxyCpuUsPerRequest: number, loadCoreShare = 0): CoreShareRun {
  return { round, variant, requestsPerSecond: 1000 * round, p50Ms: 0.1 * round, p99Ms, proxyCpuUsPerRequest, loadCoreShare };
}

describe('bench:core-share options', () => {
  it('defaults to three rounds of 10 s and a 10% duty cycle', () => {
    expect(parseCoreShareOptions([])).toEqual({ rounds: 3, durationSeconds: 10, warmupSeconds: 3, busyMs: 1.5, periodMs: 15, touchKb: 0, json: false });
  });

  it('reads every option', () => {
    expect(parseCoreShareOptions(['--rounds', '5', '--duration', '8', '--warmup', '2', '--busy-ms', '3', '--period-ms', '20', '--touch-kb', '4096', '--json'])).toEqual({
      rounds: 5, durationSeconds: 8, warmupSeconds: 2, busyMs: 3, periodMs: 20, touchKb: 4096, json: true,
    });
  });

  it('names the option that is wrong', () => {
    expect(() => parseCoreShareOptions(['--rounds', 'many'])).toThrow("--rounds expects a positive number, got 'many'");
    expect(() => parseCoreShareOptions(['--duration'])).toThrow("--duration expects a positive number, got ''");
    expect(() => parseCoreShareOptions(['--busy-ms', '20', '--period-ms', '10'])).toThrow('--busy-ms (20) is longer than --period-ms (10)');
    expect(() => parseCoreShareOptions(['--connections', '4'])).toThrow("unknown option '--connections'");
  });
});

describe('bench:core-share loads', () => {
  it('compares no load, an idle spinner, and the duty cycle at nice 10 and under SCHED_IDLE', () => {
    expect(loadVariants({ busyMs: 2, periodMs: 20 })).toEqual([
      { name: 'none' },
      { name: 'spin@idle', load: { policy: 'idle', busyMs: 0, periodMs: 0 } },
      { name: 'duty@nice10', load: { policy: 'nice10', busyMs: 2, periodMs: 20 } },
      { name: 'duty@idle', load: { policy: 'idle', busyMs: 2, periodMs: 20 } },
    ]);
  });

  it('adds the duty cycle writing through memory when asked', () => {
    expect(loadVariants({ busyMs: 2, periodMs: 20, touchKb: 4096 }).slice(4)).toEqual([
      { name: 'duty+4096KB@nice10', load: { policy: 'nice10', busyMs: 2, periodMs: 20, touchKb: 4096 } },
      { name: 'duty+4096KB@idle', load: { policy: 'idle', busyMs: 2, periodMs: 20, touchKb: 4096 } },
    ]);
    expect(loadCommand({ policy: 'idle', busyMs: 2, periodMs: 20, touchKb: 64 }, 'node', 'load.mjs').args.slice(-2)).toEqual(['--touch-kb', '64']);
  });

  it('runs each load under its policy through commands that exec in turn', () => {
    expect(loadCommand({ policy: 'idle', busyMs: 0, periodMs: 0 }, 'node', 'load.mjs')).toEqual({
      command: 'chrt', args: ['--idle', '0', 'node', 'load.mjs', '--busy-ms', '0', '--period-ms', '0'],
    });
    expect(loadCommand({ policy: 'nice10', busyMs: 1.5, periodMs: 15 }, 'node', 'load.mjs')).toEqual({
      command: 'nice', args: ['-n', '10', 'node', 'load.mjs', '--busy-ms', '1.5', '--period-ms', '15'],
    });
  });

  it('refuses a duty cycle it cannot keep, naming the options', () => {
    const result = spawnSync(process.execPath, [LOAD_SCRIPT, '--busy-ms', '5', '--period-ms', '2'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--busy-ms (5) is longer than --period-ms (2)');
    const bad = spawnSync(process.execPath, [LOAD_SCRIPT, '--period-ms', 'soon'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--period-ms expects a number of milliseconds >= 0, got 'soon'");
  });

  it.runIf(process.platform === 'linux').each([[[]], [['--touch-kb', '256']]])('starts, says so, and takes CPU time while it runs (%j)', async (extra: string[]) => {
    const load = spawn(process.execPath, [LOAD_SCRIPT, '--busy-ms', '2', '--period-ms', '4', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        load.stdout.once('data', (data: Buffer) => (data.toString().includes('running') ? resolve() : reject(new Error(data.toString()))));
        load.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const ticks = () => {
        const stat = readFileSync(`/proc/${load.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[11]) + Number(fields[12]);
      };
      const before = ticks();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(ticks()).toBeGreaterThan(before);
    } finally {
      load.kill('SIGKILL');
    }
  });
});

describe('bench:core-share summary', () => {
  it('takes medians per load and sets each against the proxy alone', () => {
    const variants = loadVariants({ busyMs: 1.5, periodMs: 15 });
    const summary = summariseCoreShare(variants, [
      run('none', 1, 1.0, 120), run('none', 2, 1.4, 110), run('none', 3, 1.2, 130),
      run('spin@idle', 1, 2.0, 240, 0.1), run('spin@idle', 2, 1.8, 230, 0.12), run('spin@idle', 3, 2.2, 250, 0.11),
      run('duty@nice10', 1, 1.9, 125, 0.1),
    ]);
    expect(summary.map((row) => row.variant)).toEqual(['none', 'spin@idle', 'duty@nice10', 'duty@idle']);
    expect(summary[0]).toMatchObject({ runs: 3, p99Ms: 1.2, proxyCpuUsPerRequest: 120, addedP99Ms: 0, addedCpuUsPerRequest: 0, requestsPerSecond: 2000 });
    expect(summary[1]!.addedP99Ms).toBeCloseTo(0.8);
    expect(summary[1]).toMatchObject({ runs: 3, proxyCpuUsPerRequest: 240, addedCpuUsPerRequest: 120, loadCoreShare: 0.11 });
    expect(summary[2]).toMatchObject({ runs: 1, proxyCpuUsPerRequest: 125, addedCpuUsPerRequest: 5 });
    // A load with no runs (the bench was stopped early) reads as unknown, not as zero.
    expect(summary[3]!.runs).toBe(0);
    expect(summary[3]!.p99Ms).toBeNaN();
  });

  it('prints one aligned row per load, with the added figures signed and left blank for the reference', () => {
    const variants = loadVariants({ busyMs: 1.5, periodMs: 15 }).slice(0, 2);
    const table = formatCoreShareTable(summariseCoreShare(variants, [run('none', 1, 1.1, 120), run('spin@idle', 1, 1.75, 245, 0.112)]), 0.3);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^load beside the proxy +runs +requests\/s +p50 ms +p99 ms +p99 over direct +p99 vs none +proxy CPU µs\/req +vs none +load's share of core$/);
    expect(lines[2]).toMatch(/^none +1 +1000 +0\.10 +1\.10 +0\.80 +120 +0\.0%$/);
    expect(lines[3]).toMatch(/^spin@idle +1 +1000 +0\.10 +1\.75 +1\.45 +\+0\.65 +245 +\+125 +11\.2%$/);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });
});
