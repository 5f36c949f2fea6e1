/**
 * Optional side-by-side with the official PyTorch implementation: writes the benchmark's own
 * inputs to binary files, runs `python/official_driver.py` (which imports `topk` from the
 * user's checkout), and turns its timings and gradients into benchmark figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreBackend } from '@topk/core';
import type { Profile } from './profiles.js';
import { BatchCache, type SkippedConfig, type SpeedResult } from './speed.js';
import type { BlockLoad } from './load.js';
import { startBlock } from './loadMeter.js';
import { compareRows, stabilityBatch, type StabilityCell } from './stability.js';
import { summarise } from './stats.js';
import type { Batch } from './data.js';

/** Where the official code and a Python with torch are. */
export interface PytorchOptions {
  readonly refPath: string;
  readonly python: string;
}

/** What the PyTorch side-by-side produced. */
export interface PytorchReport {
  readonly torchVersion: string;
  readonly defaultThreads: number;
  readonly threadsMeasured: number[];
  /** The CUDA device the official code was also timed on, or null when torch saw none. */
  readonly cudaDevice: string | null;
  readonly speed: SpeedResult[];
  readonly skipped: SkippedConfig[];
  /** Errors against core on the stability grid (method `pytorch float32` / `pytorch float64`). */
  readonly stability: StabilityCell[];
  /** Errors at the target configuration (n = 1000, k = 5, tau = 1, float32) against core. */
  readonly targetErrors: { n: number; lossError: number | null; gradError: number | null; nonFiniteShare: number } | null;
  readonly wallSeconds: number;
  /** The load while the official code ran (absent from reports written before it was measured). */
  readonly load?: BlockLoad;
}

/** The driver script that runs the official code on the benchmark's inputs. */
export const DRIVER = fileURLToPath(new URL('../python/official_driver.py', import.meta.url));

/** The CPU thread counts the official code is timed at: one, torch's default (Debian's build starts with one) and every core. */
export function pytorchThreadCounts(defaultThreads: number): number[] {
  return [...new Set([1, defaultThreads, availableParallelism()])].sort((a, b) => a - b);
}

/** Name of the PyTorch "backend" in the figures: CPU at a thread count, or CUDA (threads null). */
export function pytorchName(threads: number | null): string {
  return threads === null ? 'pytorch (cuda)' : `pytorch (${threads} thread${threads === 1 ? '' : 's'})`;
}

function run(python: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${python} ${DRIVER} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function queryDefaultThreads(python: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', 'import torch; print(torch.get_num_threads())'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', () => resolve(Number.parseInt(out.trim(), 10) || 1));
    child.on('error', () => resolve(1));
  });
}

/** Writes a batch's float32 scores and int32 labels; returns the two paths. */
export async function writeBatch(dir: string, name: string, batch: Batch): Promise<{ scores: string; labels: string }> {
  const scores = join(dir, `${name}.scores.f32`);
  const labels = join(dir, `${name}.labels.i32`);
  await writeFile(scores, new Uint8Array(batch.scores32.buffer, batch.scores32.byteOffset, batch.scores32.byteLength));
  await writeFile(labels, new Uint8Array(batch.labels.buffer, batch.labels.byteOffset, batch.labels.byteLength));
  return { scores, labels };
}

/** Errors of a PyTorch mean loss and its gradient against core's 'auto' mode on the same scores. */
async function errorsAgainstCore(batch: Batch, k: number, tau: number, loss: number, gradOfMean: Float64Array) {
  const reference = await createCoreBackend({ threads: 1 }).loss({
    scores: batch.scores64, shape: [batch.batch, batch.n], labels: batch.labels, k, tau, mode: 'auto', reduction: 'mean', grad: true,
  });
  // Per-sample scale: the gradient of the mean times the batch is each sample's own gradient.
  const scaled = gradOfMean.map((g) => g * batch.batch);
  const refScaled = reference.grad!.map((g) => g * batch.batch);
  const rowsCmp = compareRows([loss], [reference.value], null, null, 1);
  const gradCmp = compareRows(new Float64Array(batch.batch), new Float64Array(batch.batch), scaled, refScaled, batch.batch);
  return {
    lossError: rowsCmp.lossError,
    gradError: gradCmp.gradError,
    nonFiniteShare: Number.isFinite(loss) ? gradCmp.nonFiniteShare : 1,
  };
}

/**
 * Runs the official implementation on the profile's speed sizes (one thread, torch's default
 * thread count and the machine's core count, then CUDA when torch sees a device) and on the
 * stability grid (float32 and float64, CPU).
 */
