/**
 * The report of a profile's runs: markdown tables (mean ± sd over seeds) and SVG charts
 * (accuracy against noise and data size; training curves on noisy labels beside clean
 * validation). Tables and chart names are the same for every profile, so a pilot's report
 * reads like the full one's.
 */
import { GLYPHS, GLYPH_FAMILIES, type Grouping } from './glyphs.js';
import { lossName } from './losses.js';
import { readings, type Profile } from './profiles.js';
import type { RunRecord } from './runner.js';
import { curves, fractionRows, noiseRows, type Row, type Spread } from './summary.js';
import { renderPanels, type LegendEntry, type Panel } from './svg.js';
import { cleanClaim, dataSizeClaim, noiseClaim, precondition, type ClaimVerdict } from './verdicts.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const GROUPING_TITLE: Record<Grouping, string> = {
  blocks: 'noise within blocks of 5 consecutive class ids (the official code)',
  families: 'noise within shape families (the semantic groups)',
};

function pct(s: Spread): string {
  if (s.n === 0) return '–';
  return s.n > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)}` : (100 * s.mean).toFixed(1);
}

function table(rows: readonly Row[], head: string, pick: 'best' | 'last'): string {
  const losses = rows[0]?.cells.map((c) => c.loss) ?? [];
  const lines = [
    `| ${head} | ${losses.map((l) => `${l} top-1`).join(' | ')} | ${losses.map((l) => `${l} top-5`).join(' | ')} |`,
    `|---|${losses.map(() => '---:').join('|')}|${losses.map(() => '---:').join('|')}|`,
  ];
  for (const row of rows) {
    lines.push(`| ${row.value} | ${row.cells.map((c) => pct(c[pick].top1)).join(' | ')} | ${row.cells.map((c) => pct(c[pick].top5)).join(' | ')} |`);
  }
  return lines.join('\n');
}

function fitTable(rows: readonly Row[]): string {
  const losses = rows[0]?.cells.map((c) => c.loss) ?? [];
  const lines = [
    `| noise p | ${losses.map((l) => `${l} train top-1 (noisy labels)`).join(' | ')} | ${losses.map((l) => `${l} changed labels fitted`).join(' | ')} | ${losses.map((l) => `${l} checkpoint epoch`).join(' | ')} |`,
    `|---|${losses.map(() => '---:').join('|')}|${losses.map(() => '---:').join('|')}|${losses.map(() => '---:').join('|')}|`,
  ];
  for (const row of rows) {
    const epoch = (s: Spread) => (s.n === 0 ? '–' : s.mean.toFixed(1));
    lines.push(`| ${row.value} | ${row.cells.map((c) => pct(c.trainTop1)).join(' | ')} | ${row.cells.map((c) => pct(c.memorised)).join(' | ')} | ${row.cells.map((c) => epoch(c.bestEpoch)).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The files of a report: name to content. */
export type ReportFiles = Record<string, string>;

/** Charts of a profile's runs, keyed by file name (`<prefix>-*.svg`). */
export function renderCharts(profile: Profile, runs: readonly RunRecord[], prefix: string): ReportFiles {
  const files: ReportFiles = {};
  const names = profile.losses.map(lossName);
  const legendLosses: LegendEntry[] = names.map((label, i) => ({ label, colour: COLOURS[i] }));
  const accuracyPanels = (rows: readonly Row[], xLabel: string): Panel[] =>
    (['top1', 'top5'] as const).map((metric) => ({
      title: `test ${metric === 'top1' ? 'top-1' : 'top-5'} at the checkpoint`,
      xLabel,
      xTicks: rows.map((r) => r.value),
      lines: names.map((_, i) => ({ colour: COLOURS[i], points: rows.filter((r) => r.cells[i].best[metric].n > 0).map((r) => [r.value, r.cells[i].best[metric].mean] as const) })),
    }));
  for (const [grouping, noises] of readings(profile)) {
    const rows = noiseRows(runs, profile.losses, noises, grouping);
    files[`${prefix}-noise-${grouping}.svg`] = renderPanels(`Test accuracy (%) against label noise, ${grouping}`, 'accuracy (%)', accuracyPanels(rows, 'noise p'), legendLosses);
    const curvePanels: Panel[] = noises.map((p) => {
      const cs = curves(runs, profile.losses, p, grouping);
      const epochs = Math.max(1, ...cs.map((c) => c.train.length));
      const step = Math.max(1, Math.round(epochs / 3));
      return {
        title: `p = ${p}`,
        xLabel: 'epoch',
        xTicks: [1, ...Array.from({ length: Math.floor(epochs / step) }, (_, j) => (j + 1) * step).filter((e) => e > 1)],
        lines: cs.flatMap((c, i) => [
          { colour: COLOURS[i], points: c.train.map((v, e) => [e + 1, v] as const) },
          { colour: COLOURS[i], dash: '5,3', points: c.valTop1.map((v, e) => [e + 1, v] as const) },
          { colour: COLOURS[i], dash: '1,3', points: c.valTop5.map((v, e) => [e + 1, v] as const) },
        ]),
      };
    });
    const legendCurves: LegendEntry[] = [
      ...legendLosses,
      { label: 'train top-1, noisy labels', colour: '#555' },
      { label: 'clean validation top-1', colour: '#555', dash: '5,3' },
      { label: 'clean validation top-5', colour: '#555', dash: '1,3' },
    ];
    files[`${prefix}-curves-${grouping}.svg`] = renderPanels(`Training curves (mean over seeds), ${grouping}`, 'accuracy (%)', curvePanels, legendCurves);
  }
  // A data-size reading needs two sizes or more.
  if (profile.fractions.length < 2) return files;
  const fractions = fractionRows(runs, profile.losses, profile.fractions);
  files[`${prefix}-data-size.svg`] = renderPanels('Test accuracy (%) against the fraction of training data used (clean labels)', 'accuracy (%)', accuracyPanels(fractions, 'fraction of training set'), legendLosses);
  return files;
}

/** Facts about the data set drawn for the report. */
export interface DatasetFacts {
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly faces: Record<'train' | 'val' | 'test', readonly string[]>;
}

/** CPU seconds per epoch of a full-size run, when the runs recorded it. */
function cpuNote(runs: readonly RunRecord[], epochs: number): string {
  const full = runs.filter((r) => r.spec.fraction === 1 && r.cpuSeconds !== undefined);
  if (full.length === 0) return '';
  const perEpoch = full.reduce((a, r) => a + r.cpuSeconds, 0) / full.length / epochs;
  return ` (${perEpoch.toFixed(1)} CPU seconds per epoch on the full training set)`;
}

/** The generated markdown: setup, tables and chart links (chart paths relative to the markdown). */
export function renderMarkdown(profile: Profile, runs: readonly RunRecord[], facts: DatasetFacts, chartDir: string, prefix: string, minutes: number): string {
  const { train, dataset } = profile;
  const families = (names: readonly string[]) => [...new Set(names)].join(', ');
  const planned = runs.length;
  const sections: string[] = [
    `Profile \`${profile.name}\`: ${planned} runs, TF.js backend \`${runs[0]?.backend ?? '?'}\`, ${minutes.toFixed(1)} minutes of training (wall clock) summed over runs${cpuNote(runs, train.epochs)}.`,
    '',
    '### Setup',
    '',
    `- **Data**: ${GLYPHS.length} glyph classes (${GLYPH_FAMILIES.map((f) => [...f].join(' ')).join(' · ')}), drawn ${dataset.render.size}×${dataset.render.size} grey-scale from system font faces with random size (${dataset.render.scale.join('–')} of the side), shift (±${dataset.render.shift * 100} %), rotation (±${dataset.render.rotation}°), box blur (radius 0–${dataset.render.blur}) and Gaussian pixel noise (sd ${dataset.render.noise}). Train, validation and test come from disjoint font families: ${facts.train} / ${facts.val} / ${facts.test} pictures from ${facts.faces.train.length} / ${facts.faces.val.length} / ${facts.faces.test.length} faces.`,
    `  - validation families: ${families(facts.faces.val)}`,
    `  - test families: ${families(facts.faces.test)}`,
    `- **Model**: MLP ${dataset.render.size ** 2} → ${train.hidden.join(' → ')} → ${GLYPHS.length}, ReLU, He-uniform initialisation.`,
    `- **Training** (every loss alike): SGD, Nesterov momentum ${train.momentum}, weight decay ${train.weightDecay}, batch ${train.batchSize}, ${train.epochs} epochs, learning rate ${train.learningRate} divided by 10 after epochs ${Math.floor(train.epochs / 2)} and ${Math.floor((3 * train.epochs) / 4)}; seeds ${profile.seeds.join(', ')} (each fixes initialisation, noise draw and batch order).`,
    `- **Checkpoint**: the weights of the first epoch with the best clean validation top-5; test top-1 and top-5 both read with them. Last-epoch figures beside.`,
    '',
  ];
  for (const [grouping, noises] of readings(profile)) {
    const rows = noiseRows(runs, profile.losses, noises, grouping);
    sections.push(
      `### Label noise: ${GROUPING_TITLE[grouping]}`,
      '',
      'Test accuracy (%) at the checkpoint (best validation top-5), mean ± sd over seeds:',
      '',
      table(rows, 'noise p', 'best'),
      '',
      'Test accuracy (%) after the last epoch:',
      '',
      table(rows, 'noise p', 'last'),
      '',
      'Fitting the noisy labels, last epoch (training top-1 against the noisy labels; share of the labels the noise changed that the model predicts as their noisy label), and the checkpoint epoch:',
      '',
      fitTable(rows),
      '',
      `![Test accuracy against noise, ${grouping}](${chartDir}/${prefix}-noise-${grouping}.svg)`,
      '',
      `![Training curves, ${grouping}](${chartDir}/${prefix}-curves-${grouping}.svg)`,
      '',
    );
  }
  if (profile.fractions.length < 2) return [...sections, ...renderVerdicts(profile, runs)].join('\n');
  const fractions = fractionRows(runs, profile.losses, profile.fractions);
  sections.push(
    '### Training-set size (clean labels)',
    '',
    'Test accuracy (%) at the checkpoint, mean ± sd over seeds, by fraction of the training pictures used (the same fraction of each class):',
    '',
    table(fractions, 'fraction', 'best'),
    '',
    'After the last epoch:',
    '',
    table(fractions, 'fraction', 'last'),
    '',
    `![Test accuracy against training-set size](${chartDir}/${prefix}-data-size.svg)`,
    '',
    ...renderVerdicts(profile, runs),
  );
  return sections.join('\n');
}

function readingsText(v: ClaimVerdict, label: string): string {
  if (v.readings.length === 0) return '–';
  return v.readings.map((r) => `${label} ${r.value}: ${r.lead >= 0 ? '+' : ''}${r.lead.toFixed(1)} (${r.comparison})`).join('; ');
}

/** The criteria of docs/experiments.md applied to the runs: one line per claim, with the readings behind each verdict. */
function renderVerdicts(profile: Profile, runs: readonly RunRecord[]): string[] {
  const svms = profile.losses.map(lossName).filter((name) => name !== 'CE');
  const lines: string[] = [
    '### Verdicts against the success criteria',
    '',
    'The criteria stated above, applied by the report to the tables: each reading is the SVM\'s lead over cross-entropy in points of test accuracy and whether it counts (`ahead`, `behind`) or not (`level`). A claim reads `not measured` until every cell it needs holds two seeds or more (the counting rule needs their spread).',
    '',
  ];
  const row = (claim: string, loss: string, v: ClaimVerdict, label: string) => `| ${claim} | ${loss} | ${v.verdict} | ${readingsText(v, label)} |`;
  const header = ['| claim | loss | verdict | readings |', '|---|---|---|---|'];
  const blocks = profile.noises.blocks;
  if (blocks) {
    const rows = noiseRows(runs, profile.losses, blocks, 'blocks');
    const pre = precondition(rows);
    const fits = pre.readings.map((r) => `p ${r.value}: ${(100 * r.trainTop1).toFixed(1)} % against the ${(100 * (r.unchanged + 0.1)).toFixed(0)} % needed`).join('; ');
    lines.push(`**Precondition** (cross-entropy fits the noisy labels): ${pre.met === null ? 'not measured' : pre.met ? 'met' : '**not met: the noise test is void**'}${fits ? ` (${fits})` : ''}.`, '');
    lines.push(...header);
    for (const svm of svms) {
      for (const metric of ['top5', 'top1'] as const) {
        const name = metric === 'top5' ? 'top-5' : 'top-1';
        lines.push(row(`claim 1, ${name}, checkpoint`, svm, noiseClaim(rows, svm, metric, 'best', [0.4, 0.6, 0.8], 0.2), 'p'));
        lines.push(row(`claim 1, ${name}, last epoch`, svm, noiseClaim(rows, svm, metric, 'last', [0.4, 0.6, 0.8], 0.2), 'p'));
        lines.push(row(`claim 1, ${name}, clean data (confirmed: the SVM not ahead)`, svm, cleanClaim(rows, svm, metric), 'p'));
      }
    }
    lines.push('');
  }
  const families = profile.noises.families;
  if (families && families.length > 1) {
    const rows = noiseRows(runs, profile.losses, families, 'families');
    const levels = families.filter((p) => p > 0);
    lines.push('Semantic groups (`families`; reported, not scored: the same rules at its levels, the lead at the highest level against the lowest):', '');
    lines.push(...header);
    for (const svm of svms) {
      for (const metric of ['top5', 'top1'] as const) lines.push(row(`families, ${metric === 'top5' ? 'top-5' : 'top-1'}`, svm, noiseClaim(rows, svm, metric, 'best', levels, levels[0]), 'p'));
    }
    lines.push('');
  }
  if (profile.fractions.length > 1) {
    const rows = fractionRows(runs, profile.losses, profile.fractions);
    lines.push('Training-set size (claim 2 is confirmed when either SVM confirms it on top-5; top-1 beside, not scored):', '');
    lines.push(...header);
    for (const svm of svms) {
      lines.push(row('claim 2, top-5', svm, dataSizeClaim(rows, svm, 'top5'), 'fraction'));
      lines.push(row('top-1 (beside)', svm, dataSizeClaim(rows, svm, 'top1'), 'fraction'));
    }
    lines.push('');
  }
  return lines;
}

const begin = (name: string) => `<!-- generated:${name}:begin (npm run experiment:noise -- --profile ${name} --write-docs) -->`;
const end = (name: string) => `<!-- generated:${name}:end -->`;

/** Replaces the text between a profile's markers in a page (appending the section if absent). */
export function spliceSection(page: string, name: string, body: string): string {
  const [first, last] = [begin(name), end(name)];
  const from = page.indexOf(first);
  const to = page.indexOf(last);
  if (from < 0 || to < from) return `${page.trimEnd()}\n\n${first}\n${body}\n${last}\n`;
  return `${page.slice(0, from + first.length)}\n${body}\n${page.slice(to)}`;
}
