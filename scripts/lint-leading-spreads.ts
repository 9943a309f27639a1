/**
 * `npm run lint:spreads` (part of `npm test`): finds object literals on the request path that begin
 * with a spread and then add anything (`{ ...a, b }`, `{ ...a, ...b }`).
 *
 * Why: on Node 20 (V8 11.3) such a literal is built by cloning the spread object and extending the
 * clone, and objects built that way survive young-generation collections — V8 copies and then
 * promotes them — where the same object built by `Object.assign` or by a literal that starts with a
 * plain field dies young (`npm run bench:spread` shows it in isolation). On the gateway's streaming
 * path three such literals left ~1.5 KB per request in the old generation: scavenges of 1.7 ms
 * instead of 1.0 and frequent full collections. Build them with `merged(a, { b })`
 * (src/spec/merged.ts), or start the literal with a plain field when the keys cannot collide.
 *
 * Only literals inside functions count (a module-level one is built once, at load), and only in the
 * folders code runs through per request (REQUEST_PATH); test files are skipped. A literal on a rare
 * path may stay with a comment line `// leading spread: <why>` just above it. The lint does not see a
 * lone-spread clone that is extended afterwards (`const next = { ...call }; next.tools = …`), which
 * behaves the same: write `Object.assign({}, call)` there.
 * Usage: tsx scripts/lint-leading-spreads.ts [dir ...] (default: REQUEST_PATH). Exits 1 listing
 * file:line:column of each literal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface LeadingSpread {
  file: string;
  line: number;
  column: number;
  text: string;
}

/** Every object literal in `source` whose first element is a spread and which has more elements. */
export function findLeadingSpreads(fileName: string, source: string): LeadingSpread[] {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: LeadingSpread[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node) && node.properties.length > 1 && ts.isSpreadAssignment(node.properties[0]!) && insideFunction(node) && !allowed(node, sourceFile)) {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
      found.push({ file: fileName, line: line + 1, column: character + 1, text: node.getText(sourceFile).replace(/\s+/g, ' ').slice(0, 80) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** A line `// leading spread: <why>` just above the literal's line allows it (a rare path). */
function allowed(node: ts.Node, sourceFile: ts.SourceFile): boolean {
  const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
  if (line === 0) return false;
  const previous = sourceFile.text.slice(sourceFile.getPositionOfLineAndCharacter(line - 1, 0), sourceFile.getPositionOfLineAndCharacter(line, 0));
  return /\/\/ leading spread: \S/.test(previous);
}

/** Module-level literals run once, at load; only those a function builds again and again matter. */
function insideFunction(node: ts.Node): boolean {
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
    if (ts.isFunctionLike(parent)) return true;
  }
  return false;
}

/** Where a request's code runs; the admin API and the dashboard's routes answer operators, not traffic. */
export const REQUEST_PATH = [
  'src/spec',
  'src/provider-utils',
  'src/providers',
  'src/core/pipeline',
  'src/core/routing',
  'src/core/cache',
  'src/core/limits',
  'src/core/resilience',
  'src/core/telemetry',
  'src/core/governance/policy',
  'src/core/governance/drift',
  'src/core/redaction',
  'src/server',
];
const OFF_REQUEST_PATH = ['src/server/routes/admin', 'src/server/ui'];

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  if (OFF_REQUEST_PATH.includes(directory)) return files;
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

function main(): void {
  const directories = process.argv.slice(2);
  const found = (directories.length > 0 ? directories : REQUEST_PATH).flatMap((directory) =>
    sourceFiles(directory).flatMap((file) => findLeadingSpreads(relative(process.cwd(), file), readFileSync(file, 'utf8'))),
  );
  if (found.length === 0) return;
  for (const spread of found) console.error(`${spread.file}:${spread.line}:${spread.column}: object literal begins with a spread: ${spread.text}`);
  console.error(`${found.length} object literal(s) on the request path begin with a spread and add more; build them with merged() (src/spec/merged.ts; why: scripts/lint-leading-spreads.ts).`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
