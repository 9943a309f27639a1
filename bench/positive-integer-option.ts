/** `--name <n>` from the command line as a positive integer, else `fallback`; a bad value stops the bench. */
export function positiveIntegerOption(argv: readonly string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const number = Number(argv[index + 1]);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`${name}: expected a positive integer, got '${argv[index + 1]}'`);
  return number;
}
