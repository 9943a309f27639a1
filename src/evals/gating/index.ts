export { approvalGatesView, checkApprovalGates, gateCommand, GateRequiredError, gateRequiredMessage, type ApprovalGateCheck, type ApprovalGatesView, type WorkloadGateState, type WorkloadGateStatus } from './approval-gates.js';
export { DriftRerunScheduler, type DriftRerunSchedulerOptions, type RerunOutcome } from './drift-rerun-scheduler.js';
export { hashEvalSetFile, resolveEvalSetPath } from './eval-set-identity.js';
export { gateRecordOf, isSelfComparison, type GateRecordInput } from './gate-record.js';
export { modelVersionOf, UNRESOLVED_MODEL_VERSION } from './model-version.js';
export { previousVersionRun } from './previous-version-run.js';
export { evalRunRecordOf, newestPairableRun, recordedSamples, withoutPerCaseDetail, type EvalRunRecordInput, type RecordedCaseScore, type RecordedEvalReport } from './recorded-eval-run.js';
export { findUngatedApprovals, type UngatedApproval } from './ungated-approvals.js';
export { workloadEvalSet, type WorkloadEvalSet, type WorkloadGateSettings } from './workload-eval-set.js';
