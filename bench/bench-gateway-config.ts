import { join } from 'node:path';

/** The client key the bench gateway accepts (the wrk scripts send it). */
export const BENCH_CLIENT_KEY = 'bench-client-key-0000001';

/**
 * The gateway configuration every overhead bench measures: one OpenAI provider pointed at the
 * zero-latency upstream, the request log on a fresh SQLite file in `directory` (a database grown by
 * earlier runs would make inserts, and so the figures, depend on history), metrics and costing on,
 * as `npm start` runs. `extra` lines are appended; `requestLogFields` are added to the `request_log`
 * mapping (e.g. `writer_priority: idle` or `enabled: false` in bench:tail).
 */
export function benchGatewayConfig(upstreamPort: number, directory: string, extra: string[] = [], requestLogFields: string[] = []): string {
  return `# Written by the bench: one OpenAI provider pointed at the zero-latency upstream.
storage: { type: sqlite, path: ${JSON.stringify(join(directory, 'log.db'))} }
request_log: { ${[`spill_directory: ${JSON.stringify(join(directory, 'spill'))}`, ...requestLogFields].join(', ')} }
keys:
  - { name: bench, key: ${BENCH_CLIENT_KEY} }
providers:
  bench-upstream: { type: openai, base_url: "http://127.0.0.1:${upstreamPort}/v1", api_key: bench-upstream-key }
models:
  bench-model:
    deployments:
      - { provider: bench-upstream, model: bench-model }
${extra.join('\n')}
`;
}
