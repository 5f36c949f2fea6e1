#!/usr/bin/env node
/**
 * Core on worker threads against core on one thread, side by side: for each configuration and
 * thread count, the one-threaded backend and the threaded one are called in alternating blocks
 * (order flipped every round), so that every ratio comes from the same minutes of the machine;
 * the load average and the CPU other processes used show whether other work shared the cores.
 *
 *   node benchmarks/dist/threads.js [--grid curve|break-even] [--threads 2,3,4] [--budget-ms 2000] [--calling-thread computes|waits] [--write-docs]
 *
 * `curve`: batch 256 at n = 1000, k = 5 and n = 10000, k = 10 on every thread count (the speed-up
 * curve); `break-even`: small batches around the size where splitting starts to pay.
 * `--write-docs` writes the table and the speed-up chart to docs/benchmarks/threads.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './chartSpecs.js';
import { startBlock } from './loadMeter.js';
import { createCoreBackend, type CoreBackend, type LossRequest } from '@topk/core';
import { makeBatch } from './data.js';
import { summarise } from './stats.js';
import { THREADED_WARMUP_MS, alternate, timedCalls } from './alternation.js';

interface Options {
  grid: 'curve' | 'break-even';
  threads?: string;
  budgetMs: string;
  callingThread: 'computes' | 'waits';
  writeDocs?: boolean;
}

const BREAK_EVEN: readonly [n: number, k: number, batches: number[]][] = [
  [100, 5, [8, 32, 128, 512]],
  [1000, 1, [4, 8, 16, 32, 64]],
  [1000, 5, [4, 8, 16, 32, 64, 256]],
  [1000, 50, [2, 4, 8, 16, 32]],
  [10000, 5, [2, 4, 8]],
];

/** One configuration: medians of one thread and of each thread count, called in alternation. */
export interface ThreadsRow {
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  readonly oneThreadMs: number;
  readonly threaded: { readonly threads: number; readonly medianMs: number; readonly speedUp: number }[];
  /** Calls of each backend in the pair that made the fewest. */
  readonly callsEach: number;
  readonly loadAverage: { readonly before: number; readonly after: number };
  /** Cores' worth of CPU other processes used during the timed calls. */
  readonly otherCores: number;
}

/**
 * Calls of each backend in a block. Blocks rather than single calls: two backends that take
 * turns call by call also take turns at the memory allocator, and leave each other fresh pages.
 */
const BLOCK = 5;

/** Medians of two backends called in alternating blocks (order flipped every round) within the budget. */
async function timePair(pair: readonly [CoreBackend, CoreBackend], request: LossRequest, budgetMs: number): Promise<{ medians: [number, number]; calls: number }> {
  const { samples } = await alternate(pair.map((backend) => timedCalls(() => backend.loss(request))), { rounds: 40, block: BLOCK, budgetMs }, THREADED_WARMUP_MS);
  return { medians: [summarise(samples[0]).medianMs, summarise(samples[1]).medianMs], calls: samples[0].length };
}

/**
 * One row: each thread count against one thread, a pair at a time and each pool disposed before
 * the next starts, so that only two backends' buffers share the caches and no idle pool waits
 * beside the timed one.
 */
async function compare(rows: number, n: number, k: number, threadCounts: number[], budgetMs: number, callingThreadComputes: boolean): Promise<ThreadsRow> {
  const batch = makeBatch(rows, n, rows * 7919 + n * 31 + k);
  const request: LossRequest = { scores: batch.scores64, shape: [rows, n], labels: batch.labels, k, grad: true, reduction: 'mean' };
  const one = createCoreBackend({ threads: 1 });
  const block = startBlock(`batch ${rows}, n = ${n}, k = ${k}`);
  const threaded: ThreadsRow['threaded'][number][] = [];
  const singles: number[] = [];
  let calls = Infinity;
  for (const threads of threadCounts) {
    const many = createCoreBackend({ threads, parallelThreshold: 0, callingThreadComputes });
    const { medians: [single, medianMs], calls: pairCalls } = await timePair([one, many], request, budgetMs);
    await many.dispose();
    threaded.push({ threads, medianMs, speedUp: single / medianMs });
    singles.push(single);
    calls = Math.min(calls, pairCalls);
  }
  const { loadAverage, otherCores } = block();
  await one.dispose();
  return {
    batch: rows, n, k, oneThreadMs: summarise(singles).medianMs, threaded, callsEach: calls,
    loadAverage: { before: loadAverage.start, after: loadAverage.end },
    otherCores,
  };
}

/** The markdown table of the rows. */
function threadsTable(rows: readonly ThreadsRow[], threadCounts: readonly number[]): string[] {
  return [
    `| batch | n | k | 1 thread | ${threadCounts.map((t) => `${t} threads`).join(' | ')} | calls each (fewest) | load average before / after | other processes (cores) |`,
    `|---|---|---|---|${threadCounts.map(() => '---').join('|')}|---|---|---|`,
    ...rows.map((r) => `| ${r.batch} | ${r.n} | ${r.k} | ${r.oneThreadMs.toFixed(2)} ms | ${r.threaded.map((t) => `${t.medianMs.toFixed(2)} ms (${t.speedUp.toFixed(2)}x)`).join(' | ')} | ${r.callsEach} | ${r.loadAverage.before} / ${r.loadAverage.after} | ${r.otherCores.toFixed(2)} |`),
  ];
}

