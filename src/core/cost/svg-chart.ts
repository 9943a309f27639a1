import { niceCeiling, type ChartOptions, type ChartSeries } from './ascii-chart.js';

/** The same chart as `renderAsciiChart`, as a standalone SVG document (no scripts, no external assets). */
export function renderSvgChart(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = 720;
  const height = 420;
  const margin = { left: 80, right: 24, top: 48, bottom: 72 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xMin = options.xValues[0] ?? 0;
  const xMax = options.xValues[options.xValues.length - 1] ?? 1;
  const yMax = niceCeiling(Math.max(0, ...series.flatMap((line) => line.values.filter(Number.isFinite))));
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * plotWidth;
  const sy = (y: number) => margin.top + plotHeight - (Math.min(Math.max(y, 0), yMax) / yMax) * plotHeight;
  const number = (value: number) => value.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (options.title) parts.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`);
  for (let tick = 0; tick <= 4; tick += 1) {
    const y = (yMax * tick) / 4;
    const x = xMin + ((xMax - xMin) * tick) / 4;
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${number(sy(y))}" y2="${number(sy(y))}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${number(sy(y) + 4)}" text-anchor="end">${escapeXml(options.formatY(y))}</text>`,
      `<text x="${number(sx(x))}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${escapeXml(options.formatX(x))}</text>`,
    );
  }
  parts.push(
    `<polyline points="${margin.left},${margin.top} ${margin.left},${margin.top + plotHeight} ${margin.left + plotWidth},${margin.top + plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 30}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  if (options.marker && options.marker.x >= xMin && options.marker.x <= xMax) {
    const x = number(sx(options.marker.x));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#888" stroke-dasharray="4 4"/>`,
      `<text x="${x}" y="${margin.top - 6}" text-anchor="middle" fill="#555">${escapeXml(options.marker.label)}</text>`,
    );
  }
  series.forEach((line, index) => {
    const points = line.values
      .map((value, column) => (Number.isFinite(value) ? `${number(sx(options.xValues[column] ?? 0))},${number(sy(value))}` : ''))
      .filter((point) => point !== '')
      .join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${escapeXml(line.colour)}" stroke-width="2"/>`);
    const legendX = margin.left + index * 200;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${height - 10}" y2="${height - 10}" stroke="${escapeXml(line.colour)}" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="${height - 6}">${escapeXml(line.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
