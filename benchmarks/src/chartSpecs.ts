/**
 * The charts of a run as vega-lite specifications, and their rendering to SVG with vega. No
 * Node module: the Node benchmark writes the SVG files, the browser page draws the same specs.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { backendColourScale } from './backendColours.js';
import type { BenchmarkReport } from './report.js';

/** Renders a vega-lite specification to SVG text (no browser, no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Up to twenty series per chart: a 20-colour scheme, full legend labels, no symbol limit.
  const config = { legend: { labelLimit: 400, symbolLimit: 0 }, range: { category: { scheme: 'category20' } }, ...spec.config };
  const view = new vega.View(vega.parse(compile({ ...spec, config } as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Errors of exactly 0 are drawn at this floor on logarithmic axes (said in the captions). */
export const ERROR_FLOOR = 1e-17;

const logScale = { type: 'log' as const };

/** k whose curves the n charts show: 5 when measured, else the largest measured. */
export function chartK(report: Pick<BenchmarkReport, 'speed'>): number {
  const ks = [...new Set(report.speed.filter((r) => r.k !== null).map((r) => r.k as number))];
  return ks.includes(5) ? 5 : Math.max(...ks);
}

/** n whose curves the k chart shows: 1000 when measured, else the largest. */
export function chartN(report: Pick<BenchmarkReport, 'speed'>): number {
  const ns = [...new Set(report.speed.map((r) => r.n))];
  return ns.includes(1000) ? 1000 : Math.max(...ns);
}

/** The panels of the speed charts: a handful of lines each instead of every backend in one. */
const FAMILIES = ['core and PyTorch', 'TF.js', 'gpu.js'];

/** A legend of line dashes drawn as short lines, not as the default circles. */
const DASH_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, encode: { symbols: { update: { stroke: { value: 'black' } } } } } as const;

function familyOf(backend: string): string {
  return backend.startsWith('tfjs:') ? 'TF.js' : backend.startsWith('gpujs:') ? 'gpu.js' : 'core and PyTorch';
}

/** Median time (log-log) against `x`, one panel per family, one colour per backend, one dash per operation in `dashField`. */
function timePanels(title: string, values: { backend: string }[], x: { field: string; title: string }, dashField: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    facet: { column: { field: 'family', type: 'nominal', title: null, sort: FAMILIES } },
    spec: {
      width: 260, height: 300,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x.field, type: 'quantitative', scale: logScale, title: x.title },
        y: { field: 'ms', type: 'quantitative', scale: logScale, title: 'median time (ms)' },
        color: { field: 'backend', type: 'nominal', scale: backendColourScale(values.map((r) => r.backend)) },
        strokeDash: { field: dashField, type: 'nominal', title: 'operation', legend: DASH_LEGEND },
      },
    },
  };
}

/** The chart files of a run, by name, with their captions. */
export interface ChartFile {
  readonly file: string;
  readonly caption: string;
}

/** A chart: its file name, its caption and its vega-lite specification. */
export interface ChartSpec extends ChartFile {
  readonly spec: TopLevelSpec;
}

/** What the speed charts read: the speed grid, its ratios and the batch size. */
export type SpeedChartInput = Pick<BenchmarkReport, 'speed' | 'ratios'> & {
  readonly settings: Pick<BenchmarkReport['settings'], 'batch'>;
  readonly pytorch?: Pick<NonNullable<BenchmarkReport['pytorch']>, 'speed'> | null;
};

/** What the stability charts read: the stability grid and its settings. */
export type StabilityChartInput = Pick<BenchmarkReport, 'stability'> & {
  readonly settings: Pick<BenchmarkReport['settings'], 'taus' | 'scales'>;
  readonly pytorch?: Pick<NonNullable<BenchmarkReport['pytorch']>, 'stability'> | null;
};

/** Every chart of a report: the speed charts, then the stability charts. */
export function chartSpecs(report: BenchmarkReport): ChartSpec[] {
  return [...speedChartSpecs(report), ...stabilityChartSpecs(report)];
}

