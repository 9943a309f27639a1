/**
 * A stand-in for background work that shares a server's core: every `--period-ms` it takes
 * `--busy-ms` of CPU time (however long the scheduler makes that take) and then sleeps until the
 * next period, or it spins all the time with `--period-ms 0`. Like the request log's worker, it has
 * a fixed amount of work to get through, so a busy core delays it rather than shrinking it. By
 * default it does nothing with memory, so what it costs a server beside it is the core's sharing
 * alone — the scheduler's switches and wake-ups — not cache; with `--touch-kb <n>` its busy time
 * writes through a buffer of that size instead, as a worker sweeping its heap and page cache would.
 * bench/core-share.ts runs it under a chosen priority.
 *
 * Usage: node bench/duty-cycle-load.mjs --busy-ms <ms> --period-ms <ms> [--touch-kb <n>]; prints
 * `running` once started.
 * Plain JavaScript, so it starts without a TypeScript loader.
 */
function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`${name} expects a number of milliseconds >= 0, got '${process.argv[index + 1]}'\n`);
    process.exit(2);
  }
  return value;
}

const busyMs = option('--busy-ms', 1);
const periodMs = option('--period-ms', 0);
const touchBytes = Math.round(option('--touch-kb', 0) * 1024);
if (periodMs > 0 && busyMs > periodMs) {
  process.stderr.write(`--busy-ms (${busyMs}) is longer than --period-ms (${periodMs})\n`);
  process.exit(2);
}
process.stdout.write('running\n');

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
// Atomics.wait sleeps the thread without an event loop turn, so the period is kept precisely.
const cell = new Int32Array(new SharedArrayBuffer(4));
let spins = 0;
const memory = touchBytes > 0 ? Buffer.alloc(touchBytes) : undefined;
let offset = 0;
/** One slice of busy work: plain spinning, or writing the next 4 KB of the buffer (one cache line in 64 bytes each). */
const work = memory
  ? () => {
      for (let line = 0; line < 4096; line += 64) memory[(offset + line) % touchBytes] = spins++;
      offset = (offset + 4096) % touchBytes;
    }
  : () => {
      for (let spin = 0; spin < 4096; spin++) spins += 1;
    };
const slicesPerCheck = memory ? 4 : 1;
let periodStart = performance.now();
for (;;) {
  const cpuAtStart = cpuMs();
  // Reading the CPU clock is a system call: check it every few thousand spins (~10 µs).
  while (periodMs === 0 || cpuMs() - cpuAtStart < busyMs) for (let slice = 0; slice < slicesPerCheck; slice++) work();
  periodStart += periodMs;
  const rest = periodStart - performance.now();
  if (rest > 0) Atomics.wait(cell, 0, 0, rest);
  else periodStart = performance.now();
}
