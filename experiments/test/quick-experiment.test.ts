import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, PROFILES, type ExperimentResult } from '../src/experiment.js';
import { LANGUAGES } from '../src/languages.js';

// End to end: `experiment:noise --quick` (the built CLI, as CI runs it) into a temporary folder.
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const cacheDir = new URL('../node_modules/.cache/topk-experiments', import.meta.url).pathname;
let dir: string;
let result: ExperimentResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'topk-experiment-'));
  await promisify(execFile)(process.execPath, [cli, '--quick', '--no-progress', '--out-dir', dir, '--docs', join(dir, 'experiments.md'), '--cache-dir', cacheDir]);
  result = JSON.parse(await readFile(join(dir, 'noise-quick.json'), 'utf8')) as ExperimentResult;
}, 280_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('experiment:noise --quick', () => {
  const profile = PROFILES.quick;

  it('records every loss x noise x seed run with its selected test accuracies', () => {
    expect(result.runs).toHaveLength(profile.losses.length * profile.noises.length * profile.seeds.length);
    for (const run of result.runs) {
      expect(run.epochs).toHaveLength(profile.train.epochs);
      expect(run.test.top5).toBeGreaterThanOrEqual(0);
      expect(run.test.top1).toBeLessThanOrEqual(1);
      // Top-5 is never below top-1 at the same epoch.
      for (const epoch of run.epochs) expect(epoch.test.top5).toBeGreaterThanOrEqual(epoch.test.top1);
      // The reported numbers are those of the epochs chosen on validation.
      expect(run.test.top1).toBe(run.epochs[run.top1Epoch - 1].test.top1);
      expect(Math.max(...run.epochs.map((e) => e.val.top1))).toBe(run.epochs[run.top1Epoch - 1].val.top1);
      expect(Number.isFinite(run.epochs[0].trainLoss)).toBe(true);
    }
  });

  it('learns something on clean labels: top-5 well above chance (5/45)', () => {
    const clean = result.runs.filter((r) => r.noise === 0);
    expect(Math.max(...clean.map((r) => r.test.top5))).toBeGreaterThan(2 * (5 / LANGUAGES.length));
  });

  it('changes about 0.8 p of the training labels', () => {
    for (const run of result.runs) expect(run.changedLabels).toBeCloseTo(0.8 * run.noise, 1);
  });

  it('trains the smooth SVM with the @topk/tfjs loss', () => {
    const svm = result.runs.filter((r) => r.lossSpec.kind === 'smooth-svm');
    expect(svm.map((r) => r.implementation)).toEqual(svm.map(() => '@topk/tfjs topkSvmLoss'));
  });

  it('writes an SVG chart and a markdown report with the table', async () => {
    const svg = await readFile(join(dir, 'noise-quick.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('top-5 accuracy');
    const markdown = await readFile(join(dir, 'experiments.md'), 'utf8');
    expect(markdown).toContain('| noise p |');
    expect(markdown).toContain('](noise-quick.svg)');
    expect(markdown.split('\n').filter((line) => /^\| 0(\.\d)? \|/.test(line))).toHaveLength(profile.noises.length);
  });
});

describe('the data set splits', () => {
  it('are balanced, and no word is in two splits or has two labels', async () => {
    const dataset = await loadDataset(profile().dataset, cacheDir);
    const { trainPerClass, valPerClass, testPerClass } = profile().dataset;
    const words = [...dataset.train.words, ...dataset.val.words, ...dataset.test.words];
    expect(new Set(words).size).toBe(words.length);
    for (const [split, perClass] of [[dataset.train, trainPerClass], [dataset.val, valPerClass], [dataset.test, testPerClass]] as const) {
      const counts = new Array<number>(LANGUAGES.length).fill(0);
      split.labels.forEach((label) => counts[label]++);
      expect(counts).toEqual(new Array<number>(LANGUAGES.length).fill(perClass));
    }
  });
});

function profile() {
  return PROFILES.quick;
}
