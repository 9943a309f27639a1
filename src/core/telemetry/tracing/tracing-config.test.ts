import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../config/load-config.js';

describe('telemetry.tracing config', () => {
  it('is off by default, with the local collector as endpoint', () => {
    expect(loadConfigText('providers: {}\n', 'test.yaml', { env: {} }).telemetry?.tracing).toEqual({
      enabled: false,
      otlp_endpoint: 'http://127.0.0.1:4318/v1/traces',
      service_name: 'switchyard',
      headers: {},
      sample_ratio: 1,
    });
  });

  it('takes every setting, with env interpolation in headers', () => {
    const config = loadConfigText(
      'telemetry:\n  tracing: { enabled: true, otlp_endpoint: "https://otel.example/v1/traces", service_name: edge, sample_ratio: 0.25, headers: { x-key: "${OTEL_KEY}" } }\n',
      'test.yaml',
      { env: { OTEL_KEY: 'k-1' } },
    );
    expect(config.telemetry?.tracing).toEqual({ enabled: true, otlp_endpoint: 'https://otel.example/v1/traces', service_name: 'edge', sample_ratio: 0.25, headers: { 'x-key': 'k-1' } });
  });

  it.each([
    ['telemetry: { tracing: { enabled: true, endpoint: "http://x" } }', 'endpoint'],
    ['telemetry: { tracing: { sample_ratio: 1.5 } }', 'sample_ratio'],
    ['telemetry: { tracing: { otlp_endpoint: "grpc://x:4317" } }', 'otlp_endpoint'],
  ])('rejects %s', (yaml, path) => {
    expect(() => loadConfigText(`${yaml}\n`, 'test.yaml', { env: {} })).toThrow(path);
  });
});
