/**
 * `npm run bench:spread`: whether objects built by an object literal that begins with a spread
 * survive V8's young-generation collections on this node, against other ways to build the same object.
 *
 * Each form runs in its own node process under `--trace-gc-nvp`, building short-lived objects in
 * batches separated by event-loop turns (as requests are); the table gives the time per object, the
 * bytes that survived each scavenge (median) and the bytes promoted to the old generation in all.
 * On node 20 (V8 11.3) the first two forms keep megabytes alive per scavenge and promote them; the
 * rest keep next to nothing. That is why `npm run lint:spreads` keeps them off the request path and
 * `merged()` (src/spec/merged.ts) exists.
 *
 * Options: --objects <n> (1,000,000 per form)  --json
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanup, runChild } from './child-processes.js';
import { FORMS, type Form } from './spread-survival-worker.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'spread-survival-worker.ts');

interface FormResult {
  form: Form;
  nsPerObject: number;
  scavenges: number;
  survivedPerScavengeKb: number;
  promotedMb: number;
}

function parseOptions(argv: string[]): { objects: number; json: boolean } {
  const options = { objects: 1_000_000, json: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--json') options.json = true;
    else if (flag === '--objects') {
      options.objects = Number(argv[++index]);
      if (!Number.isInteger(options.objects) || options.objects <= 0) throw new Error(`--objects expects a positive integer, got '${argv[index]}'`);
    } else throw new Error(`unknown option '${flag}' (expected --objects <n> or --json)`);
  }
  return options;
}

function field(line: string, name: string): number {
  const match = new RegExp(`\\b${name}=([0-9.]+)`).exec(line);
  return match ? Number(match[1]) : Number.NaN;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(form: Form, objects: number): Promise<FormResult> {
  const { code, stdout, stderr } = await runChild(process.execPath, ['--import', 'tsx', '--trace-gc-nvp', WORKER, '--form', form, String(objects)]);
  const lines = stdout.split('\n');
  const report = lines.find((line) => line.startsWith('{'));
  if (code !== 0 || report === undefined) throw new Error(`worker for '${form}' failed (exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
  const { nsPerObject } = JSON.parse(report) as { nsPerObject: number };
  const scavenges = lines.filter((line) => line.includes(' gc=s '));
  return {
    form,
    nsPerObject,
    scavenges: scavenges.length,
    survivedPerScavengeKb: median(scavenges.map((line) => field(line, 'new_space_survived'))) / 1024,
    promotedMb: scavenges.reduce((total, line) => total + (field(line, 'promoted') || 0), 0) / 1e6,
  };
}

async function main(): Promise<void> {
  installCleanup();
  const options = parseOptions(process.argv.slice(2));
  const results: FormResult[] = [];
  for (const form of Object.keys(FORMS) as Form[]) {
    if (!options.json) process.stderr.write(`measuring '${form}' (${options.objects.toLocaleString('en-US')} objects)…\n`);
    results.push(await measure(form, options.objects));
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, objects: options.objects, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`\nnode ${process.version}, ${options.objects.toLocaleString('en-US')} short-lived objects per form\n\n`);
  process.stdout.write('| how the object is built | ns per object | scavenges | survived per scavenge (median) | promoted in all |\n|---|---:|---:|---:|---:|\n');
  for (const result of results) {
    process.stdout.write(
      `| ${result.form} | ${result.nsPerObject.toFixed(0)} | ${result.scavenges} | ${result.survivedPerScavengeKb.toFixed(1)} KB | ${result.promotedMb.toFixed(1)} MB |\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:spread: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
