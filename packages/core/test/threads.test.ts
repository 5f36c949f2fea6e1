/**
 * CoreBackend splits large batches by rows over worker threads. Specification:
 * - the losses, the gradient and the reduced value are the same bit for bit (Object.is on every
 *   entry) on 2 and 3 threads as on 1, on property-generated batches and on the extreme cases of
 *   the conformance kit, in every mode, backward scheme, reduction and weighting; and the rows
 *   were indeed computed on worker threads;
 * - small batches and `threads: 0 | 1` run on the calling thread; bad `threads` and
 *   `parallelThreshold` are TopKArgumentErrors naming them;
 * - an error thrown in a worker rejects the call with the original error and message, a worker
 *   that dies rejects the calls it was running, and the pool computes the next batch;
 * - `dispose()` ends the threads and rejects the calls still running; a process that never calls
 *   it still exits by itself once its last batch is done;
 * - where the worker module cannot be loaded, the backend computes on one thread.
 *
 * Worker threads run compiled JavaScript, so these tests run against a build of the package
 * (test/builtCore.ts); the last one runs the TypeScript sources, where no worker module exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { arbitraryWeightedBatch, maxPaperK, type WeightedLossCase } from '../../conformance/src/arbitraries.js';
import { EXTREME_EXAMPLES, arbitraryExtremeCase } from '../../conformance/src/extremeCases.js';
import { CoreBackend as SourceCoreBackend, topkSvmLoss as sourceTopkSvmLoss } from '../src/index.js';
import type { BackwardScheme, LossMode, LossRequest, LossResult } from '../src/index.js';
import { buildCore, type BuiltCore } from './builtCore.js';

type Core = typeof import('../src/index.js');
type Pool = typeof import('../src/threads/rowPool.js');
type Host = typeof import('../src/threads/threadHost.js');
type Rows = typeof import('../src/loss/rows.js');

let built: BuiltCore;
let core: Core;

beforeAll(async () => {
  built = buildCore();
  core = await built.load<Core>('index.js');
}, 120_000);

afterAll(() => built?.remove());

/** Scores of a generated batch, uniform in [-4, 4) from a seeded generator. */
function randomScores(length: number, seed: number): Float64Array {
  const generator = xoroshiro128plus(seed);
  return Float64Array.from({ length }, () => uniformFloat64(generator) * 8 - 4);
}

function bigRequest(batch: number, n: number, k: number, extra: Partial<LossRequest> = {}): LossRequest {
  return { scores: randomScores(batch * n, batch * n + k), shape: [batch, n], labels: Array.from({ length: batch }, (_, i) => (i * 7) % n), k, grad: true, ...extra };
}

/**
 * A request of `copies` copies of the case's rows, copy c rotated by c places (its label with
 * it), so that every row of the batch has its own gradient layout; weights follow their rows.
 */
function tiledRequest(c: WeightedLossCase, copies: number, mode: LossMode, backward: BackwardScheme, grad: boolean): LossRequest {
  const { n, batch } = c;
  const scores = new Float64Array(copies * batch * n);
  const labels: number[] = [];
  const sampleWeights: number[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (let r = 0; r < batch; r++) {
      const row = (copy * batch + r) * n;
      for (let j = 0; j < n; j++) scores[row + ((j + copy) % n)] = c.scores[r * n + j];
      labels.push((c.labels[r] + copy) % n);
      if (c.sampleWeights) sampleWeights.push(c.sampleWeights[r]);
    }
  }
  const request: LossRequest = { scores, shape: [copies * batch, n], labels, k: c.k, tau: c.tau, alpha: c.alpha, mode, backward, reduction: c.reduction, grad };
  if (c.sampleWeights) request.sampleWeights = sampleWeights;
  if (c.classWeights) request.classWeights = c.classWeights;
  return request;
}

type Outcome = { result: LossResult } | { error: { name: string; message: string } };

