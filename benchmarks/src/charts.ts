/** SVG charts of a run: the specifications of chartSpecs.ts rendered in Node and written as files. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chartSpecs, renderSvg, type ChartFile } from './chartSpecs.js';
import type { BenchmarkReport } from './report.js';

export { chartK, chartN, chartSpecs, ERROR_FLOOR, renderSvg, speedChartSpecs, stabilityChartSpecs, type ChartFile, type ChartSpec } from './chartSpecs.js';

/** Writes every chart of the report into `dir`; returns the files and captions. */
export async function writeCharts(report: BenchmarkReport, dir: string): Promise<ChartFile[]> {
  const out: ChartFile[] = [];
  for (const chart of chartSpecs(report)) {
    await writeFile(join(dir, chart.file), await renderSvg(chart.spec));
    out.push({ file: chart.file, caption: chart.caption });
  }
  return out;
}