/** Time against n, time against k, and the ratio to the same backend's cross-entropy. */
export function speedChartSpecs(report: SpeedChartInput): ChartSpec[] {
  const k = chartK(report);
  const n = chartN(report);
  const all = [...report.speed, ...(report.pytorch?.speed ?? [])];
  const charts: ChartSpec[] = [];

  const timeVsN = all
    .filter((r) => (r.op === 'forward+backward' && r.k === k) || r.op === 'cross-entropy')
    .map((r) => ({ backend: r.backend, family: familyOf(r.backend), series: r.op === 'cross-entropy' ? 'cross-entropy' : `top-${k} forward+backward`, n: r.n, ms: r.medianMs }));
  charts.push({
    file: 'time-vs-n.svg',
    caption: `Median time of forward+backward (k = ${k}, batch ${report.settings.batch}) and of cross-entropy against n, per backend (log-log; one panel per family, same axes).`,
    spec: timePanels(`Time against n (k = ${k}, batch ${report.settings.batch})`, timeVsN, { field: 'n', title: 'n (classes)' }, 'series'),
  });

  const timeVsK = all.filter((r) => r.n === n && r.k !== null).map((r) => ({ backend: r.backend, family: familyOf(r.backend), op: r.op, k: r.k, ms: r.medianMs }));
  charts.push({
    file: 'time-vs-k.svg',
    caption: `Median time against k at n = ${n} (batch ${report.settings.batch}), forward and forward+backward, per backend (log-log; one panel per family, same axes).`,
    spec: timePanels(`Time against k (n = ${n}, batch ${report.settings.batch})`, timeVsK, { field: 'k', title: 'k' }, 'op'),
  });

  const ratios = report.ratios.filter((r) => r.k === k && r.op === 'forward+backward' && r.toCrossEntropy !== null).map((r) => ({ backend: r.backend, n: r.n, ratio: r.toCrossEntropy }));
  charts.push({
    file: 'ratio-to-cross-entropy.svg',
    caption: `Forward+backward time divided by the same backend's cross-entropy forward+backward (k = ${k}); the dashed line at 2.5 is core's aim at n = 1000.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: `Top-${k} forward+backward / cross-entropy, same backend`,
      width: 520, height: 340, data: { values: ratios },
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'n', type: 'quantitative', scale: logScale, title: 'n (classes)' },
            y: { field: 'ratio', type: 'quantitative', scale: logScale, title: 'time ratio' },
            color: { field: 'backend', type: 'nominal', scale: backendColourScale(ratios.map((r) => r.backend)) },
          },
        },
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { datum: 2.5 } } },
        { mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, color: 'gray' }, encoding: { x: { value: 0 }, y: { datum: 2.5 }, text: { value: "core's aim at n = 1000: 2.5" } } },
      ],
    },
  });

  return charts;
}

/** Worst error against tau, and the map of non-finite results over tau and score scale. */
export function stabilityChartSpecs(report: StabilityChartInput): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const errors = [...report.stability.cells, ...(report.pytorch?.stability ?? [])]
    .filter((c) => c.gradError !== null || c.lossError !== null)
    .map((c) => ({ method: c.method, tau: c.tau, scale: c.scale, error: Math.max(c.gradError ?? c.lossError ?? 0, ERROR_FLOOR), kind: c.gradError !== null ? 'gradient (max abs)' : 'log-ESP (relative)' }));
  charts.push({
    file: 'error-vs-tau.svg',
    caption: `Worst error over the score scales against tau, per method (gradient max abs difference for losses, relative error for log-ESP algorithms; exact zeros drawn at ${ERROR_FLOOR}). References as in the stability section.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Error against tau (worst over score scales)',
      data: { values: errors },
      facet: { column: { field: 'kind', type: 'nominal', title: null } },
      spec: {
        width: 360, height: 300,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'tau', type: 'quantitative', scale: logScale, title: 'tau' },
          y: { aggregate: 'max', field: 'error', type: 'quantitative', scale: logScale, title: 'worst error' },
          color: { field: 'method', type: 'nominal' },
        },
      },
      resolve: { scale: { color: 'independent' } },
    },
  });

  const overflow = report.stability.cells
    .filter((c) => c.method.startsWith('logEsp summation-linear') || c.method.includes('paper backward') || c.method.startsWith('pytorch'))
    .concat(report.pytorch?.stability ?? [])
    .map((c) => ({ method: c.method, tau: String(c.tau), scale: String(c.scale), share: c.nonFiniteShare }));
  charts.push({
    file: 'non-finite-map.svg',
    caption: 'Share of rows with a non-finite result over tau (columns) and score scale (rows): the linear-space summation algorithm overflows where s / (k tau) is large.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Share of non-finite results',
      data: { values: overflow },
      facet: { field: 'method', type: 'nominal', title: null },
      columns: 3,
      spec: {
        width: 170, height: 150,
        mark: 'rect',
        encoding: {
          x: { field: 'tau', type: 'ordinal', sort: report.settings.taus.map(String), title: 'tau' },
          y: { field: 'scale', type: 'ordinal', sort: report.settings.scales.map(String), title: 'score scale' },
          color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'reds' }, title: 'non-finite share' },
        },
      },
    },
  });
  return charts;
}