async function outcome(backend: { loss(r: LossRequest): Promise<LossResult> }, request: LossRequest): Promise<Outcome> {
  try {
    return { result: await backend.loss(request) };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: { name, message } };
  }
}

/** Throws unless both outcomes are the same error, or the same numbers bit for bit. */
function assertIdentical(label: string, expected: Outcome, actual: Outcome): void {
  if ('error' in expected || 'error' in actual) {
    expect(actual, label).toEqual(expected);
    return;
  }
  const a = expected.result;
  const b = actual.result;
  if (!Object.is(a.value, b.value)) throw new Error(`${label}: value ${b.value} differs from ${a.value} on one thread`);
  expect(b.losses.length, label).toBe(a.losses.length);
  for (let i = 0; i < a.losses.length; i++) {
    if (!Object.is(a.losses[i], b.losses[i])) throw new Error(`${label}: losses[${i}] = ${b.losses[i]} differs from ${a.losses[i]} on one thread`);
  }
  expect(b.grad === undefined, label).toBe(a.grad === undefined);
  if (a.grad && b.grad) {
    expect(b.grad.length, label).toBe(a.grad.length);
    for (let i = 0; i < a.grad.length; i++) {
      if (!Object.is(a.grad[i], b.grad[i])) throw new Error(`${label}: grad[${i}] = ${b.grad[i]} differs from ${a.grad[i]} on one thread`);
    }
  }
}

