import type { CascadeCheck } from './cascade-check.js';
import type { CascadeCheckConfig } from './cascade-config.js';
import { agreementCheck } from './checks/agreement-check.js';
import { jsonSchemaCheck } from './checks/json-schema-check.js';
import { judgeCheck } from './checks/judge-check.js';
import { meanLogprobCheck } from './checks/mean-logprob-check.js';
import { refusalCheck } from './checks/refusal-check.js';
import { regexCheck } from './checks/regex-check.js';
import { requiredFieldsCheck } from './checks/required-fields-check.js';

/**
 * Builds a cascade's checks once, at config load (regexes compiled here), ordered for cost: the
 * local checks in the order written, then the checks that call a model, agreement before judge.
 * A failure stops the chain, so a cheap check that fails saves every paid call after it.
 */
export function buildCascadeChecks(configs: readonly CascadeCheckConfig[]): CascadeCheck[] {
  const checks = configs.map(buildCheck);
  const rank = (check: CascadeCheck) => (check.kind === 'judge' ? 2 : check.callsModel ? 1 : 0);
  // Array.prototype.sort is stable, so checks of one rank keep their written order.
  return checks.sort((first, second) => rank(first) - rank(second));
}

function buildCheck(config: CascadeCheckConfig): CascadeCheck {
  switch (config.kind) {
    case 'json_schema':
      return jsonSchemaCheck();
    case 'refusal':
      return refusalCheck();
    case 'required_fields':
      return requiredFieldsCheck(config.fields);
    case 'regex':
      return regexCheck(config.pattern, config.flags);
    case 'min_mean_logprob':
      return meanLogprobCheck(config.threshold, config.onUnavailable);
    case 'agreement':
      return agreementCheck(config);
    case 'judge':
      return judgeCheck(config);
    default: {
      const unknown: never = config;
      throw new Error(`unknown cascade check ${JSON.stringify(unknown)}`);
    }
  }
}
