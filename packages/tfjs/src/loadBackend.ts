/**
 * Selecting and loading TensorFlow.js backends by the names the CLI uses: `cpu`, `wasm`,
 * `webgpu` (through the Dawn shim of @topk/webgpu-node in Node), `node` (@tensorflow/tfjs-node)
 * and `node-gpu` (@tensorflow/tfjs-node-gpu, CUDA). Every backend package is an optional peer
 * dependency, imported only when asked for. Loading a backend initialises it but leaves the
 * user's active TF.js backend as it was.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from '@topk/core';

/** Backend names accepted by {@link loadTfjsBackend} (after the `tfjs:` prefix). */
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu' | 'node' | 'node-gpu';

/** Every name, in the order the automatic choice tries them. */
export const TFJS_BACKEND_NAMES: readonly TfjsBackendName[] = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'];

/** A loaded backend: our name, TF.js's registry name, and a line describing the device. */
export interface LoadedTfjsBackend {
  readonly name: TfjsBackendName;
  /** The name TF.js registers it under (`tensorflow` for both native packages). */
  readonly tfName: string;
  /** Human-readable device description, e.g. the WebGPU adapter. */
  readonly device: string;
  /**
   * True when this package initialised the TF.js backend itself (it was not initialised
   * before): then disposing the last `TfjsBackend` on it may release it (see `releaseTfjsBackend`).
   */
  readonly initialisedHere: boolean;
}

const loaded = new Map<TfjsBackendName, Promise<LoadedTfjsBackend>>();

