/**
 * The bench's child processes (upstream, gateway, wrk): started pinned to a core, tracked so every
 * one is killed on exit or Ctrl-C, and measured through /proc for CPU time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();

/** Kills every child still running (by its own pid). Safe to call more than once. */
export function killAllChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  running.clear();
}

let cleanupInstalled = false;

/** Kills the children when the bench exits, however it exits. */
export function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => killAllChildren());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\ninterrupted (${signal}); stopping child processes\n`);
      killAllChildren();
      process.exit(130);
    });
  }
}

export interface LongRunningChild {
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote to stderr so far (for error messages). */
  stderr(): string;
  /** The tail of what the process wrote to stdout. */
  stdout(): string;
  /** Rejects when the process exits before `stop()` is called. */
  exited: Promise<never>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `command` pinned to `core` with taskset. taskset execs the command, so the pid is the
 * command's own (what /proc CPU accounting needs).
 */
export function startPinned(core: number, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; name: string }): LongRunningChild {
  const child = spawn('taskset', ['-c', String(core), command, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderrText = '';
  let stdoutText = '';
  child.stderr!.on('data', (data: Buffer) => {
    stderrText = (stderrText + data.toString('utf8')).slice(-4000);
  });
  // Always drained: a child blocked on a full stdout pipe (its logger) would be measured, not the gateway.
  child.stdout!.on('data', (data: Buffer) => {
    stdoutText = (stdoutText + data.toString('utf8')).slice(-4000);
  });
  let stopping = false;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`${options.name} failed to start: ${error.message}`)));
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!stopping) {
        const last = stderrText.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${options.name} exited unexpectedly (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`));
      }
    });
  });
  exited.catch(() => undefined);
  if (child.pid === undefined) throw new Error(`${options.name} failed to start`);
  return {
    child,
    pid: child.pid,
    stderr: () => stderrText,
    stdout: () => stdoutText,
    exited,
    stop(signal = 'SIGTERM') {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill(signal);
      });
    },
  };
}

/** Runs a command to completion and collects its output; it is killed with the rest on Ctrl-C. */
export function runChild(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (data: Buffer) => (stdout += data.toString('utf8')));
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString('utf8')));
    child.once('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the first stdout line matching `pattern` (its first capture group). */
export function waitForLine(process: LongRunningChild, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr: ${process.stderr().trim()}`)), timeoutMs);
    const onData = (data: Buffer) => {
      buffered += data.toString('utf8');
      const match = pattern.exec(buffered);
      if (match) {
        clearTimeout(timer);
        process.child.stdout!.off('data', onData);
        resolve(match[1] ?? match[0]);
      }
    };
    process.child.stdout!.on('data', onData);
    process.exited.catch((error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A port free right now on loopback (the gateway CLI needs one up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat CPU times. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(result.stdout?.trim());
    clockTicks = Number.isInteger(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

/** User + system CPU time a process has used so far, in milliseconds. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

/** Polls a URL until it answers 200. */
export async function waitForHealthy(url: string, timeoutMs: number, exited: Promise<never>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  let failed: unknown;
  exited.catch((error: unknown) => (failed = error));
  while (Date.now() < deadline) {
    if (failed) throw failed;
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${lastError})`);
}

/**
 * Time one core spent busy (user, system, interrupts, and time stolen by the hypervisor), in
 * milliseconds, from /proc/stat. Compared with the gateway's own CPU time it shows how much else
 * ran on the gateway's core during a run: other work there skews latency and throughput.
 */
export function coreBusyMs(core: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`cpu${core} `));
  if (!line) throw new Error(`/proc/stat has no line for cpu${core}`);
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const ticks = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return (ticks * 1000) / clockTicksPerSecond();
}
