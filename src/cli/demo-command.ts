import type { Command } from 'commander';
import { loadConfigText } from '../core/config/load-config.js';
import { createLogger } from '../core/telemetry/create-logger.js';
import { startGateway } from '../server/start-gateway.js';
import { fail, table } from './cli-output.js';
import { buildDemoConfig } from './demo-config.js';

interface DemoRow {
  request: string;
  status: number;
  deployment: string;
  latencyMs: number;
  tokens: string;
  answer: string;
}

const SAMPLES: Array<{ label: string; model: string; prompt: string; stream?: boolean }> = [
  { label: 'workload/support-triage', model: 'workload/support-triage', prompt: 'My invoice is wrong, who do I talk to?' },
  { label: 'frontier (stream)', model: 'frontier', prompt: 'Summarise the indemnity clause.', stream: true },
  { label: 'workload/contract-review', model: 'workload/contract-review', prompt: 'Is this NDA mutual?' },
  { label: 'open-small', model: 'open-small', prompt: 'Translate "hello" to French.' },
];

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the gateway with simulated open and closed tiers (plus real providers whose keys are set) and send sample requests')
    .option('--port <port>', 'port to listen on', '4000')
    .option('--exit', 'exit after the sample requests instead of serving')
    .action(async (options: { port: string; exit?: boolean }) => {
      try {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port '${options.port}'`);
        const { yaml, realModels } = buildDemoConfig(process.env);
        const config = loadConfigText(yaml, '(demo config)');
        const gateway = await startGateway({ config, port, logger: createLogger({ level: 'warn' }) });
        const out = process.stdout;
        out.write(`Switchyard demo on ${gateway.url} — simulated models are labelled [simulated …]\n`);
        out.write(realModels.length > 0 ? `Real providers found in the environment: ${realModels.join(', ')}\n\n` : 'No provider keys set: simulated tiers only.\n\n');
        const samples = [...SAMPLES, ...realModels.map((model) => ({ label: model, model, prompt: 'Say hello in five words.' }))];
        const rows: DemoRow[] = [];
        for (const sample of samples) {
          rows.push(await sendSample(gateway.url, sample));
          out.write(`  sent ${sample.label}\n`);
        }
        out.write(
          `\n${table(
            ['REQUEST', 'STATUS', 'DEPLOYMENT', 'LATENCY', 'TOKENS IN/OUT', 'ANSWER'],
            rows.map((row) => [row.request, String(row.status), row.deployment, `${row.latencyMs} ms`, row.tokens, row.answer]),
          )}\n\n`,
        );
        if (options.exit) {
          await gateway.close();
          return;
        }
        out.write(
          `Try it yourself (Ctrl-C to stop):\n  curl ${gateway.url}/v1/chat/completions -H 'content-type: application/json' \\\n` +
            `    -d '{"model":"workload/support-triage","messages":[{"role":"user","content":"hi"}]}'\n` +
            `  or point any OpenAI SDK at baseURL ${gateway.url}/v1\n`,
        );
        process.once('SIGINT', () => void gateway.close().then(() => process.exit(0)));
      } catch (error) {
        fail(error, false);
      }
    });
}

async function sendSample(url: string, sample: { label: string; model: string; prompt: string; stream?: boolean }): Promise<DemoRow> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: sample.model,
      messages: [{ role: 'user', content: sample.prompt }],
      max_tokens: 60,
      ...(sample.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  const deployment = response.headers.get('x-switchyard-deployment') ?? '-';
  let answer = '';
  let tokens = '-';
  if (!response.ok) {
    answer = ((await response.json()) as { error?: { message?: string } }).error?.message ?? 'error';
  } else if (sample.stream) {
    const text = await response.text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice(6)) as { choices: Array<{ delta?: { content?: string } }>; usage?: { prompt_tokens: number; completion_tokens: number } };
      answer += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) tokens = `${chunk.usage.prompt_tokens}/${chunk.usage.completion_tokens}`;
    }
  } else {
    const body = (await response.json()) as { choices: Array<{ message: { content: string | null } }>; usage: { prompt_tokens: number; completion_tokens: number } };
    answer = body.choices[0]?.message.content ?? '';
    tokens = `${body.usage.prompt_tokens}/${body.usage.completion_tokens}`;
  }
  return {
    request: sample.label,
    status: response.status,
    deployment,
    latencyMs: Math.round(performance.now() - started),
    tokens,
    answer: answer.length > 48 ? `${answer.slice(0, 47)}…` : answer,
  };
}
