/**
 * Finds the backends that can run on this machine. The names and the backends come from the
 * registry of @topk/cli (`BACKEND_NAMES`, `createBackend`), which loads the optional tfjs and
 * gpujs packages only when asked, so that a missing package, a missing native library or a
 * missing adapter turns into a "skipped: <reason>" line instead of a crash. This module adds
 * what only the benchmark needs: a probe against core, the cross-entropy floor of each backend
 * and its device description.
 */
import { BACKEND_NAMES, BEST_AVAILABLE_NAMES, createBackend, familyOf, type BackendFamily } from '@topk/cli';
import { CoreBackend, createCoreBackend, type TopKBackend } from '@topk/core';
import type { TfjsBackend } from '@topk/tfjs';
import { checkGpujsCrossEntropy, coreCrossEntropy, tfjsCrossEntropyOf, type CrossEntropyRunner } from './crossEntropyFloors.js';
import { gpujsCrossEntropy } from './gpujsCrossEntropy.js';

export { coreCrossEntropy, type CrossEntropyRunner } from './crossEntropyFloors.js';

export type { BackendFamily } from '@topk/cli';

/** A backend that passed its probe. */
export interface FoundBackend {
  readonly name: string;
  readonly family: BackendFamily;
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

/**
 * Every backend name the benchmark looks for, in the order it reports them: the registry's
 * names less the bare family names `tfjs` and `gpujs` (each family's best available, which
 * would time one of the listed variants a second time).
 */
export const ALL_BACKEND_NAMES: readonly string[] = BACKEND_NAMES.filter((name) => !BEST_AVAILABLE_NAMES.includes(name));

/** The variant of a registry name: the part after the colon. */
function variantOf(name: string): string {
  return name.split(':')[1] ?? '';
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}

/** One-threaded core, the reference the probes compare with. */
const reference = createCoreBackend({ threads: 1 });

/** Does a backend give the same loss as core on a tiny batch? Returns the max abs difference. */
async function probe(backend: TopKBackend): Promise<number> {
  const scores = Float32Array.from([0.5, -1, 2, 0.25, 1.5, 0, -0.5, 3]);
  const request = { scores, shape: [2, 4] as const, labels: [1, 2], k: 2, grad: true };
  const [result, expected] = await Promise.all([backend.loss(request), reference.loss(request)]);
  let worst = 0;
  for (let i = 0; i < 2; i++) worst = Math.max(worst, Math.abs(result.losses[i] - expected.losses[i]));
  if (!Number.isFinite(worst)) throw new Error(`probe returned non-finite losses ${Array.from(result.losses).join(', ')}`);
  return worst;
}

/** TF.js's own cross-entropy on the TF.js backend of `backend`, from @topk/tfjs (loaded with the backend). */
async function tfjsCrossEntropy(backend: TfjsBackend): Promise<CrossEntropyRunner> {
  // tf.valueAndGrad needs TF.js's gradients, which @tensorflow/tfjs registers and tfjs-core alone does not.
  await import('@tensorflow/tfjs');
  const { crossEntropyOnBackend } = await import('@topk/tfjs');
  return tfjsCrossEntropyOf(crossEntropyOnBackend, backend);
}

/** The gpu.js floor in `mode`, checked against core's. */
async function checkedGpujsCrossEntropy(mode: string): Promise<CrossEntropyRunner> {
  return checkGpujsCrossEntropy(gpujsCrossEntropy(mode), mode);
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

/** Creates and probes every wanted backend; returns those that run and those that do not. */
export async function discoverBackends(options: DiscoverOptions): Promise<{ found: FoundBackend[]; skipped: SkippedBackend[] }> {
  const found: FoundBackend[] = [];
  const skipped: SkippedBackend[] = [];
  const skip = (name: string, reason: string) => {
    skipped.push({ name, reason });
    options.log(`  skipped ${name}: ${reason}`);
  };

  for (const name of ALL_BACKEND_NAMES.filter((entry) => wanted(entry, options.only))) {
    const family = familyOf(name);
    let backend: TopKBackend | undefined;
    try {
      backend = await createBackend(name);
      const probeError = await probe(backend);
      if (backend instanceof CoreBackend) {
        // `core` is one-threaded: the yardstick every ratio uses. `core:threads` splits rows over worker threads.
        const threads = backend.threads;
        const floorNote = name === 'core' ? 'core crossEntropyLoss (float64)' : 'core crossEntropyLoss (float64, 1 thread)';
        found.push({ name, family, backend, crossEntropy: coreCrossEntropy, floorNote, probeError, description: name === 'core' ? '1 thread' : `${threads} threads` });
        options.log(name === 'core' ? '  found   core (float64 reference, 1 thread)' : `  found   ${name} (float64, ${threads} threads)`);
        continue;
      }
      const variant = variantOf(name);
      let crossEntropy: CrossEntropyRunner | null = null;
      let floorNote = '';
      try {
        if (family === 'tfjs') {
          const tfjsBackend = backend as TfjsBackend;
          crossEntropy = await tfjsCrossEntropy(tfjsBackend);
          floorNote = `tf.losses.softmaxCrossEntropy + tf.valueAndGrad on tf backend '${tfjsBackend.tfjs.tfName}'`;
        }
        if (family === 'gpujs') {
          crossEntropy = await checkedGpujsCrossEntropy(variant);
          floorNote = `the benchmark's own gpu.js kernels (log-sum-exp per row, softmax - one-hot) in mode '${variant}'`;
        }
      } catch (error) {
        crossEntropy = null;
        floorNote = `no cross-entropy floor: ${reasonOf(error)}`;
      }
      if (!crossEntropy && !floorNote) floorNote = 'no cross-entropy on this backend';
      found.push({ name, family, backend, crossEntropy, floorNote, probeError, description: describe(backend) });
      options.log(`  found   ${name} (${backend.precision}${probeError > 1e-4 ? `, probe differs from core by ${probeError.toExponential(1)}` : ''})`);
    } catch (error) {
      try {
        await backend?.dispose();
      } catch {
        // the backend failed already; its dispose error adds nothing
      }
      skip(name, reasonOf(error));
    }
  }
  return { found, skipped };
}
