/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the time goes by component
 * (hono, @hono/node-server, zod, undici, pino, node's http/streams, our code...), the top
 * self-time functions, and the top inclusive times of package and gateway functions. Frames in
 * dist/ are mapped back to src/ through the build's source maps.
 *
 * Usage: tsx bench/summarize-cpu-profile.ts <file.cpuprofile> [--top 40]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative, resolve } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The component a frame belongs to, by where its code lives. */
export function componentOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') {
    if (frame.functionName === '(garbage collector)') return 'V8 garbage collector';
    if (frame.functionName === '(idle)') return 'idle';
    if (frame.functionName === '(program)') return 'V8/native (program)';
    return 'V8 builtins / native';
  }
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.includes('/dist/') || url.includes('/src/')) {
    const area = /\/(?:dist|src)\/([^/]+(?:\/[^/]+)?)\//.exec(url);
    return `switchyard ${area?.[1] ?? 'src'}`;
  }
  if (url.startsWith('node:internal/deps/undici')) return 'node bundled undici (fetch)';
  if (/^node:(internal\/)?(_http|http)/.test(url)) return 'node http';
  if (/^node:(internal\/)?(net|stream_base|tcp|dns)/.test(url)) return 'node net';
  if (url.startsWith('node:internal/webstreams')) return 'node web streams';
  if (/^node:(internal\/)?streams?/.test(url)) return 'node streams';
  if (url.startsWith('node:internal/process') || url.startsWith('node:internal/timers') || url.startsWith('node:timers')) return 'node event loop (ticks, timers)';
  if (url.startsWith('node:')) return `node other (${url.replace(/^node:(internal\/)?/, '')})`;
  return 'other';
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** Maps a dist/ frame to its src/ file and line (1-based), when a source map is there. */
function sourceLocation(frame: CallFrame): string {
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  if (!sourceMaps.has(path)) {
    const mapFile = `${path}.map`;
    sourceMaps.set(path, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload) : undefined);
  }
  const map = sourceMaps.get(path);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  if (map && entry && 'originalSource' in entry && entry.originalSource) {
    const original = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(path, '..', entry.originalSource);
    return `${relative(ROOT, original)}:${entry.originalLine + 1}`;
  }
  const shown = path.startsWith('/') ? relative(ROOT, path) : path;
  return `${shown}:${frame.lineNumber + 1}`;
}

function frameKey(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'}  ${frame.url ? sourceLocation(frame) : ''}`.trim();
}

/** Package and gateway code, as opposed to node internals and V8. */
function isLibraryOrOwnCode(component: string): boolean {
  return !component.startsWith('node ') && !component.startsWith('V8') && component !== 'idle' && component !== 'other';
}

function table(title: string, entries: [string, number][], totalMs: number, limit: number): string {
  const lines = entries
    .sort((first, second) => second[1] - first[1])
    .slice(0, limit)
    .map(([name, ms]) => `  ${(ms).toFixed(0).padStart(7)} ms  ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${name}`);
  return [title, ...lines].join('\n');
}

export function summarizeCpuProfile(file: string, options: { top?: number } = {}): string {
  const top = options.top ?? 30;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const self = new Map<string, number>();
  const componentSelf = new Map<string, number>();
  const componentAttributed = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);

  for (let index = 0; index < profile.samples.length; index++) {
    // timeDeltas[i] is the time before sample i; charging it to sample i is V8 DevTools' convention.
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = nodes.get(profile.samples[index]!);
    if (!leaf) continue;
    const leafComponent = componentOf(leaf.callFrame);
    if (leafComponent === 'idle') {
      idleMs += ms;
      continue;
    }
    totalMs += ms;
    add(self, `[${leafComponent}] ${frameKey(leaf.callFrame)}`, ms);
    add(componentSelf, leafComponent, ms);
    // Attribute node-internal/V8 time to the innermost package or gateway frame that led to it.
    let attributed: string | undefined;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parents.get(id)) {
      const frame = nodes.get(id)!.callFrame;
      const component = componentOf(frame);
      if (attributed === undefined && isLibraryOrOwnCode(component)) attributed = component;
      if (isLibraryOrOwnCode(component)) {
        const key = `[${component}] ${frameKey(frame)}`;
        if (!seen.has(key)) {
          seen.add(key);
          add(inclusive, key, ms);
        }
      }
    }
    add(componentAttributed, attributed ?? `(no package frame) ${leafComponent}`, ms);
  }

  const wallMs = (profile.endTime - profile.startTime) / 1000;
  return [
    `CPU profile ${file}`,
    `  ${wallMs.toFixed(0)} ms profiled, ${totalMs.toFixed(0)} ms on CPU (busy), ${idleMs.toFixed(0)} ms idle; percentages are of busy time`,
    '',
    table('Self time by component (where the CPU was when sampled):', [...componentSelf], totalMs, 30),
    '',
    table('Busy time attributed to the innermost package / gateway frame on the stack:', [...componentAttributed], totalMs, 30),
    '',
    table(`Top ${top} functions by self time:`, [...self], totalMs, top),
    '',
    table(`Top ${top} package / gateway functions by inclusive time:`, [...inclusive], totalMs, top),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/summarize-cpu-profile.ts <file.cpuprofile> [--top N]\n');
    process.exit(1);
  }
  const topIndex = process.argv.indexOf('--top');
  process.stdout.write(`${summarizeCpuProfile(file, { top: topIndex === -1 ? 30 : Number(process.argv[topIndex + 1]) })}\n`);
}
