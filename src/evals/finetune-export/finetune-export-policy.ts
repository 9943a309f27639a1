import type { ResolvedConfig, ResolvedWorkload } from '../../core/config/resolve-config.js';
import { DATA_CLASSES, dataClassRank, type DataClass } from '../../core/governance/deployment-facts.js';
import {
  dataClassRequirements,
  DEFAULT_DATA_CLASS_REQUIREMENTS,
  sensitiveKindClasses,
  type PolicyRequirements,
  type SensitiveFinding,
} from '../../core/governance/policy/index.js';
import { workloadEvaluationSchema } from '../../core/evaluation/evaluation-config.js';
import { PermissionDeniedError } from '../../spec/errors.js';

/**
 * Whether a workload's data may become fine-tuning data. An export is a copy of the workload's
 * conversations that outlives the requests and exists to train a model, so it is refused when
 * the workload's data policy says its data must not:
 *
 * - train models: `evaluation.finetune_export: false`, or `require.no_training`;
 * - be kept: `require.zero_retention` (a training file keeps it);
 * - leave infrastructure the team controls: data class `restricted` (always, whatever its
 *   requirements say) or `require.self_hosted` (a training file is made to be moved).
 *
 * Requirements count from the workload's data class (and every class below it, as routing reads
 * them, defaults included) and from the workload's own `policy.require`. Region and certification
 * requirements govern who may process requests, not a local file: the file inherits them, and the
 * report lists them so whoever uploads it knows.
 */

export interface ExportRefusal {
  /** The config setting that forbids the export (`workloads.support.evaluation.finetune_export`). */
  setting: string;
  /** One line, naming the setting. */
  message: string;
}

export interface FinetuneExportPolicy {
  workload: string;
  /** The workload's declared data class. */
  dataClass: DataClass;
  /** Why the workload cannot be exported at all; undefined when it can. */
  refusal?: ExportRefusal;
  /** Whether a sample of this class may be exported (a sample's class can only be raised, by findings). */
  allows(dataClass: DataClass): boolean;
  /** The class findings left after redaction raise a sample to (per `policy.sensitive_data.kinds`). */
  classOf(findings: readonly SensitiveFinding[]): DataClass;
  /** Requirements the exported file inherits (where the data may be processed, by whom). */
  carried: { regions: string[]; certifications: string[] };
}

/** Requirement keys that forbid an export, with what they mean for a training file. */
const FORBIDDING_KEYS = [
  ['no_training', 'its data must not train models'],
  ['zero_retention', 'its data must not be kept, and a fine-tuning file keeps it'],
  ['self_hosted', 'its data must stay on infrastructure the team controls, and a fine-tuning file is made to be moved'],
] as const satisfies ReadonlyArray<readonly [keyof PolicyRequirements, string]>;

interface RequirementSource {
  /** Config path of the requirement block (`policy.data_classes.confidential.require`). */
  path: string;
  requirements: PolicyRequirements;
  /** Which keys are shipped defaults rather than written in the config. */
  defaults: ReadonlySet<string>;
}

export function finetuneExportPolicy(config: ResolvedConfig, workload: ResolvedWorkload): FinetuneExportPolicy {
  const name = workload.name;
  const dataClass = workload.policy?.data_class ?? 'internal';
  const exportAllowed = (workload.evaluation ?? workloadEvaluationSchema.parse({})).finetune_export;
  const requirements = dataClassRequirements(config.policy);
  const kindClasses = sensitiveKindClasses(config.policy);

  /** Requirement blocks in force at a class, most sensitive class first, the workload's own last. */
  const sourcesAt = (at: DataClass): RequirementSource[] => {
    const sources: RequirementSource[] = [];
    for (let rank = dataClassRank(at); rank >= 0; rank--) {
      const source = DATA_CLASSES[rank]!;
      const configured = config.policy?.data_classes[source]?.require ?? {};
      const defaults = new Set(Object.keys(DEFAULT_DATA_CLASS_REQUIREMENTS[source]).filter((key) => configured[key as keyof PolicyRequirements] === undefined));
      sources.push({ path: `policy.data_classes.${source}.require`, requirements: requirements[source], defaults });
    }
    if (workload.policy?.require) sources.push({ path: `workloads.${name}.policy.require`, requirements: workload.policy.require, defaults: new Set() });
    return sources;
  };

  const refusalAt = (at: DataClass): ExportRefusal | undefined => {
    if (!exportAllowed) {
      const setting = `workloads.${name}.evaluation.finetune_export`;
      return { setting, message: `${setting} is false: this workload's data must not train models` };
    }
    if (at === 'restricted') {
      const setting = `workloads.${name}.policy.data_class`;
      return { setting, message: `${setting} is restricted: restricted data is never exported for fine-tuning` };
    }
    for (const source of sourcesAt(at)) {
      for (const [key, meaning] of FORBIDDING_KEYS) {
        if (source.requirements[key] !== true) continue;
        const setting = `${source.path}.${key}`;
        const origin = source.defaults.has(key) ? ' (a default)' : '';
        return { setting, message: `${setting}${origin} applies to workload '${name}' (data class ${at}): ${meaning}` };
      }
    }
    return undefined;
  };

  const carried = { regions: new Set<string>(), certifications: new Set<string>() };
  for (const source of sourcesAt(dataClass)) {
    for (const region of source.requirements.regions ?? []) carried.regions.add(region);
    for (const certification of source.requirements.certifications ?? []) carried.certifications.add(certification);
  }

  const allowedByClass = new Map(DATA_CLASSES.map((at) => [at, refusalAt(at) === undefined]));
  const refusal = refusalAt(dataClass);
  return {
    workload: name,
    dataClass,
    ...(refusal === undefined ? {} : { refusal }),
    allows: (at) => allowedByClass.get(at) === true,
    classOf(findings) {
      let rank = dataClassRank(dataClass);
      for (const finding of findings) rank = Math.max(rank, dataClassRank(kindClasses[finding.kind]));
      return DATA_CLASSES[rank]!;
    },
    carried: { regions: [...carried.regions].sort(), certifications: [...carried.certifications].sort() },
  };
}

/** Throws the refusal (code `permission_denied`, one line naming the setting) when there is one. */
export function assertExportAllowed(policy: FinetuneExportPolicy): void {
  if (policy.refusal !== undefined) {
    throw new PermissionDeniedError(`fine-tuning export refused: ${policy.refusal.message}`, { param: policy.refusal.setting });
  }
}
