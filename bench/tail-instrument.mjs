// Loaded into the gateway by bench/tail-latency.ts (`node --import`): records when each request
// started and how long it took (from node's 'request' event to the response's 'finish') and every GC
// (perf_hooks), on the monotonic clock, and writes them to $TAIL_TIMELINE on SIGUSR2.
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const gcs = [];
const requests = [];
// performance.now() counts from the process's time origin; the client logs CLOCK_MONOTONIC.
const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push([entry.startTime + offsetMs, entry.duration, entry.detail?.kind ?? 0]);
}).observe({ entryTypes: ['gc'] });
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === 'request') {
    const started = performance.now();
    response.once('finish', () => requests.push([started + offsetMs, performance.now() - started]));
  }
  return emit.apply(this, arguments);
};
process.on('SIGUSR2', () => {
  writeFileSync(process.env.TAIL_TIMELINE, JSON.stringify({ gcs, requests }));
  process.stdout.write('timeline written\n');
});
