/**
 * Head to head at the backends' aim point (n = 1000, k = 5, and larger k for the backends with
 * speed aims, aims.ts): each backend timed against core (and against its own cross-entropy) in
 * alternating blocks of calls (alternation.ts).
 */
import { createCoreBackend, type TopKBackend } from '@topk/core';
import { hasSpeedAims } from './aims.js';
import { alternate, timedCalls, type AlternationPlan } from './alternation.js';
import type { CrossEntropyRunner, FoundBackend } from './backends.js';
import type { BatchCache } from './speed.js';
import { lossRequest } from './speed.js';
import { summarise, type TimingSummary } from './stats.js';

/** How a head-to-head comparison runs. */
export interface HeadToHeadPlan extends AlternationPlan {
  readonly n: number;
  readonly k: number;
  /** Further k at which the backends with speed aims ({@link hasSpeedAims}) are timed too. */
  readonly aimKs: readonly number[];
}

/** One backend against core at one (n, k), forward+backward. */
export interface HeadToHeadResult {
  readonly backend: string;
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  readonly rounds: number;
  readonly block: number;
  readonly backendMs: TimingSummary;
  readonly coreMs: TimingSummary;
  /** The backend's own cross-entropy floor in the same rounds, when it has one. */
  readonly crossEntropyMs: TimingSummary | null;
  /** Median backend time over median core time. */
  readonly toCore: number;
  readonly toCrossEntropy: number | null;
  /** The same ratio round by round (medians of each round's blocks): its spread shows how steady the machine was. */
  readonly roundRatiosToCore: number[];
}

/** Rounded to three decimals, as ratios are reported. */
export const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Times `backend` against `core` (and the backend's cross-entropy) at the plan's (n, k) in alternating blocks. */
export async function runHeadToHead(
  backend: FoundBackend,
  core: TopKBackend,
  cache: BatchCache,
  plan: HeadToHeadPlan,
  warmupMinMs: number,
): Promise<HeadToHeadResult> {
  const batch = cache.get(plan.n);
  const lossOf = (b: TopKBackend) => () => b.loss(lossRequest(batch, b.precision, plan.k, true));
  const crossEntropy: CrossEntropyRunner | null = backend.crossEntropy;
  const runs = [lossOf(backend.backend), lossOf(core), ...(crossEntropy ? [() => crossEntropy(batch)] : [])];
  const { rounds, samples, roundMedians } = await alternate(runs.map(timedCalls), plan, warmupMinMs);
  const backendMs = summarise(samples[0]);
  const coreMs = summarise(samples[1]);
  const crossEntropyMs = crossEntropy ? summarise(samples[2]) : null;
  return {
    backend: backend.name,
    batch: batch.batch,
    n: plan.n,
    k: plan.k,
    rounds,
    block: plan.block,
    backendMs,
    coreMs,
    crossEntropyMs,
    toCore: round3(backendMs.medianMs / coreMs.medianMs),
    toCrossEntropy: crossEntropyMs ? round3(backendMs.medianMs / crossEntropyMs.medianMs) : null,
    roundRatiosToCore: roundMedians[0].map((m, i) => round3(m / roundMedians[1][i])),
  };
}

/** A backend whose head to head could not run, and why. */
export interface HeadToHeadSkip {
  readonly backend: string;
  readonly reason: string;
}

/**
 * Head to head of every non-core backend found, one block each (`startBlock` is called as each
 * starts and what it returns as it ends); core is created here when the run has none (a child process).
 */
export async function runHeadToHeads(
  found: readonly FoundBackend[],
  cache: BatchCache,
  plan: HeadToHeadPlan,
  warmupMinMs: number,
  tick: (label: string) => void,
  startBlock: (backend: string) => () => void = () => () => undefined,
): Promise<{ results: HeadToHeadResult[]; skipped: HeadToHeadSkip[] }> {
  const core = found.find((b) => b.name === 'core')?.backend ?? createCoreBackend({ threads: 1 });
  const results: HeadToHeadResult[] = [];
  const skipped: HeadToHeadSkip[] = [];
  for (const backend of found) {
    if (backend.name === 'core') continue;
    const endBlock = startBlock(backend.name);
    const ks = [plan.k, ...(hasSpeedAims(backend.name) ? plan.aimKs : [])];
    try {
      for (const k of ks) results.push(await runHeadToHead(backend, core, cache, { ...plan, k }, warmupMinMs));
    } catch (error) {
      skipped.push({ backend: backend.name, reason: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
    }
    endBlock();
    tick(`${backend.name} head to head with core`);
  }
  return { results, skipped };
}

/** How many progress steps {@link runHeadToHeads} takes. */
export function headToHeadSteps(found: readonly FoundBackend[]): number {
  return found.filter((b) => b.name !== 'core').length;
}
