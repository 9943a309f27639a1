/**
 * `npm run bench:redaction`: what payload redaction costs per request, in µs.
 *
 * Redacts typical captured payloads (a short chat turn, a long RAG prompt, a prompt full of
 * personal data and keys, a JSON request with tools) many times after a warm-up, and prints the
 * median and best microseconds per call and the throughput in MB/s. Redaction runs off the request
 * path (in the request recorder), so this is CPU per captured request, not added latency.
 *
 * Options: --iterations <n> (2000)  --runs <n> (7)
 */
import { redactText, redactValue } from '../src/core/redaction/redactor.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const iterations = argument('iterations', 2000);
const runs = argument('runs', 7);

const paragraph =
  'The quarterly report shows revenue grew 12% to $4.2M, driven by the EMEA region (see table 3, rows 14-22). ' +
  'Churn fell from 3.1% to 2.4% after the onboarding changes shipped on 2024-03-18 in version 2.7.1. ';
const shortTurn = 'Can you summarise the attached meeting notes in three bullet points and suggest a follow-up date?';
const ragPrompt = `Answer using only the context below.\n\n${paragraph.repeat(40)}\n\nQuestion: what drove the revenue growth?`;
const personalData =
  'Hi, I am Jane Doe (jane.doe@example.com, +44 20 7946 0958). My card 4111 1111 1111 1111 was charged twice; ' +
  'refund to GB82 WEST 1234 5698 7654 32. My SSN is 123-45-6789. Our key is ' +
  ['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1w'].join('-') +
  ' and the AWS one is AKIAIOSFODNN7EXAMPLE. Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789.';
const jsonRequest = {
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'You are a support agent for Acme. Be brief and polite.' }] },
    { role: 'user', content: [{ type: 'text', text: personalData }] },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup_order', input: '{"order_id":"A-10293","email":"jane.doe@example.com"}' }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', output: '{"status":"shipped","eta":"2024-04-02"}' }] },
  ],
  tools: [{ type: 'function', name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } }],
};

const cases: Array<{ name: string; bytes: number; run: () => unknown }> = [
  { name: 'short chat turn', bytes: Buffer.byteLength(shortTurn), run: () => redactText(shortTurn) },
  { name: 'RAG prompt (~8 KB, clean)', bytes: Buffer.byteLength(ragPrompt), run: () => redactText(ragPrompt) },
  { name: 'personal data + keys', bytes: Buffer.byteLength(personalData), run: () => redactText(personalData) },
  { name: 'JSON request with tools', bytes: Buffer.byteLength(JSON.stringify(jsonRequest)), run: () => redactValue(jsonRequest) },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`redaction: ${iterations} calls × ${runs} runs per case (node ${process.version})\n`);
console.log(['case'.padEnd(28), 'bytes'.padStart(7), 'median µs'.padStart(11), 'best µs'.padStart(9), 'MB/s'.padStart(8)].join(' '));
for (const testCase of cases) {
  for (let warmUp = 0; warmUp < iterations; warmUp++) testCase.run();
  const perCall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) testCase.run();
    perCall.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
  }
  const typical = median(perCall);
  console.log(
    [
      testCase.name.padEnd(28),
      String(testCase.bytes).padStart(7),
      typical.toFixed(2).padStart(11),
      Math.min(...perCall).toFixed(2).padStart(9),
      (testCase.bytes / typical).toFixed(0).padStart(8),
    ].join(' '),
  );
}