describe('a batch split over threads gives the same numbers bit for bit as one thread', () => {
  type Backend = InstanceType<Core['CoreBackend']>;
  let one: Backend;
  /** The calling thread and one worker. */
  let two: Backend;
  /** Two workers, the calling thread waiting: every row on a worker. */
  let twoWorkers: Backend;
  /** Three workers, the calling thread waiting. */
  let threeWorkers: Backend;
  /** Rows of the valid batches: every one of them must be computed on a worker. */
  let rowsSplit = 0;

  beforeAll(() => {
    one = core.createCoreBackend({ threads: 1 });
    two = core.createCoreBackend({ threads: 2, parallelThreshold: 0 });
    twoWorkers = core.createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: false });
    threeWorkers = core.createCoreBackend({ threads: 3, parallelThreshold: 0, callingThreadComputes: false });
  });

  afterAll(async () => {
    await Promise.all([one.dispose(), two.dispose(), twoWorkers.dispose(), threeWorkers.dispose()]);
  });

  async function check(label: string, request: LossRequest): Promise<void> {
    const expected = await outcome(one, request);
    assertIdentical(`${label}, calling thread and a worker`, expected, await outcome(two, request));
    for (const [threads, backend] of [[2, twoWorkers], [3, threeWorkers]] as const) {
      const before = backend.workerRows;
      assertIdentical(`${label}, ${threads} workers`, expected, await outcome(backend, request));
      // Bad input is rejected before any row is handed out; every row of a valid batch goes to a worker.
      if ('result' in expected) expect(backend.workerRows - before, label).toBe(request.shape[0]);
    }
    if ('result' in expected) rowsSplit += request.shape[0];
  }

  const modes = fc.constantFrom<LossMode>('smooth', 'hard', 'auto');
  const schemes = fc.constantFrom<BackwardScheme>('exact', 'paper');

  it('on moderate batches of every mode, backward, reduction and weighting', async () => {
    const cases = fc.record({
      c: arbitraryWeightedBatch({ maxN: 60, maxBatch: 6 }),
      copies: fc.integer({ min: 2, max: 9 }),
      mode: modes,
      backward: schemes,
      grad: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ c, copies, mode, backward, grad }) => {
        const scheme = backward === 'paper' && c.k <= maxPaperK(c.n) ? 'paper' : 'exact';
        await check(`n = ${c.n}, k = ${c.k}, ${mode}, ${scheme}, ${c.reduction}`, tiledRequest(c, copies, mode, scheme, grad));
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('on the extreme examples of the conformance kit, in every mode and reduction', async () => {
    for (const [index, c] of EXTREME_EXAMPLES.entries()) {
      for (const mode of ['smooth', 'hard', 'auto'] as const) {
        for (const reduction of ['none', 'mean', 'sum'] as const) {
          const weighted = { ...c, reduction, sampleWeights: [0.25], classWeights: Array.from({ length: c.n }, (_, j) => 1 + j) };
          await check(`example ${index}, ${mode}, ${reduction}`, tiledRequest(weighted, 5, mode, 'exact', true));
          if (c.k <= maxPaperK(c.n)) await check(`example ${index}, ${mode}, paper`, tiledRequest({ ...c, reduction }, 3, mode, 'paper', true));
        }
      }
    }
  }, 300_000);

  it('on extreme batches drawn by the conformance kit (scores to the largest double, tau over its range, n to 1e5)', async () => {
    const cases = fc.record({ c: arbitraryExtremeCase('float64'), copies: fc.integer({ min: 2, max: 4 }), grad: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(cases, async ({ c, copies, grad }) => {
        await check(`extreme ${c.kind}, n = ${c.n}, k = ${c.k}, tau = ${c.tau}, ${c.mode}, ${c.reduction}`, tiledRequest(c, copies, c.mode, 'exact', grad));
      }),
      { numRuns: 40 },
    );
  }, 300_000);

  it('every row of the valid batches among them was computed on a worker thread (calling thread waiting)', () => {
    expect(rowsSplit).toBeGreaterThan(1000);
    expect(twoWorkers.workerRows).toBe(rowsSplit);
    expect(threeWorkers.workerRows).toBe(rowsSplit);
    expect(one.workerRows).toBe(0);
  });

  it('on a large batch the calling thread and the worker both compute rows, with the same numbers as one thread', async () => {
    const request = bigRequest(1024, 500, 5, { reduction: 'mean', classWeights: Array.from({ length: 500 }, (_, j) => 1 + (j % 3)) });
    const before = two.workerRows;
    assertIdentical('large batch, calling thread and a worker', await outcome(one, request), await outcome(two, request));
    expect(two.workerRows - before).toBeGreaterThan(0);
    expect(two.workerRows - before).toBeLessThan(1024);
  }, 60_000);
});

describe('when batches are split', () => {
  it('threads default to the machine parallelism up to 8; 0 and 1 keep every batch on the calling thread', async () => {
    const { availableParallelism } = await import('node:os');
    const byDefault = core.createCoreBackend();
    expect(byDefault.threads).toBe(Math.min(availableParallelism(), core.DEFAULT_MAX_THREADS));
    for (const threads of [0, 1]) {
      const backend = core.createCoreBackend({ threads, parallelThreshold: 0 });
      expect(backend.threads).toBe(1);
      await backend.loss(bigRequest(64, 1000, 5));
      expect(backend.workerRows).toBe(0);
      await backend.dispose();
    }
    await byDefault.dispose();
  });

  it('batches below parallelThreshold scores stay on the calling thread, batches at it are split', async () => {
    const backend = core.createCoreBackend({ threads: 2, parallelThreshold: 4000, callingThreadComputes: false });
    await backend.loss(bigRequest(3, 1000, 5));
    expect(backend.workerRows).toBe(0);
    await backend.loss(bigRequest(4, 1000, 5));
    expect(backend.workerRows).toBe(4);
    await backend.dispose();
  });

  it('threads and parallelThreshold that are not counts are TopKArgumentErrors naming them', () => {
    for (const threads of [-1, 1.5, Number.NaN, Infinity, core.MAX_THREADS + 1, '2' as unknown as number]) {
      expect(() => core.createCoreBackend({ threads })).toThrow(core.TopKArgumentError);
      try {
        core.createCoreBackend({ threads });
      } catch (error) {
        expect((error as InstanceType<Core['TopKArgumentError']>).argument).toBe('threads');
        expect(Object.is((error as InstanceType<Core['TopKArgumentError']>).value, threads)).toBe(true);
      }
    }
    for (const parallelThreshold of [-1, Number.NaN, '0' as unknown as number]) {
      expect(() => core.createCoreBackend({ parallelThreshold })).toThrow(/invalid parallelThreshold/);
    }
    expect(() => core.createCoreBackend({ callingThreadComputes: 'no' as unknown as boolean })).toThrow(/invalid callingThreadComputes = "no"/);
  });

  it('bad input is rejected on the calling thread with the same error as on one thread', async () => {
    const backend = core.createCoreBackend({ threads: 2, parallelThreshold: 0 });
    const bad = bigRequest(8, 100, 5);
    (bad.scores as Float64Array)[3 * 100 + 7] = Number.NaN;
    await expect(backend.loss(bad)).rejects.toThrow('invalid scores[3][7] = NaN: must be finite');
    await expect(backend.loss({ ...bigRequest(8, 100, 5), labels: [0, 1, 2, 3, 4, 5, 6, 100] })).rejects.toThrow(core.TopKArgumentError);
    expect(backend.workerRows).toBe(0);
    await backend.dispose();
  });

  it('scores already on a SharedArrayBuffer, and float32 scores, give the same numbers', async () => {
    const one = core.createCoreBackend({ threads: 1 });
    const two = core.createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: false });
    const request = bigRequest(16, 300, 4, { reduction: 'mean' });
    const shared = new Float64Array(new SharedArrayBuffer(request.scores.byteLength));
    shared.set(request.scores);
    assertIdentical('shared scores', await outcome(one, request), await outcome(two, { ...request, scores: shared }));
    const float32 = { ...request, scores: Float32Array.from(request.scores) };
    assertIdentical('float32 scores', await outcome(one, float32), await outcome(two, float32));
    expect(two.workerRows).toBe(32);
    await Promise.all([one.dispose(), two.dispose()]);
  });
});

