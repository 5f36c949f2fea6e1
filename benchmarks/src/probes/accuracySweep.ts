/**
 * Accuracy sweeps of one float32 backend against core (float64) on the same float32-rounded
 * inputs: the worst loss error `|v - r| / max(1, |r|)`, the worst gradient error (max absolute
 * difference) and the count of non-finite values, over a named family of shapes. The
 * benchmarks' stability table holds one shape (n = 100, k = 5) over a grid of tau and scales;
 * these sweeps cover the long rows and large k where the float32 layouts differ.
 *
 * Usage, after the packages and the benchmarks are built:
 *
 * ```sh
 * node benchmarks/dist/probes/accuracySweep.js <backend> <sweep> [--cases N] [--max-k K] [--verbose]
 * ```
 *
 * `<backend>` is a name of the benchmarks' registry (`tfjs:wasm`, `gpujs:webasm`, ...; the GL and
 * WebGPU modes need `EGL_PLATFORM=surfaceless`, headless GL also `xvfb-run -a`), `<sweep>` one
 * of {@link SWEEPS}. `--cases` cuts a sweep to its first N cases, `--max-k` sets the large-k
 * sweep's cap on min(k, n - k + 1) (default 250), `--verbose` prints every case.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createCoreBackend, type LossRequest, type TopKBackend } from '@topk/core';
import { discoverBackends } from '../backends.js';
import { seededUniform } from '../data.js';

/** How the scores of one case are drawn. */
type ScoreKind = 'random' | 'ties' | 'equal';

/** One request shape of a sweep. */
export interface SweepCase {
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  /** Scores are uniform in [-3, 3] times this scale. */
  readonly scale: number;
  readonly kind: ScoreKind;
  readonly modes: readonly NonNullable<LossRequest['mode']>[];
}

/** Draws from a seeded uniform generator on [0, 1). */
type Uniform = () => number;

const ALL_MODES = ['smooth', 'auto', 'hard'] as const;
const SMOOTH_ONLY = ['smooth'] as const;

/** A value log-uniform over [10^lo, 10^hi], rounded to float32. */
function logUniform(u: Uniform, lo: number, hi: number): number {
  return Math.fround(10 ** (lo + (hi - lo) * u()));
}

/** An integer uniform over lo..hi. */
function integer(u: Uniform, lo: number, hi: number): number {
  return lo + Math.floor(u() * (hi - lo + 1));
}

/** Random moderate parameters (tau 1e-3..1e3, alpha 0, 1 or in [0, 2], scale 1e-4..1e4, ties in two of five cases). */
function randomCase(u: Uniform, batch: number, n: number, k: number, modes: SweepCase['modes'], equalShare = 0): SweepCase {
  const kind: ScoreKind = u() < equalShare ? 'equal' : u() < 0.4 ? 'ties' : 'random';
  const alpha = [0, 1, Math.fround(2 * u())][integer(u, 0, 2)];
  return { batch, n, k, tau: logUniform(u, -3, 3), alpha, scale: 10 ** (-4 + 8 * u()), kind, modes };
}

