/**
 * Series colours: each has at least 4.5:1 contrast on white (WCAG AA for text, so also for thin
 * lines), and neighbours differ in lightness as well as hue for colour-blind readers. Dashed
 * strokes mark baselines and reference lines in addition to colour.
 */
export const SERIES_COLORS = ['#1f4e9c', '#b3261e', '#1b6e3a', '#8a5a00', '#6b3fa0', '#00666f', '#9c2f6b', '#4d5560'] as const;

export const COLOR = {
  cost: '#1f4e9c',
  baseline: '#8a5a00',
  savings: '#1b6e3a',
  errors: '#b3261e',
  ok: '#1f4e9c',
  p50: '#1b6e3a',
  p95: '#8a5a00',
  p99: '#b3261e',
  escalation: '#6b3fa0',
  fallback: '#00666f',
  grid: '#d6dae0',
  axis: '#3d4550',
} as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}
