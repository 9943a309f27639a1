/**
 * Normalises extracted final answers so two cheap models' answers can be compared: `$1,000.00`
 * and `1000` agree, as do `\dfrac{1}{2}`, `1/2` and `0.5`. A heuristic, like the data's own
 * matcher: it errs towards "disagree", which costs an escalation rather than accepting a
 * differing answer.
 */
export function normaliseAnswer(answer: string): string {
  let text = answer.trim().toLowerCase();
  text = text.replace(/\\boxed\{([^{}]*)\}/g, '$1');
  text = text.replace(/\\text\{([^{}]*)\}/g, '$1');
  text = text.replace(/\\(left|right)/g, '');
  text = text.replace(/\\dfrac|\\tfrac/g, '\\frac');
  text = text.replace(/\^\{?\\circ\}?|°|\\%|%|\$/g, '');
  text = text.replace(/\s+/g, '');
  text = text.replace(/^[a-z]=/, '');
  text = text.replace(/\.$/, '');
  const numeric = numericValue(text);
  return numeric === undefined ? text : String(numeric);
}

/** Whether two extracted answers agree after normalisation; a missing answer never agrees. */
export function answersAgree(left: string | undefined, right: string | undefined): boolean {
  if (left === undefined || right === undefined) return false;
  const a = normaliseAnswer(left);
  const b = normaliseAnswer(right);
  return a !== '' && a === b;
}

function numericValue(text: string): number | undefined {
  const plain = text.replace(/,/g, '');
  if (/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/.test(plain)) return round(Number(plain));
  const fraction = /^([-+]?\d+)\/(\d+)$/.exec(plain) ?? /^([-+]?\d+)?\\frac\{?(\d+)\}?\{?(\d+)\}?$/.exec(plain);
  if (fraction && fraction.length === 3) return Number(fraction[2]) === 0 ? undefined : round(Number(fraction[1]) / Number(fraction[2]));
  if (fraction && fraction.length === 4 && fraction[1] === undefined) return Number(fraction[3]) === 0 ? undefined : round(Number(fraction[2]) / Number(fraction[3]));
  return undefined;
}

/** Rounds away floating-point noise so 0.1 + 0.2 and 0.3 print alike. */
function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}