/** Every sweep by name: what it covers, and how its cases are made from a seeded generator. */
export const SWEEPS: Readonly<Record<string, { readonly about: string; readonly cases: (u: Uniform, maxK: number) => SweepCase[] }>> = {
  small: {
    about: 'n 2..60, any k, batch 1..4, modes smooth, auto and hard (400 cases)',
    cases: (u) => Array.from({ length: 400 }, () => {
      const n = integer(u, 2, 60);
      return randomCase(u, integer(u, 1, 4), n, integer(u, 1, n - 1), ALL_MODES);
    }),
  },
  long: {
    about: 'n 65..1164, k 1..12, batch 1..4, modes smooth, auto and hard (100 cases)',
    cases: (u) => Array.from({ length: 100 }, () => randomCase(u, integer(u, 1, 4), integer(u, 65, 1164), integer(u, 1, 12), ALL_MODES)),
  },
  'large-k': {
    about: 'n 100..5000, k 13..n-1 with min(k, n - k + 1) <= --max-k, batch 2, a sixth of the rows all equal, smooth (40 cases)',
    cases: (u, maxK) => Array.from({ length: 40 }, () => {
      const n = integer(u, 100, 5000);
      let k = integer(u, 13, n - 1);
      while (Math.min(k, n - k + 1) > maxK) k = integer(u, 13, n - 1);
      return randomCase(u, 2, n, k, SMOOTH_ONLY, 1 / 6);
    }),
  },
  lead: {
    about: 'n 1000 and 3000, k 200..2500, tau 1 and 0.01, equal and random rows, scales 1 and 100, smooth (13 cases)',
    cases: () => [
      ...[200, 300, 600].map((k) => fixed(1000, k, 1, 1, 'equal')),
      ...[450, 600].flatMap((k) => [1, 100].map((scale) => fixed(1000, k, 1, scale, 'random'))),
      ...[450, 1000, 1500, 2500].map((k) => fixed(3000, k, 1, 1, 'random')),
      ...[300, 600].map((k) => fixed(1000, k, 0.01, 1, 'random')),
    ],
  },
  wide: {
    about: 'n 1200 and 5000 x k 5, 50, 500 x tau 1e-3, 1, 1e3 x scales 1e-2, 1, 1e4, ties in half, plus equal rows, smooth (58 cases)',
    cases: (u) => [
      ...[1200, 5000].flatMap((n) => [5, 50, 500].flatMap((k) => [1e-3, 1, 1e3].flatMap((tau) =>
        [1e-2, 1, 1e4].map((scale) => fixed(n, k, tau, scale, u() < 0.5 ? 'ties' : 'random'))))),
      ...[1200, 5000].flatMap((n) => [50, 500].map((k) => fixed(n, k, 1, 1, 'equal'))),
    ],
  },
  huge: {
    about: 'n 100000 x k 5, 50, 500 x (tau, scale) (1, 1), (1e-3, 1e4), (1e3, 1e-2), (1, 100), plus equal rows, smooth (13 cases)',
    cases: (u) => [
      ...[5, 50, 500].flatMap((k) => [[1, 1], [1e-3, 1e4], [1e3, 1e-2], [1, 100]].map(([tau, scale]) =>
        fixed(100000, k, tau, scale, u() < 0.5 ? 'ties' : 'random'))),
      fixed(100000, 500, 1, 1, 'equal'),
    ],
  },
};

/** A batch-2 smooth case with alpha 1. */
function fixed(n: number, k: number, tau: number, scale: number, kind: ScoreKind): SweepCase {
  return { batch: 2, n, k, tau: Math.fround(tau), alpha: 1, scale, kind, modes: SMOOTH_ONLY };
}

/** The float32 scores of a case: uniform in [-3, 3] times the scale, quantised to quarters of the scale for ties. */
export function caseScores(c: SweepCase, u: Uniform): Float32Array {
  return new Float32Array(c.batch * c.n).map(() => {
    if (c.kind === 'equal') return 0.5 * c.scale;
    const v = -3 + 6 * u();
    return (c.kind === 'ties' ? Math.round(v * 4) / 4 : v) * c.scale;
  });
}

/** Worst errors of one case (or of a whole sweep). */
export interface SweepErrors {
  lossError: number;
  gradError: number;
  nonFinite: number;
}

