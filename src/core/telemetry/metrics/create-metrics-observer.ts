import type { RequestObserver, RequestSummary } from '../../pipeline/request-summary.js';
import type { GatewayMetrics, RequestCosts } from './gateway-metrics.js';

export interface MetricsObserverOptions {
  /** Prices a request; its result feeds the cost counters. Called once per request. */
  costsOf?: (summary: RequestSummary) => RequestCosts | undefined;
  /** Told when recording fails; the request itself is unaffected. */
  onError?: (error: unknown) => void;
}

/**
 * A RequestObserver that counts every finished request in `metrics`. It never throws: the
 * pipeline calls observers inside its own try block, and a metrics fault must not turn an
 * answered request into a failed one.
 */
export function createMetricsObserver(metrics: GatewayMetrics, options: MetricsObserverOptions = {}): RequestObserver {
  const { costsOf, onError } = options;
  return {
    onRequestEnd(summary) {
      try {
        metrics.record(summary, costsOf?.(summary));
      } catch (error) {
        onError?.(error);
      }
    },
  };
}
