/**
 * Selecting and loading TensorFlow.js backends by the names the CLI uses: `cpu`, `wasm`,
 * `webgpu` (through the Dawn shim of @topk/webgpu-node), `node` (@tensorflow/tfjs-node) and
 * `node-gpu` (@tensorflow/tfjs-node-gpu, CUDA). The native packages are optional peer
 * dependencies, imported only when asked for.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '@topk/core';
import { describeAdapter, installNavigatorGpu, type InstalledGpu } from '@topk/webgpu-node';

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
}

const loaded = new Map<TfjsBackendName, Promise<LoadedTfjsBackend>>();

/** The native packages, and what the error message tells the user to install. */
const NATIVE: Record<'node' | 'node-gpu', { module: string; advice: string }> = {
  node: {
    module: '@tensorflow/tfjs-node',
    advice: 'install it with `npm install @tensorflow/tfjs-node@4.22.0` (it downloads libtensorflow at install time)',
  },
  'node-gpu': {
    module: '@tensorflow/tfjs-node-gpu',
    advice:
      'install it with `npm install @tensorflow/tfjs-node-gpu@4.22.0` on Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1 (it downloads libtensorflow with GPU support at install time)',
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

/** The WebGPU adapter in use, once the webgpu backend has been loaded. */
let webgpuDevice: InstalledGpu | undefined;

async function load(name: TfjsBackendName): Promise<LoadedTfjsBackend> {
  switch (name) {
    case 'cpu':
      await activate('cpu', name);
      return { name, tfName: 'cpu', device: 'JavaScript (TF.js cpu backend)' };
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      await activate('wasm', name);
      return { name, tfName: 'wasm', device: 'WebAssembly (XNNPACK, SIMD)' };
    case 'webgpu': {
      try {
        webgpuDevice = await installNavigatorGpu();
      } catch (error) {
        throw new BackendUnavailableError('tfjs:webgpu', `no WebGPU adapter (${(error as Error).message}); see docs/webgpu-node.md`);
      }
      // The backend registers itself on import only if navigator.gpu exists by then.
      await import('@tensorflow/tfjs-backend-webgpu');
      await activate('webgpu', name);
      return { name, tfName: 'webgpu', device: describeAdapter(webgpuDevice) };
    }
    case 'node':
    case 'node-gpu': {
      const { module, advice } = NATIVE[name];
      try {
        await import(/* optional peer dependency */ module);
      } catch (error) {
        throw new BackendUnavailableError(`tfjs:${name}`, `${module} is not installed or does not load (${(error as Error).message.split('\n')[0]}); ${advice}`);
      }
      await activate('tensorflow', name);
      return { name, tfName: 'tensorflow', device: name === 'node-gpu' ? 'libtensorflow (CUDA)' : 'libtensorflow (CPU)' };
    }
  }
}

async function activate(tfName: string, name: TfjsBackendName): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(tfName);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailableError(`tfjs:${name}`, `TF.js could not initialise backend '${tfName}': ${(error as Error).message}`);
  }
  if (!ok || tf.getBackend() !== tfName) {
    throw new BackendUnavailableError(`tfjs:${name}`, `TF.js could not initialise backend '${tfName}'`);
  }
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
    const gpu = await installNavigatorGpu();
    if (!gpu.software) return await loadTfjsBackend('webgpu');
  } catch {
    // no WebGPU here
  }
  try {
    return await loadTfjsBackend('wasm');
  } catch {
    return loadTfjsBackend('cpu');
  }
}

/** Makes `tfName` the active TF.js backend (TF.js computes on one backend at a time). */
export async function useTfBackend(tfName: string): Promise<void> {
  if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
}