export async function runPytorch(profile: Profile, cache: BatchCache, options: PytorchOptions, log: (line: string) => void): Promise<PytorchReport> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'topk-bench-pytorch-'));
  try {
    const defaultThreads = await queryDefaultThreads(options.python);
    const threads = pytorchThreadCounts(defaultThreads);
    const speed = [];
    for (const n of profile.ns) {
      const batch = cache.get(n);
      const files = await writeBatch(dir, `speed-${n}`, batch);
      for (const k of profile.ks) if (k <= n - 1) speed.push({ n, k, batch: batch.batch, ...files });
    }
    const accuracy = [];
    const cells: { id: string; batch: Batch; tau: number; scale: number; dtype: 'float32' | 'float64' }[] = [];
    for (const tau of profile.taus) {
      for (const scale of profile.scales) {
        const batch = stabilityBatch(profile, tau, scale);
        const files = await writeBatch(dir, `stab-${tau}-${scale}`, batch);
        for (const dtype of ['float32', 'float64'] as const) {
          const id = `stab-${tau}-${scale}-${dtype}`;
          cells.push({ id, batch, tau, scale, dtype });
          accuracy.push({ id, n: batch.n, k: profile.stabilityK, tau, batch: batch.batch, dtype, grad_out: join(dir, `${id}.grad.f64`), ...files });
        }
      }
    }
    const targetN = profile.ns.includes(1000) ? 1000 : profile.ns[0];
    const targetBatch = cache.get(targetN);
    const targetFiles = await writeBatch(dir, 'target', targetBatch);
    accuracy.push({ id: 'target', n: targetN, k: 5, tau: 1, batch: targetBatch.batch, dtype: 'float32', grad_out: join(dir, 'target.grad.f64'), ...targetFiles });

    const policy = {
      warmup: profile.warmup, warmup_min_ms: profile.warmupMinMs, reps: profile.reps, config_budget_ms: profile.configBudgetMs,
      max_run_ms: profile.maxRunMs, budget_ms: profile.backendBudgetMs,
    };
    const specPath = join(dir, 'spec.json');
    const outPath = join(dir, 'out.json');
    await writeFile(specPath, JSON.stringify({ policy, threads, speed, accuracy }));
    log(`  running the official PyTorch code from ${options.refPath} with ${options.python} (threads: ${threads.join(', ')})`);
    const endBlock = startBlock('official PyTorch');
    await run(options.python, [DRIVER, '--ref', options.refPath, '--spec', specPath, '--out', outPath], (policy.budget_ms * (threads.length + 1) + 120000) * 2);
    const out = JSON.parse(await readFile(outPath, 'utf8')) as {
      torch: string; default_threads: number; cuda_device: string | null;
      speed: { threads: number | null; op: 'forward' | 'forward+backward'; n: number; k: number; batch: number; samples_ms: number[] }[];
      skipped: { threads: number | null; op: 'forward' | 'forward+backward'; n: number; k: number; reason: string }[];
      accuracy: { id: string; loss?: number; error?: string }[];
      cpu_seconds: number;
    };

    const load = { ...endBlock(out.cpu_seconds * 1000), speedOf: [...new Set(out.speed.map((r) => pytorchName(r.threads)))] };
    const speedResults: SpeedResult[] = out.speed.map((r) => ({
      backend: pytorchName(r.threads), op: r.op, batch: r.batch, n: r.n, k: r.k, reps: r.samples_ms.length, warmupMs: 0, ...summarise(r.samples_ms),
    }));
    const skipped: SkippedConfig[] = out.skipped.map((s) => ({ backend: pytorchName(s.threads), op: s.op, n: s.n, k: s.k, reason: s.reason }));

    const stability: StabilityCell[] = [];
    let targetErrors: PytorchReport['targetErrors'] = null;
    const gradOf = async (path: string) => new Float64Array((await readFile(path)).buffer.slice(0));
    for (const record of out.accuracy) {
      if (record.id === 'target') {
        if (record.loss !== undefined) targetErrors = { n: targetN, ...(await errorsAgainstCore(targetBatch, 5, 1, record.loss, await gradOf(join(dir, 'target.grad.f64')))) };
        continue;
      }
      const cell = cells.find((c) => c.id === record.id)!;
      const base = { method: `pytorch ${cell.dtype}`, precision: cell.dtype, reference: "core 'auto' mode (float64, same scores)", tau: cell.tau, scale: cell.scale, samples: cell.batch.batch };
      if (record.loss === undefined) {
        stability.push({ ...base, lossError: null, gradError: null, nonFiniteShare: 1 });
        skipped.push({ backend: `pytorch ${cell.dtype}`, op: 'forward+backward', n: cell.batch.n, k: profile.stabilityK, reason: `tau=${cell.tau}, scale=${cell.scale}: ${record.error ?? 'failed'}` });
        continue;
      }
      stability.push({ ...base, ...(await errorsAgainstCore(cell.batch, profile.stabilityK, cell.tau, record.loss, await gradOf(join(dir, `${record.id}.grad.f64`)))) });
    }
    return { torchVersion: out.torch, defaultThreads: out.default_threads, threadsMeasured: threads, cudaDevice: out.cuda_device, speed: speedResults, skipped, stability, targetErrors, wallSeconds: (Date.now() - started) / 1000, load };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
