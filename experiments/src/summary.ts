/**
 * Aggregates stored runs into the cells of the tables: mean and sample standard deviation over
 * seeds of the test accuracy at the checkpoint (best validation top-5) and after the last epoch,
 * and of the last epoch's training accuracy against the noisy labels.
 */
import type { Grouping } from './glyphs.js';
import { lossName, type LossSpec } from './losses.js';
import type { RunRecord } from './runner.js';

/** Mean and sample standard deviation (0 for a single value) of a list, with its size. */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

/** Mean and sample standard deviation. */
export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

/** One cell: a loss at one setting, over seeds. */
export interface Cell {
  readonly loss: string;
  readonly best: { readonly top1: Spread; readonly top5: Spread };
  readonly last: { readonly top1: Spread; readonly top5: Spread };
  /** Last epoch's training top-1 against the noisy labels. */
  readonly trainTop1: Spread;
  /** Last epoch's share of changed labels predicted as their noisy label. */
  readonly memorised: Spread;
  readonly bestEpoch: Spread;
}

function cellOf(loss: string, runs: readonly RunRecord[]): Cell {
  const final = (r: RunRecord) => r.epochs[r.epochs.length - 1];
  return {
    loss,
    best: { top1: spread(runs.map((r) => r.best.top1)), top5: spread(runs.map((r) => r.best.top5)) },
    last: { top1: spread(runs.map((r) => r.last.top1)), top5: spread(runs.map((r) => r.last.top5)) },
    trainTop1: spread(runs.map((r) => final(r).train.top1)),
    memorised: spread(runs.map((r) => final(r).memorised)),
    bestEpoch: spread(runs.map((r) => r.bestEpoch)),
  };
}

/** A table row: one setting (a noise level or a fraction), one cell per loss. */
export interface Row {
  readonly value: number;
  readonly cells: readonly Cell[];
}

/** Rows of the noise reading under `grouping` (p = 0 rows come from the shared clean runs). */
export function noiseRows(runs: readonly RunRecord[], losses: readonly LossSpec[], noises: readonly number[], grouping: Grouping): Row[] {
  return noises.map((p) => ({
    value: p,
    cells: losses.map((loss) =>
      cellOf(
        lossName(loss),
        runs.filter((r) => r.spec.fraction === 1 && r.spec.noise === p && (p === 0 || r.spec.grouping === grouping) && lossName(r.spec.loss) === lossName(loss)),
      ),
    ),
  }));
}

/** Rows of the training-set-size reading (clean labels). */
export function fractionRows(runs: readonly RunRecord[], losses: readonly LossSpec[], fractions: readonly number[]): Row[] {
  return fractions.map((f) => ({
    value: f,
    cells: losses.map((loss) => cellOf(lossName(loss), runs.filter((r) => r.spec.noise === 0 && r.spec.fraction === f && lossName(r.spec.loss) === lossName(loss)))),
  }));
}

/** Per-epoch means over seeds of a group of runs: training top-1 on noisy labels, validation top-1 and top-5. */
export interface Curve {
  readonly loss: string;
  readonly train: number[];
  readonly valTop1: number[];
  readonly valTop5: number[];
}

/** Mean curves of each loss at one noise level and grouping. */
export function curves(runs: readonly RunRecord[], losses: readonly LossSpec[], p: number, grouping: Grouping): Curve[] {
  return losses.map((loss) => {
    const group = runs.filter((r) => r.spec.fraction === 1 && r.spec.noise === p && (p === 0 || r.spec.grouping === grouping) && lossName(r.spec.loss) === lossName(loss));
    const epochs = Math.min(...group.map((r) => r.epochs.length));
    const mean = (pick: (r: RunRecord, e: number) => number) => (group.length === 0 ? [] : Array.from({ length: epochs }, (_, e) => spread(group.map((r) => pick(r, e))).mean));
    return {
      loss: lossName(loss),
      train: mean((r, e) => r.epochs[e].train.top1),
      valTop1: mean((r, e) => r.epochs[e].val.top1),
      valTop5: mean((r, e) => r.epochs[e].val.top5),
    };
  });
}
