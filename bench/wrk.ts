/**
 * Runs wrk (the Debian package) and reads its `--latency` report: requests/s, the 50th and 99th
 * latency percentiles, the request count and the error counters.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_CLIENT_KEY } from './bench-gateway-config.js';
import { runChild } from './child-processes.js';

export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

export interface WrkRun {
  url: string;
  connections: number;
  durationSeconds: number;
  scriptFile: string;
  /** The core wrk is pinned to. */
  core: number;
}

/** A chat request as a small client would send it: one user message, a short answer expected. */
export function chatRequestBody(stream: boolean): string {
  const body: Record<string, unknown> = {
    model: 'bench-model',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello.' },
    ],
    max_tokens: 16,
    temperature: 0,
  };
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return JSON.stringify(body);
}

/** Writes the Lua script that makes wrk POST the chat body; returns its path. */
export function writeWrkScript(directory: string, stream: boolean): string {
  const file = join(directory, stream ? 'chat-stream.lua' : 'chat.lua');
  // A Lua long string keeps the JSON verbatim (it holds no `]]`).
  const script = [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["Authorization"] = "Bearer ${BENCH_CLIENT_KEY}"`,
    `wrk.body = [[${chatRequestBody(stream)}]]`,
    '',
  ].join('\n');
  writeFileSync(file, script);
  return file;
}

export function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = [
    '-c', String(run.core),
    'wrk',
    '--threads', '1',
    '--connections', String(run.connections),
    '--duration', `${run.durationSeconds}s`,
    '--timeout', '10s',
    '--latency',
    '--script', run.scriptFile,
    run.url,
  ];
  const { code, stdout, stderr } = await runChild('taskset', args);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${(stderr || stdout).trim().split('\n')[0]}`);
  return parseWrkOutput(stdout);
}

const UNIT_TO_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Converts wrk's `845.00us` / `1.23ms` / `2.01s` to milliseconds. */
export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`unrecognised wrk duration '${text}'`);
  return Number(match[1]) * UNIT_TO_MS[match[2]!]!;
}

function numberAfter(output: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(output);
  if (!match) throw new Error(`wrk output has no ${what}:\n${output}`);
  return Number(match[1]);
}

export function parseWrkOutput(output: string): WrkResult {
  const percentile = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+(\\S+)`, 'm').exec(output);
    if (!match) throw new Error(`wrk output has no ${label}% latency:\n${output}`);
    return parseWrkDuration(match[1]!);
  };
  const summary = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(output);
  if (!summary) throw new Error(`wrk output has no request summary:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(summary[1]),
    durationSeconds: parseWrkDuration(`${summary[2]}${summary[3]}`) / 1000,
    requestsPerSecond: numberAfter(output, /Requests\/sec:\s+([\d.]+)/, 'Requests/sec'),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx: /Non-2xx or 3xx responses: (\d+)/.test(output) ? numberAfter(output, /Non-2xx or 3xx responses: (\d+)/, 'non-2xx count') : 0,
    socketErrors: socket
      ? { connect: Number(socket[1]), read: Number(socket[2]), write: Number(socket[3]), timeout: Number(socket[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}

export function errorCount(result: WrkResult): number {
  const socket = result.socketErrors;
  return result.non2xx + socket.connect + socket.read + socket.write + socket.timeout;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Several runs of one scenario as one result: the median of each run's requests/s and latency
 * percentiles (a single 1-connection run's p99 swings by several milliseconds on a VM), with
 * requests, duration and errors summed.
 */
export function medianOfRuns<T extends WrkResult>(runs: T[]): WrkResult {
  if (runs.length === 0) throw new Error('medianOfRuns needs at least one run');
  const sum = (pick: (run: T) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    requests: sum((run) => run.requests),
    durationSeconds: sum((run) => run.durationSeconds),
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    non2xx: sum((run) => run.non2xx),
    socketErrors: {
      connect: sum((run) => run.socketErrors.connect),
      read: sum((run) => run.socketErrors.read),
      write: sum((run) => run.socketErrors.write),
      timeout: sum((run) => run.socketErrors.timeout),
    },
  };
}
