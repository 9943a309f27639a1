/**
 * Why a generation stopped: `unified` is ours, `raw` is the provider's own value.
 */
export type UnifiedFinishReason =
  | 'stop'
  | 'length'
  | 'tool-calls'
  | 'content-filter'
  | 'error'
  | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  raw: string | undefined;
}
