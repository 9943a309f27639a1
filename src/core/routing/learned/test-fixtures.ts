import type { TrainingExample } from './training-example.js';

/**
 * A synthetic routing problem with a clean signal: prompts about "proofs" defeat the weak model,
 * prompts about "recipes" do not. Filler words vary so the n-grams are not all identical.
 */
export function separableExamples(count: number): TrainingExample[] {
  const fillers = ['please', 'kindly', 'now', 'quickly', 'carefully', 'today', 'briefly', 'in detail'];
  const topics = ['triangle', 'prime', 'integral', 'matrix', 'soup', 'bread', 'salad', 'cake'];
  return Array.from({ length: count }, (_value, index) => {
    const hard = index % 2 === 0;
    const filler = fillers[index % fillers.length]!;
    const topic = topics[(index * 3) % topics.length]!;
    const prompt = hard
      ? `Write a rigorous proof about the ${topic}, ${filler}.`
      : `Share a simple recipe that mentions ${topic}, ${filler}.`;
    return { id: `example-${index}`, input: { prompt }, weakQuality: hard ? 0 : 1, strongQuality: 1 };
  });
}

export const TRAINED_ON = { file: 'synthetic.jsonl', sha256: '0'.repeat(64), split: 'train', examples: 0 };
