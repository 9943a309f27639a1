/**
 * Kinds of sensitive data the governance detector reports. The redactor's `ssn` is reported as
 * `national_id`, with the other national identifiers this folder adds.
 */
export const SENSITIVE_DATA_KINDS = ['email', 'phone', 'card', 'iban', 'national_id', 'secret', 'ip'] as const;
export type SensitiveDataKind = (typeof SENSITIVE_DATA_KINDS)[number];

/** How many matches of one kind a request holds. Never the matched values. */
export interface SensitiveFinding {
  kind: SensitiveDataKind;
  count: number;
}
