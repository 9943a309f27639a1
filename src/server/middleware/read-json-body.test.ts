import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../spec/errors.js';
import type { GatewayEnv } from '../gateway-context.js';
import { MAX_NESTING, readJsonBody } from './read-json-body.js';
import { exchangeOf } from '../request-context.js';

/** A route that parses its body as the /v1 routes do and says what came out. */
function appReading(limitBytes = 10_000_000): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/', async (context) => context.json({ parsed: typeof (await readJsonBody(exchangeOf(context), limitBytes)) }));
  app.onError((error, context) =>
    context.json({ code: GatewayError.isInstance(error) ? error.code : 'internal', message: error.message }, GatewayError.isInstance(error) ? (error.httpStatus as 400) : 500),
  );
  return app;
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const post = (app: Hono<GatewayEnv>, body: string) => app.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('readJsonBody', () => {
  it(`accepts a body nested ${MAX_NESTING} levels deep`, async () => {
    const response = await post(appReading(), `{"tools":${nested(MAX_NESTING - 1)}}`);
    expect(response.status).toBe(200);
  });

  it('refuses a deeper body with a 400 naming the limit, even one deep enough to overflow the stack later', async () => {
    for (const depth of [MAX_NESTING + 1, 20_000]) {
      const response = await post(appReading(), `{"tools":${nested(depth)}}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'invalid_json', message: `Request body nests more than ${MAX_NESTING} levels deep.` });
    }
  });

  it('refuses malformed JSON and a body over the limit', async () => {
    expect((await post(appReading(), '{"a": [')).status).toBe(400);
    expect((await post(appReading(10), '{"model": "long enough"}')).status).toBe(413);
  });
});
