/**
 * The reference the issue compares against: a bare keep-alive reverse proxy in plain Node, about
 * twenty lines, that forwards every request to the upstream and pipes the answer back — no
 * parsing, no routing, no recording. bench/overhead.ts pins it to the gateway's core and measures
 * it beside the gateway, so the table shows what any Node proxy costs on this machine (its latency
 * tail included) next to what the gateway adds on top.
 *
 * Usage: node --import tsx bench/bare-proxy.ts --upstream <port> [--port <port>] [--spin-us <µs>];
 * prints `listening <port>`. `--spin-us` makes it burn that much CPU per request before forwarding,
 * to see how the one-connection tail on this machine moves with a server's CPU per request alone.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

function portFlag(name: string, fallback?: number): number {
  const index = process.argv.indexOf(name);
  const port = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name} expects a port, got '${process.argv[index + 1]}'`);
  return port;
}

const upstreamPort = portFlag('--upstream');
const spinIndex = process.argv.indexOf('--spin-us');
const spinMs = spinIndex === -1 ? 0 : Number(process.argv[spinIndex + 1]) / 1000;
if (!Number.isFinite(spinMs) || spinMs < 0) throw new Error(`--spin-us expects microseconds >= 0, got '${process.argv[spinIndex + 1]}'`);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const server = createServer((incoming, outgoing) => {
  if (spinMs > 0) for (const start = performance.now(); performance.now() - start < spinMs; );
  const forwarded = request({ host: '127.0.0.1', port: upstreamPort, method: incoming.method, path: incoming.url, headers: incoming.headers, agent }, (answer) => {
    outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(outgoing);
  });
  forwarded.on('error', () => outgoing.writeHead(502).end());
  incoming.pipe(forwarded);
});
server.keepAliveTimeout = 120_000;
server.listen(portFlag('--port', 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
