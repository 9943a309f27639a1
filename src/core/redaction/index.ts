export { isIbanValid, isLuhnValid } from './checksums.js';
export {
  DEFAULT_DETECTORS,
  IP_ADDRESS_DETECTOR,
  PERSONAL_DATA_DETECTORS,
  SECRET_DETECTORS,
  type SensitiveDataDetector,
  type SensitiveKind,
} from './detectors.js';
export { preparePayload, type CapturedPayload, type PayloadCaptureSettings } from './prepare-payload.js';
export { createRedactor, redactText, redactValue, type RedactedText, type RedactedValue, type RedactionFinding, type Redactor } from './redactor.js';
export { truncateJson, type TruncatedJson } from './truncate-json.js';
