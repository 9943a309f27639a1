import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { threadNote } from '../../bench/overhead-report.js';
import { addThreadSchedules, readThreadSnapshot, threadScheduleBetween } from '../../bench/thread-schedule.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fake /proc with one process and the given threads' schedstat lines. */
function fakeProc(pid: number, threads: Record<number, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-fake-proc-'));
  roots.push(root);
  for (const [tid, schedstat] of Object.entries(threads)) {
    mkdirSync(join(root, String(pid), 'task', tid), { recursive: true });
    writeFileSync(join(root, String(pid), 'task', tid, 'schedstat'), `${schedstat}\n`);
  }
  return root;
}

describe('per-thread scheduling (bench)', () => {
  it('reads each thread and splits the request thread from the others, counting new threads from zero', () => {
    const before = readThreadSnapshot(100, fakeProc(100, { 100: '2000000000 50000000 900', 101: '10000000 9000000 40' }));
    const after = readThreadSnapshot(100, fakeProc(100, { 100: '5000000000 80000000 1900', 101: '30000000 19000000 90', 102: '4000000 1000000 3' }));
    expect(before.get(100)).toEqual({ cpuMs: 2000, runQueueWaitMs: 50 });
    const delta = threadScheduleBetween(100, before, after);
    expect(delta.requestThread).toEqual({ cpuMs: 3000, runQueueWaitMs: 30 });
    expect(delta.otherThreads).toEqual({ cpuMs: 24, runQueueWaitMs: 11 });
    expect(addThreadSchedules([delta, delta]).requestThread).toEqual({ cpuMs: 6000, runQueueWaitMs: 60 });
  });

  it('names the file when a line is not what the kernel writes, and when the process is gone', () => {
    const root = fakeProc(7, { 7: 'not numbers' });
    expect(() => readThreadSnapshot(7, root)).toThrow(`${join(root, '7', 'task', '7', 'schedstat')}: expected`);
    expect(() => readThreadSnapshot(8, root)).toThrow(/ENOENT/);
  });

  it('reports per-request figures in the summary note, and nothing without them', () => {
    const gateway = { requests: 1000, threads: { requestThread: { cpuMs: 250, runQueueWaitMs: 12 }, otherThreads: { cpuMs: 30, runQueueWaitMs: 80 } } };
    const note = threadNote({ gateway } as never);
    expect(note).toContain('waited 12.0 µs per request');
    expect(note).toContain('ran 250.0 µs');
    expect(note).toContain('other threads (request-log worker, V8 helpers) ran 30.0 µs');
    expect(threadNote({ gateway: { requests: 1000, threads: undefined } } as never)).toBeUndefined();
  });

  it('reads this very process on Linux', () => {
    if (process.platform !== 'linux') return;
    const snapshot = readThreadSnapshot(process.pid);
    expect(snapshot.get(process.pid)!.cpuMs).toBeGreaterThan(0);
  });
});
