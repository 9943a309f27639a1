import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../core/config/load-config.js';
import { runCliInProcess as runCli, spawnCli } from '../../test/support/run-cli.js';
import { buildDemoConfig } from './demo-config.js';

const GOOD = `providers:
  local:
    type: openai
    base_url: http://127.0.0.1:9100/v1
    api_key: \${LOCAL_KEY:-none}
models:
  mock-model:
    deployments:
      - provider: local
        model: mock-model
`;

async function writeConfig(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'switchyard-cli-')), 'switchyard.yaml');
  await writeFile(file, text);
  return file;
}

describe('switchyard config check', () => {
  it('accepts a good config, in text and JSON', async () => {
    const file = await writeConfig(GOOD);
    const text = await runCli(['config', 'check', '--config', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 providers, 1 models, 1 deployments, 0 workloads');
    const json = await runCli(['config', 'check', '--config', file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, providers: { local: { type: 'openai', api_key: '***' } } });
  });

  it('exits non-zero naming file, line and path, and prints no secret', async () => {
    const file = await writeConfig(GOOD.replace('${LOCAL_KEY:-none}', 'sk-do-not-print').replace('- provider: local', '- provider: missing'));
    const result = await runCli(['config', 'check', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${file} invalid (1 problem)\n${file}:9: models.mock-model.deployments[0].provider: unknown provider 'missing'; expected one of: local\n`);
    expect(result.stderr + result.stdout).not.toContain('sk-do-not-print');
    const json = await runCli(['config', 'check', '--config', file, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'config_invalid', issues: [{ line: 9 }] } });
  });

  it('validates a config whose limits and cache live in Redis without needing Redis', async () => {
    // Port 1 on loopback: nothing listens there, so any attempt to connect would fail the check.
    const file = await writeConfig(`${GOOD}limits_store: { type: redis, url: redis://127.0.0.1:1 }\ncache_store: { type: redis, url: redis://127.0.0.1:1 }\n`);
    const result = await runCli(['config', 'check', '--config', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
  });

  it('uses SWITCHYARD_CONFIG and reports a missing file in one line', async () => {
    const result = await runCli(['config', 'check'], { SWITCHYARD_CONFIG: '/nonexistent/switchyard.yaml' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('/nonexistent/switchyard.yaml: (root): cannot read config: file not found');
  });
});

describe('switchyard models', () => {
  it('lists models and workloads as a table and as JSON', async () => {
    const withFallbacks = GOOD.replace('models:\n', 'models:\n  backup:\n    deployments: [{ provider: local, model: backup }]\n  spare:\n    deployments: [{ provider: local, model: spare }]\n');
    const file = await writeConfig(
      `${withFallbacks}workloads:\n  triage:\n    route: { model: mock-model, fallbacks: [backup, { model: spare, on: [rate_limit, timeout] }] }\n  plain:\n    route: { model: mock-model }\n`,
    );
    const text = await runCli(['models', '--config', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/mock-model\s+chat\s+local\/mock-model\s+openai/);
    expect(text.stdout).toMatch(/workload\/triage\s+mock-model\s+backup, spare \(on rate_limit, timeout\)\n/);
    expect(text.stdout).toMatch(/workload\/plain\s+mock-model\s+-/);
    const json = JSON.parse((await runCli(['models', '--config', file, '--json'])).stdout);
    expect(json.models).toContainEqual(expect.objectContaining({ name: 'mock-model', deployments: [expect.objectContaining({ id: 'local/mock-model', providerType: 'openai' })] }));
    expect(json.workloads).toEqual([
      { name: 'triage', model: 'mock-model', fallbacks: [{ model: 'backup', on: ['rate_limit', 'server_error', 'timeout', 'connection', 'bad_response', 'quota', 'context_length', 'circuit_open'] }, { model: 'spare', on: ['rate_limit', 'timeout'] }] },
      { name: 'plain', model: 'mock-model', fallbacks: [] },
    ]);
  });
});

describe('switchyard serve', () => {
  it('serves on --port, reloads on SIGHUP, keeps the old config when the new one is invalid', async () => {
    const file = await writeConfig(GOOD);
    const child = spawnCli(['serve', '--config', file, '--port', '0', '--host', '127.0.0.1']);
    try {
      let log = '';
      child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await expect.poll(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1], { timeout: 10_000 }).toBeTruthy();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)![1]!;
      const ids = async () => ((await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
      expect(await ids()).toEqual(['mock-model']);

      await writeFile(file, GOOD.replace('models:\n', 'models:\n  second:\n    deployments: [{ provider: local, model: second }]\n'));
      child.kill('SIGHUP');
      await expect.poll(ids, { timeout: 5000 }).toEqual(['second', 'mock-model']);

      await writeFile(file, 'providers: [');
      child.kill('SIGHUP');
      await expect.poll(() => log.includes('reload on SIGHUP rejected'), { timeout: 5000 }).toBe(true);
      expect(await ids()).toEqual(['second', 'mock-model']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});

describe('argument errors', () => {
  it('exit 1 with one line, and with --json print a JSON error on stdout', async () => {
    const text = await runCli(['config', 'check', '--bogus']);
    expect(text.code).toBe(1);
    expect(text.stderr.trim()).toBe("error: unknown option '--bogus'");
    const json = await runCli(['usage', '--json', '--by']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: { code: 'invalid_arguments', message: "option '--by <groupings>' argument missing" } });
  });

  it('leave --help and --version successful', async () => {
    const help = await runCli(['models', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: switchyard models');
    expect((await runCli(['--version'])).code).toBe(0);
  });
});

describe('switchyard demo', () => {
  it('refuses a port that is not a number, on one line', async () => {
    const result = await runCli(['demo', '--port', 'abc']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("error: invalid port 'abc'");
  });
});

describe('demo config', () => {
  it('is valid with no keys and adds every real provider whose key is set', () => {
    expect(buildDemoConfig({}).realModels).toEqual([]);
    const env = { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b', GEMINI_API_KEY: 'c', OLLAMA_HOST: 'http://127.0.0.1:11434' };
    const { yaml, realModels } = buildDemoConfig(env);
    expect(realModels).toEqual(['openai-mini', 'claude-haiku', 'gemini-flash', 'ollama-llama']);
    const config = loadConfigText(yaml, 'demo', { env });
    expect(Object.keys(config.providers)).toEqual(expect.arrayContaining(['openai', 'anthropic', 'gemini', 'ollama', 'sim-open']));
    expect(config.providers.anthropic).toMatchObject({ api_key: 'b' });
    expect(yaml).not.toContain('b\n');
  });
});
