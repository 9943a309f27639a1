import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../spec/errors.js';
import { createLearnedRouterModel, parseRouterArtifact, readRouterArtifact, type RouterArtifact } from './router-artifact.js';
import { separableExamples, TRAINED_ON } from './test-fixtures.js';
import { trainLearnedRouter } from './train-router.js';

const examples = separableExamples(40);
const artifact = trainLearnedRouter(examples, { variant: 'baseline', strong: 'big', weak: 'small', trainedOn: { ...TRAINED_ON, examples: 40 } });

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('router artifact', () => {
  it('survives a JSON round trip with identical scores', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'router-artifact-'));
    const file = join(directory, 'router.json');
    await writeFile(file, JSON.stringify(artifact));
    const loaded = await readRouterArtifact(file);
    expect(loaded).toEqual(artifact);
    const before = createLearnedRouterModel(artifact);
    const after = createLearnedRouterModel(loaded);
    for (const example of examples.slice(0, 5)) expect(after.score(example.input)).toBe(before.score(example.input));
    expect(loaded.trainedOn).toEqual({ ...TRAINED_ON, examples: 40 });
    expect(loaded).toMatchObject({ format: 'switchyard-router', version: 1, variant: 'baseline', strong: 'big', weak: 'small' });
  });

  it('names the source and the field at fault', () => {
    const json = JSON.parse(JSON.stringify(artifact)) as Record<string, unknown>;
    expect(errorOf(() => parseRouterArtifact({ ...json, version: 2 }, 'routers/gsm8k.json')).message).toMatch(
      /^routers\/gsm8k\.json: version: router artifact: /,
    );
    expect(errorOf(() => parseRouterArtifact({ ...json, threshold: 1.5 }, 'r.json')).issues[0]).toMatchObject({ file: 'r.json', path: 'threshold' });
    expect(errorOf(() => parseRouterArtifact({ ...json, extra: 1 }, 'r.json')).message).toContain("unknown key 'extra'");
    const model = structuredClone(artifact) as RouterArtifact;
    const member = model.model.members[0]!.member;
    if (member.kind !== 'logistic') throw new Error('expected a logistic member');
    member.weights.pop();
    expect(errorOf(() => parseRouterArtifact(model, 'r.json')).issues[0]!.path).toBe('model.members[0].member.weights');
  });

  it('reports a missing file and bad JSON clearly', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'router-artifact-'));
    await expect(readRouterArtifact(join(directory, 'absent.json'))).rejects.toThrow(/absent\.json: \(root\): cannot read router artifact: file not found/);
    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{"format": ');
    await expect(readRouterArtifact(broken)).rejects.toThrow(/broken\.json: \(root\): router artifact is not valid JSON/);
  });
});
