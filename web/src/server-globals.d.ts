/**
 * The server's response types are imported from src/ (see api/admin-types.ts), so tsc reads those
 * files under this browser config. `BackgroundQueueStats` (in QualityResponse) lives next to the
 * queue's code, which calls this Node global; declared here so the type-only import checks.
 * Nothing from src/ is bundled.
 */
declare function setImmediate(callback: () => void): unknown;
