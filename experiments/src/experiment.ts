/**
 * The label-noise experiment: every loss x noise level x seed, on one fixed data split, with
 * the same model, budget and optimiser. Profiles fix all sizes; `quick` is a small end-to-end
 * version for CI.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildDataset, type Dataset, type DatasetConfig, type Split } from './dataset.js';
import { featurize, type FeatureConfig } from './features.js';
import { LANGUAGES, LANGUAGE_GROUPS } from './languages.js';
import { lossName, resolveLoss, type LossSpec, type SvmImplementation } from './losses.js';
import { trainRun, type PreparedData, type RunOutcome, type TrainConfig } from './train.js';

/** Every size and setting of one experiment. */
export interface Profile {
  readonly name: string;
  readonly dataset: DatasetConfig;
  readonly features: FeatureConfig;
  readonly train: TrainConfig;
  readonly noises: readonly number[];
  readonly seeds: readonly number[];
  readonly losses: readonly LossSpec[];
}

const ADAM = { learningRate: 5e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;
const PAPER_LOSSES: readonly LossSpec[] = [
  { kind: 'cross-entropy' },
  { kind: 'smooth-svm', k: 5, tau: 1, alpha: 1 },
  { kind: 'smooth-svm', k: 5, tau: 0.1, alpha: 1 },
];

/** The profiles: `full` (the committed results) and `quick` (CI, a few minutes at most). */
export const PROFILES: Readonly<Record<'full' | 'quick', Profile>> = {
  full: {
    name: 'full',
    dataset: { trainPerClass: 600, valPerClass: 150, testPerClass: 300, seed: 2018 },
    features: { buckets: 1 << 14, minN: 1, maxN: 4, slots: 64 },
    train: { epochs: 10, batchSize: 512, evalBatchSize: 2048, adam: ADAM, model: { buckets: 1 << 14, embeddingSize: 24, hiddenSize: 64 } },
    noises: [0, 0.2, 0.4, 0.6, 0.8],
    seeds: [1, 2, 3],
    losses: PAPER_LOSSES,
  },
  quick: {
    name: 'quick',
    dataset: { trainPerClass: 120, valPerClass: 40, testPerClass: 60, seed: 2018 },
    features: { buckets: 1 << 12, minN: 1, maxN: 4, slots: 64 },
    train: { epochs: 2, batchSize: 128, evalBatchSize: 1024, adam: ADAM, model: { buckets: 1 << 12, embeddingSize: 16, hiddenSize: 32 } },
    noises: [0, 0.6],
    seeds: [1],
    losses: PAPER_LOSSES,
  },
};

/** One run as recorded in the JSON. */
export interface RunRecord extends RunOutcome {
  readonly loss: string;
  readonly lossSpec: LossSpec;
  readonly implementation: string;
  readonly noise: number;
  readonly seed: number;
}

/** Sizes of the data set actually used. */
export interface DatasetSummary {
  readonly classes: number;
  readonly groups: readonly { name: string; languages: readonly string[] }[];
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly sharedDropped: number;
  readonly candidatesPerClass: number;
}

/** Everything the experiment writes to its JSON. */
export interface ExperimentResult {
  readonly profile: Profile;
  readonly backend: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly dataset: DatasetSummary;
  readonly runs: RunRecord[];
}

/** Options of {@link runExperiment}. */
export interface RunOptions {
  /** TF.js backend name (`wasm` or `cpu`). */
  readonly backend: string;
  readonly svmImplementation?: SvmImplementation;
  /** Where the built data set is cached (it takes tens of seconds to build). */
  readonly cacheDir?: string;
  /** Called once with the total number of training steps, then after every step. */
  readonly onStart?: (totalSteps: number) => void;
  readonly onStep?: (info: { loss: string; noise: number; seed: number }) => void;
  /** Called after every run with the runs so far (e.g. to save partial results). */
  readonly onRun?: (runs: readonly RunRecord[]) => void;
}

/** Loads the data set from the cache, or builds it and stores it there. */
export async function loadDataset(config: DatasetConfig, cacheDir?: string): Promise<Dataset> {
  if (cacheDir === undefined) return buildDataset(config);
  const key = createHash('sha256')
    .update(JSON.stringify({ config, languages: LANGUAGES.map((l) => l.code), version: 1 }))
    .digest('hex')
    .slice(0, 16);
  const file = join(cacheDir, `dataset-${key}.json`);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as Omit<Dataset, 'train' | 'val' | 'test'> &
      Record<'train' | 'val' | 'test', { words: string[]; labels: number[] }>;
    const split = (s: { words: string[]; labels: number[] }): Split => ({ words: s.words, labels: Int32Array.from(s.labels) });
    return { ...cached, train: split(cached.train), val: split(cached.val), test: split(cached.test) };
  } catch {
    const dataset = await buildDataset(config);
    const plain = (s: Split) => ({ words: s.words, labels: Array.from(s.labels) });
    await mkdir(cacheDir, { recursive: true });
    await writeFile(file, JSON.stringify({ ...dataset, train: plain(dataset.train), val: plain(dataset.val), test: plain(dataset.test) }));
    return dataset;
  }
}

