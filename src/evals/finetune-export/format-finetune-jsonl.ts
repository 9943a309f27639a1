import type { FinetuneExample } from './select-finetune-examples.js';

/**
 * One example as a line of OpenAI's chat fine-tuning JSONL: `{"messages":[…]}` with `"tools"`
 * when the request had tools. Nothing else: fine-tuning services reject unknown keys.
 */
export function formatFinetuneLine(example: FinetuneExample): string {
  return JSON.stringify(example.tools === undefined ? { messages: example.messages } : { messages: example.messages, tools: example.tools });
}

/** The file's text: one example per line, each line ending in a newline (empty for no examples). */
export function formatFinetuneJsonl(examples: readonly FinetuneExample[]): string {
  return examples.map((example) => `${formatFinetuneLine(example)}\n`).join('');
}
