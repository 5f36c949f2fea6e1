/**
 * The official PyTorch code head to head with core, one-threaded and on its threads: one driver
 * process (`official_driver.py --serve`) stays alive and times blocks of calls that alternate
 * with core's (alternation.ts), so that core's targets against PyTorch compare figures of the
 * same minutes. The speed grid times PyTorch minutes after core, under whatever the machine did
 * in between. Each core backend has a comparison of its own, as a program uses one backend: two
 * backends that take turns also take turns at the memory allocator, and leave each other fresh
 * pages to fault in.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { THREADED_WARMUP_MS, alternate, timedCalls, type AlternationPlan, type TimeBlock } from './alternation.js';
import type { FoundBackend } from './backends.js';
import { round3 } from './headToHead.js';
import type { BlockLoad } from './load.js';
import { startBlock } from './loadMeter.js';
import { DRIVER, pytorchName, pytorchThreadCounts, writeBatch, type PytorchOptions } from './pytorch.js';
import { lossRequest, type BatchCache } from './speed.js';
import { summarise, type TimingSummary } from './stats.js';

/** One side of the comparison: `core`, `core:threads` or `pytorch (t threads)`. */
export interface PytorchHeadToHeadContender {
  readonly name: string;
  readonly ms: TimingSummary;
  /** The median of each of its blocks, round by round. */
  readonly roundMedians: number[];
}

/** One core backend and the official code at every CPU thread count, forward+backward, in alternating blocks. */
export interface PytorchHeadToHeadResult {
  /** The core backend compared: `core` or `core:threads`. */
  readonly core: string;
  readonly torchVersion: string;
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  readonly rounds: number;
  readonly block: number;
  readonly contenders: PytorchHeadToHeadContender[];
  /**
   * The CPUs the one-threaded contenders (core, PyTorch on 1 thread) took turns on, round r on
   * `pinnedTo[r % length]`, or null where they could not be pinned. The cores of a virtual
   * machine need not be equally fast, and a thread tends to stay on the CPU it ran on, so two
   * one-threaded processes side by side could otherwise each sit on a different core.
   */
  readonly pinnedTo: number[] | null;
  /** The load during the comparison, the driver's CPU counted as the benchmark's own. */
  readonly load: BlockLoad;
}

/** How many times slower `slower` was than `faster`: the ratio of medians, and its range round by round. */
export interface ContenderRatio {
  readonly slower: string;
  readonly faster: string;
  readonly ratio: number;
  readonly byRound: readonly [number, number];
}

/** The ratio of two contenders' times, or undefined when either was not timed. */
export function contenderRatio(result: PytorchHeadToHeadResult, slower: string, faster: string): ContenderRatio | undefined {
  const a = result.contenders.find((c) => c.name === slower);
  const b = result.contenders.find((c) => c.name === faster);
  if (!a || !b) return undefined;
  const rounds = a.roundMedians.map((m, i) => m / b.roundMedians[i]);
  return { slower, faster, ratio: round3(a.ms.medianMs / b.ms.medianMs), byRound: [round3(Math.min(...rounds)), round3(Math.max(...rounds))] };
}

/** The PyTorch contender with the lowest median: the official code at its best CPU thread count. */
export function fastestPytorch(result: PytorchHeadToHeadResult): PytorchHeadToHeadContender | undefined {
  return result.contenders.filter((c) => c.name.startsWith('pytorch (')).sort((a, b) => a.ms.medianMs - b.ms.medianMs)[0];
}