/** Featurises the three splits. */
export function prepare(dataset: Dataset, features: FeatureConfig): PreparedData {
  const labelled = (split: Split) => ({ features: featurize(split.words, features), labels: split.labels });
  return { train: labelled(dataset.train), val: labelled(dataset.val), test: labelled(dataset.test) };
}

/** Selects the TF.js backend (registering wasm first when asked for). */
export async function useBackend(name: string): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} is not available`);
  await tf.ready();
}

/** Runs every loss x noise x seed of `profile`. */
export async function runExperiment(profile: Profile, options: RunOptions): Promise<ExperimentResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  await useBackend(options.backend);
  const dataset = await loadDataset(profile.dataset, options.cacheDir);
  const data = prepare(dataset, profile.features);
  const losses = await Promise.all(profile.losses.map((spec) => resolveLoss(spec, options.svmImplementation)));
  const stepsPerRun = profile.train.epochs * Math.floor(data.train.features.count / profile.train.batchSize);
  options.onStart?.(stepsPerRun * profile.losses.length * profile.noises.length * profile.seeds.length);
  const runs: RunRecord[] = [];
  // Seeds outermost, so that an interrupted run still holds complete sweeps over p.
  for (const seed of profile.seeds) {
    for (const noise of profile.noises) {
      for (const [i, spec] of profile.losses.entries()) {
        const loss = lossName(spec);
        const outcome = await trainRun(data, losses[i].loss, noise, seed, profile.train, () => options.onStep?.({ loss, noise, seed }));
        runs.push({ loss, lossSpec: spec, implementation: losses[i].implementation, noise, seed, ...outcome });
        options.onRun?.(runs);
      }
    }
  }
  return {
    profile,
    backend: tf.getBackend(),
    startedAt,
    seconds: (performance.now() - started) / 1000,
    dataset: await summarizeDataset(dataset),
    runs,
  };
}

/** Sizes and groups of a built data set. */
export function summarizeDataset(dataset: Dataset): DatasetSummary {
  return {
    classes: LANGUAGES.length,
    groups: LANGUAGE_GROUPS.map((g) => ({ name: g.name, languages: g.codes.map((c, i) => `${g.names[i]} (${c})`) })),
    train: dataset.train.words.length,
    val: dataset.val.words.length,
    test: dataset.test.words.length,
    sharedDropped: dataset.sharedDropped,
    candidatesPerClass: dataset.candidatesPerClass,
  };
}

/**
 * Rebuilds an {@link ExperimentResult} from the partial runs an interrupted experiment saved
 * (the report then says how many of the planned runs it holds).
 */
export async function resultFromPartialRuns(profile: Profile, runs: RunRecord[], backend: string, cacheDir?: string): Promise<ExperimentResult> {
  const dataset = await loadDataset(profile.dataset, cacheDir);
  return {
    profile,
    backend,
    startedAt: 'interrupted run',
    seconds: runs.reduce((total, run) => total + run.seconds, 0),
    dataset: await summarizeDataset(dataset),
    runs,
  };
}
