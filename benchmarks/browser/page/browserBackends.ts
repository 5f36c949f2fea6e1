/**
 * Starting each backend the page measures. Every backend is loaded by dynamic import, so a
 * package, a device or a browser feature that is missing becomes a stated reason rather than a
 * broken page.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradients; the cross-entropy floor takes one (as `@tensorflow/tfjs` registers them).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { createCoreBackend, type TopKBackend } from '@topk/core';
import type { FoundBackend } from '../../src/backends.js';
import { checkGpujsCrossEntropy, coreCrossEntropy, tfjsCrossEntropyOf, type CrossEntropyRunner } from '../../src/crossEntropyFloors.js';
import { createGpujsCrossEntropy, type GpuJsModule } from '../../src/gpujsCrossEntropyKernels.js';

/** Every backend the page looks for, in the order it measures them (core first: it is the reference). */
export const PAGE_BACKEND_NAMES: readonly string[] = [
  'core',
  'core:threads',
  'tfjs:cpu',
  'tfjs:wasm',
  'tfjs:webgl',
  'tfjs:webgpu',
  'gpujs:webgl2',
  'gpujs:webgl',
  'gpujs:webgpu',
  'gpujs:webasm',
  'gpujs:cpu',
];

/** The page does not probe on a tiny batch: it checks every timed batch against core instead (lossCheck.ts). */
const NOT_PROBED = Number.NaN;

/** Where the page serves tfjs-backend-wasm's .wasm files (a folder URL ending in `/`). */
export interface StartOptions {
  readonly wasmPath: string;
}

/** The message of an error, first line only, for the page's "skipped" list. */
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 400);
}

/** The device line a backend reports: tfjs's `tfjs.device`, gpujs's `description`. */
function describe(backend: TopKBackend): string | undefined {
  const b = backend as unknown as { tfjs?: { device?: unknown }; description?: unknown };
  const info = b.tfjs?.device ?? b.description;
  if (info === undefined || info === null) return undefined;
  return typeof info === 'string' ? info : JSON.stringify(info);
}

/**
 * The TF.js backend packages, imported here as a web app imports them (importing one registers
 * its backend with TF.js); each is a chunk of its own, fetched when its backend starts.
 */
const TF_BACKEND_PACKAGES: Record<string, () => Promise<unknown>> = {
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
};

function hasWebGpu(): boolean {
  return (navigator as Navigator & { gpu?: unknown }).gpu !== undefined;
}

async function startTfjs(name: string, options: StartOptions): Promise<FoundBackend> {
  const short = name.slice('tfjs:'.length);
  if (short === 'webgpu' && !hasWebGpu()) throw new Error('this browser offers no WebGPU (navigator.gpu is undefined)');
  const load = TF_BACKEND_PACKAGES[short];
  if (load === undefined) throw new Error(`unknown TF.js backend ${short}`);
  const backendPackage = await load();
  // The .wasm files are served beside the page, not fetched from a CDN.
  if (short === 'wasm') (backendPackage as typeof import('@tensorflow/tfjs-backend-wasm')).setWasmPaths(options.wasmPath);
  const { createTfjsBackend, crossEntropyOnBackend } = await import('@topk/tfjs');
  const backend = await createTfjsBackend(short);
  const crossEntropy = tfjsCrossEntropyOf(crossEntropyOnBackend, backend);
  const floorNote = `tf.losses.softmaxCrossEntropy + tf.valueAndGrad on tf backend '${backend.tfjs.tfName}'`;
  let description = describe(backend);
  if (short === 'wasm') {
    // Threaded WebAssembly needs cross-origin isolation (SharedArrayBuffer): say whether it is on.
    const wasm = backendPackage as typeof import('@tensorflow/tfjs-backend-wasm');
    const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
    description = `${description ?? 'WebAssembly'}; ${threads ? `${wasm.getThreadsCount()} threads` : 'one thread (no SharedArrayBuffer)'}`;
  }
  return { name, family: 'tfjs', backend, crossEntropy, floorNote, probeError: NOT_PROBED, description };
}

async function startGpujs(name: string): Promise<FoundBackend> {
  const mode = name.slice('gpujs:'.length);
  if (mode === 'webgpu' && !hasWebGpu()) throw new Error('this browser offers no WebGPU (navigator.gpu is undefined)');
  const { createGpujsBackend } = await import('@topk/gpujs');
  const backend = await createGpujsBackend(mode);
  let crossEntropy: CrossEntropyRunner | null;
  let floorNote: string;
  try {
    const imported = (await import('gpu.js')) as unknown as { default?: GpuJsModule } & GpuJsModule;
    crossEntropy = await checkGpujsCrossEntropy(createGpujsCrossEntropy(imported.default ?? imported, mode), mode);
    floorNote = `the benchmark's own gpu.js kernels (log-sum-exp per row, softmax - one-hot) in mode '${mode}'`;
  } catch (error) {
    crossEntropy = null;
    floorNote = `no cross-entropy floor: ${reasonOf(error)}`;
  }
  return { name, family: 'gpujs', backend, crossEntropy, floorNote, probeError: NOT_PROBED, description: describe(backend) };
}

/**
 * Creates one backend by name, with its cross-entropy floor. Throws, with the reason in the
 * message, when it cannot run in this browser.
 */
export async function startBackend(name: string, options: StartOptions): Promise<FoundBackend> {
  if (name === 'core') {
    return { name, family: 'core', backend: createCoreBackend({ threads: 1 }), crossEntropy: coreCrossEntropy, floorNote: 'core crossEntropyLoss (float64)', probeError: NOT_PROBED, description: 'JavaScript, float64, 1 thread (the reference)' };
  }
  if (name === 'core:threads') {
    // Web Workers only where the page is cross-origin isolated (SharedArrayBuffer); else one thread.
    const backend = createCoreBackend();
    return { name, family: 'core', backend, crossEntropy: coreCrossEntropy, floorNote: 'core crossEntropyLoss (float64, 1 thread)', probeError: NOT_PROBED, description: `JavaScript, float64, ${backend.threads} thread(s)` };
  }
  if (name.startsWith('tfjs:')) return startTfjs(name, options);
  if (name.startsWith('gpujs:')) return startGpujs(name);
  throw new Error(`unknown backend ${name}; the page knows ${PAGE_BACKEND_NAMES.join(', ')}`);
}
