import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../core/config/load-config.js';
import { startRequestLog } from './start-request-log.js';

async function configWith(requestLog: string) {
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-start-log-'));
  const text = `storage: { type: sqlite, path: ${JSON.stringify(join(directory, 'log.db'))} }\nrequest_log: { spill_directory: ${JSON.stringify(join(directory, 'spill'))}${requestLog} }\nproviders: {}\nmodels: {}\n`;
  return loadConfigText(text, join(directory, 'switchyard.yaml'), { env: {} });
}

describe('startRequestLog', () => {
  it.runIf(process.platform === 'linux')('schedules the log worker as request_log.writer_priority says: nice 10 by default, SCHED_IDLE for idle', async () => {
    const logger = pino({ level: 'silent' });
    const byDefault = await startRequestLog(await configWith(''), logger);
    const idle = await startRequestLog(await configWith(', writer_priority: idle'), logger);
    try {
      expect(byDefault.scheduling).toMatchObject({ requested: 'low', policy: 'normal', nice: 10 });
      expect(idle.scheduling).toMatchObject({ requested: 'idle', policy: 'idle' });
      // An idle worker has a starvation guard, whose yields /metrics reports; a nice-10 one has none.
      // (A count, not 0: on a loaded machine the guard may already have yielded while the worker started.)
      expect(idle.stats().workerYields).toEqual(expect.any(Number));
      expect(byDefault.stats().workerYields).toBeUndefined();
    } finally {
      await Promise.all([byDefault.close(), idle.close()]);
    }
  });

  it('refuses an unknown writer_priority, naming the field and the choices', async () => {
    await expect(configWith(', writer_priority: realtime')).rejects.toThrow(/request_log\.writer_priority.*(idle|low)/s);
  });
});