/** A driver process in `--serve` mode: one JSON request a line, one JSON reply a line. */
class DriverProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: AsyncIterator<string>;
  /** The end of its standard error, or why it could not start: what a failed request reports. */
  private trouble = '';

  constructor(options: PytorchOptions) {
    this.child = spawn(options.python, [DRIVER, '--ref', options.refPath, '--serve']);
    this.child.on('error', (error) => (this.trouble += error.message));
    // A driver that has exited closes its output too: the request waiting for a reply reports it.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (chunk: Buffer) => (this.trouble = (this.trouble + chunk.toString()).slice(-4000)));
    this.replies = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async request<T>(request: object): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const reply = await this.replies.next();
    if (reply.done) throw new Error(`${DRIVER} --serve ended: ${this.trouble.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(reply.value) as T;
  }

  /** Closes its input, which ends it; resolves once it has exited. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}

/**
 * Times each core backend in `found` (`core`, `core:threads`) against the official code at each
 * CPU thread count on the plan's n and k, in alternating blocks, one comparison per backend.
 */
export async function runPytorchHeadToHeads(
  found: readonly FoundBackend[],
  cache: BatchCache,
  plan: AlternationPlan & { readonly n: number; readonly k: number },
  options: PytorchOptions,
): Promise<PytorchHeadToHeadResult[]> {
  const cores = found.filter((b) => b.name === 'core' || b.name === 'core:threads');
  if (cores.length === 0) throw new Error('neither core nor core:threads runs in this benchmark');
  const batch = cache.get(plan.n);
  const dir = await mkdtemp(join(tmpdir(), 'topk-bench-pytorch-h2h-'));
  const driver = new DriverProcess(options);
  try {
    const loaded = await driver.request<{ torch: string; default_threads: number; cpus: number[] | null }>({ load: { n: plan.n, k: plan.k, batch: batch.batch, ...(await writeBatch(dir, 'h2h', batch)) } });
    const threads = pytorchThreadCounts(loaded.default_threads);
    const cpus = loaded.cpus;
    // The one-threaded contenders run on the same CPU within a round, on the next CPU each round.
    const pinnedEachRound = (pid: number, timeBlock: TimeBlock): TimeBlock => async (count, round) => {
      if (cpus === null || round < 0) return timeBlock(count, round);
      await driver.request({ pin: { pid, cpu: cpus[round % cpus.length] } });
      try {
        return await timeBlock(count, round);
      } finally {
        await driver.request({ pin: { pid, cpu: null } });
      }
    };
    const pytorchBlocks = threads.map((t) => {
      const timeBlock: TimeBlock = async (count) => (await driver.request<{ samples_ms: number[] }>({ time: { threads: t, count } })).samples_ms;
      // pid 0: the driver's own main thread.
      return t === 1 ? pinnedEachRound(0, timeBlock) : timeBlock;
    });
    const results: PytorchHeadToHeadResult[] = [];
    for (const core of cores) {
      const startCpu = await driver.request<{ cpu_seconds: number }>({ cpu_seconds: true });
      const endBlock = startBlock(`official PyTorch: head to head with ${core.name}`);
      const coreBlock = timedCalls(() => core.backend.loss(lossRequest(batch, core.backend.precision, plan.k, true)));
      // The driver pins this process's main thread: Node has no call for it.
      const blocks = [core.name === 'core' ? pinnedEachRound(process.pid, coreBlock) : coreBlock, ...pytorchBlocks];
      const names = [core.name, ...threads.map(pytorchName)];
      const { rounds, samples, roundMedians } = await alternate(blocks, plan, THREADED_WARMUP_MS);
      const endCpu = await driver.request<{ cpu_seconds: number }>({ cpu_seconds: true });
      results.push({
        core: core.name,
        torchVersion: loaded.torch,
        batch: batch.batch,
        n: plan.n,
        k: plan.k,
        rounds,
        block: plan.block,
        contenders: names.map((name, i) => ({ name, ms: summarise(samples[i]), roundMedians: roundMedians[i].map(round3) })),
        pinnedTo: cpus,
        load: endBlock((endCpu.cpu_seconds - startCpu.cpu_seconds) * 1000),
      });
    }
    return results;
  } finally {
    await driver.close();
    await rm(dir, { recursive: true, force: true });
  }
}
