import { z } from 'zod';
import { isJsonRecord, isNullish, isNullishBoolean, isNullishString, isNumberArray, isRecordOfNullishNumbers } from '../../provider-utils/json-shape-checks.js';
import type { JsonObject } from '../../spec/chat-call.js';

/**
 * Wire types for the Gemini API (generativelanguage.googleapis.com, v1beta). Request types are
 * plain TypeScript (we build them); response schemas are loose zod schemas holding only the fields
 * we read, so new API fields and part types never break old gateways.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** One part of a content, in the request. @see https://ai.google.dev/api/caching#Part */
export type GeminiRequestPart =
  | { text: string; thought?: boolean; thoughtSignature?: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: { id?: string; name: string; args: JsonObject }; thoughtSignature?: string }
  | { functionResponse: { id?: string; name: string; response: JsonObject } };

/** @see https://ai.google.dev/api/caching#Content */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

/** @see https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: JsonObject;
}

/** @see https://ai.google.dev/api/caching#FunctionCallingConfig */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

/** @see https://ai.google.dev/api/generate-content#generationconfig */
export interface GeminiGenerationConfig {
  candidateCount?: number;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: JsonObject;
  responseLogprobs?: boolean;
  logprobs?: number;
  thinkingConfig?: Record<string, unknown>;
}

/** @see https://ai.google.dev/api/generate-content#request-body */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  generationConfig: GeminiGenerationConfig;
  safetySettings?: Array<{ category: string; threshold: string }>;
  cachedContent?: string;
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/**
 * Usage is a loose object so `Usage.raw` keeps everything Gemini reported (modality details, …).
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export const geminiUsageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
});

export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;

/**
 * Every part kind is one optional field of the same object, so unknown kinds (inlineData,
 * executableCode, …) validate as an object with none of the fields we read.
 */
const responsePartSchema = z.object({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: z
    .object({
      id: z.string().nullish(),
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});

export type GeminiResponsePart = z.infer<typeof responsePartSchema>;

const logprobsCandidateSchema = z.object({
  token: z.string().nullish(),
  logProbability: z.number().nullish(),
});

/** @see https://ai.google.dev/api/generate-content#LogprobsResult */
export const geminiLogprobsResultSchema = z.object({
  chosenCandidates: z.array(logprobsCandidateSchema).nullish(),
  topCandidates: z.array(z.object({ candidates: z.array(logprobsCandidateSchema).nullish() })).nullish(),
});

export type GeminiLogprobsResult = z.infer<typeof geminiLogprobsResultSchema>;

const candidateSchema = z.object({
  content: z.object({ parts: z.array(responsePartSchema).nullish() }).nullish(),
  finishReason: z.string().nullish(),
  logprobsResult: geminiLogprobsResultSchema.nullish(),
});

/**
 * A GenerateContentResponse: the whole answer of `generateContent`, and also each SSE frame of
 * `streamGenerateContent?alt=sse`. Candidates are absent when the prompt was blocked, and in some
 * stream frames that carry only usage.
 */
export const geminiGenerateContentResponseSchema = z.object({
  candidates: z.array(candidateSchema).nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: geminiUsageMetadataSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

export type GeminiGenerateContentResponse = z.infer<typeof geminiGenerateContentResponseSchema>;

const USAGE_METADATA_FIELDS = ['promptTokenCount', 'candidatesTokenCount', 'thoughtsTokenCount', 'cachedContentTokenCount', 'totalTokenCount'] as const;

/**
 * The shape of almost every answer and stream frame: candidates of text and thought parts without
 * logprobs, with usage (function calls and logprobs go to the schema). What passes is used as parsed (the schema would walk it and
 * copy every object, per request and per frame); it accepts nothing the schema rejects, and
 * everything else, with every error message, is the schema's.
 */
export function isPlainGeminiResponse(value: unknown): value is GeminiGenerateContentResponse {
  if (!isJsonRecord(value) || !isNullishString(value.modelVersion) || !isNullishString(value.responseId)) return false;
  const { promptFeedback, usageMetadata, candidates } = value;
  if (!isNullish(promptFeedback) && !(isJsonRecord(promptFeedback) && isNullishString(promptFeedback.blockReason))) return false;
  if (!isNullish(usageMetadata) && !isRecordOfNullishNumbers(usageMetadata, USAGE_METADATA_FIELDS)) return false;
  if (isNullish(candidates)) return true;
  if (!Array.isArray(candidates)) return false;
  for (const candidate of candidates as unknown[]) {
    if (!isJsonRecord(candidate) || !isNullishString(candidate.finishReason) || !isNullish(candidate.logprobsResult)) return false;
    const content = candidate.content;
    if (isNullish(content)) continue;
    if (!isJsonRecord(content)) return false;
    if (isNullish(content.parts)) continue;
    if (!Array.isArray(content.parts)) return false;
    for (const part of content.parts as unknown[]) {
      if (!isJsonRecord(part) || !isNullishString(part.text) || !isNullishBoolean(part.thought) || !isNullishString(part.thoughtSignature)) return false;
      // Function calls, whose `args` the schema checks as a record, are left to it.
      if (!isNullish(part.functionCall)) return false;
    }
  }
  return true;
}

/** @see https://ai.google.dev/api/embeddings#response-body_2 */
export const geminiBatchEmbedResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

/** A batch of float vectors, read but not copied (see `isNumberArray`). */
export function isPlainGeminiEmbedResponse(value: unknown): value is z.infer<typeof geminiBatchEmbedResponseSchema> {
  if (!isJsonRecord(value) || !Array.isArray(value.embeddings)) return false;
  for (const embedding of value.embeddings as unknown[]) {
    if (!isJsonRecord(embedding) || !isNumberArray(embedding.values)) return false;
  }
  return true;
}

/**
 * Google's error envelope (google.rpc.Status). `details` may hold a RetryInfo with the delay the
 * quota system asks for, or an ErrorInfo with a machine-readable `reason`.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export const geminiErrorBodySchema = z.object({
  error: z.object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z
      .array(
        z.object({
          '@type': z.string().nullish(),
          retryDelay: z.string().nullish(),
          reason: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
});

export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;