/** Loss and gradient errors of `result` against `reference`; a non-finite value counts, and makes the error infinite. */
export function errorsOf(result: { losses: ArrayLike<number>; grad?: ArrayLike<number> }, reference: { losses: ArrayLike<number>; grad?: ArrayLike<number> }): SweepErrors {
  const errors: SweepErrors = { lossError: 0, gradError: 0, nonFinite: 0 };
  for (let i = 0; i < reference.losses.length; i++) {
    const v = result.losses[i];
    if (!Number.isFinite(v)) errors.nonFinite++;
    const e = Math.abs(v - reference.losses[i]) / Math.max(1, Math.abs(reference.losses[i]));
    errors.lossError = Math.max(errors.lossError, Number.isNaN(e) ? Infinity : e);
  }
  const grad = result.grad ?? [];
  const want = reference.grad ?? [];
  for (let j = 0; j < want.length; j++) {
    if (!Number.isFinite(grad[j])) errors.nonFinite++;
    const e = Math.abs(grad[j] - want[j]);
    errors.gradError = Math.max(errors.gradError, Number.isNaN(e) ? Infinity : e);
  }
  return errors;
}

/** Runs `cases` on `backend` and on core; prints each case when `verbose`, returns the worst. */
export async function runSweep(backend: TopKBackend, cases: readonly SweepCase[], u: Uniform, verbose: boolean): Promise<SweepErrors> {
  const core = createCoreBackend({ threads: 1 });
  const worst: SweepErrors = { lossError: 0, gradError: 0, nonFinite: 0 };
  for (const c of cases) {
    const scores = caseScores(c, u);
    const labels = Array.from({ length: c.batch }, () => integer(u, 0, c.n - 1));
    for (const mode of c.modes) {
      const request: LossRequest = { scores, shape: [c.batch, c.n], labels, k: c.k, tau: c.tau, alpha: c.alpha, mode, grad: true };
      const reference = await core.loss({ ...request, scores: Float64Array.from(scores) });
      const errors = errorsOf(await backend.loss(request), reference);
      worst.lossError = Math.max(worst.lossError, errors.lossError);
      worst.gradError = Math.max(worst.gradError, errors.gradError);
      worst.nonFinite += errors.nonFinite;
      if (verbose) {
        console.log(`n=${c.n} k=${c.k} tau=${c.tau.toPrecision(3)} alpha=${c.alpha.toPrecision(3)} scale=${c.scale.toPrecision(3)} ${c.kind} ${mode}: ` +
          `loss ${errors.lossError.toExponential(2)} grad ${errors.gradError.toExponential(2)}${errors.nonFinite ? ` non-finite ${errors.nonFinite}` : ''}`);
      }
    }
  }
  await core.dispose();
  return worst;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { cases: { type: 'string' }, 'max-k': { type: 'string' }, verbose: { type: 'boolean', default: false } },
  });
  const [name, sweepName] = positionals;
  const sweep = sweepName === undefined ? undefined : SWEEPS[sweepName];
  if (name === undefined || sweep === undefined) {
    console.error('usage: node benchmarks/dist/probes/accuracySweep.js <backend> <sweep> [--cases N] [--max-k K] [--verbose]\nsweeps:');
    for (const [key, { about }] of Object.entries(SWEEPS)) console.error(`  ${key.padEnd(8)} ${about}`);
    process.exit(2);
  }
  const { found, skipped } = await discoverBackends({ only: [name], log: () => {} });
  const entry = found.find((f) => f.name === name);
  if (entry === undefined) {
    console.error(`${name}: ${skipped.find((s) => s.name === name)?.reason ?? 'not a backend name of the benchmarks'}`);
    process.exit(1);
  }
  const u = seededUniform(20261130);
  const all = sweep.cases(u, Number(values['max-k'] ?? 250));
  const cases = values.cases === undefined ? all : all.slice(0, Number(values.cases));
  const t0 = performance.now();
  const worst = await runSweep(entry.backend, cases, u, values.verbose ?? false);
  console.log(`${name} ${sweepName} (${cases.length} cases, ${((performance.now() - t0) / 1000).toFixed(1)} s): worst loss error ${worst.lossError.toExponential(2)}, ` +
    `worst gradient error ${worst.gradError.toExponential(2)}, non-finite values ${worst.nonFinite}`);
  await entry.backend.dispose();
  // A live Dawn device keeps the event loop running.
  process.exit(0);
}

// Run as a script; importing the module (for its helpers) runs nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
