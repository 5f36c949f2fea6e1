/**
 * Timing in alternating blocks, so that every side of a ratio comes from the same minutes of
 * the machine. The speed grid measures one backend after another, minutes apart; on a machine
 * whose speed drifts (the cores of a virtual machine slow down and speed up with the host's other
 * work) ratios of those figures carry the drift. Blocks rather than single alternating calls,
 * because a call right after another contender's call pays for its caches and garbage.
 */
import { median } from 'simple-statistics';
import { nowMs, yieldToEventLoop } from './stats.js';

/**
 * A warm-up long enough for core on worker threads: each worker compiles its own code, which
 * reaches V8's optimising tier only after tens of calls.
 */
export const THREADED_WARMUP_MS = 1000;

/**
 * Something timed in blocks: runs `count` calls and returns the time of each, in milliseconds.
 * `round` is the round the block belongs to (-1 during the warm-up).
 */
export type TimeBlock = (count: number, round: number) => Promise<number[]>;

/** How many rounds of blocks run. */
export interface AlternationPlan {
  /** Rounds of blocks; each round runs one block of every contender, in a rotated order. */
  readonly rounds: number;
  /** Consecutive timed calls of one contender. */
  readonly block: number;
  /** Rounds are cut so that the whole alternation takes about this long. */
  readonly budgetMs: number;
}

/** The times of each contender, in the order the contenders were given. */
export interface Alternated {
  readonly rounds: number;
  /** Every timed call of each contender. */
  readonly samples: number[][];
  /** The median of each of its blocks, round by round. */
  readonly roundMedians: number[][];
}

/** A {@link TimeBlock} that times each call of `run` here. */
export function timedCalls(run: () => Promise<unknown>): TimeBlock {
  return async (count) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = nowMs();
      await run();
      times.push(nowMs() - start);
    }
    return times;
  };
}

/**
 * Warms every contender up (at least two calls and `warmupMinMs` each), then runs rounds of one
 * block each, the order rotated every round so that no contender always follows the same one.
 */
export async function alternate(contenders: readonly TimeBlock[], plan: AlternationPlan, warmupMinMs: number): Promise<Alternated> {
  let slowestMs = 0;
  for (const timeBlock of contenders) {
    let spent = 0;
    for (let i = 0; i < 2 || spent < warmupMinMs; i++) {
      const [ms] = await timeBlock(1, -1);
      spent += ms;
      if (i > 0) slowestMs = Math.max(slowestMs, ms);
    }
  }
  const perRoundMs = Math.max(1e-3, contenders.length * plan.block * slowestMs);
  const rounds = Math.max(1, Math.min(plan.rounds, Math.floor(plan.budgetMs / perRoundMs)));
  const samples = contenders.map((): number[] => []);
  const roundMedians = contenders.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = (i + r) % contenders.length;
      const block = await contenders[c](plan.block, r);
      samples[c].push(...block);
      roundMedians[c].push(median(block));
      await yieldToEventLoop();
    }
  }
  return { rounds, samples, roundMedians };
}
