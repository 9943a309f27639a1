import type { Command } from 'commander';
import { generateVirtualKey } from '../core/keys/generate-virtual-key.js';
import { hashVirtualKey } from '../core/keys/hash-virtual-key.js';
import { InvalidRequestError } from '../spec/errors.js';
import { fail, printResult } from './cli-output.js';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('create and hash virtual API keys');
  keys
    .command('create')
    .description('generate a virtual key; prints it once, with the key_sha256 to put in the config')
    .option('--name <name>', 'name of the key in the config', 'new-key')
    .option('--json', 'machine-readable output')
    .action((options: { name: string; json?: boolean }) => {
      const json = options.json === true;
      try {
        if (options.name.trim() === '') throw new InvalidRequestError('--name must not be empty', { param: 'name' });
        const { key, sha256 } = generateVirtualKey();
        printResult(json, { name: options.name, key, key_sha256: sha256 }, () =>
          [
            `key: ${key}`,
            '',
            'This key is shown only once: hand it to its owner now. The gateway keeps only its hash.',
            'Add this to the keys: list of switchyard.yaml:',
            '',
            // A JSON string is a valid YAML scalar: names with `: `, `#` or quotes paste safely.
            `  - name: ${/^[\w.-]+$/.test(options.name) ? options.name : JSON.stringify(options.name)}`,
            `    key_sha256: ${sha256}`,
          ].join('\n'),
        );
      } catch (error) {
        fail(error, json);
      }
    });
  keys
    .command('hash')
    .description('print the key_sha256 of an existing key (pass - to read it from stdin, keeping it out of shell history)')
    .argument('<key>', 'the key, or - for stdin')
    .option('--json', 'machine-readable output')
    .action(async (key: string, options: { json?: boolean }) => {
      const json = options.json === true;
      try {
        const value = key === '-' ? (await readStdin()).trim() : key;
        if (value === '') throw new Error('The key is empty.');
        const sha256 = hashVirtualKey(value);
        printResult(json, { key_sha256: sha256 }, () => `key_sha256: ${sha256}`);
      } catch (error) {
        fail(error, json);
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
