import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { RouterCurvePoint, RoutersResponse } from '../../api/admin-types.js';
import { AXIS_PROPS, percentValue } from '../../charts/chart-helpers.js';
import { COLOR } from '../../charts/palette.js';
import { ChartFigure } from '../../components/chart-figure.js';
import { EmptyState } from '../../components/empty-state.js';
import { formatPercent, formatScore } from '../../format/format-number.js';

type Router = RoutersResponse['routers'][number];

/** The curve's point for the threshold in force (the nearest, if the curve was sampled elsewhere). */
export function chosenPoint(router: Router): RouterCurvePoint | undefined {
  let best: RouterCurvePoint | undefined;
  for (const point of router.curve ?? []) {
    if (best === undefined || Math.abs(point.threshold - router.threshold) < Math.abs(best.threshold - router.threshold)) best = point;
  }
  return best;
}

export function chosenSummary(router: Router): string {
  const point = chosenPoint(router);
  if (point === undefined) return `Threshold ${formatScore(router.threshold)} (no curve points).`;
  return `Threshold ${formatScore(router.threshold)}: ${formatPercent(point.strongShare)} of requests to ${router.strong}, ${formatPercent(point.relativeCost)} of the all-${router.strong} cost, quality ${formatScore(point.quality)}.`;
}

function provenance(router: Router): string {
  const cascade = router.cascadeBetween === undefined ? '' : ` Scores from ${formatScore(router.cascadeBetween[0])} to ${formatScore(router.cascadeBetween[1])} run the cascade.`;
  const embedder = router.artifact.embedder === null ? '' : ` Reads prompt embeddings from ${router.artifact.embedder} (computed before each routed request).`;
  return `Threshold from the ${router.thresholdSource === 'config' ? 'config (overriding the artifact)' : 'artifact'}; trained ${router.artifact.trainedAt.slice(0, 10)}.${cascade}${embedder}`;
}

/** Quality against cost as the threshold moves, with the threshold in force marked. */
export function RouterCurveChart({ router }: { router: Router }) {
  if (router.curve === null || router.curve.length === 0) {
    return (
      <EmptyState title={`${router.workload}: ${router.weak} → ${router.strong}, threshold ${formatScore(router.threshold)}`} testId={`router-no-curve-${router.workload}`}>
        <p>
          Its artifact has no cost–quality curve (trained before curves were recorded). Retrain it with <code>switchyard router train</code> to draw one.{' '}
          {provenance(router)}
        </p>
      </EmptyState>
    );
  }
  const points = [...router.curve].sort((left, right) => left.relativeCost - right.relativeCost);
  const chosen = chosenPoint(router);
  return (
    <ChartFigure
      title={`${router.workload}: ${router.weak} → ${router.strong}`}
      testId={`router-curve-${router.workload}`}
      summary={
        <>
          <span data-testid={`router-chosen-${router.workload}`}>{chosenSummary(router)}</span>{' '}
          <span data-testid={`router-provenance-${router.workload}`}>{provenance(router)}</span>
        </>
      }
    >
      <LineChart data={points} margin={{ top: 16, right: 24, bottom: 16, left: 8 }} accessibilityLayer>
        <CartesianGrid stroke={COLOR.grid} strokeDasharray="3 3" />
        <XAxis
          dataKey="relativeCost"
          type="number"
          domain={[0, 1]}
          tickFormatter={percentValue}
          label={{ value: `Cost (share of all-${router.strong})`, position: 'insideBottom', offset: -8, fill: COLOR.axis }}
          {...AXIS_PROPS}
        />
        <YAxis dataKey="quality" domain={['auto', 'auto']} tickFormatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))} width={56} {...AXIS_PROPS} />
        <Tooltip
          formatter={(value: unknown) => (typeof value === 'number' ? formatScore(value) : String(value))}
          labelFormatter={(value: unknown) => {
            const point = points.find((candidate) => candidate.relativeCost === value);
            return point === undefined ? '' : `Threshold ${formatScore(point.threshold)} · ${formatPercent(point.strongShare)} strong · cost ${formatPercent(point.relativeCost)}`;
          }}
        />
        <Legend verticalAlign="top" />
        <Line type="monotone" dataKey="quality" name="Quality" stroke={COLOR.cost} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
        {chosen === undefined ? null : (
          <ReferenceLine
            x={chosen.relativeCost}
            stroke={COLOR.errors}
            strokeDasharray="6 3"
            label={{ value: `threshold ${formatScore(router.threshold)}`, position: 'insideTopRight', fill: COLOR.errors }}
          />
        )}
        {chosen === undefined ? null : <ReferenceDot x={chosen.relativeCost} y={chosen.quality} r={6} fill={COLOR.errors} stroke="#fff" />}
      </LineChart>
    </ChartFigure>
  );
}
