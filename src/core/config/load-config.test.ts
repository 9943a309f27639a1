import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../spec/errors.js';
import { loadConfigFile, loadConfigText } from './load-config.js';
import { describeConfig } from './resolve-config.js';
import { DEFAULT_CONFIG_YAML } from './default-config.js';
import { buildGatewayRuntime } from '../registry/gateway-runtime.js';

const MINIMAL = `providers:
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

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfigText', () => {
  it('the embedded default builds a runtime: simulated providers with data-handling terms, a routed workload', () => {
    const config = loadConfigText(DEFAULT_CONFIG_YAML, '(embedded default config)', { env: {} });
    const runtime = buildGatewayRuntime(config);
    expect(runtime.targets.get('sim-closed/frontier-large')?.chat).toBeDefined();
    expect(config.registry.factsFor('sim-closed/frontier-large')).toMatchObject({ selfHosted: false, retentionDays: 30 });
    expect(config.workloads['support-triage']?.routing?.cascade?.tiers).toEqual(['open-small', 'frontier']);
  });

  it('accepts the minimal config exactly as written, with defaults filled in', () => {
    const config = loadConfigText(MINIMAL, 'switchyard.yaml', { env: {} });
    expect(config.providers.local).toMatchObject({ type: 'openai', base_url: 'http://127.0.0.1:9100/v1', api_key: 'none' });
    expect(config.models['mock-model']!.deployments[0]).toMatchObject({ id: 'local/mock-model', provider: 'local', model: 'mock-model', weight: 1 });
    expect(config.server).toMatchObject({ max_body_bytes: 10 * 1024 * 1024, unsupported_params: 'reject' });
    expect(config.keys).toEqual([]);
    expect(config.limitsStore).toEqual({ type: 'memory' });
    expect(Object.isFrozen(config.models)).toBe(true);
  });

  it('interpolates ${ENV} secrets and ${ENV:-default}, and coerces whole numeric references', () => {
    const yaml = MINIMAL.replace('${LOCAL_KEY:-none}', '${LOCAL_KEY}') + 'server:\n  port: ${PORT:-4100}\n  admin_key: "$${literal}"\n';
    const config = loadConfigText(yaml, 'switchyard.yaml', { env: { LOCAL_KEY: 'sk-secret-value' } });
    expect(config.providers.local).toMatchObject({ api_key: 'sk-secret-value' });
    expect(config.server.port).toBe(4100);
    expect(config.server.admin_key).toBe('${literal}');
  });

  it('names the variable, file, path and line of a missing env reference, never a value', () => {
    const yaml = MINIMAL.replace('${LOCAL_KEY:-none}', '${MISSING_KEY}');
    const error = configError(() => loadConfigText(yaml, 'switchyard.yaml', { env: {} }));
    expect(error.issues).toEqual([
      expect.objectContaining({ file: 'switchyard.yaml', path: 'providers.local.api_key', line: 5, message: expect.stringContaining('MISSING_KEY') }),
    ]);
  });

  it('names the path and line of an unknown provider reference', () => {
    const yaml = MINIMAL.replace('- provider: local', '- provider: nowhere');
    const error = configError(() => loadConfigText(yaml, 'switchyard.yaml', { env: {} }));
    expect(error.issues[0]).toMatchObject({ path: 'models.mock-model.deployments[0].provider', line: 9 });
    expect(error.message).toContain("switchyard.yaml:9: models.mock-model.deployments[0].provider: unknown provider 'nowhere'; expected one of: local");
  });

  it('rejects unknown keys by name, with their line', () => {
    const yaml = MINIMAL.replace('    base_url:', '    base_ulr: x\n    base_url:');
    const error = configError(() => loadConfigText(yaml, 'cfg.yaml', { env: {} }));
    expect(error.issues[0]).toMatchObject({ path: 'providers.local.base_ulr', line: 4, message: "unknown key 'base_ulr'" });
  });

  it('reports wrong types and bad enum values with what was expected', () => {
    const yaml = `${MINIMAL}server:\n  port: "not a number"\n  unsupported_params: ignore\n`;
    const error = configError(() => loadConfigText(yaml, 'cfg.yaml', { env: {} }));
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(['server.port', 'server.unsupported_params']);
    expect(error.issues[0]!.message).toMatch(/expected number/);
    expect(error.issues[1]!.message).toMatch(/reject.*drop/);
  });

  it('reports an unknown provider type', () => {
    const error = configError(() => loadConfigText(MINIMAL.replace('type: openai', 'type: openia'), 'cfg.yaml', { env: {} }));
    expect(error.issues[0]).toMatchObject({ path: 'providers.local.type', line: 3 });
  });

  it('reports YAML syntax errors with a line', () => {
    const error = configError(() => loadConfigText('providers:\n  local: [unclosed\n', 'cfg.yaml', { env: {} }));
    // An unclosed bracket is found past the text's last line; the report stays inside the file.
    expect(error.issues[0]).toMatchObject({ line: 2, message: 'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ] (found at the end of the file)' });
    const duplicate = configError(() => loadConfigText('models: {}\nmodels: {}\n', 'cfg.yaml', { env: {} }));
    expect(duplicate.issues[0]).toMatchObject({ line: 2, message: 'YAML syntax: Map keys must be unique' });
  });

  it('reports the first YAML syntax error, counts the ones that follow, and says to quote ${…} in a flow mapping', () => {
    const error = configError(() => loadConfigText('providers:\n  a: {type: openai, base_url: "x", api_key: ${NOPE}}\nmodels: {}\n', 'cfg.yaml', { env: {} }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.line).toBe(2);
    expect(error.issues[0]!.message).toMatch(/^YAML syntax: .+; a \$\{…\} value inside \{ \} or \[ \] must be quoted, e\.g\. api_key: "\$\{KEY\}" \(and \d+ more syntax errors after it, most often caused by this one\)$/);
    // Quoted, the same line parses, and the variable is then reported as unset.
    const quoted = configError(() => loadConfigText('providers:\n  a: {type: openai, base_url: "x", api_key: "${NOPE}"}\nmodels: {}\n', 'cfg.yaml', { env: {} }));
    expect(quoted.issues[0]).toMatchObject({ line: 2, message: expect.stringContaining('environment variable NOPE is not set') });
  });

  it('never prints a secret in an error or a description', () => {
    const yaml = MINIMAL.replace('${LOCAL_KEY:-none}', 'sk-live-very-secret') + 'workloads:\n  triage:\n    route: { model: nope }\n';
    const error = configError(() => loadConfigText(yaml, 'cfg.yaml', { env: {} }));
    expect(error.message).not.toContain('sk-live-very-secret');
    expect(error.issues[0]).toMatchObject({ path: 'workloads.triage.route.model', message: expect.stringContaining("unknown model 'nope'") });
    const config = loadConfigText(MINIMAL.replace('${LOCAL_KEY:-none}', 'sk-live-very-secret'), 'cfg.yaml', { env: {} });
    expect(JSON.stringify(describeConfig(config))).not.toContain('sk-live-very-secret');
    // Credentials in a base URL (from the environment, say) are masked too; the rest of the URL is kept.
    const withUserInfo = loadConfigText(MINIMAL.replace('http://127.0.0.1:9100/v1', '${UPSTREAM_URL}'), 'cfg.yaml', { env: { UPSTREAM_URL: 'https://svc:hunter2@llm.internal.example/v1' } });
    const described = JSON.stringify(describeConfig(withUserInfo));
    expect(described).not.toContain('hunter2');
    expect(described).toContain('https://***@llm.internal.example/v1');
  });

  it('checks workloads, embedding providers, reserved names and duplicate deployment ids', () => {
    const yaml = `providers:
  claude: { type: anthropic, api_key: k }
  local: { type: vllm, base_url: "http://127.0.0.1:8000/v1" }
