/**
 * Head to head at the backends' aim point (n = 1000, k = 5, and larger k for the backends with
 * speed aims, aims.ts): each backend timed against core (and against its own cross-entropy) in
 * alternating blocks of calls, so that both sides of every ratio come from the same minutes of
 * the machine. The speed grid measures one backend after another, minutes apart;
 * on a machine whose speed drifts (this one alternates between a fast and a slow phase, 1.5x
 * apart) ratios of those figures carry the drift. Blocks rather than single alternating calls,
 * because a call right after another backend's call pays for its caches and garbage.
 */
import { createCoreBackend, type TopKBackend } from '@topk/core';
import { hasSpeedAims } from './aims.js';
import type { CrossEntropyRunner, FoundBackend } from './backends.js';
import type { BatchCache } from './speed.js';
import { lossRequest } from './speed.js';
import { nowMs, summarise, yieldToEventLoop, type TimingSummary } from './stats.js';

/** How a head-to-head comparison runs. */
export interface HeadToHeadPlan {
  readonly n: number;
  readonly k: number;
  /** Further k at which the backends with speed aims ({@link hasSpeedAims}) are timed too. */
  readonly aimKs: readonly number[];
  /** Rounds of blocks; each round runs one block of every contender, in a rotated order. */
  readonly rounds: number;
  /** Consecutive timed calls of one contender. */
  readonly block: number;
  /** Rounds are cut so that one backend's comparison takes about this long. */
  readonly budgetMs: number;
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

interface Contender {
  readonly run: () => Promise<unknown>;
  readonly samples: number[];
  readonly roundMedians: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Times `backend` against `core` (and the backend's cross-entropy) at the plan's (n, k):
 * a warm-up of each, then rounds of one block each, the order rotated every round so that no
 * contender always follows the same one.
 */
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
  const contenders: Contender[] = [lossOf(backend.backend), lossOf(core), ...(crossEntropy ? [() => crossEntropy(batch)] : [])].map((run) => ({ run, samples: [], roundMedians: [] }));
  let slowestMs = 0;
  for (const c of contenders) {
    let spent = 0;
    for (let i = 0; i < 2 || spent < warmupMinMs; i++) {
      const start = nowMs();
      await c.run();
      const ms = nowMs() - start;
      spent += ms;
      if (i > 0) slowestMs = Math.max(slowestMs, ms);
    }
  }
  const perRoundMs = Math.max(1e-3, contenders.length * plan.block * slowestMs);
  const rounds = Math.max(1, Math.min(plan.rounds, Math.floor(plan.budgetMs / perRoundMs)));
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const c of order) {
      const block: number[] = [];
      for (let i = 0; i < plan.block; i++) {
        const start = nowMs();
        await c.run();
        block.push(nowMs() - start);
      }
      c.samples.push(...block);
      c.roundMedians.push(median(block));
      await yieldToEventLoop();
    }
  }
  const [mine, coreSide, ce] = contenders;
  const backendMs = summarise(mine.samples);
  const coreMs = summarise(coreSide.samples);
  const crossEntropyMs = ce ? summarise(ce.samples) : null;
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
    roundRatiosToCore: mine.roundMedians.map((m, i) => round3(m / coreSide.roundMedians[i])),
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
