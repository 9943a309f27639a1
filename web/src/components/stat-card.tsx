import type { ReactNode } from 'react';

/** One headline number; the grid of them is a description list, so label and value stay paired. */
export function StatCard({ label, value, hint, testId, tone }: { label: string; value: string; hint?: ReactNode; testId?: string; tone?: 'good' | 'bad' }) {
  return (
    <div className={`stat${tone === undefined ? '' : ` stat-${tone}`}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <span className="stat-value">{value}</span>
        {hint === undefined ? null : <span className="stat-hint">{hint}</span>}
      </dd>
    </div>
  );
}

export function StatGrid({ children, label }: { children: ReactNode; label: string }) {
  return (
    <dl className="stat-grid" aria-label={label}>
      {children}
    </dl>
  );
}
