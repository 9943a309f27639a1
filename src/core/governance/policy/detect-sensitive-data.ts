import type { ChatCall } from '../../../spec/chat-call.js';
import { POLICY_DETECTORS, type PolicyDetector } from './sensitive-data-detectors.js';
import { SENSITIVE_DATA_KINDS, type SensitiveDataKind, type SensitiveFinding } from './sensitive-data-kinds.js';
import { merged } from '../../../spec/merged.js';

/** A scan's outcome: counts per kind (never the values) and whether the scan read everything. */
export interface SensitiveDataScan {
  findings: SensitiveFinding[];
  /** False when the scan stopped early (`stopOn`): counts are then lower bounds. */
  complete: boolean;
}

export interface SensitiveDataScanner {
  /** The kinds this scanner looks for. */
  readonly kinds: readonly SensitiveDataKind[];
  /** Counts per kind over every text the call sends upstream (text parts, tool calls and results, reasoning). */
  scan(call: ChatCall): SensitiveFinding[];
  /** Stops at the first finding of a kind in `stopOn` (one that cannot be outranked, or any for a refusal). */
  scanUntil(call: ChatCall, stopOn: ReadonlySet<SensitiveDataKind>): SensitiveDataScan;
  scanText(text: string): SensitiveFinding[];
  /** True at the first finding of any kind; the cheapest question. */
  containsSensitiveData(call: ChatCall): boolean;
}

/** Per-scan state: counts by kind slot and the spans claimed so far in the current text. */
interface ScanState {
  counts: Int32Array;
  /** Flat [start, end, start, end, …] of matches in the current text, so later detectors skip them. */
  claimed: number[];
  stopOn: ReadonlySet<SensitiveDataKind> | undefined;
  stopped: boolean;
  /** Digit profile of the current text (see `profileDigits`). */
  digits: number;
  longestGroup: number;
  longestRun: number;
}

interface CompiledDetector extends PolicyDetector {
  readonly slot: number;
}

const KIND_SLOT: Readonly<Record<SensitiveDataKind, number>> = Object.fromEntries(
  SENSITIVE_DATA_KINDS.map((kind, slot) => [kind, slot]),
) as Record<SensitiveDataKind, number>;

/**
 * Builds a scanner for some kinds (default: every kind but `ip`). A workload only needs the kinds
 * that could raise its class, so its scanner is built with those and skips the rest outright.
 * Cost is linear in the text: each detector runs at most once per text part, and not at all when
 * its literal hint is absent or the text has too few digits.
 */
export function createSensitiveDataScanner(
  kinds: Iterable<SensitiveDataKind> = SENSITIVE_DATA_KINDS.filter((kind) => kind !== 'ip'),
  detectors: readonly PolicyDetector[] = POLICY_DETECTORS,
): SensitiveDataScanner {
  const wanted = new Set(kinds);
  const compiled: CompiledDetector[] = detectors
    .filter((detector) => wanted.has(detector.kind))
    .map((detector) => {
      if (!detector.pattern.global) throw new TypeError(`detector '${detector.name}' needs a global (g) pattern`);
      return merged(detector, { slot: KIND_SLOT[detector.kind] });
    });
  const needsDigits = compiled.some(
    (detector) => detector.minDigits !== undefined || detector.minDigitGroup !== undefined || detector.minConsecutiveDigits !== undefined,
  );

  const scanString = (text: string, state: ScanState): void => {
    if (text.length === 0 || state.stopped) return;
    if (needsDigits) profileDigits(text, state);
    state.claimed.length = 0;
    for (const detector of compiled) {
      if (detector.minDigits !== undefined && state.digits < detector.minDigits) continue;
      if (detector.minDigitGroup !== undefined && state.longestGroup < detector.minDigitGroup) continue;
      if (detector.minConsecutiveDigits !== undefined && state.longestRun < detector.minConsecutiveDigits) continue;
      if (detector.anyOf && !containsAny(text, detector.anyOf)) continue;
      if (countMatches(text, detector, state)) return;
    }
  };

  const run = (call: ChatCall, stopOn: ReadonlySet<SensitiveDataKind> | undefined): ScanState => {
    const state = newState(stopOn);
    if (compiled.length === 0) return state;
    for (const message of call.messages) {
      for (const part of message.content) {
        switch (part.type) {
          case 'text':
          case 'reasoning':
            scanString(part.text, state);
            break;
          case 'tool-call':
            scanString(part.input, state);
            break;
          case 'tool-result':
            scanString(part.output, state);
            break;
          case 'image':
            // Image bytes or URLs are not text a detector can read.
            break;
        }
        if (state.stopped) return state;
      }
    }
    return state;
  };

  const firstAny = new Set(wanted);
  return {
    kinds: [...wanted],
    scan: (call) => findingsOf(run(call, undefined).counts),
    scanUntil(call, stopOn) {
      const state = run(call, stopOn);
      return { findings: findingsOf(state.counts), complete: !state.stopped };
    },
    scanText(text) {
      const state = newState(undefined);
      scanString(text, state);
      return findingsOf(state.counts);
    },
    containsSensitiveData: (call) => run(call, firstAny).stopped,
  };
}

