/**
 * Summaries of an experiment: mean and spread over seeds per loss and noise level, the
 * markdown table and report, and the chart (vega-lite, rendered to SVG by vega).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ExperimentResult } from './experiment.js';

/** Mean, standard deviation, minimum and maximum over seeds, of one loss at one noise level. */
export interface SummaryRow {
  readonly loss: string;
  readonly noise: number;
  readonly seeds: number;
  readonly top1: Stats;
  readonly top5: Stats;
}

/** Statistics of one metric over seeds. */
export interface Stats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: readonly number[]): Stats {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** One row per loss and noise level, in the order the runs were listed. */
export function summarize(result: ExperimentResult): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const noise of result.profile.noises) {
    for (const loss of [...new Set(result.runs.map((r) => r.loss))]) {
      const runs = result.runs.filter((r) => r.loss === loss && r.noise === noise);
      if (runs.length === 0) continue;
      rows.push({ loss, noise, seeds: runs.length, top1: stats(runs.map((r) => r.test.top1)), top5: stats(runs.map((r) => r.test.top5)) });
    }
  }
  return rows;
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The results table in markdown: mean ± standard deviation over seeds, in percent. */
export function renderTable(result: ExperimentResult): string {
  const rows = summarize(result);
  const losses = [...new Set(rows.map((r) => r.loss))];
  const header = `| noise p | ${losses.map((l) => `${l}: top-1`).join(' | ')} | ${losses.map((l) => `${l}: top-5`).join(' | ')} |`;
  const rule = `|---|${losses.map(() => '---:').join('|')}|${losses.map(() => '---:').join('|')}|`;
  const body = result.profile.noises.map((noise) => {
    const cell = (loss: string, metric: 'top1' | 'top5') => {
      const row = rows.find((r) => r.loss === loss && r.noise === noise);
      return row === undefined ? '' : `${pct(row[metric].mean)} ± ${pct(row[metric].std)}`;
    };
    return `| ${noise} | ${losses.map((l) => cell(l, 'top1')).join(' | ')} | ${losses.map((l) => cell(l, 'top5')).join(' | ')} |`;
  });
  return [header, rule, ...body].join('\n');
}

/** The vega-lite specification of the chart: accuracy against p, one line per loss, top-1 and top-5 side by side. */
export function chartSpec(result: ExperimentResult): TopLevelSpec {
  const values = summarize(result).flatMap((row) =>
    (['top1', 'top5'] as const).map((metric) => ({
      loss: row.loss,
      noise: row.noise,
      metric: metric === 'top1' ? 'top-1 accuracy (%)' : 'top-5 accuracy (%)',
      mean: 100 * row[metric].mean,
      min: 100 * row[metric].min,
      max: 100 * row[metric].max,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: 'Test accuracy against training-label noise',
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 320,
      height: 240,
      encoding: {
        x: { field: 'noise', type: 'quantitative', title: 'label noise p', scale: { domain: [0, 0.8] } },
        color: { field: 'loss', type: 'nominal', title: 'loss' },
      },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } } } },
        { mark: { type: 'errorbar', ticks: true }, encoding: { y: { field: 'min', type: 'quantitative', title: 'test accuracy (%)' }, y2: { field: 'max' } } },
      ],
    },
    config: { font: 'sans-serif', legend: { labelLimit: 400 } },
  } as TopLevelSpec;
}

/** The chart as an SVG string (vega's headless View, no canvas needed). */
export async function renderChartSvg(result: ExperimentResult): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(result)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Number of runs the profile plans. */
function planned(result: ExperimentResult): number {
  const { losses, noises, seeds } = result.profile;
  return losses.length * noises.length * seeds.length;
}

/** Links from the markdown to the JSON and SVG. */
export interface ReportLinks {
  readonly json: string;
  readonly svg: string;
}

/** The markdown report: setup, table, chart and (when given) the hand-written reading. */
export function renderMarkdown(result: ExperimentResult, links: ReportLinks, reading?: string): string {
  const { profile, dataset } = result;
  const implementations = [...new Set(result.runs.map((r) => `${r.loss}: ${r.implementation}`))];
  const selection = result.runs.map((r) => `${r.top1Epoch}/${r.top5Epoch}`);
  return `# Experiment: cross-entropy against the smooth top-5 SVM under label noise

Generated by \`npm run experiment:noise${profile.name === 'quick' ? ' -- --quick' : ''}\` (profile \`${profile.name}\`,
TF.js backend \`${result.backend}\`, ${(result.seconds / 60).toFixed(1)} minutes${result.startedAt === 'interrupted run' ? ' of training' : `, started ${result.startedAt}`}).
Every run is in [${links.json}](${links.json}).${
    result.runs.length < planned(result)
      ? `\n\n**Incomplete**: the run was stopped after ${result.runs.length} of the ${planned(result)} planned runs; the table averages the seeds that finished.`
      : ''
  }

## Setup

- **Task**: tell a word's language from its spelling. ${dataset.classes} languages in ${dataset.groups.length} coarse groups of five
  (the paper's CIFAR-100 has 100 classes in 20 groups of five):
${dataset.groups.map((g) => `  - ${g.name}: ${g.languages.join(', ')}`).join('\n')}
- **Data**: words from the hunspell dictionaries on npm (\`dictionary-<code>\`, stems of \`index.dic\`, affixes not expanded),
  NFC, lower case, letters only (one inner apostrophe or hyphen allowed), 2 to 20 characters. Words listed by more than one
  dictionary are dropped (${dataset.sharedDropped} of ${dataset.candidatesPerClass * dataset.classes} sampled candidates), so every word has one language
  and no word string is in two splits. Seeded split (seed ${profile.dataset.seed}): ${profile.dataset.trainPerClass} / ${profile.dataset.valPerClass} / ${profile.dataset.testPerClass}
  words per language for train / validation / test (${dataset.train} / ${dataset.val} / ${dataset.test}).
- **Noise** (as in the paper): with probability p each training label is replaced by a label drawn uniformly from its
  group of five (possibly itself, so about 0.8 p of the labels change). Validation and test labels are clean, as in the
  official code, where the noise wraps only the training set.
- **Model**: character 1- to ${profile.features.maxN}-grams of the word with boundary marks, hashed into ${profile.features.buckets} buckets,
  a ${profile.train.model.embeddingSize}-dimensional embedding mean-pooled over the word's n-grams, a ${profile.train.model.hiddenSize}-unit ReLU layer and a
  linear layer to ${dataset.classes} scores.
- **Training**: the same for every loss: Adam (learning rate ${profile.train.adam.learningRate}), batch ${profile.train.batchSize}, ${profile.train.epochs} epochs,
  seeds ${profile.seeds.join(', ')} (each seed fixes the initialisation, the noise draw and the batch order).
  Losses: ${implementations.join('; ')}.
- **Checkpoint**: after each epoch the model is evaluated on validation and test; the reported test top-1 is the
  one at the epoch with the best validation top-1, and the test top-5 the one at the epoch with the best validation
  top-5 (the official code keeps both checkpoints). Chosen epochs (top-1/top-5) per run: ${selection.join(', ')}.

## Results

Test accuracy (%), mean ± standard deviation over ${result.runs.length < planned(result) ? 'the finished seeds' : `${profile.seeds.length} seed(s)`}:

${renderTable(result)}

![Test accuracy against label noise](${links.svg})

${reading ?? ''}`.trimEnd() + '\n';
}
