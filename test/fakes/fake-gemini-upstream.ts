import type { ServerResponse } from 'node:http';
import { createTestServer, sse, type RecordedRequest, type TestServer } from '../support/create-test-server.js';

/**
 * A fake Gemini API: `:generateContent` as JSON and `:streamGenerateContent?alt=sse` as SSE frames of
 * GenerateContentResponse, with a functionCall when function calling is forced.
 * @see https://ai.google.dev/api/generate-content
 */
export async function createFakeGeminiUpstream(): Promise<TestServer> {
  const server = await createTestServer();
  server.setDefault('/v1beta/models/*', { type: 'handler', handle: answerGenerate });
  return server;
}

interface GenerateBody {
  contents: Array<{ role: string; parts: Array<{ text?: string }> }>;
  tools?: Array<{ functionDeclarations?: Array<{ name: string }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
}

function answerGenerate(request: RecordedRequest, response: ServerResponse): void {
  if (request.path.endsWith(':batchEmbedContents')) {
    const body = request.body as { requests: unknown[] };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ embeddings: body.requests.map((_, index) => ({ values: [index, 0.5, 0.25] })) }));
    return;
  }
  const body = request.body as GenerateBody;
  const model = /models\/([^:]+):/.exec(request.path)?.[1] ?? 'unknown';
  const lastUser = [...body.contents].reverse().find((content) => content.role === 'user');
  const text = `Echo: ${lastUser?.parts.map((part) => part.text ?? '').join('') ?? ''}`;
  const mode = body.toolConfig?.functionCallingConfig?.mode;
  const functionName = mode === 'ANY' ? (body.toolConfig?.functionCallingConfig?.allowedFunctionNames?.[0] ?? body.tools?.[0]?.functionDeclarations?.[0]?.name) : undefined;
  const usageMetadata = { promptTokenCount: 11, candidatesTokenCount: 4, totalTokenCount: 15, cachedContentTokenCount: 3 };
  const parts = functionName ? [{ functionCall: { name: functionName, args: { city: 'Paris' } } }] : [{ text }];
  const frame = (frameParts: unknown[], finish?: string) => ({
    candidates: [{ content: { role: 'model', parts: frameParts }, index: 0, ...(finish ? { finishReason: finish } : {}) }],
    ...(finish ? { usageMetadata } : {}),
    modelVersion: `${model}-001`,
    responseId: 'resp_fake',
  });
  if (request.path.endsWith(':generateContent')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(frame(parts, 'STOP')));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  if (functionName) {
    response.end(sse(frame(parts, 'STOP')));
    return;
  }
  const pieces = text.match(/.{1,6}/gs) ?? [];
  response.end(pieces.map((piece, index) => sse(frame([{ text: piece }], index === pieces.length - 1 ? 'STOP' : undefined))).join(''));
}
