/**
 * Finds the backends that can run on this machine. The tfjs and gpujs packages are loaded
 * with dynamic imports so that a missing package, a missing native library or a missing
 * adapter turns into a "skipped: <reason>" line instead of a crash.
 */
import { createCoreBackend, crossEntropyLoss, type TopKBackend } from '@topk/core';
import type { Batch } from './data.js';
import { gpujsCrossEntropy } from './gpujsCrossEntropy.js';

/** Cross-entropy forward+backward on one backend, reading results back like `loss()` does. */
export type CrossEntropyRunner = (batch: Batch) => Promise<void>;

/** A backend that passed its probe. */
export interface FoundBackend {
  readonly name: string;
  readonly family: 'core' | 'tfjs' | 'gpujs';
  readonly backend: TopKBackend;
  /** The floor this backend is compared with, or null when it has none (with `floorNote`). */
  readonly crossEntropy: CrossEntropyRunner | null;
  readonly floorNote: string;
  /** Probe result: max |loss - core loss| on a tiny batch (a sanity check, not a test). */
  readonly probeError: number;
  /** Extra description the backend gives (adapter, threads), when it gives any. */
  readonly description?: string;
}

/** A backend that was looked for and could not run, with the reason. */
export interface SkippedBackend {
  readonly name: string;
  readonly reason: string;
}

export const TFJS_NAMES = ['cpu', 'wasm', 'webgpu', 'node', 'node-gpu'] as const;
export const GPUJS_NAMES = ['webgpu', 'headlessgl', 'webasm', 'cpu'] as const;

/** Every backend name the benchmark looks for, in the order it reports them. */
export const ALL_BACKEND_NAMES: readonly string[] = [
  'core',
  ...TFJS_NAMES.map((name) => `tfjs:${name}`),
  ...GPUJS_NAMES.map((name) => `gpujs:${name}`),
];

type Factory = (name: string) => TopKBackend | Promise<TopKBackend>;

/** Loads a module by a name TypeScript does not resolve (an optional package, or one not built). */
async function importOptional(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}

/** Does a backend give the same loss as core on a tiny batch? Returns the max abs difference. */
async function probe(backend: TopKBackend): Promise<number> {
  const scores = Float32Array.from([0.5, -1, 2, 0.25, 1.5, 0, -0.5, 3]);
  const request = { scores, shape: [2, 4] as const, labels: [1, 2], k: 2, grad: true };
  const [result, reference] = await Promise.all([backend.loss(request), createCoreBackend().loss(request)]);
  let worst = 0;
  for (let i = 0; i < 2; i++) worst = Math.max(worst, Math.abs(result.losses[i] - reference.losses[i]));
  if (!Number.isFinite(worst)) throw new Error(`probe returned non-finite losses ${Array.from(result.losses).join(', ')}`);
  return worst;
}

/** The float64 cross-entropy of core, with its gradient, as the floor of core. */
export const coreCrossEntropy: CrossEntropyRunner = async (batch) => {
  const grad = new Float64Array(batch.batch * batch.n);
  crossEntropyLoss(batch.scores64, batch.batch, batch.n, batch.labels, grad);
};

/** Minimal view of the tfjs-core API used for the cross-entropy floor. */
interface TfLike {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  tidy<T>(fn: () => T): T;
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
  oneHot(indices: TfTensor, depth: number): TfTensor;
  valueAndGrad(f: (x: TfTensor) => TfTensor): (x: TfTensor) => { value: TfTensor; grad: TfTensor };
  losses: { softmaxCrossEntropy(labels: TfTensor, logits: TfTensor, weights?: undefined, smoothing?: number, reduction?: number): TfTensor };
  Reduction: { SUM: number };
}
interface TfTensor {
  data(): Promise<Float32Array | Int32Array>;
  dispose(): void;
}

const TF_BACKEND_OF: Record<string, string> = { cpu: 'cpu', wasm: 'wasm', webgpu: 'webgpu', node: 'tensorflow', 'node-gpu': 'tensorflow' };

/**
 * Softmax cross-entropy forward+backward with `tf.losses.softmaxCrossEntropy` and
 * `tf.valueAndGrad`, on the tf backend the top-k backend runs on; uploads the scores and
 * reads the loss and gradient back, as the top-k backends' `loss()` does.
 */
async function tfjsCrossEntropy(tfBackend: string): Promise<CrossEntropyRunner> {
  const tf = (await importOptional('@tensorflow/tfjs')) as unknown as TfLike;
  return async (batch) => {
    if (tf.getBackend() !== tfBackend) await tf.setBackend(tfBackend);
    await tf.ready();
    const logits = tf.tensor2d(batch.scores32, [batch.batch, batch.n]);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), batch.n));
    const { value, grad } = tf.valueAndGrad((x) => tf.losses.softmaxCrossEntropy(labels, x, undefined, 0, tf.Reduction.SUM))(logits);
    await Promise.all([value.data(), grad.data()]);
    for (const t of [logits, labels, value, grad]) t.dispose();
  };
}

