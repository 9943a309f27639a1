import { useId, type ReactElement, type ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';

/**
 * A chart with a visible caption and a text summary for screen readers (the same numbers are in
 * the tables on each page). Recharts draws the SVG; this only frames and sizes it.
 */
export function ChartFigure({ title, summary, children, height = 260, testId }: { title: string; summary?: ReactNode; children: ReactElement; height?: number; testId?: string }) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div className="chart-body" style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
      {summary === undefined ? null : <p className="chart-summary">{summary}</p>}
    </figure>
  );
}
