/**
 * Small SVG line charts, drawn directly (no charting library): a row of panels sharing a y axis
 * from 0 to 100 %, each with lines keyed by colour (the loss) and dash (the quantity).
 */

/** One line of a panel. */
export interface Line {
  readonly colour: string;
  readonly dash?: string;
  readonly points: readonly (readonly [number, number])[];
}

/** One panel: a title, x range and lines. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly xTicks: readonly number[];
  readonly lines: readonly Line[];
}

/** A legend entry. */
export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  readonly dash?: string;
}

const PANEL_W = 220;
const PANEL_H = 170;
const LEGEND_W = 185;
const MARGIN = { left: 44, right: 12, top: 26, bottom: 40 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A row of panels with a legend underneath, y in [0, 1] shown as percent. */
export function renderPanels(title: string, yLabel: string, panels: readonly Panel[], legend: readonly LegendEntry[]): string {
  const width = panels.length * (PANEL_W + MARGIN.left + MARGIN.right);
  const columns = Math.max(1, Math.floor((width - 20) / LEGEND_W));
  const legendRows = Math.ceil(legend.length / columns);
  const height = 30 + PANEL_H + MARGIN.top + MARGIN.bottom + legendRows * 18 + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const x0 = i * (PANEL_W + MARGIN.left + MARGIN.right) + MARGIN.left;
    const y0 = 30 + MARGIN.top;
    const [xMin, xMax] = [Math.min(...panel.xTicks), Math.max(...panel.xTicks)];
    const sx = (x: number) => x0 + ((x - xMin) / (xMax - xMin || 1)) * PANEL_W;
    const sy = (y: number) => y0 + (1 - y) * PANEL_H;
    parts.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 - 8}" text-anchor="middle">${escape(panel.title)}</text>`);
    for (let t = 0; t <= 1.0001; t += 0.2) {
      parts.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${sy(t)}" y2="${sy(t)}" stroke="#ddd"/>`);
      parts.push(`<text x="${x0 - 4}" y="${sy(t) + 4}" text-anchor="end">${Math.round(t * 100)}</text>`);
    }
    for (const t of panel.xTicks) parts.push(`<text x="${sx(t)}" y="${y0 + PANEL_H + 14}" text-anchor="middle">${t}</text>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
    parts.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 30}" text-anchor="middle">${escape(panel.xLabel)}</text>`);
    if (i === 0) parts.push(`<text transform="translate(${x0 - 32},${y0 + PANEL_H / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
    for (const line of panel.lines) {
      if (line.points.length === 0) continue;
      const d = line.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${line.colour}" stroke-width="1.6"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`);
    }
  });
  legend.forEach((entry, j) => {
    const x = 20 + (j % columns) * LEGEND_W;
    const y = height - 10 - (legendRows - 1 - Math.floor(j / columns)) * 18;
    parts.push(`<line x1="${x}" x2="${x + 28}" y1="${y - 4}" y2="${y - 4}" stroke="${entry.colour}" stroke-width="2"${entry.dash ? ` stroke-dasharray="${entry.dash}"` : ''}/>`);
    parts.push(`<text x="${x + 34}" y="${y}">${escape(entry.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