models:
  "workload/x": { deployments: [{ provider: local, model: m }] }
  emb: { kind: embedding, deployments: [{ provider: claude, model: e }] }
  twin: { deployments: [{ provider: local, model: m2 }, { provider: local, model: m2 }] }
workloads:
  w: { route: { model: emb, fallbacks: [missing] } }
`;
    const error = configError(() => loadConfigText(yaml, 'cfg.yaml', { env: {} }));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'models["workload/x"]',
      'models.emb.deployments[0].provider',
      'models.twin.deployments[1].id',
      'workloads.w.route.model',
      'workloads.w.route.fallbacks[0]',
    ]);
  });

  it('warns, without failing, when a hosted provider has no api key', () => {
    const config = loadConfigText('providers:\n  oai: { type: openai }\n', 'cfg.yaml', { env: {} });
    expect(config.warnings).toEqual([expect.stringContaining('providers.oai: no api_key')]);
  });

  it('requires a base_url for self-hosted servers without a default', () => {
    const error = configError(() => loadConfigText('providers:\n  x: { type: openai-compatible }\n', 'cfg.yaml', { env: {} }));
    expect(error.issues[0]).toMatchObject({ path: 'providers.x.base_url' });
  });
});

describe('loadConfigFile', () => {
  it('reads a file and names it in errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
    const file = join(directory, 'switchyard.yaml');
    await writeFile(file, MINIMAL);
    await expect(loadConfigFile(file, { env: {} })).resolves.toMatchObject({ file });
    await expect(loadConfigFile(join(directory, 'absent.yaml'))).rejects.toThrow(/absent\.yaml: \(root\): cannot read config: file not found/);
  });
});

describe('shipped configs', () => {
  it('examples/switchyard.yaml is valid with no keys set (only warnings)', async () => {
    const config = await loadConfigFile(new URL('../../../examples/switchyard.yaml', import.meta.url).pathname, { env: {} });
    expect(Object.keys(config.models)).toContain('llama-8b');
    expect(config.warnings.every((warning) => warning.includes('no api_key'))).toBe(true);
  });
});

describe('fallback rules', () => {
  const base = `providers:
  p: { type: simulated }
