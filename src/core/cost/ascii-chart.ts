/**
 * A small line chart for the terminal: series sampled at the same x values, one column per
 * sample. Vertical jumps are filled so steps and steep lines stay connected.
 */

export interface ChartSeries {
  name: string;
  /** One character drawn for this series in the terminal. */
  symbol: string;
  /** Colour for SVG output. */
  colour: string;
  /** One y value per x value. */
  values: readonly number[];
}

export interface ChartOptions {
  xValues: readonly number[];
  /** Rows of the plot area (terminal). */
  height?: number;
  title?: string;
  xLabel: string;
  yLabel: string;
  formatX: (value: number) => string;
  formatY: (value: number) => string;
  /** A vertical marker, e.g. the break-even. */
  marker?: { x: number; label: string };
}

/** The top of the y axis: the largest value rounded up to a round step (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8) × a power of ten. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((candidate) => candidate * power >= value * (1 - 1e-12)) ?? 10;
  return step * power;
}

export function renderAsciiChart(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = options.xValues.length;
  const height = Math.max(4, options.height ?? 16);
  const yMax = niceCeiling(Math.max(0, ...series.flatMap((line) => line.values.filter(Number.isFinite))));
  const grid: string[][] = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  const rowOf = (value: number) => height - 1 - Math.round((Math.min(Math.max(value, 0), yMax) / yMax) * (height - 1));

  if (options.marker) {
    const column = columnOf(options.xValues, options.marker.x);
    if (column !== undefined) for (const row of grid) row[column] = ':';
  }
  for (const line of series) {
    let previous: number | undefined;
    line.values.forEach((value, column) => {
      if (!Number.isFinite(value)) {
        previous = undefined;
        return;
      }
      const row = rowOf(value);
      // Fill this column from just past the previous column's row, so a jump reads as a connected line.
      const from = previous === undefined || previous === row ? row : previous + Math.sign(row - previous);
      for (let fill = Math.min(from, row); fill <= Math.max(from, row); fill += 1) plot(grid, fill, column, line.symbol, series);
      previous = row;
    });
  }

  const yLabels = new Map([
    [0, options.formatY(yMax)],
    [Math.round((height - 1) / 2), options.formatY(yMax / 2)],
    [height - 1, options.formatY(0)],
  ]);
  const gutter = Math.max(...[...yLabels.values()].map((label) => label.length));
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(`${' '.repeat(gutter)}  ${options.yLabel}`);
  grid.forEach((row, index) => lines.push(`${(yLabels.get(index) ?? '').padStart(gutter)} ┤${row.join('')}`.trimEnd()));
  lines.push(`${' '.repeat(gutter)} └${'─'.repeat(width)}`);
  // x labels under the first, middle and last columns (offset 1 is the first column); the middle
  // one only when it fits between the others.
  const axis = Array.from({ length: width + 1 }, () => ' ');
  const place = (text: string, at: number) => [...text].forEach((char, offset) => (axis[at + offset] = char));
  const first = options.formatX(options.xValues[0] ?? 0);
  const last = options.formatX(options.xValues[width - 1] ?? 0);
  const middle = options.formatX(options.xValues[Math.floor((width - 1) / 2)] ?? 0);
  const lastAt = Math.max(first.length + 2, width + 1 - last.length);
  const middleAt = 1 + Math.floor((width - 1) / 2) - Math.floor(middle.length / 2);
  place(first, 1);
  if (middleAt > first.length + 2 && middleAt + middle.length < lastAt) place(middle, middleAt);
  place(last, lastAt);
  lines.push(`${' '.repeat(gutter + 1)}${axis.join('').trimEnd()}`);
  lines.push(`${' '.repeat(gutter + 2)}${options.xLabel}`);
  const legend = series.map((line) => `${line.symbol} ${line.name}`);
  if (options.marker) legend.push(`: ${options.marker.label}`);
  lines.push(`${' '.repeat(gutter + 2)}${legend.join('   ')}`);
  return lines.join('\n');
}

/** The column whose x value is nearest to `x`, if `x` lies within the range. */
function columnOf(xValues: readonly number[], x: number): number | undefined {
  const first = xValues[0];
  const last = xValues[xValues.length - 1];
  if (first === undefined || last === undefined || x < first || x > last || last === first) return undefined;
  return Math.round(((x - first) / (last - first)) * (xValues.length - 1));
}

/** Where two series share a cell, `*` shows they meet. */
function plot(grid: string[][], row: number, column: number, symbol: string, series: readonly ChartSeries[]): void {
  const cells = grid[row];
  if (!cells) return;
  const current = cells[column];
  const taken = current !== undefined && current !== symbol && series.some((line) => line.symbol === current);
  cells[column] = taken ? '*' : symbol;
}
