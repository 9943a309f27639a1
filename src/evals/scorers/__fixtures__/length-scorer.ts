/** A custom scorer factory used by the tests: 1 when the answer is at most `max_length` characters. */
export default function createLengthScorer(options: Record<string, unknown>) {
  const maxLength = typeof options['max_length'] === 'number' ? options['max_length'] : 10;
  return {
    name: 'length',
    async score(input: { answer: string }) {
      return { status: 'scored' as const, score: input.answer.length <= maxLength ? 1 : 0 };
    },
  };
}
