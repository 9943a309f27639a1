export {
  compileWorkloadPolicy,
  REFUSE_ON_SENSITIVE_RULE,
  UNKNOWN_DEPLOYMENT_RULE,
  type CompiledPolicy,
  type PolicyCompileContext,
  type PolicyVerdict,
  type RequestClassification,
} from './compile-workload-policy.js';
export {
  createSensitiveDataScanner,
  detectSensitiveData,
  type SensitiveDataScan,
  type SensitiveDataScanner,
} from './detect-sensitive-data.js';
export {
  isAadhaarValid,
  isFrenchNirValid,
  isGermanTaxIdValid,
  isSpanishDniValid,
  isUkNationalInsuranceNumberValid,
  isVerhoeffValid,
} from './national-id-checksums.js';
export {
  dataClassRequirements,
  dataClassSchema,
  DEFAULT_DATA_CLASS_REQUIREMENTS,
  DEFAULT_SENSITIVE_KIND_CLASSES,
  globalPolicySchema,
  policyConfigField,
  policyRequirementsSchema,
  sensitiveKindClasses,
  workloadPolicyFields,
  workloadPolicySchema,
  workloadUseSchema,
  type GlobalPolicyConfig,
  type PolicyRequirements,
  type RawGlobalPolicyConfig,
  type RawWorkloadPolicyConfig,
  type WorkloadPolicyConfig,
  type WorkloadUse,
} from './policy-config.js';
export { regionWithin, RETIRED_CONSTRAINT, type PolicyConstraint } from './policy-constraints.js';
export type { PolicyDecision } from './policy-decision.js';
export { formatFindings, PolicyRefusedError, type DeniedDeployment, type PolicyRefusalDetails } from './policy-refused-error.js';
export { NATIONAL_ID_DETECTORS, POLICY_DETECTORS, type PolicyDetector } from './sensitive-data-detectors.js';
export { SENSITIVE_DATA_KINDS, type SensitiveDataKind, type SensitiveFinding } from './sensitive-data-kinds.js';
