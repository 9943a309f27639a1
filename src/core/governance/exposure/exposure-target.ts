import { InvalidRequestError } from '../../../spec/errors.js';
import type { DeploymentFacts } from '../deployment-facts.js';

export const EXPOSURE_TARGET_KINDS = ['model', 'provider', 'license'] as const;
export type ExposureTargetKind = (typeof EXPOSURE_TARGET_KINDS)[number];

export interface ExposureTarget {
  kind: ExposureTargetKind;
  /** As configured (a licence given in another case is reported with the catalogue's spelling). */
  value: string;
}

/** A deployment as exposure sees it: the governance facts plus the upstream model id it calls. */
export interface ExposureDeployment extends DeploymentFacts {
  /** The provider's model id (`gpt-4o-2024-08-06`), so a deprecated provider version can be looked up too. */
  upstreamModel?: string;
  /** What its logical model serves; alternatives to a deployment must serve the same. */
  kind?: 'chat' | 'embedding';
}

/**
 * Which deployments a target covers. A `model` is a logical model name or a provider's model id
 * (every deployment calling it); a `provider` a configured provider name; a `license` an SPDX id or
 * catalogue key, compared without case since SPDX ids are case-insensitive.
 */
export function deploymentsOfTarget(target: ExposureTarget, deployments: readonly ExposureDeployment[]): ExposureDeployment[] {
  switch (target.kind) {
    case 'model':
      return deployments.filter((deployment) => deployment.model === target.value || deployment.upstreamModel === target.value);
    case 'provider':
      return deployments.filter((deployment) => deployment.provider === target.value);
    case 'license': {
      const wanted = target.value.toLowerCase();
      return deployments.filter((deployment) => deployment.license?.toLowerCase() === wanted);
    }
    default: {
      const unknownKind: never = target.kind;
      throw new Error(`Unknown exposure target kind: ${String(unknownKind)}`);
    }
  }
}

/**
 * Resolves what the user named. With a kind, the name must match something of that kind; without
 * one, it is tried as a model, then a provider, then a licence, and the first that matches wins.
 * `param` names the input in the error (`model`, `<target>`).
 */
export function resolveExposureTarget(
  value: string,
  kind: ExposureTargetKind | undefined,
  deployments: readonly ExposureDeployment[],
  param: string,
): ExposureTarget {
  const name = value.trim();
  if (name === '') throw new InvalidRequestError(`${param} must name a model, provider or license.`, { param });
  const kinds = kind === undefined ? EXPOSURE_TARGET_KINDS : [kind];
  for (const candidate of kinds) {
    const matched = deploymentsOfTarget({ kind: candidate, value: name }, deployments);
    if (matched.length > 0) {
      const spelled = candidate === 'license' ? (matched[0]!.license ?? name) : name;
      return { kind: candidate, value: spelled };
    }
  }
  const what = kind === undefined ? 'model, provider or license' : kind;
  throw new InvalidRequestError(`${param}: no configured ${what} '${name}'.`, { param, code: 'exposure_target_not_found' });
}
