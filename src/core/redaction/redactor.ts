import { DEFAULT_DETECTORS, type SensitiveDataDetector, type SensitiveKind } from './detectors.js';
import { merged } from '../../spec/merged.js';

/** How many matches of one kind were replaced. */
export interface RedactionFinding {
  kind: SensitiveKind;
  count: number;
}

export interface RedactedText {
  text: string;
  /** Empty when nothing was found (then `text` is the input itself). */
  findings: RedactionFinding[];
}

export interface RedactedValue<T = unknown> {
  value: T;
  findings: RedactionFinding[];
}

export interface Redactor {
  redactText(text: string): RedactedText;
  /** Redacts every string in a JSON value (object keys are kept); unchanged branches are not copied. */
  redactValue<T>(value: T): RedactedValue<T>;
}

interface CompiledDetector extends SensitiveDataDetector {
  readonly placeholder: string;
  /** Position of the kind in the redactor's count table. */
  readonly slot: number;
}

/** Objects nested deeper than this are cut (real chat payloads are a handful of levels deep). */
const MAX_DEPTH = 64;

/**
 * Builds a redactor over a detector table. Each detector scans the text once (skipped outright
 * when its `anyOf` hint is absent), so the cost is linear in the text; text with no findings is
 * returned as is, with no copy.
 */
export function createRedactor(detectors: readonly SensitiveDataDetector[] = DEFAULT_DETECTORS): Redactor {
  const kinds: SensitiveKind[] = [];
  const compiled: CompiledDetector[] = detectors.map((detector) => {
    if (!detector.pattern.global) throw new TypeError(`detector '${detector.name}' needs a global (g) pattern`);
    let slot = kinds.indexOf(detector.kind);
    if (slot === -1) slot = kinds.push(detector.kind) - 1;
    return merged(detector, { placeholder: `[${detector.kind.toUpperCase()}]`, slot });
  });

  /** Replaces matches in place of `text`, adding to `counts`; returns the text (the same string if nothing matched). */
  const scan = (text: string, counts: Int32Array): string => {
    let current = text;
    for (const detector of compiled) {
      if (detector.anyOf && !containsAny(current, detector.anyOf)) continue;
      current = replaceMatches(current, detector, counts);
    }
    return current;
  };

  const findingsOf = (counts: Int32Array): RedactionFinding[] => {
    const findings: RedactionFinding[] = [];
    for (let slot = 0; slot < kinds.length; slot++) if (counts[slot]! > 0) findings.push({ kind: kinds[slot]!, count: counts[slot]! });
    return findings;
  };

  const walk = (value: unknown, counts: Int32Array, depth: number): unknown => {
    if (typeof value === 'string') return value.length === 0 ? value : scan(value, counts);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[DEPTH]';
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const redacted = walk(item, counts, depth + 1);
        if (redacted !== item && copy === undefined) copy = value.slice(0, index);
        copy?.push(redacted);
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    const entries = Object.entries(value);
    for (let index = 0; index < entries.length; index++) {
      const [key, item] = entries[index]!;
      const redacted = walk(item, counts, depth + 1);
      if (redacted !== item && copy === undefined) copy = Object.fromEntries(entries.slice(0, index));
      if (copy) copy[key] = redacted;
    }
    return copy ?? value;
  };

  return {
    redactText(text) {
      const counts = new Int32Array(kinds.length);
      const redacted = scan(text, counts);
      return { text: redacted, findings: redacted === text ? [] : findingsOf(counts) };
    },
    redactValue<T>(value: T): RedactedValue<T> {
      const counts = new Int32Array(kinds.length);
      // Strings in, strings out; containers keep their shape: the result has the input's type.
      const redacted = walk(value, counts, 0) as T;
      return { value: redacted, findings: redacted === value ? [] : findingsOf(counts) };
    },
  };
}

function containsAny(text: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (text.includes(needle)) return true;
  return false;
}

function replaceMatches(text: string, detector: CompiledDetector, counts: Int32Array): string {
  const { pattern, validate, placeholder } = detector;
  pattern.lastIndex = 0;
  let output: string | undefined;
  let copiedUpTo = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const matched = match[0];
    // Patterns never match the empty string, but a custom one might: step over it.
    if (matched.length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (validate && !validate(matched)) continue;
    const kept = match.groups?.keep ?? '';
    output = (output ?? '') + text.slice(copiedUpTo, match.index) + kept + placeholder;
    copiedUpTo = match.index + matched.length;
    counts[detector.slot] = counts[detector.slot]! + 1;
  }
  pattern.lastIndex = 0;
  return output === undefined ? text : output + text.slice(copiedUpTo);
}

const defaultRedactor = createRedactor();

/** Replaces secrets and personal data in `text` with typed placeholders (`[EMAIL]`, `[SECRET]`, …). */
export function redactText(text: string): RedactedText {
  return defaultRedactor.redactText(text);
}

/** `redactText` over every string of a JSON value; keys, numbers and booleans are kept. */
export function redactValue<T>(value: T): RedactedValue<T> {
  return defaultRedactor.redactValue(value);
}