describe('memory kept from one split batch to the next', () => {
  it('the losses and gradient returned are the caller\'s own: private arrays that later batches leave alone', async () => {
    const one = core.createCoreBackend({ threads: 1 });
    const two = core.createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: false });
    // The same shape each time, so every batch after the first reuses the shared buffers of the one before.
    const batches = [
      bigRequest(64, 300, 5, { reduction: 'none' }),
      { ...bigRequest(64, 300, 5, { reduction: 'none' }), mode: 'hard' as const },
      { ...bigRequest(64, 300, 5, { reduction: 'sum' }), scores: Float64Array.from(bigRequest(64, 300, 5).scores, (s) => 1e3 * s), tau: 1e-3 },
      bigRequest(64, 300, 5, { reduction: 'mean', sampleWeights: Array.from({ length: 64 }, (_, i) => i % 2) }),
    ];
    const kept: { losses: Float64Array; grad: Float64Array; copy: { losses: number[]; grad: number[] } }[] = [];
    for (const [i, request] of batches.entries()) {
      const result = await two.loss({ ...request, grad: true });
      assertIdentical(`batch ${i}`, await outcome(one, { ...request, grad: true }), { result });
      expect(result.losses!.buffer instanceof SharedArrayBuffer).toBe(false);
      expect(result.grad!.buffer instanceof SharedArrayBuffer).toBe(false);
      kept.push({ losses: result.losses!, grad: result.grad!, copy: { losses: Array.from(result.losses!), grad: Array.from(result.grad!) } });
    }
    for (const [i, { losses, grad, copy }] of kept.entries()) {
      expect(Array.from(losses), `batch ${i}'s losses after the later batches`).toEqual(copy.losses);
      expect(Array.from(grad), `batch ${i}'s gradient after the later batches`).toEqual(copy.grad);
    }
    expect(two.workerRows).toBe(4 * 64);
    await Promise.all([one.dispose(), two.dispose()]);
  });
});

