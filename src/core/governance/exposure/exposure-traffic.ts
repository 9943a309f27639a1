/**
 * What exposure reads from the request log over a window: every workload's totals, the requests
 * the target's deployments answered, and the attempts made on them. The store computes these with
 * three grouped queries (src/store/governance/); the report is assembled in `computeExposure`.
 */
export interface ExposureTrafficQuery {
  /** Inclusive, Unix milliseconds. */
  since: number;
  /** Exclusive, Unix milliseconds. */
  until: number;
  /** The target's deployment ids. */
  deployments: readonly string[];
  /** Workloads whose totals are wanted besides those that sent the target traffic (the config's users of it). */
  workloads: readonly string[];
}

export interface ExposureTraffic {
  /**
   * Requests and cost (every attempt's) in the window of each workload asked for or seen in
   * `answered`/`attempts`; `null` = requests without a workload.
   */
  workloads: ReadonlyArray<{ workload: string | null; requests: number; costUsd: number }>;
  /** Requests answered by each of the target's deployments, by workload. */
  answered: ReadonlyArray<{ workload: string | null; deployment: string; requests: number }>;
  /** Attempts on each of the target's deployments (answered or not, checks included) and their cost. */
  attempts: ReadonlyArray<{ workload: string | null; deployment: string; attempts: number; costUsd: number }>;
}

export interface ExposureTrafficSource {
  exposureTraffic(query: ExposureTrafficQuery): Promise<ExposureTraffic>;
}
