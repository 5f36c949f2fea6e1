#!/usr/bin/env node
/**
 * Core on worker threads against core on one thread, side by side: for each configuration the
 * one-threaded backend and one backend per thread count are called in alternation (order flipped
 * every round), so that every ratio comes from the same minutes of the machine; the load average
 * before and after each row shows whether other work shared the cores.
 *
 *   node benchmarks/dist/threads.js [--grid curve|break-even] [--threads 2,3,4] [--budget-ms 2000] [--calling-thread computes|waits]
 *
 * `curve`: batch 256 at n = 1000, k = 5 and n = 10000, k = 10 on every thread count (the speed-up
 * curve); `break-even`: small batches around the size where splitting starts to pay.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Command, Option } from 'commander';
import { createCoreBackend, type CoreBackend } from '@topk/core';
import { makeBatch } from './data.js';
import { nowMs, summarise } from './stats.js';

interface Options {
  grid: 'curve' | 'break-even';
  threads: string;
  budgetMs: string;
  callingThread: 'computes' | 'waits';
}

const BREAK_EVEN: readonly [n: number, k: number, batches: number[]][] = [
  [100, 5, [8, 32, 128, 512]],
  [1000, 1, [4, 8, 16, 32, 64]],
  [1000, 5, [4, 8, 16, 32, 64, 256]],
  [1000, 50, [2, 4, 8, 16, 32]],
  [10000, 5, [2, 4, 8]],
];

const load = () => loadavg()[0].toFixed(2);

/** One row: medians of one thread and of each threaded backend, calls alternating within the budget. */
async function compare(rows: number, n: number, k: number, threadCounts: number[], budgetMs: number, callingThreadComputes: boolean): Promise<string> {
  const batch = makeBatch(rows, n, rows * 7919 + n * 31 + k);
  const request = { scores: batch.scores64, shape: [rows, n] as const, labels: batch.labels, k, grad: true, reduction: 'mean' as const };
  const one = createCoreBackend({ threads: 1 });
  const many = threadCounts.map((threads) => createCoreBackend({ threads, parallelThreshold: 0, callingThreadComputes }));
  const all: CoreBackend[] = [one, ...many];
  for (const backend of all) for (let i = 0; i < 3; i++) await backend.loss(request); // starts the pools, warms the JIT
  const samples: number[][] = all.map(() => []);
  const loadBefore = load();
  const start = nowMs();
  for (let round = 0; round < 200 && (round < 7 || nowMs() - start < budgetMs); round++) {
    const order = round % 2 === 0 ? all.map((_, i) => i) : all.map((_, i) => all.length - 1 - i);
    for (const i of order) {
      const t = nowMs();
      await all[i].loss(request);
      samples[i].push(nowMs() - t);
    }
  }
  const loadAfter = load();
  await Promise.all(all.map((b) => b.dispose()));
  const [single, ...threaded] = samples.map((s) => summarise(s).medianMs);
  const cells = threaded.map((t) => `${t.toFixed(2)} ms (${(single / t).toFixed(2)}x)`);
  return `| ${rows} | ${n} | ${k} | ${single.toFixed(2)} ms | ${cells.join(' | ')} | ${samples[0].length} | ${loadBefore} / ${loadAfter} |`;
}

async function main(): Promise<void> {
  const options = new Command()
    .name('topk-bench-threads')
    .description('core on worker threads against core on one thread, side by side')
    .addOption(new Option('--grid <name>', 'curve (batch 256, every thread count) or break-even (small batches)').choices(['curve', 'break-even']).default('curve'))
    .option('--threads <list>', 'thread counts to compare with one thread', String(Math.max(2, availableParallelism())))
    .option('--budget-ms <ms>', 'time per row', '2000')
    .addOption(new Option('--calling-thread <role>', 'whether the calling thread computes rows too').choices(['computes', 'waits']).default('computes'))
    .parse()
    .opts<Options>();
  const threadCounts = options.threads.split(',').map(Number);
  const budgetMs = Number(options.budgetMs);
  const computes = options.callingThread === 'computes';
  console.log(`Node ${process.version}, ${availableParallelism()} cores available, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; calling thread ${options.callingThread}. Forward+backward, mean reduction; medians; (Nx) = speed-up over one thread.`);
  console.log(`| batch | n | k | 1 thread | ${threadCounts.map((t) => `${t} threads`).join(' | ')} | calls each | load before / after |`);
  console.log(`|---|---|---|---|${threadCounts.map(() => '---').join('|')}|---|---|`);
  const rows: [number, number, number][] = options.grid === 'curve' ? [[256, 1000, 5], [256, 10000, 10]] : BREAK_EVEN.flatMap(([n, k, batches]) => batches.map((b) => [b, n, k] as [number, number, number]));
  for (const [batch, n, k] of rows) console.log(await compare(batch, n, k, threadCounts, budgetMs, computes));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
