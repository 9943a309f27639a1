/**
 * `${VAR}` and `${VAR:-default}` interpolation in config strings; `$${` is a literal `${`.
 * A scalar that is exactly one reference and resolves to a number or boolean becomes one, so
 * `port: ${PORT:-4000}` works.
 */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface InterpolationProblem {
  path: Array<string | number>;
  variable: string;
}

export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: Array<string | number> = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, problems, [...path, index]));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = interpolateEnv(item, env, problems, [...path, key]);
    return result;
  }
  return value;
}

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: Array<string | number>,
): unknown {
  if (!text.includes('$')) return text;
  let wholeReference = false;
  const replaced = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined, offset: number) => {
    if (match === '$${') return '${';
    wholeReference = offset === 0 && match.length === text.length;
    const value = env[name!];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    problems.push({ path, variable: name! });
    return '';
  });
  if (wholeReference) {
    if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
    if (replaced === 'true' || replaced === 'false') return replaced === 'true';
  }
  return replaced;
}
