/** The benchmark profiles: which sizes, how many repetitions, and the time budgets. */
import { LARGER_K_AIM } from './aims.js';
import type { HeadToHeadPlan } from './headToHead.js';

/** Everything that decides what a run measures. */
export interface Profile {
  readonly name: 'smoke' | 'quick' | 'default' | 'gpu';
  readonly batch: number;
  readonly ns: readonly number[];
  readonly ks: readonly number[];
  /** Extra k values measured on core only (k = 100, a target of core's). */
  readonly coreExtraKs: readonly number[];
  readonly warmup: number;
  readonly reps: number;
  /** Warm-up runs continue until this much time was spent (lets V8 optimise small configurations). */
  readonly warmupMinMs: number;
  /** A configuration is skipped when its predicted single run exceeds this. */
  readonly maxRunMs: number;
  /** Repetitions are cut so that one configuration takes about this long. */
  readonly configBudgetMs: number;
  /** Once a backend has spent this on its speed grid, its remaining configurations are skipped. */
  readonly backendBudgetMs: number;
  /** Core's single-run limit (core carries the targets, so it gets more). */
  readonly coreMaxRunMs: number;
  /** Core's speed-grid budget (core is the reference: it gets more). */
  readonly coreBudgetMs: number;
  /** Time budget of the algorithm comparison on one backend. */
  readonly algorithmBudgetMs: number;
  /** Algorithm comparison sizes (rows = batch). */
  readonly algorithmNs: readonly number[];
  readonly algorithmKs: readonly number[];
  /** Stability grid. */
  readonly taus: readonly number[];
  readonly scales: readonly number[];
  readonly stabilityBatch: number;
  readonly stabilityN: number;
  readonly stabilityK: number;
  /** Time budget of the stability grid on one backend. */
  readonly stabilityBudgetMs: number;
  /** Every backend against core in alternating blocks, at the backends' aim point (n = 1000, k = 5; larger k for those with aims). */
  readonly headToHead: HeadToHeadPlan;
}

const TAUS = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];
const SCALES = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000, 1e4];

export const PROFILES: Record<Profile['name'], Profile> = {
  smoke: {
    name: 'smoke', batch: 32, ns: [100], ks: [1, 5], coreExtraKs: [], warmup: 1, reps: 2, warmupMinMs: 50,
    maxRunMs: 2000, coreMaxRunMs: 2000, configBudgetMs: 500, backendBudgetMs: 5000, coreBudgetMs: 5000, algorithmBudgetMs: 2000,
    algorithmNs: [100], algorithmKs: [5], taus: [1e-3, 1, 1e3], scales: [1e-4, 1, 1e4],
    stabilityBatch: 4, stabilityN: 20, stabilityK: 5, stabilityBudgetMs: 5000,
    headToHead: { n: 100, k: 5, aimKs: [], rounds: 2, block: 2, budgetMs: 2000 },
  },
  quick: {
    name: 'quick', batch: 256, ns: [100, 1000], ks: [1, 5], coreExtraKs: [], warmup: 1, reps: 3, warmupMinMs: 150,
    maxRunMs: 1500, coreMaxRunMs: 1500, configBudgetMs: 600, backendBudgetMs: 5000, coreBudgetMs: 10000, algorithmBudgetMs: 2000,
    algorithmNs: [1000], algorithmKs: [5], taus: [1e-3, 1e-1, 1, 10, 1e3], scales: [1e-4, 1e-2, 1, 100, 1e4],
    stabilityBatch: 8, stabilityN: 50, stabilityK: 5, stabilityBudgetMs: 2500,
    headToHead: { n: 1000, k: 5, aimKs: [], rounds: 3, block: 3, budgetMs: 4000 },
  },
  /** For a machine with a GPU (benchmarks/gpu/run.sh): large n, few k, a few minutes. */
  gpu: {
    name: 'gpu', batch: 256, ns: [1000, 10000, 100000], ks: [1, 5, 50], coreExtraKs: [], warmup: 2, reps: 5, warmupMinMs: 300,
    maxRunMs: 4000, coreMaxRunMs: 4000, configBudgetMs: 3000, backendBudgetMs: 45000, coreBudgetMs: 45000, algorithmBudgetMs: 10000,
    algorithmNs: [10000], algorithmKs: [5], taus: [1e-3, 1e-1, 1, 10, 1e3], scales: [1e-4, 1e-2, 1, 100, 1e4],
    stabilityBatch: 16, stabilityN: 100, stabilityK: 5, stabilityBudgetMs: 10000,
    headToHead: { n: 1000, k: 5, aimKs: [], rounds: 6, block: 5, budgetMs: 15000 },
  },
  default: {
    name: 'default', batch: 256, ns: [100, 1000, 10000, 100000], ks: [1, 2, 5, 10, 50], coreExtraKs: [20, 100], warmup: 1, reps: 7, warmupMinMs: 300,
    maxRunMs: 6000, coreMaxRunMs: 15000, configBudgetMs: 5000, backendBudgetMs: 60000, coreBudgetMs: 180000, algorithmBudgetMs: 12000,
    algorithmNs: [1000, 10000], algorithmKs: [5, 50], taus: TAUS, scales: SCALES,
    stabilityBatch: 16, stabilityN: 100, stabilityK: 5, stabilityBudgetMs: 15000,
    headToHead: { n: 1000, k: 5, aimKs: LARGER_K_AIM.ks, rounds: 10, block: 5, budgetMs: 20000 },
  },
};
