import { ConfigError, GatewayError } from '../spec/errors.js';

/** Prints a result as JSON (`--json`) or as text. */
export function printResult(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Thrown by `fail` after the reason is printed; `main` turns it into the exit code. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * Reports a failure and exits non-zero: one line of reason (then details for config errors),
 * or a JSON object with `--json`.
 */
export function fail(error: unknown, json: boolean): never {
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ConfigError ? error.issues : undefined;
  if (json) {
    const listed = issues ?? (error !== null && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues) ? error.issues : undefined);
    const code = GatewayError.isInstance(error) ? error.code : 'error';
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message: message.split('\n')[0], issues: listed } }, null, 2)}\n`);
  } else if (issues) {
    // ConfigError also reports router artifacts and eval sets: name the file rather than say "config".
    const file = issues[0]?.file;
    process.stderr.write(`error: ${file === undefined ? 'config' : file} invalid (${issues.length} problem${issues.length > 1 ? 's' : ''})\n${message}\n`);
  } else {
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  }
  throw new CliExit(1);
}

/** Formats rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
