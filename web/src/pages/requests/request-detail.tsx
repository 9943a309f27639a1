import type { ReactNode } from 'react';
import type { AttemptLogRecord, CascadeStepLogRecord, RequestLogRecord } from '../../api/admin-types.js';
import { DataTable } from '../../components/data-table.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatCount, formatDateTime, formatMs, formatScore, formatUsd } from '../../format/format-number.js';

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="field-pair" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

function attemptPurpose(attempt: AttemptLogRecord): string {
  const parts: string[] = [];
  if (attempt.tier !== undefined) parts.push(`tier ${attempt.tier}`);
  if (attempt.purpose === 'check') parts.push('check');
  if (attempt.retry !== undefined && attempt.retry > 0) parts.push(`retry ${attempt.retry}`);
  if (attempt.hedge === true) parts.push('hedge');
  return parts.join(', ') || 'answer';
}

/** One logged request: how it was routed and why, every attempt, its cost, and its payload when captured. */
export function RequestDetail({ record }: { record: RequestLogRecord }) {
  const savings = record.referenceCostUsd === undefined || record.costUsd === undefined ? undefined : record.referenceCostUsd - record.costUsd;
  return (
    <article className="request-detail" data-testid="request-detail" aria-labelledby="request-detail-title">
      <h2 id="request-detail-title">
        Request <span className="mono">{record.id}</span>
      </h2>
      <dl className="field-grid">
        <Field label="Time">{formatDateTime(record.time)}</Field>
        <Field label="Status" testId="detail-status">
          {record.status}
          {record.errorCode === undefined ? '' : ` (${record.errorCode})`}
        </Field>
        <Field label="Workload">{record.workload ?? '—'}</Field>
        <Field label="Requested model">{record.requestedModel}</Field>
        <Field label="Answered by" testId="detail-deployment">
          {record.deployment ?? '—'}
          {record.upstreamModel === undefined ? '' : ` as ${record.upstreamModel}`}
        </Field>
        <Field label="Latency">
          {formatMs(record.durationMs)}
          {record.timeToFirstTokenMs === undefined ? '' : `, first token ${formatMs(record.timeToFirstTokenMs)}`}
          {record.stream ? ' (streamed)' : ''}
        </Field>
        <Field label="Tokens">
          {formatCount(record.inputTokens ?? 0)} in, {formatCount(record.outputTokens ?? 0)} out
          {record.cachedInputTokens ? `, ${formatCount(record.cachedInputTokens)} cached` : ''}
        </Field>
        <Field label="Cost" testId="detail-cost">
          {record.costUsd === undefined ? '—' : formatUsd(record.costUsd)}
        </Field>
        <Field label="Baseline (reference model)">{record.referenceCostUsd === undefined ? '—' : formatUsd(record.referenceCostUsd)}</Field>
        <Field label="Saved">{savings === undefined ? '—' : formatUsd(savings)}</Field>
        <Field label="Cache">{record.cacheHit ? 'hit' : 'miss'}</Field>
      </dl>

      <h3>Routing decision</h3>
      <dl className="field-grid">
        <Field label="Router">{record.router ?? 'default'}</Field>
        <Field label="Route model">{record.routeModel ?? record.requestedModel}</Field>
        <Field label="Reason" testId="detail-reason">
          {record.routeReason ?? '—'}
        </Field>
        {record.routeScore === undefined ? null : <Field label="Router score">{formatScore(record.routeScore)}</Field>}
      </dl>
      {record.cascade === undefined ? null : (
        <DataTable<CascadeStepLogRecord & { index: number }>
          caption={`Cascade: ${record.cascade.tiers.join(' → ')}${record.cascade.tier === undefined ? '' : `; tier ${record.cascade.tier} answered`}`}
          testId="cascade-steps"
          rows={record.cascade.steps.map((step, index) => ({ ...step, index }))}
          rowKey={(step) => String(step.index)}
          columns={[
            { header: 'Tier', cell: (step) => String(step.index), numeric: true },
            { header: 'Model', cell: (step) => step.model, rowHeader: true },
            { header: 'Outcome', cell: (step) => step.outcome },
            { header: 'Check', cell: (step) => step.check ?? '—' },
            { header: 'Why', cell: (step) => step.reason ?? '—' },
          ]}
        />
      )}
      {record.policy === undefined ? null : (
        <details>
          <summary>Policy decisions</summary>
          <pre className="payload">{json(record.policy)}</pre>
        </details>
      )}

      <DataTable<AttemptLogRecord & { index: number }>
        caption={`Attempts (${record.attempts.length})`}
        testId="attempts-table"
        rows={record.attempts.map((attempt, index) => ({ ...attempt, index }))}
        rowKey={(attempt) => String(attempt.index)}
        empty="No upstream attempt (refused before routing, or answered from cache)."
        columns={[
          { header: '#', cell: (attempt) => String(attempt.index + 1), numeric: true },
          { header: 'Deployment', cell: (attempt) => attempt.deployment, rowHeader: true },
          { header: 'For', cell: attemptPurpose },
          { header: 'Outcome', cell: (attempt) => `${attempt.code}${attempt.upstreamStatus === undefined ? '' : ` (${attempt.upstreamStatus})`}${attempt.message === undefined ? '' : `: ${attempt.message}`}` },
          { header: 'Latency', cell: (attempt) => formatMs(attempt.latencyMs), numeric: true },
          { header: 'Tokens', cell: (attempt) => `${formatCount(attempt.inputTokens ?? 0)} / ${formatCount(attempt.outputTokens ?? 0)}`, numeric: true },
          { header: 'Cost', cell: (attempt) => (attempt.costUsd === undefined ? '—' : formatUsd(attempt.costUsd)), numeric: true },
        ]}
      />

      <h3>Payload</h3>
      {record.payload === undefined || record.payload === null ? (
        <EmptyState title="No payload stored" testId="payload-none">
          <p>
            Payload capture is off. With <code>request_log.capture_payloads: {'{'} enabled: true {'}'}</code> the log keeps prompts and answers, with personal data and keys redacted.
          </p>
        </EmptyState>
      ) : (
        <div className="payload-grid" data-testid="payload">
          <section aria-label="Request payload (redacted)">
            <h4>Request (redacted)</h4>
            <pre className="payload" tabIndex={0}>
              {json(record.payload.request)}
            </pre>
          </section>
          <section aria-label="Response payload (redacted)">
            <h4>Response (redacted)</h4>
            <pre className="payload" tabIndex={0}>
              {json(record.payload.response)}
            </pre>
          </section>
        </div>
      )}
    </article>
  );
}
