import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../spec/errors.js';
import { configSchema, type ParsedConfig } from './config-schema.js';
import { interpolateEnv, type InterpolationProblem } from './interpolate-env.js';
import { formatPath } from './format-config-path.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
}

/** Reads, validates and resolves a config file. Throws ConfigError listing every problem found. */
export async function loadConfigFile(file: string, options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ file, path: '', message: `cannot read config: ${reason}` }]);
  }
  return loadConfigText(text, file, options);
}

/**
 * Phase one parses the YAML and checks it against the schema (with line numbers); phase two
 * resolves `${ENV}` secrets and cross-references into a frozen ResolvedConfig.
 */
export function loadConfigText(text: string, file: string, options: LoadConfigOptions = {}): ResolvedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) throw new ConfigError([yamlSyntaxIssue(text, file, document.errors)]);
  const lineOf = (path: ReadonlyArray<PropertyKey>) => findLine(document, lineCounter, path);
  const problems: InterpolationProblem[] = [];
  const interpolated = interpolateEnv(document.toJS() ?? {}, options.env ?? process.env, problems);
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((problem) => ({
        file,
        path: formatPath(problem.path),
        line: lineOf(problem.path),
        message: `environment variable ${problem.variable} is not set (use \${${problem.variable}:-default} for a default)`,
      })),
    );
  }
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) throw new ConfigError(zodIssuesToConfigIssues(parsed.error, file, lineOf));
  return resolveConfig(parsed.data as ParsedConfig, file, lineOf);
}

/**
 * The first YAML syntax error, with its line. The parser goes on after it, but what it reports next
 * mostly follows from the first (one `${VAR}` in a flow mapping gave seven), so those are counted,
 * not listed. An unquoted `${` on that line gets a hint: inside `{ }` or `[ ]` it opens a mapping.
 */
function yamlSyntaxIssue(text: string, file: string, errors: ReadonlyArray<{ message: string; linePos?: ReadonlyArray<{ line: number }> }>): ConfigIssue {
  const first = errors[0]!;
  const lines = text.split('\n');
  // An unclosed bracket is found at the end of the text: past the last line.
  const lastLine = lines.length - (text.endsWith('\n') ? 1 : 0);
  const line = first.linePos?.[0]?.line;
  const atEnd = line !== undefined && line > lastLine;
  const reportedLine = atEnd ? lastLine : line;
  // The parser's own " at line N, column M:" repeats the line we report (and introduces an excerpt we drop).
  let message = `YAML syntax: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${atEnd ? ' (found at the end of the file)' : ''}`;
  const source = reportedLine === undefined ? '' : (lines[reportedLine - 1] ?? '');
  if (/(^|[^"'])\$\{/.test(source)) message += '; a ${…} value inside { } or [ ] must be quoted, e.g. api_key: "${KEY}"';
  if (errors.length > 1) message += ` (and ${errors.length - 1} more syntax error${errors.length > 2 ? 's' : ''} after it, most often caused by this one)`;
  return { file, path: '', line: reportedLine, message };
}

function zodIssuesToConfigIssues(
  error: z.ZodError,
  file: string,
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined,
): ConfigIssue[] {
  return error.issues.map((original) => {
    const issue = deepestUnionIssue(original);
    let path = issue.path;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
      path = [...issue.path, issue.keys[0]!];
    }
    if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      message = `${message}: expected 'type' to be one of the provider types (openai, anthropic, gemini, simulated, vllm, ollama, ...)`;
    }
    return { file, path: formatPath(path), line: lineOf(path), message };
  });
}

/**
 * For a value that matched no branch of a union, the issue from the branch that got furthest
 * (e.g. `on[0]: invalid option` inside the object form of a fallback rule) says most.
 */
function deepestUnionIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    for (const candidate of branch) {
      if (best === undefined || candidate.path.length > best.path.length) best = candidate;
    }
  }
  if (best === undefined || best.path.length === 0) return issue;
  const inner = deepestUnionIssue(best);
  return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
}

/** The 1-based line of the deepest node of `path` that exists in the YAML document. */
function findLine(document: Document, lineCounter: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined = (node as { range?: number[] } | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === String(segment));
      if (!pair) break;
      offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = (node as { range?: number[] } | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
