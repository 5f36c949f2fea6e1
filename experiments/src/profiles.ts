/**
 * The experiment's profiles and the list of runs each one makes. Every run is independent and
 * named by what it trains ({@link runKey}), so that finished runs are found again by name.
 */
import type { DatasetConfig } from './dataset.js';
import type { Grouping } from './glyphs.js';
import { lossName, PAPER_LOSSES, type LossSpec } from './losses.js';
import type { RunSpec, TrainConfig } from './train.js';

/** Every size and setting of one experiment. */
export interface Profile {
  readonly name: 'full' | 'pilot' | 'quick';
  readonly dataset: DatasetConfig;
  readonly train: TrainConfig;
  readonly losses: readonly LossSpec[];
  readonly seeds: readonly number[];
  /** The first claim: the noise levels read under each grouping (p = 0 is one run, shared). */
  readonly noises: Readonly<Partial<Record<Grouping, readonly number[]>>>;
  /** The second claim: fractions of the clean training set (1 is shared with p = 0). */
  readonly fractions: readonly number[];
}

const RENDER = { scale: [0.55, 0.8], shift: 0.08, rotation: 8, blur: 1, noise: 0.08 } as const;
const DATASET: DatasetConfig = { seed: 2018, render: { size: 20, ...RENDER }, heldOutFraction: 0.2, trainDraws: 1, evalDraws: 1 };
const SGD = { batchSize: 128, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, hidden: [256, 256] } as const;

/** The profiles: `full` (the committed results), `pilot` (a few runs to size the full one), `quick` (CI). */
export const PROFILES: Readonly<Record<Profile['name'], Profile>> = {
  full: {
    name: 'full',
    dataset: DATASET,
    train: { ...SGD, epochs: 30 },
    losses: PAPER_LOSSES,
    seeds: [1, 2, 3],
    // The semantic reading at two of the six levels, to fit the time budget.
    noises: { blocks: [0, 0.2, 0.4, 0.6, 0.8, 1], families: [0, 0.4, 0.8] },
    fractions: [0.1, 0.25, 0.5, 1],
  },
  pilot: {
    name: 'pilot',
    dataset: DATASET,
    train: { ...SGD, epochs: 30 },
    losses: PAPER_LOSSES.slice(0, 2),
    seeds: [1],
    noises: { blocks: [0, 0.6] },
    fractions: [1],
  },
  quick: {
    name: 'quick',
    dataset: { ...DATASET, render: { size: 16, ...RENDER } },
    train: { ...SGD, hidden: [64], epochs: 2 },
    losses: PAPER_LOSSES,
    seeds: [1],
    noises: { blocks: [0, 0.6] },
    fractions: [0.5, 1],
  },
};

/** A file-name-safe name of a run, e.g. `blocks-p0.6-f1-L5,1-s2`. */
export function runKey(spec: RunSpec): string {
  return `${spec.grouping}-p${spec.noise}-f${spec.fraction}-${lossName(spec.loss)}-s${spec.seed}`;
}

/** The groupings a profile reads, with their noise levels. */
export function readings(profile: Profile): [Grouping, readonly number[]][] {
  return (['blocks', 'families'] as const).flatMap((g) => (profile.noises[g] === undefined ? [] : [[g, profile.noises[g]!] as [Grouping, readonly number[]]]));
}

/** Every run of a profile, each once (p = 0 and fraction = 1 is one run, read by both claims). */
export function planRuns(profile: Profile): RunSpec[] {
  const runs = new Map<string, RunSpec>();
  const add = (spec: RunSpec) => runs.set(runKey(spec), spec);
  for (const seed of profile.seeds) {
    for (const loss of profile.losses) {
      for (const [grouping, noises] of readings(profile)) {
        // Without noise the grouping plays no part: one run, filed under blocks.
        for (const noise of noises) add({ loss, grouping: noise === 0 ? 'blocks' : grouping, noise, fraction: 1, seed });
      }
      for (const fraction of profile.fractions) add({ loss, grouping: 'blocks', noise: 0, fraction, seed });
    }
  }
  return [...runs.values()];
}
