/**
 * `npm run bench:sensitive`: what sensitive-data detection and the policy lookup cost per request, in µs.
 *
 * Scans chat calls (a short turn, a typical 1–2 KB support conversation with a tool round trip, a
 * long ~16 KB RAG prompt, and a short prompt dense with personal data, keys and national ids) many
 * times after a warm-up, and prints the median and best µs per call and the throughput. Detection
 * runs on the request path (before routing) for workloads with `detect_sensitive: true`, so this is
 * added latency. Also measured: a workload policy's `inspect` (scans only the kinds that could raise
 * its class) followed by the permitted-deployment lookup.
 *
 * Options: --iterations <n> (2000)  --runs <n> (7)
 */
import type { ChatCall } from '../src/spec/chat-call.js';
import type { DeploymentFacts } from '../src/core/governance/deployment-facts.js';
import { detectSensitiveData } from '../src/core/governance/policy/detect-sensitive-data.js';
import { compileWorkloadPolicy } from '../src/core/governance/policy/compile-workload-policy.js';
import { globalPolicySchema, workloadPolicySchema } from '../src/core/governance/policy/policy-config.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const iterations = argument('iterations', 2000);
const runs = argument('runs', 7);

const user = (text: string): ChatCall['messages'][number] => ({ role: 'user', content: [{ type: 'text', text }] });
const system = (text: string): ChatCall['messages'][number] => ({ role: 'system', content: [{ type: 'text', text }] });

const paragraph =
  'The quarterly report shows revenue grew 12% to $4.2M, driven by the EMEA region (see table 3, rows 14-22). ' +
  'Churn fell from 3.1% to 2.4% after the onboarding changes shipped on 2024-03-18 in version 2.7.1. ';

const shortCall: ChatCall = { messages: [user('Can you summarise the attached meeting notes in three bullet points and suggest a follow-up date?')] };

const typicalCall: ChatCall = {
  messages: [
    system(
      'You are the support assistant of Acme Cloud. Answer briefly and politely, cite the relevant help-centre ' +
        'article when there is one, and never promise refunds: hand those to a human agent. Orders look like ' +
        'A-10293; plans are Starter, Team and Enterprise. Escalate outages to the status page.',
    ),
    user(
      'Hi! Since the upgrade to version 4.12 last Tuesday our nightly export job fails after about 40 minutes with ' +
        'error 504 and the dashboard shows the job as "stuck". We run about 1,200 exports a day on the Team plan ' +
        'across 3 workspaces. Order A-10293 was the last one that worked. Could you check what changed and whether ' +
        'we need to raise a limit? We tried restarting the worker twice and lowering the batch size from 500 to 200, ' +
        'which made no difference. Thanks in advance, this is blocking our month-end reporting.',
    ),
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup_order', input: '{"order_id":"A-10293","workspace":"analytics-eu"}' }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_1',
          output:
            '{"status":"completed","started":"2024-04-02T01:00:03Z","duration_s":2311,"rows":1843221,' +
            '"plan":"team","limits":{"export_timeout_s":2400,"max_rows":2000000},"region":"eu-west-1"}',
        },
      ],
    },
    user('Also, is there a way to split the export into smaller files automatically?'),
  ],
};

const longCall: ChatCall = {
  messages: [system('Answer using only the context below.'), user(`${paragraph.repeat(80)}\n\nQuestion: what drove the revenue growth?`)],
};

const piiDenseCall: ChatCall = {
  messages: [
    user(
      'Hi, I am Jane Doe (jane.doe@example.com, +44 20 7946 0958, NI AB 12 34 56 C). My card 4111 1111 1111 1111 was ' +
        'charged twice; refund to GB82 WEST 1234 5698 7654 32. My SSN is 123-45-6789, my DNI 12345678Z and Aadhaar ' +
        '2345 6789 0124. Our key is ' +
        ['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1w'].join('-') +
        ' and the AWS one is AKIAIOSFODNN7EXAMPLE. Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789.',
    ),
  ],
};

const fleet: DeploymentFacts[] = Array.from({ length: 40 }, (_, index) => ({
  id: `provider-${index}/model-${index}`,
  model: `model-${index}`,
  provider: `provider-${index}`,
  providerType: index % 4 === 0 ? 'vllm' : 'openai',
  selfHosted: index % 4 === 0,
  openWeights: index % 4 === 0,
  retentionDays: index % 2 === 0 ? 0 : 30,
  usedForTraining: false,
  regions: [index % 3 === 0 ? 'eu-west-1' : 'us-east-1'],
  certifications: ['soc2'],
  lifecycle: 'approved',
}));
const policy = compileWorkloadPolicy(workloadPolicySchema.parse({ detect_sensitive: true }), globalPolicySchema.parse({}), {
  workload: 'support',
  deployments: fleet,
});
const inspectAndLookUp = (call: ChatCall) => policy.permittedDeployments(policy.inspect(call).dataClass).size;

const bytesOf = (call: ChatCall) => Buffer.byteLength(JSON.stringify(call.messages));
// Round-tripped through JSON as a request body is: flat strings, not the ropes `repeat` and `+` build.
const asReceived = (call: ChatCall): ChatCall => JSON.parse(JSON.stringify(call)) as ChatCall;
const calls: Array<{ name: string; call: ChatCall }> = [
  { name: 'short turn', call: asReceived(shortCall) },
  { name: 'typical support (tools)', call: asReceived(typicalCall) },
  { name: 'long RAG prompt', call: asReceived(longCall) },
  { name: 'PII-dense', call: asReceived(piiDenseCall) },
];
const cases = calls.flatMap(({ name, call }) => [
  { name: `${name}: detect`, bytes: bytesOf(call), run: () => detectSensitiveData(call).length },
  { name: `${name}: policy`, bytes: bytesOf(call), run: () => inspectAndLookUp(call) },
]);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`sensitive-data detection: ${iterations} calls × ${runs} runs per case (node ${process.version})`);
console.log('detect = detectSensitiveData(call); policy = workload inspect (internal class) + permittedDeployments lookup\n');
console.log(['case'.padEnd(36), 'bytes'.padStart(7), 'median µs'.padStart(11), 'best µs'.padStart(9), 'MB/s'.padStart(8), '  findings'].join(' '));
for (const testCase of cases) {
  for (let warmUp = 0; warmUp < iterations; warmUp++) testCase.run();
  const perCall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) testCase.run();
    perCall.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
  }
  const typical = median(perCall);
  const call = calls.find((entry) => testCase.name.startsWith(entry.name))!.call;
  const findings = testCase.name.endsWith('detect') ? detectSensitiveData(call).map((finding) => `${finding.kind}×${finding.count}`).join(' ') : '';
  console.log(
    [
      testCase.name.padEnd(36),
      String(testCase.bytes).padStart(7),
      typical.toFixed(2).padStart(11),
      Math.min(...perCall).toFixed(2).padStart(9),
      (testCase.bytes / typical).toFixed(0).padStart(8),
      ` ${findings || '-'}`,
    ].join(' '),
  );
}