models:
  a: { deployments: [{ provider: p, model: a }] }
  b: { deployments: [{ provider: p, model: b }] }
`;

  it('accepts names and conditioned rules, and lets a workload inherit its model fallbacks', () => {
    const config = loadConfigText(
      base.replace('  a: { deployments: [{ provider: p, model: a }] }', '  a: { deployments: [{ provider: p, model: a }], fallbacks: [{ model: b, on: [context_length] }] }') +
        'workloads:\n  w: { route: { model: a } }\n  v: { route: { model: a, fallbacks: [b] } }\n',
      'cfg.yaml',
      { env: {} },
    );
    expect([...config.workloads.w!.fallbacks[0]!.on]).toEqual(['context_length']);
    expect(config.workloads.v!.fallbacks[0]!.on.has('rate_limit')).toBe(true);
    expect(config.workloads.v!.fallbacks[0]!.on.has('content_filter')).toBe(false);
  });

  it('rejects unknown fallback models, self-fallbacks and unknown conditions', () => {
    const error = configError(() =>
      loadConfigText(
        base.replace('  b: { deployments: [{ provider: p, model: b }] }', '  b: { deployments: [{ provider: p, model: b }], fallbacks: [b, { model: zz }] }') +
          'workloads:\n  w: { route: { model: a, fallbacks: [{ model: b, on: [sunspots] }] } }\n',
        'cfg.yaml',
        { env: {} },
      ),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['workloads.w.route.fallbacks[0].on[0]']);
    const crossRefs = configError(() =>
      loadConfigText(base.replace('  b: { deployments: [{ provider: p, model: b }] }', '  b: { deployments: [{ provider: p, model: b }], fallbacks: [b, { model: zz }] }'), 'cfg.yaml', {
        env: {},
      }),
    );
    expect(crossRefs.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['models.b.fallbacks[0]', "model 'b' cannot fall back to itself"],
      ['models.b.fallbacks[1].model', expect.stringContaining("unknown model 'zz'")],
    ]);
  });
});
