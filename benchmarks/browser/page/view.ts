/**
 * Drawing the report into the page: the machine, the backends (found, or skipped with the
 * reason), the speed table with each backend's check against core, the head-to-head table, the
 * Node benchmark's speed charts (the same vega-lite specifications, rendered by vega here), and
 * the JSON download.
 */
import { renderSvg, speedChartSpecs } from '../../src/chartSpecs.js';
import { findSpeed } from '../../src/ratios.js';
import type { PageReport } from './runBenchmark.js';

/** A table element from a header row and body rows of text. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], className = ''): HTMLTableElement {
  const element = document.createElement('table');
  if (className) element.className = className;
  const head = element.createTHead().insertRow();
  for (const text of headers) {
    const th = document.createElement('th');
    th.textContent = text;
    head.append(th);
  }
  const body = element.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const text of row) tr.insertCell().textContent = text;
  }
  return element;
}

function section(title: string, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement('section');
  const heading = document.createElement('h2');
  heading.textContent = title;
  element.append(heading, ...children);
  return element;
}

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

const ms = (x: number | undefined) => (x === undefined ? '-' : x < 10 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1));
const times = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${x.toFixed(2)}x`);
const sci = (x: number | null) => (x === null ? '-' : x === 0 ? '0' : x.toExponential(1));

/** The speed table: one row per backend, n and k, with the loss check of that batch. */
function speedTable(report: PageReport): HTMLTableElement {
  const rows: string[][] = [];
  const keys = new Map<string, { backend: string; n: number; k: number }>();
  for (const r of report.speed) if (r.k !== null) keys.set(`${r.backend}|${r.n}|${r.k}`, { backend: r.backend, n: r.n, k: r.k });
  for (const { backend, n, k } of keys.values()) {
    const fwd = findSpeed(report.speed, backend, 'forward', n, k);
    const fb = findSpeed(report.speed, backend, 'forward+backward', n, k);
    const ce = findSpeed(report.speed, backend, 'cross-entropy', n, null);
    const ratio = report.ratios.find((x) => x.backend === backend && x.op === 'forward+backward' && x.n === n && x.k === k);
    const check = report.lossChecks.find((c) => c.backend === backend && c.n === n && c.k === k);
    const checkText =
      backend === 'core' ? 'reference' : check === undefined ? '-' : check.failure ? `failed: ${check.failure}` : `${check.passed ? 'ok' : 'OFF'} (loss ${sci(check.lossError)}, grad ${sci(check.gradError)})`;
    rows.push([
      backend, String(n), String(k), ms(fwd?.medianMs), fb ? `${ms(fb.medianMs)} ± ${ms(fb.madMs)}` : '-', ms(ce?.medianMs),
      times(ratio?.toCore), times(ratio?.toCrossEntropy), checkText,
    ]);
  }
  return table(['backend', 'n', 'k', 'forward (ms)', 'forward+backward (ms, ± MAD)', 'cross-entropy (ms)', 'f+b / core', 'f+b / cross-entropy', `against core (≤ ${report.lossChecks[0]?.tolerance ?? 1e-5})`], rows, 'speed');
}

/** A download link for the report as JSON. */
function downloadLink(report: PageReport): HTMLAnchorElement {
  const link = document.createElement('a');
  const blob = new Blob([`${JSON.stringify(report, null, 1)}\n`], { type: 'application/json' });
  link.href = URL.createObjectURL(blob);
  link.download = `topk-benchmark-browser-${report.profile}-${report.startedAt.replace(/[:.]/g, '-')}.json`;
  link.id = 'download';
  link.textContent = `Download the figures (JSON, ${Math.ceil(blob.size / 1024)} KiB)`;
  return link;
}

/** Replaces the contents of `root` with the report. */
export async function showReport(root: HTMLElement, report: PageReport): Promise<void> {
  const env = report.environment;
  const s = report.settings;
  root.replaceChildren(
    section(
      'Machine and backends',
      paragraph(`${env.userAgent}; ${env.hardwareConcurrency} logical cores; cross-origin isolated: ${env.crossOriginIsolated ? 'yes' : 'no'}.`),
      paragraph(`WebGL 2: ${env.webgl}${env.webglFloat32Render === null ? '' : `; float32 render targets: ${env.webglFloat32Render ? 'yes' : 'no'}`}. WebGPU: ${env.webgpu}.`),
      paragraph(`Profile ${report.profile}: batch ${s.batch}, n in {${s.ns.join(', ')}}, k in {${s.ks.join(', ')}}; run started ${report.startedAt}, took ${report.durationSeconds.toFixed(0)} s.`),
      table(['backend', 'precision', 'device', 'cross-entropy floor'], report.adapters.map((a) => [a.backend, a.precision, a.description ?? '-', a.floor])),
      ...(report.backends.skipped.length > 0
        ? [table(['skipped backend', 'reason'], report.backends.skipped.map((b) => [b.name, b.reason]), 'skipped')]
        : []),
    ),
    section(
      'Speed',
      paragraph(
        'Median time of one call (scores in, losses and gradient read back) over the repetitions, in milliseconds; ratios of forward+backward to core and to the same backend\'s softmax cross-entropy (forward+backward). ' +
          'The last column compares the backend\'s losses (relative) and gradient (absolute) on the same batch with core\'s float64 results on the same float32-rounded scores.',
      ),
      speedTable(report),
      ...(report.skippedConfigs.length > 0
        ? [table(['backend', 'operation', 'n', 'k', 'not measured because'], report.skippedConfigs.map((c) => [c.backend, c.op, String(c.n), c.k === null ? '-' : String(c.k), c.reason]), 'skipped')]
        : []),
    ),
    section(
      'Head to head with core',
      paragraph(`Forward+backward at n = ${s.headToHead.n}, k = ${s.headToHead.k}, each backend against core in alternating blocks of ${s.headToHead.block} calls, so that both sides of a ratio come from the same seconds.`),
      table(
        ['backend', 'backend (ms)', 'core (ms)', 'backend / core', 'backend / its cross-entropy', 'rounds'],
        report.headToHead.results.map((h) => [h.backend, ms(h.backendMs.medianMs), ms(h.coreMs.medianMs), times(h.toCore), times(h.toCrossEntropy), String(h.rounds)]),
      ),
      ...report.headToHead.skipped.map((h) => paragraph(`${h.backend}: ${h.reason}`)),
    ),
  );
  const charts = section('Charts');
  root.append(charts);
  for (const chart of speedChartSpecs(report)) {
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = chart.caption;
    try {
      figure.innerHTML = await renderSvg(chart.spec);
    } catch (error) {
      figure.append(paragraph(`chart not drawn: ${error instanceof Error ? error.message : String(error)}`));
    }
    figure.dataset.chart = chart.file;
    figure.append(caption);
    charts.append(figure);
  }
  root.append(section('Figures', downloadLink(report)));
}