describe('failures in a worker', () => {
  it('an error thrown in a thread rejects with the original error; the pool computes the next batch', async () => {
    // k = 1e5 of n = 1e6 is a valid request whose workspace (n (k - 1) doubles) no typed array can hold.
    const n = 1_000_000;
    const tooLarge: LossRequest = { scores: new Float64Array(2 * n), shape: [2, n], labels: [0, 1], k: 100_000 };
    const expected = await outcome(core.createCoreBackend({ threads: 1 }), tooLarge);
    expect(expected).toEqual({ error: { name: 'RangeError', message: 'Invalid typed array length: 99999000000' } });
    const request = bigRequest(32, 500, 5);
    const oneThread = await outcome(core.createCoreBackend({ threads: 1 }), request);
    // Thrown in a worker (the calling thread waiting), and in whichever thread claims a row first.
    for (const callingThreadComputes of [false, true]) {
      const backend = core.createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes });
      expect(await outcome(backend, tooLarge)).toEqual(expected);
      const before = backend.workerRows;
      assertIdentical('after the error', oneThread, await outcome(backend, request));
      if (!callingThreadComputes) expect(backend.workerRows - before).toBe(32);
      await backend.dispose();
    }
  }, 60_000);

  it('a worker that dies rejects the batch it was computing; the pool starts a new one for the next batch', async () => {
    const { LossRowPool } = await built.load<Pool>('threads/rowPool.js');
    const { defaultThreadHost } = await built.load<Host>('threads/threadHost.js');
    const { LossRowWorkspace, computeLossRows } = await built.load<Rows>('loss/rows.js');
    const host = defaultThreadHost()!;
    const threads: ReturnType<typeof host.spawn>[] = [];
    const pool = new LossRowPool({ ...host, spawn: (events) => threads[threads.push(host.spawn(events)) - 1] });
    const task = (batch: number, n: number) => {
      const shared = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));
      const scores = shared(batch * n);
      scores.set(randomScores(batch * n, 7));
      const labels = Int32Array.from({ length: batch }, (_, i) => i % n);
      return { scores, n, labels, k: 5, tau: 1, alpha: 1, mode: 'smooth' as const, backward: 'exact' as const, losses: shared(batch), grad: shared(batch * n), gradScales: null };
    };
    await pool.run(task(4, 100), 2, false); // both threads loaded
    const running = pool.run(task(400, 20_000), 2, false);
    await threads[0].terminate();
    await expect(running).rejects.toThrow(/worker thread exited with code 1/);
    expect(pool.available).toBe(true);
    const next = task(64, 1000);
    await pool.run(next, 2, false);
    expect(threads.length).toBe(3);
    const expected = task(64, 1000);
    computeLossRows(expected, 0, 64, new LossRowWorkspace(1000, 5));
    for (let i = 0; i < 64; i++) expect(Object.is(next.losses[i], expected.losses[i])).toBe(true);
    for (let i = 0; i < 64_000; i++) if (!Object.is(next.grad[i], expected.grad[i])) throw new Error(`grad[${i}] differs`);
    await pool.dispose(new Error('done'));
  }, 60_000);
});

