import type { ReactNode } from 'react';

/** The page's h1 (focus moves here on navigation, see app.tsx) with its controls beside it. */
export function PageHeader({ title, description, children }: { title: string; description?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {description === undefined ? null : <p className="page-description">{description}</p>}
      </div>
      {children === undefined ? null : <div className="page-controls">{children}</div>}
    </header>
  );
}
