import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { currentThreadId, registerThreadSchedulingMetrics } from './thread-scheduling-metrics.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fake /proc/<pid>/task tree; `write` sets a thread's schedstat line. */
function fakeProc(pid: number) {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-fake-proc-'));
  roots.push(root);
  const write = (tid: number, line: string) => {
    mkdirSync(join(root, String(pid), 'task', String(tid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'task', String(tid), 'schedstat'), `${line}\n`);
  };
  return { root, write };
}

const value = (text: string, metric: string, thread: string) => {
  const match = new RegExp(`^${metric}\\{thread="${thread}"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
};

describe('thread scheduling metrics', () => {
  it("reports each thread's CPU and run-queue wait in seconds, as the kernel's totals at each scrape", async () => {
    const proc = fakeProc(40);
    proc.write(40, '2500000000 120000000 9000');
    proc.write(41, '300000000 900000000 800');
    const registry = new Registry();
    registerThreadSchedulingMetrics(registry, {
      procRoot: proc.root,
      pid: 40,
      threads: () => [
        { name: 'request', threadId: 40 },
        { name: 'request_log_worker', threadId: 41 },
        { name: 'gone', threadId: 42 },
      ],
    });
    const first = await registry.metrics();
    expect(value(first, 'switchyard_thread_cpu_seconds_total', 'request')).toBe(2.5);
    expect(value(first, 'switchyard_thread_wait_seconds_total', 'request')).toBe(0.12);
    expect(value(first, 'switchyard_thread_cpu_seconds_total', 'request_log_worker')).toBe(0.3);
    expect(value(first, 'switchyard_thread_wait_seconds_total', 'request_log_worker')).toBe(0.9);
    // A thread whose file cannot be read is left out, not reported as zero.
    expect(first).not.toContain('thread="gone"');

    proc.write(40, '4000000000 125000000 9900');
    await new Promise((resolve) => setImmediate(resolve));
    const second = await registry.metrics();
    // The kernel's running total, not added to the last scrape's.
    expect(value(second, 'switchyard_thread_cpu_seconds_total', 'request')).toBe(4);
    expect(value(second, 'switchyard_thread_wait_seconds_total', 'request')).toBe(0.125);
  });

  it('leaves out a line that is not what the kernel writes', async () => {
    const proc = fakeProc(50);
    proc.write(50, 'garbage');
    const registry = new Registry();
    registerThreadSchedulingMetrics(registry, { procRoot: proc.root, pid: 50, threads: () => [{ name: 'request', threadId: 50 }] });
    expect(await registry.metrics()).not.toContain('thread="request"');
  });

  it('finds the calling thread on Linux, and nothing without /proc', async () => {
    if (process.platform === 'linux') expect(await currentThreadId()).toBeGreaterThan(0);
    expect(await currentThreadId(fakeProc(1).root)).toBeUndefined();
  });
});