describe('lifetime', () => {
  it('dispose() ends the worker threads and rejects the batches still running', async () => {
    const backend = core.createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: false });
    await backend.loss(bigRequest(8, 100, 5));
    const running = backend.loss(bigRequest(400, 10_000, 5));
    const disposed = backend.dispose();
    await expect(running).rejects.toThrow(core.BackendDisposedError);
    await disposed;
    await expect(backend.loss(bigRequest(8, 100, 5))).rejects.toThrow(core.BackendDisposedError);
  }, 60_000);

  for (const callingThreadComputes of [false, true]) {
    it(`a process that computes on threads and never disposes exits by itself right after its last batch (callingThreadComputes: ${callingThreadComputes})`, async () => {
      const script = `
        import { createCoreBackend } from ${JSON.stringify(pathToFileURL(join(built.root, 'dist', 'index.js')).href)};
        const backend = createCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: ${callingThreadComputes} });
        const batch = 256, n = 1000;
        const scores = Float64Array.from({ length: batch * n }, (_, i) => Math.sin(i));
        const request = { scores, shape: [batch, n], labels: Array.from({ length: batch }, (_, i) => i), k: 5, grad: true };
        await backend.loss(request);
        const { value } = await backend.loss(request);
        console.log(JSON.stringify({ value, workerRows: backend.workerRows }));
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      let printedAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        printedAt ||= performance.now();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const lingered = performance.now() - printedAt;
      expect(code).toBe(0);
      const printed = JSON.parse(output) as { value: number; workerRows: number };
      // Workers alone compute both batches; with the calling thread, the worker joins once loaded.
      if (callingThreadComputes) expect(printed.workerRows).toBeLessThan(512);
      else expect(printed.workerRows).toBe(512);
      expect(Number.isFinite(printed.value)).toBe(true);
      expect(lingered).toBeLessThan(1500);
    }, 60_000);
  }
});

describe('a backend dropped without dispose()', () => {
  // Counts the threads of the child process in /proc/self/task: Linux only.
  it.skipIf(process.platform !== 'linux')('has its worker threads ended once it is garbage collected', async () => {
    const script = `
      import { readdirSync } from 'node:fs';
      import { createCoreBackend } from ${JSON.stringify(pathToFileURL(join(built.root, 'dist', 'index.js')).href)};
      const threads = () => readdirSync('/proc/self/task').length;
      const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
      const before = threads();
      let backend = createCoreBackend({ threads: 3, parallelThreshold: 0, callingThreadComputes: false });
      const request = { scores: Float64Array.from({ length: 64 * 500 }, (_, i) => Math.sin(i)), shape: [64, 500], labels: new Array(64).fill(1), k: 5 };
      await backend.loss(request);
      await settle();
      const running = threads();
      const workerRows = backend.workerRows;
      backend = undefined;
      for (let i = 0; i < 5 && threads() > before; i++) {
        globalThis.gc();
        await settle();
      }
      console.log(JSON.stringify({ before, running, after: threads(), workerRows }));
    `;
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    const counts = JSON.parse(output) as { before: number; running: number; after: number; workerRows: number };
    expect(counts.workerRows).toBe(64);
    expect(counts.running).toBeGreaterThanOrEqual(counts.before + 3);
    expect(counts.after).toBe(counts.before);
  }, 60_000);
});

describe('where the worker module cannot be loaded', () => {
  it('(the TypeScript sources, which Node cannot start as a worker) the backend computes on one thread', async () => {
    const request = bigRequest(16, 200, 3, { reduction: 'sum' });
    const expected: Outcome = { result: sourceTopkSvmLoss(request) };
    // Workers alone: the batch waits for the worker, which fails to load; the calling thread computes it.
    const waiting = new SourceCoreBackend({ threads: 2, parallelThreshold: 0, callingThreadComputes: false });
    assertIdentical('sources, workers alone', expected, await outcome(waiting, request));
    expect(waiting.threads).toBe(1);
    expect(waiting.workerRows).toBe(0);
    assertIdentical('sources, again', expected, await outcome(waiting, request));
    await waiting.dispose();
    // With the calling thread: it computes every row while the worker fails to load.
    const computing = new SourceCoreBackend({ threads: 2, parallelThreshold: 0 });
    assertIdentical('sources, calling thread', expected, await outcome(computing, request));
    assertIdentical('sources, calling thread, again', expected, await outcome(computing, request));
    expect(computing.workerRows).toBe(0);
    await computing.dispose();
  });
});
