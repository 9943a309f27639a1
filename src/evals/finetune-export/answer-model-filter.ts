import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { LicenseTerms } from '../../core/governance/registry/index.js';

/**
 * Which answering models' answers are worth (and allowed) to distil. By default only frontier
 * answers: those of deployments that are not self-hosted (the registry's deployment facts), since
 * the point is to teach an open model the traffic a closed one serves now. A model the config no
 * longer knows is skipped: nothing says what it was or under which terms it answered.
 */

export type AnswerModelSkip = 'model_not_selected' | 'self_hosted' | 'unknown_model' | 'license_forbids_training';

export interface AnswerModelFilterOptions {
  /** Only these logical models (all when absent or empty). */
  models?: readonly string[];
  /** Also self-hosted models' answers (default: frontier answers only). */
  includeSelfHosted?: boolean;
}

/**
 * The licence catalogue has no structured field for "outputs may not be used to train other
 * models", so the terms' notes are read for the catalogue's wording of it (Llama 2 and Llama 3
 * say "Outputs may not be used to improve other LLMs"). A config entry under `registry.licenses`
 * can override the notes of a negotiated licence.
 */
const OUTPUTS_MAY_NOT_TRAIN = /\boutputs?\s+(?:may|must|shall)\s+not\s+be\s+used\s+to\s+(?:improve|train|develop)\b/i;

export function licenseForbidsTrainingOnOutputs(terms: LicenseTerms | undefined): boolean {
  return terms?.notes !== undefined && OUTPUTS_MAY_NOT_TRAIN.test(terms.notes);
}

/** Decides per answer, from the model (and deployment, when recorded) that produced it. */
export function createAnswerModelFilter(
  config: ResolvedConfig,
  options: AnswerModelFilterOptions = {},
): (model: string, deployment: string | undefined) => AnswerModelSkip | undefined {
  const selected = options.models === undefined || options.models.length === 0 ? undefined : new Set(options.models);
  const registry = config.registry;
  return (model, deployment) => {
    if (selected !== undefined && !selected.has(model)) return 'model_not_selected';
    const entry = registry.models[model];
    if (entry === undefined) return 'unknown_model';
    if (!options.includeSelfHosted) {
      const recorded = deployment === undefined ? undefined : registry.deployments[deployment];
      // The recorded deployment decides; without it (or if it is gone) the model counts as
      // frontier only when none of its deployments is self-hosted.
      const selfHosted =
        recorded !== undefined
          ? recorded.facts.selfHosted
          : entry.deployments.length === 0 || entry.deployments.some((id) => registry.deployments[id]?.facts.selfHosted !== false);
      if (selfHosted) return 'self_hosted';
    }
    if (licenseForbidsTrainingOnOutputs(entry.licenseTerms)) return 'license_forbids_training';
    return undefined;
  };
}