/** The optional packages: module name and what the error message tells the user to install. */
const PACKAGES: Record<'cpu' | 'wasm' | 'webgpu' | 'node' | 'node-gpu' | 'webgpu-node', { module: string; advice: string }> = {
  cpu: { module: '@tensorflow/tfjs-backend-cpu', advice: 'install it with `npm install @tensorflow/tfjs-backend-cpu@^4.21`' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', advice: 'install it with `npm install @tensorflow/tfjs-backend-wasm@^4.21`' },
  webgpu: { module: '@tensorflow/tfjs-backend-webgpu', advice: 'install it with `npm install @tensorflow/tfjs-backend-webgpu@^4.21`' },
  'webgpu-node': {
    module: '@topk/webgpu-node',
    advice: 'WebGPU in Node needs Dawn: install it with `npm install @topk/webgpu-node webgpu@0.3.8` (see docs/webgpu-node.md)',
  },
  node: {
    module: '@tensorflow/tfjs-node',
    advice: 'install it with `npm install @tensorflow/tfjs-node@^4.21`, the version of your @tensorflow/tfjs-core (it downloads libtensorflow at install time)',
  },
  'node-gpu': {
    module: '@tensorflow/tfjs-node-gpu',
    advice:
      'install it with `npm install @tensorflow/tfjs-node-gpu@^4.21`, the version of your @tensorflow/tfjs-core, on Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1 (it downloads libtensorflow with GPU support at install time)',
  },
};

/**
 * Loads (once) and returns one TF.js backend. Throws {@link BackendUnavailableError} when it
 * cannot run here, with what to install.
 */
export function loadTfjsBackend(name: TfjsBackendName): Promise<LoadedTfjsBackend> {
  if (!TFJS_BACKEND_NAMES.includes(name)) {
    return Promise.reject(new BackendUnavailableError(`tfjs:${String(name)}`, `unknown TF.js backend; choose one of ${TFJS_BACKEND_NAMES.join(', ')}`));
  }
  let promise = loaded.get(name);
  if (promise === undefined) {
    promise = load(name);
    loaded.set(name, promise);
    promise.catch(() => loaded.delete(name));
  }
  return promise;
}

/** Imports an optional peer dependency, or throws {@link BackendUnavailableError} naming it. */
async function importOptional(backend: string, which: keyof typeof PACKAGES): Promise<unknown> {
  const { module, advice } = PACKAGES[which];
  try {
    return await import(/* optional peer dependency */ module);
  } catch (error) {
    throw new BackendUnavailableError(backend, `${module} is not installed or does not load (${(error as Error).message.split('\n')[0]}); ${advice}`);
  }
}

/** The part of @topk/webgpu-node used here (imported only when WebGPU in Node is asked for). */
interface WebGpuNode {
  installNavigatorGpu(): Promise<{ software: boolean }>;
  describeAdapter(installed: { software: boolean }): string;
}

/** Whether this process has a WebGPU `navigator.gpu` of its own (a browser, Deno). */
function hasNativeWebGpu(): boolean {
  return (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== undefined;
}

/** Makes `navigator.gpu` available: the platform's own, or Dawn's through @topk/webgpu-node. */
async function webGpuAdapter(): Promise<{ software: boolean; device: string }> {
  const shim = (await importOptional('tfjs:webgpu', 'webgpu-node')) as WebGpuNode;
  try {
    const installed = await shim.installNavigatorGpu();
    return { software: installed.software, device: shim.describeAdapter(installed) };
  } catch (error) {
    throw new BackendUnavailableError('tfjs:webgpu', `no WebGPU adapter (${(error as Error).message}); see docs/webgpu-node.md`);
  }
}

async function load(name: TfjsBackendName): Promise<LoadedTfjsBackend> {
  const backend = `tfjs:${name}`;
  switch (name) {
    case 'cpu': {
      await importOptional(backend, 'cpu');
      return { name, tfName: 'cpu', device: 'JavaScript (TF.js cpu backend)', initialisedHere: await initialise('cpu', name) };
    }
    case 'wasm': {
      await importOptional(backend, 'wasm');
      return { name, tfName: 'wasm', device: 'WebAssembly (XNNPACK, SIMD)', initialisedHere: await initialise('wasm', name) };
    }
    case 'webgpu': {
      const adapter = hasNativeWebGpu() ? { software: false, device: 'the platform WebGPU' } : await webGpuAdapter();
      // The backend registers itself on import only if navigator.gpu exists by then.
      await importOptional(backend, 'webgpu');
      return { name, tfName: 'webgpu', device: adapter.device, initialisedHere: await initialise('webgpu', name) };
    }
    case 'node':
    case 'node-gpu': {
      await importOptional(backend, name);
      return { name, tfName: 'tensorflow', device: name === 'node-gpu' ? 'libtensorflow (CUDA)' : 'libtensorflow (CPU)', initialisedHere: await initialise('tensorflow', name) };
    }
  }
}

/**
 * Initialises TF.js backend `tfName` without changing the active one (TF.js initialises a
 * backend when it is first made active, so it is made active and the previous one restored).
 * Returns whether it was initialised here.
 */
async function initialise(tfName: string, name: TfjsBackendName): Promise<boolean> {
  if (tf.findBackend(tfName) !== null) return false;
  const previous = activeBackendName();
  try {
    const ok = await tf.setBackend(tfName);
    await tf.ready();
    if (!ok || tf.getBackend() !== tfName) throw new Error('setBackend returned false');
  } catch (error) {
    throw new BackendUnavailableError(`tfjs:${name}`, `TF.js could not initialise backend '${tfName}': ${(error as Error).message}`);
  } finally {
    if (previous === undefined) unsetActiveBackend();
    else if (previous !== tfName) await tf.setBackend(previous);
  }
  return true;
}

/** The active TF.js backend's name, without initialising one when none is active yet. */
function activeBackendName(): string | undefined {
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? undefined;
}

/**
 * Runs `compute` synchronously with `tfName` as TF.js's active backend, then makes the
 * previous backend active again before returning. The backend must be initialised (every
 * loaded backend is), so switching is synchronous and nothing else can run in between: the
 * user's active backend is the same after the call as before it.
 */
export function onTfBackend<T>(tfName: string, compute: () => T): T {
  const previous = activeBackendName();
  if (previous !== tfName) switchTo(tfName);
  try {
    return compute();
  } finally {
    if (previous === undefined) unsetActiveBackend();
    else if (previous !== tfName) switchTo(previous);
  }
}

/** Leaves TF.js with no active backend, as before its first use. */
function unsetActiveBackend(): void {
  const engine = tf.engine() as unknown as { backendName: string | null; backendInstance: unknown };
  engine.backendName = null;
  engine.backendInstance = null;
}

/** Switches to an initialised backend (TF.js's setBackend completes synchronously then). */
function switchTo(tfName: string): void {
  if (tf.findBackend(tfName) === null) throw new BackendUnavailableError(`tfjs:${tfName}`, 'the TF.js backend is not initialised (it was removed)');
  void tf.setBackend(tfName);
  if (activeBackendName() !== tfName || tf.engine().backend !== tf.findBackend(tfName)) {
    throw new BackendUnavailableError(`tfjs:${tfName}`, 'TF.js could not switch to it synchronously');
  }
}

/**
 * Disposes the TF.js backend `tfName` and releases its device (a WebGPU device keeps Node's
 * event loop alive while it exists), then registers its factory again so that a later
 * `loadTfjsBackend` initialises a fresh one. Used when the last `TfjsBackend` on a backend that
 * this package initialised is disposed.
 */
export function releaseTfjsBackend(loadedBackend: LoadedTfjsBackend): void {
  const { tfName, name } = loadedBackend;
  const instance = tf.findBackend(tfName) as { device?: { destroy?: () => void } } | null;
  const factory = tf.findBackendFactory(tfName);
  if (instance === null || factory === null) return;
  const priority = (tf.engine() as unknown as { registryFactory: Record<string, { priority: number }> }).registryFactory[tfName]?.priority ?? 1;
  // Also unsets it if it is the active one: TF.js then picks the best registered one when next needed.
  tf.removeBackend(tfName);
  instance.device?.destroy?.();
  tf.registerBackend(tfName, factory, priority);
  loaded.delete(name);
}

/**
 * Loads the best backend that runs here: `node-gpu`, then `node`, then `webgpu` when its
 * adapter is a real GPU, then `wasm` (WebGPU on a software renderer is slower than wasm),
 * with `cpu` as the last resort.
 */
export async function loadBestTfjsBackend(): Promise<LoadedTfjsBackend> {
  for (const name of ['node-gpu', 'node'] as const) {
    try {
      return await loadTfjsBackend(name);
    } catch {
      // optional, try the next
    }
  }
  try {
    const adapter = hasNativeWebGpu() ? { software: false } : await webGpuAdapter();
    if (!adapter.software) return await loadTfjsBackend('webgpu');
  } catch {
    // no WebGPU here
  }
  try {
    return await loadTfjsBackend('wasm');
  } catch {
    return loadTfjsBackend('cpu');
  }
}

/** Makes `tfName` the active TF.js backend, for scripts and tests that call the tensor ops directly. */
export async function useTfBackend(tfName: string): Promise<void> {
  if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
}
