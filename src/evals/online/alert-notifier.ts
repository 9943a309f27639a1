import type { Logger } from 'pino';
import { request, type Dispatcher } from 'undici';
import type { EvaluationConfig } from '../../core/evaluation/evaluation-config.js';
import type { AlertSink, EvaluationAlert } from '../../core/evaluation/evaluation-api.js';
import type { EvaluationMetrics } from './evaluation-metrics.js';

export type AlertWebhookConfig = NonNullable<EvaluationConfig['alert_webhook']>;

export interface AlertNotifierOptions {
  logger: Logger;
  metrics?: EvaluationMetrics;
  /** Where alerts are POSTed as JSON; none = log, metric and admin API only. */
  webhook?: AlertWebhookConfig;
  /** How many alerts the admin API lists (default 100). */
  maxRecent?: number;
  /** Tests pass their own; the default is undici's global pool. */
  dispatcher?: Dispatcher;
}

/**
 * Sends evaluation alerts everywhere a person might look: a pino warning, a counter, the admin
 * API's recent list and, when configured, a webhook. `raise` returns at once and never throws: a
 * webhook that is slow or down costs one logged warning, and the log names only the webhook's
 * origin — its path and headers often carry a secret token.
 */
export class AlertNotifier implements AlertSink {
  readonly #recent: EvaluationAlert[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #maxRecent: number;
  #webhook: AlertWebhookConfig | undefined;

  constructor(private readonly options: AlertNotifierOptions) {
    this.#maxRecent = options.maxRecent ?? 100;
    this.#webhook = options.webhook;
  }

  /** A reload may add, change or remove the webhook. */
  configure(webhook: AlertWebhookConfig | undefined): void {
    this.#webhook = webhook;
  }

  raise(alert: EvaluationAlert): void {
    try {
      this.options.logger.warn({ alert }, `evaluation alert: ${alert.message}`);
      this.options.metrics?.recordAlert(alert);
      this.#recent.unshift(alert);
      if (this.#recent.length > this.#maxRecent) this.#recent.length = this.#maxRecent;
    } catch {
      // An alert must never fail the judge job that raised it; the webhook below still tries.
    }
    const webhook = this.#webhook;
    if (!webhook) return;
    const delivery = this.#post(webhook, alert).finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
  }

  /** Newest first, optionally of one workload. */
  recent(workload?: string): EvaluationAlert[] {
    return workload === undefined ? [...this.#recent] : this.#recent.filter((alert) => alert.workload === workload);
  }

  /** Waits for webhook deliveries in flight (tests, shutdown); each is bounded by its timeout. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #post(webhook: AlertWebhookConfig, alert: EvaluationAlert): Promise<void> {
    const origin = originOf(webhook.url);
    try {
      const response = await request(webhook.url, {
        method: 'POST',
        headers: { ...webhook.headers, 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        headersTimeout: webhook.timeout_ms,
        bodyTimeout: webhook.timeout_ms,
        signal: AbortSignal.timeout(webhook.timeout_ms),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      await response.body.dump();
      if (response.statusCode >= 300) {
        this.options.logger.warn({ webhook: origin, status: response.statusCode, alert: alert.kind }, 'evaluation alert webhook refused the alert');
      }
    } catch (error) {
      this.options.logger.warn({ webhook: origin, error: describeError(error, webhook.url, origin), alert: alert.kind }, 'evaluation alert webhook failed');
    }
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}

/** The error's name and message with the full URL (it may hold a token) cut down to its origin. */
function describeError(error: unknown, url: string, origin: string): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split(url).join(origin);
}