const defaultScanner = createSensitiveDataScanner();

/**
 * Counts emails, phone numbers, cards (Luhn), IBANs (mod 97), national ids (with their check
 * digits), and secrets in every text the call would send upstream. Returns kinds and counts only.
 */
export function detectSensitiveData(call: ChatCall): SensitiveFinding[] {
  return defaultScanner.scan(call);
}

/** Counts matches of one detector, skipping spans an earlier detector claimed; true when the scan must stop. */
function countMatches(text: string, detector: CompiledDetector, state: ScanState): boolean {
  const { pattern, validate } = detector;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const matched = match[0];
    if (matched.length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const start = match.index;
    const end = start + matched.length;
    if (overlapsClaimed(state.claimed, start, end)) continue;
    if (validate && !validate(matched)) continue;
    state.claimed.push(start, end);
    state.counts[detector.slot]!++;
    if (state.stopOn?.has(detector.kind)) {
      state.stopped = true;
      pattern.lastIndex = 0;
      return true;
    }
  }
  pattern.lastIndex = 0;
  return false;
}

function overlapsClaimed(claimed: readonly number[], start: number, end: number): boolean {
  for (let index = 0; index < claimed.length; index += 2) {
    if (start < claimed[index + 1]! && claimed[index]! < end) return true;
  }
  return false;
}

function newState(stopOn: ReadonlySet<SensitiveDataKind> | undefined): ScanState {
  return { counts: new Int32Array(SENSITIVE_DATA_KINDS.length), claimed: [], stopOn, stopped: false, digits: 0, longestGroup: 0, longestRun: 0 };
}

/**
 * One pass over the text: how many digits, the longest run of digits joined by single spaces or
 * dashes (`4111 1111-1111` counts 12), and the longest run of adjacent digits. Detectors whose
 * shapes need more are skipped: most prose never runs the number patterns at all.
 */
function profileDigits(text: string, state: ScanState): void {
  let digits = 0;
  let group = 0;
  let longestGroup = 0;
  let run = 0;
  let longestRun = 0;
  let separatorPending = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      digits++;
      group++;
      run++;
      separatorPending = false;
      if (group > longestGroup) longestGroup = group;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
      if ((code === 32 || code === 45) && group > 0 && !separatorPending) separatorPending = true;
      else {
        group = 0;
        separatorPending = false;
      }
    }
  }
  state.digits = digits;
  state.longestGroup = longestGroup;
  state.longestRun = longestRun;
}

function containsAny(text: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (text.includes(needle)) return true;
  return false;
}

function findingsOf(counts: Int32Array): SensitiveFinding[] {
  const findings: SensitiveFinding[] = [];
  for (let slot = 0; slot < SENSITIVE_DATA_KINDS.length; slot++) {
    const count = counts[slot]!;
    if (count > 0) findings.push({ kind: SENSITIVE_DATA_KINDS[slot]!, count });
  }
  return findings;
}
