/**
 * The speed grid: forward, forward+backward and the cross-entropy floor for every backend,
 * n and k, with warm-up, repetitions, and time budgets that skip (and say so) what would
 * take too long.
 */
import type { LossRequest } from '@topk/core';
import type { FoundBackend } from './backends.js';
import { makeBatch, type Batch } from './data.js';
import type { Profile } from './profiles.js';
import { nowMs, summarise, yieldToEventLoop, type TimingSummary } from './stats.js';

/** What one configuration measures. */
export type Operation = 'forward' | 'forward+backward' | 'cross-entropy';

/** One measured configuration. */
export interface SpeedResult extends TimingSummary {
  readonly backend: string;
  readonly op: Operation;
  readonly batch: number;
  readonly n: number;
  /** k of the top-k loss; null for cross-entropy. */
  readonly k: number | null;
  readonly reps: number;
  readonly warmupMs: number;
}

/** One configuration that was not measured, and why. */
export interface SkippedConfig {
  readonly backend: string;
  readonly op: Operation;
  readonly n: number;
  readonly k: number | null;
  readonly reason: string;
}

/** Batches of each n, generated once per run and shared by every backend. */
export class BatchCache {
  private readonly batches = new Map<string, Batch>();
  constructor(private readonly batch: number) {}
  get(n: number, seed = 1): Batch {
    const key = `${n}:${seed}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = makeBatch(this.batch, n, seed * 7919 + n);
      this.batches.set(key, batch);
    }
    return batch;
  }
}

/** A loss request for a batch on a backend of the given precision. */
export function lossRequest(batch: Batch, precision: 'float32' | 'float64', k: number, grad: boolean, extra: Partial<LossRequest> = {}): LossRequest {
  return {
    scores: precision === 'float32' ? batch.scores32 : batch.scores64,
    shape: [batch.batch, batch.n],
    labels: batch.labels,
    k,
    grad,
    ...extra,
  };
}

/** Time budget and repetition policy shared by the speed grid and the other phases. */
export interface MeasurePolicy {
  readonly warmup: number;
  readonly reps: number;
  readonly configBudgetMs: number;
  /** Warm-up continues until at least this much time was spent (JIT, kernel compilation). */
  readonly warmupMinMs?: number;
}

/**
 * Runs `task` `warmup` times, then as many repetitions as fit in the configuration budget
 * (at most `reps`, at least one) and summarises the repetitions.
 */
export async function measure(task: () => Promise<unknown>, policy: MeasurePolicy): Promise<TimingSummary & { reps: number; warmupMs: number }> {
  let lastWarm = 0;
  let warmTotal = 0;
  for (let i = 0; i < Math.max(1, policy.warmup) || warmTotal < (policy.warmupMinMs ?? 0); i++) {
    const start = nowMs();
    await task();
    lastWarm = nowMs() - start;
    warmTotal += lastWarm;
  }
  const reps = Math.max(1, Math.min(policy.reps, Math.floor(policy.configBudgetMs / Math.max(lastWarm, 1e-3))));
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = nowMs();
    await task();
    samples.push(nowMs() - start);
  }
  return { ...summarise(samples), reps, warmupMs: Math.round(warmTotal * 1000) / 1000 };
}

/** A planned configuration of the grid. */
interface Planned {
  readonly n: number;
  readonly k: number | null;
  readonly op: Operation;
}

/** The configurations of one backend, smallest n first so that budgets drop the largest. */
export function planGrid(profile: Profile, backend: FoundBackend): Planned[] {
  const ks = backend.name === 'core' ? [...profile.ks, ...profile.coreExtraKs] : [...profile.ks];
  const plan: Planned[] = [];
  for (const n of profile.ns) {
    if (backend.crossEntropy) plan.push({ n, k: null, op: 'cross-entropy' });
    for (const k of ks) {
      if (k > n - 1) continue;
      plan.push({ n, k, op: 'forward' }, { n, k, op: 'forward+backward' });
    }
  }
  return plan;
}

/** Runs the speed grid of one backend, calling `tick` after each configuration. */
export async function runSpeedGrid(
  profile: Profile,
  backend: FoundBackend,
  cache: BatchCache,
  tick: (label: string) => void,
): Promise<{ results: SpeedResult[]; skipped: SkippedConfig[] }> {
  const results: SpeedResult[] = [];
  const skipped: SkippedConfig[] = [];
  const started = nowMs();
  const plan = planGrid(profile, backend);
  const budgetMs = backend.name === 'core' ? profile.coreBudgetMs : profile.backendBudgetMs;
  const maxRunMs = backend.name === 'core' ? profile.coreMaxRunMs : profile.maxRunMs;
  for (const config of plan) {
    const label = `${backend.name} ${config.op} n=${config.n}${config.k === null ? '' : ` k=${config.k}`}`;
    const skip = (reason: string) => skipped.push({ backend: backend.name, op: config.op, n: config.n, k: config.k, reason });
    const spent = nowMs() - started;
    // The last measured smaller n of the same operation and k predicts this one (time linear in n).
    const previous = results.filter((r) => r.op === config.op && r.k === config.k && r.n < config.n).at(-1);
    const previousSkipped = skipped.find((s) => s.op === config.op && s.k === config.k && s.n < config.n);
    const predictedMs = previous ? previous.medianMs * (config.n / previous.n) : 0;
    if (previousSkipped) {
      skip(`n=${previousSkipped.n} was skipped already`);
    } else if (spent > budgetMs) {
      skip(`backend time budget of ${budgetMs / 1000} s spent`);
    } else if (predictedMs > maxRunMs) {
      skip(`predicted ${(predictedMs / 1000).toFixed(1)} s per run (linear from n=${previous!.n}) > limit ${maxRunMs / 1000} s`);
    } else {
      const batch = cache.get(config.n);
      try {
        const task =
          config.op === 'cross-entropy'
            ? () => backend.crossEntropy!(batch)
            : () => backend.backend.loss(lossRequest(batch, backend.backend.precision, config.k!, config.op === 'forward+backward'));
        const summary = await measure(task, profile);
        results.push({ backend: backend.name, op: config.op, batch: batch.batch, n: config.n, k: config.k, ...summary });
      } catch (error) {
        skip(`failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    tick(label);
    await yieldToEventLoop();
  }
  return { results, skipped };
}
