import { describe, expect, it } from 'vitest';
import { hashVirtualKey } from '../core/keys/hash-virtual-key.js';
import { virtualKeysSchema } from '../core/keys/virtual-key-config.js';
import { VirtualKeyRegistry } from '../core/keys/virtual-key-registry.js';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { registerKeysCommands } from './keys-command.js';

/** Runs the command in process, with commander's exits turned into errors. */
const runKeys = (args: string[]) => runCommandInProcess(registerKeysCommands, ['keys', ...args]);

describe('switchyard keys', () => {
  it('create prints the key once and a key_sha256 config entry that authenticates it', async () => {
    const result = await runKeys(['create', '--name', 'team-a']);
    expect(result.code).toBe(0);
    const key = /^key: (sy-[\w-]{43})$/m.exec(result.stdout)?.[1];
    const sha256 = /^ {4}key_sha256: ([0-9a-f]{64})$/m.exec(result.stdout)?.[1];
    expect(key).toBeDefined();
    expect(sha256).toBe(hashVirtualKey(key!));
    expect(result.stdout).toContain('  - name: team-a\n');
    expect(result.stdout.split(key!)).toHaveLength(2);
    const registry = VirtualKeyRegistry.fromConfig(virtualKeysSchema.parse([{ name: 'team-a', key_sha256: sha256 }]));
    expect(registry.authenticate(key!)?.name).toBe('team-a');
  });

  it('create quotes a name YAML would misread, and refuses an empty one', async () => {
    const result = await runKeys(['create', '--name', 'ops: on-call #2']);
    expect(result.code).toBe(0);
    const entry = /^ {2}- name: (.+)\n {4}key_sha256: ([0-9a-f]{64})$/m.exec(result.stdout)!;
    expect(entry[1]).toBe('"ops: on-call #2"');
    // The printed lines are a valid keys: entry as pasted.
    const { parse } = await import('yaml');
    expect(virtualKeysSchema.parse(parse(`- name: ${entry[1]}\n  key_sha256: ${entry[2]}\n`))[0]!.name).toBe('ops: on-call #2');
    expect(await runKeys(['create', '--name', ' '])).toMatchObject({ code: 1, stderr: 'error: --name must not be empty\n' });
  });

  it('create --json', async () => {
    const result = await runKeys(['create', '--json']);
    const body = JSON.parse(result.stdout) as { name: string; key: string; key_sha256: string };
    expect(body).toEqual({ name: 'new-key', key: expect.stringMatching(/^sy-/), key_sha256: hashVirtualKey(body.key) });
  });

  it('hash prints the digest, in text and JSON', async () => {
    expect((await runKeys(['hash', 'abc'])).stdout).toBe('key_sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n');
    expect(JSON.parse((await runKeys(['hash', 'abc', '--json'])).stdout)).toEqual({
      key_sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  it('hash refuses an empty key with a one-line reason', async () => {
    const result = await runKeys(['hash', '']);
    expect(result).toMatchObject({ code: 1, stderr: 'error: The key is empty.\n' });
    expect(JSON.parse((await runKeys(['hash', '', '--json'])).stdout)).toMatchObject({ ok: false, error: { code: 'error' } });
  });
});
