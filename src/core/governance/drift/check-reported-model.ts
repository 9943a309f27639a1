/**
 * Whether the model a provider says answered matches a deployment's pin.
 *
 * Providers resolve floating aliases to dated versions and report the resolved id: OpenAI's
 * `gpt-4o` answers as `gpt-4o-2024-08-06`, Anthropic's `claude-3-5-sonnet-latest` as
 * `claude-3-5-sonnet-20241022` and `claude-sonnet-4-0` as `claude-sonnet-4-20250514`, Gemini's
 * `gemini-1.5-pro` as `gemini-1.5-pro-002`, Mistral's `mistral-large-latest` as
 * `mistral-large-2411`. That is not drift; the resolved version is recorded. A pin that is
 * already a version (`gpt-4o-2024-08-06`, or an explicit `version:`) must be answered by exactly it.
 *
 * @see https://platform.openai.com/docs/models
 * @see https://docs.anthropic.com/en/docs/about-claude/models/overview#model-aliases
 * @see https://ai.google.dev/gemini-api/docs/models#model-versions
 */

/** A deployment's pin: its upstream model id and, when the id does not say it, the version. */
export interface VersionPin {
  model: string;
  version?: string;
}

export type ReportedModelCheck =
  | { matches: true; /** The version a floating alias resolved to. */ resolvedVersion?: string }
  | { matches: false; reason: string };

/** A version suffix a provider appends when it resolves an alias. */
const VERSION_SUFFIX = /^(\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|preview-[a-z0-9-]+|exp-[a-z0-9-]+|v\d+(:\d+)?)$/;
/** Alias endings a provider replaces by a version: `-latest`, and Anthropic's `-0` for a model's first release. */
const ALIAS_ENDING = /-(latest|0)$/;

export function checkReportedModel(pin: VersionPin, reportedModel: string): ReportedModelCheck {
  const reported = normalize(reportedModel);
  const pinned = normalize(pin.model);
  if (pin.version !== undefined) {
    const version = normalize(pin.version);
    if (reported === version || reported === `${pinned}-${version}` || reported.endsWith(`-${version}`) || reported.endsWith(`@${version}`)) {
      return { matches: true };
    }
    return { matches: false, reason: `pinned to version ${pin.version} of ${pin.model}, answered by ${reportedModel}` };
  }
  if (reported === pinned) return { matches: true };
  if (isVersioned(pinned)) return { matches: false, reason: `pinned to ${pin.model}, answered by ${reportedModel}` };
  const base = pinned.replace(ALIAS_ENDING, '');
  if (reported.startsWith(`${base}-`) && VERSION_SUFFIX.test(reported.slice(base.length + 1))) {
    return { matches: true, resolvedVersion: reportedModel };
  }
  return { matches: false, reason: `pinned to ${pin.model}, answered by ${reportedModel}` };
}

/** Ids compare without case and without Gemini's `models/` resource prefix. */
function normalize(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.startsWith('models/') ? lower.slice('models/'.length) : lower;
}

/** Whether a model id already names a version (ends with a version suffix). */
function isVersioned(model: string): boolean {
  const parts = model.split('-');
  if (parts.length < 2) return false;
  // `gpt-4o-2024-08-06` ends in a date whose own dashes split it, so the last three parts count too.
  return VERSION_SUFFIX.test(parts.at(-1)!) || (parts.length > 3 && /^\d{4}-\d{2}-\d{2}$/.test(parts.slice(-3).join('-')));
}