/** Speed-up over one thread against the thread count, one line per configuration, with the ideal. */
function speedUpChart(rows: readonly ThreadsRow[], cores: number): TopLevelSpec {
  const values = rows.flatMap((r) => [{ threads: 1, speedUp: 1 }, ...r.threaded].map((t) => ({ threads: t.threads, speedUp: t.speedUp, config: `batch ${r.batch}, n = ${r.n}, k = ${r.k}` })));
  const maxThreads = Math.max(...values.map((v) => v.threads));
  const ideal = Array.from({ length: Math.min(cores, maxThreads) }, (_, i) => ({ threads: i + 1, speedUp: i + 1 }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 480, height: 320,
    layer: [
      { data: { values: ideal }, mark: { type: 'line', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { field: 'threads', type: 'quantitative' }, y: { field: 'speedUp', type: 'quantitative' } } },
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'threads', type: 'quantitative', title: 'threads', axis: { tickMinStep: 1 } },
          y: { field: 'speedUp', type: 'quantitative', title: 'speed-up over one thread' },
          color: { field: 'config', type: 'nominal', title: 'forward+backward' },
        },
      },
    ],
  } as TopLevelSpec;
}

const DOCS = fileURLToPath(new URL('../../docs/benchmarks/', import.meta.url));

/** Writes docs/benchmarks/threads.md and its chart. */
async function writeDocs(rows: readonly ThreadsRow[], threadCounts: readonly number[], header: string, command: string): Promise<void> {
  await mkdir(DOCS, { recursive: true });
  const cores = availableParallelism();
  await writeFile(join(DOCS, 'threads-speed-up.svg'), await renderSvg(speedUpChart(rows, cores)));
  const page = [
    '# Core on worker threads',
    '',
    `<!-- Generated by benchmarks/src/threads.ts; regenerate it with \`${command}\`. -->`,
    '',
    `One-threaded core against core split over worker threads, side by side: for each configuration and thread count, the one-threaded backend and the threaded one are called in alternating blocks of ${BLOCK} calls, the order reversed each round, after a warm-up of at least ${THREADED_WARMUP_MS / 1000} s each (each worker compiles its own code), so that each speed-up comes from the same minutes of the machine; each thread count is timed in a pair of its own, its pool ended before the next starts, so that no other backend's buffers share the caches (median of the calls; the 1-thread column is the median over the pairs; the dashed line is the ideal up to the core count). The last column is the CPU other processes used meanwhile (see the benchmark page's load section): near 0 on a quiet machine. ${header}`,
    '',
    `Started ${new Date().toISOString()} on ${cpus()[0]?.model.trim() ?? 'an unknown CPU'}, ${cores} cores. Past the core count threads only queue for the same cores.`,
    '',
    '![Speed-up of core on worker threads over one thread](threads-speed-up.svg)',
    '',
    ...threadsTable(rows, threadCounts),
    '',
  ];
  await writeFile(join(DOCS, 'threads.md'), page.join('\n'));
  console.log(`Wrote ${join(DOCS, 'threads.md')} and threads-speed-up.svg`);
}

async function main(): Promise<void> {
  const options = new Command()
    .name('topk-bench-threads')
    .description('core on worker threads against core on one thread, side by side')
    .addOption(new Option('--grid <name>', 'curve (batch 256, every thread count) or break-even (small batches)').choices(['curve', 'break-even']).default('curve'))
    .option('--threads <list>', 'thread counts to compare with one thread (default: 2 up to twice the cores)')
    .option('--budget-ms <ms>', 'time per row', '2000')
    .addOption(new Option('--calling-thread <role>', 'whether the calling thread computes rows too').choices(['computes', 'waits']).default('computes'))
    .option('--write-docs', 'write the table and the speed-up chart to docs/benchmarks/threads.md')
    .parse()
    .opts<Options>();
  const cores = availableParallelism();
  const threadCounts = options.threads ? options.threads.split(',').map(Number) : Array.from({ length: Math.max(1, 2 * cores - 1) }, (_, i) => i + 2);
  const budgetMs = Number(options.budgetMs);
  const computes = options.callingThread === 'computes';
  const header = `Node ${process.version}; forward+backward, mean reduction; the calling thread ${computes ? 'computes rows beside the workers' : 'waits while the workers compute'}.`;
  console.log(`${header} ${cores} cores available, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}. Medians; (Nx) = speed-up over one thread.`);
  const configs: [number, number, number][] = options.grid === 'curve' ? [[256, 1000, 5], [256, 10000, 10]] : BREAK_EVEN.flatMap(([n, k, batches]) => batches.map((b) => [b, n, k] as [number, number, number]));
  const rows: ThreadsRow[] = [];
  const table = threadsTable([], threadCounts);
  console.log(table.join('\n'));
  for (const [batch, n, k] of configs) {
    rows.push(await compare(batch, n, k, threadCounts, budgetMs, computes));
    console.log(threadsTable(rows.slice(-1), threadCounts).at(-1));
  }
  if (options.writeDocs) await writeDocs(rows, threadCounts, header, `node benchmarks/dist/threads.js ${process.argv.slice(2).join(' ')}`.trim());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
