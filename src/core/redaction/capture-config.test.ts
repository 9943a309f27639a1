import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../config/load-config.js';

const base = `providers:
  a: { type: simulated }
models:
  chat:
    deployments: [{ provider: a, model: m1 }]
`;

describe('request_log.capture_payloads', () => {
  it('is off by default, with a 64 KiB cap and redaction on', () => {
    expect(loadConfigText(base, 'test.yaml', { env: {} }).requestLog.capture_payloads).toEqual({ enabled: false, max_bytes: 65_536, redact: true });
  });

  it('takes its settings and rejects unknown keys', () => {
    const on = loadConfigText(`${base}request_log: { capture_payloads: { enabled: true, max_bytes: 1024, redact: false } }\n`, 'test.yaml', { env: {} });
    expect(on.requestLog.capture_payloads).toEqual({ enabled: true, max_bytes: 1024, redact: false });
    expect(() => loadConfigText(`${base}request_log: { capture_payloads: { enabled: true, redacted: true } }\n`, 'test.yaml', { env: {} })).toThrow(/redacted/);
    expect(() => loadConfigText(`${base}request_log: { capture_payloads: { max_bytes: 0 } }\n`, 'test.yaml', { env: {} })).toThrow(/max_bytes/);
  });
});