/** The gpu.js cross-entropy floor, checked once against core's on a small batch (1e-5). */
async function checkedGpujsCrossEntropy(mode: string): Promise<CrossEntropyRunner> {
  const runner = gpujsCrossEntropy(mode);
  const scores = [1, 2, 3, 0, -1, 0.5];
  const labels = Int32Array.from([0, 2]);
  const { losses, grad } = await runner({ batch: 2, n: 3, scores32: Float32Array.from(scores), scores64: Float64Array.from(scores), labels });
  const refGrad = new Float64Array(6);
  const refLosses = crossEntropyLoss(scores, 2, 3, labels, refGrad);
  for (let i = 0; i < 2; i++) {
    let worst = Math.abs(losses[i] - refLosses[i]);
    for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(grad[i][j] - refGrad[i * 3 + j]));
    if (!(worst < 1e-5)) throw new Error(`the gpu.js cross-entropy floor differs from core's by ${worst} in mode ${mode}`);
  }
  return async (batch) => {
    await runner(batch);
  };
}

/** Uses a backend's own `crossEntropy(request)` method when it has one. */
function ownCrossEntropy(backend: TopKBackend): CrossEntropyRunner | null {
  const method = (backend as unknown as { crossEntropy?: unknown }).crossEntropy;
  if (typeof method === 'function') {
    return async (batch) => {
      await (method as (r: unknown) => Promise<unknown>).call(backend, { scores: batch.scores32, shape: [batch.batch, batch.n], labels: batch.labels, grad: true });
    };
  }
  return null;
}

/** Options of {@link discoverBackends}. */
export interface DiscoverOptions {
  /** Only these names (or families, e.g. `tfjs`); all when empty. */
  readonly only: readonly string[];
  /** Called with one line per backend as it is found or skipped. */
  readonly log: (line: string) => void;
}

function wanted(name: string, only: readonly string[]): boolean {
  return only.length === 0 || only.some((entry) => entry === name || name.startsWith(`${entry}:`));
}

/** The device line a backend reports: tfjs's `tfjs.device`, gpujs's `mode`/`device`, or a `description`. */
function describe(backend: TopKBackend): string | undefined {
  const b = backend as unknown as { tfjs?: { device?: unknown }; description?: unknown; device?: unknown; info?: unknown };
  const info = b.tfjs?.device ?? b.description ?? b.device ?? b.info;
  if (info === undefined || info === null) return undefined;
  return typeof info === 'string' ? info : JSON.stringify(info);
}

/** The TF.js registry name a tfjs backend computes on (`tensorflow` for the native ones). */
function tfNameOf(backend: TopKBackend, name: string): string {
  const tfName = (backend as unknown as { tfjs?: { tfName?: unknown } }).tfjs?.tfName;
  return typeof tfName === 'string' ? tfName : TF_BACKEND_OF[name];
}

/** Creates and probes every wanted backend; returns those that run and those that do not. */
export async function discoverBackends(options: DiscoverOptions): Promise<{ found: FoundBackend[]; skipped: SkippedBackend[] }> {
  const found: FoundBackend[] = [];
  const skipped: SkippedBackend[] = [];
  const skip = (name: string, reason: string) => {
    skipped.push({ name, reason });
    options.log(`  skipped ${name}: ${reason}`);
  };

  if (wanted('core', options.only)) {
    const backend = createCoreBackend();
    found.push({ name: 'core', family: 'core', backend, crossEntropy: coreCrossEntropy, floorNote: 'core crossEntropyLoss (float64)', probeError: await probe(backend) });
    options.log('  found   core (float64 reference)');
  }

  for (const family of ['tfjs', 'gpujs'] as const) {
    const names = (family === 'tfjs' ? TFJS_NAMES : GPUJS_NAMES).filter((name) => wanted(`${family}:${name}`, options.only));
    if (names.length === 0) continue;
    let factory: Factory;
    try {
      const module = await importOptional(`@topk/${family}`);
      const exported = module[family === 'tfjs' ? 'createTfjsBackend' : 'createGpujsBackend'];
      if (typeof exported !== 'function') throw new Error(`@topk/${family} does not export ${family === 'tfjs' ? 'createTfjsBackend' : 'createGpujsBackend'}`);
      factory = exported as Factory;
    } catch (error) {
      for (const name of names) skip(`${family}:${name}`, `cannot load @topk/${family}: ${reasonOf(error)}`);
      continue;
    }
    for (const name of names) {
      const fullName = `${family}:${name}`;
      let backend: TopKBackend | undefined;
      try {
        backend = await factory(name);
        const probeError = await probe(backend);
        let crossEntropy = ownCrossEntropy(backend);
        let floorNote = crossEntropy ? `${fullName} crossEntropy()` : '';
        try {
          if (!crossEntropy && family === 'tfjs') {
            const tfName = tfNameOf(backend, name);
            crossEntropy = await tfjsCrossEntropy(tfName);
            floorNote = `tf.losses.softmaxCrossEntropy + tf.valueAndGrad on tf backend '${tfName}'`;
          }
          if (!crossEntropy && family === 'gpujs') {
            crossEntropy = await checkedGpujsCrossEntropy(name);
            floorNote = `the benchmark's own gpu.js kernels (log-sum-exp per row, softmax - one-hot) in mode '${name}'`;
          }
        } catch (error) {
          crossEntropy = null;
          floorNote = `no cross-entropy floor: ${reasonOf(error)}`;
        }
        if (!crossEntropy && !floorNote) floorNote = 'no cross-entropy on this backend';
        found.push({ name: fullName, family, backend, crossEntropy, floorNote, probeError, description: describe(backend) });
        options.log(`  found   ${fullName} (${backend.precision}${probeError > 1e-4 ? `, probe differs from core by ${probeError.toExponential(1)}` : ''})`);
      } catch (error) {
        try {
          await backend?.dispose();
        } catch {
          // the backend failed already; its dispose error adds nothing
        }
        skip(fullName, reasonOf(error));
      }
    }
  }
  return { found, skipped };
}
