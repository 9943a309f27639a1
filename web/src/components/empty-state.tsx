import type { ReactNode } from 'react';

/** Nothing to show yet, and what to configure so there will be. */
export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="empty-state-title">{title}</p>
      {children === undefined ? null : <div className="empty-state-body">{children}</div>}
    </div>
  );
}
