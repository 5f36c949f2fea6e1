/**
 * Selecting and loading TensorFlow.js backends by the names the CLI uses: `cpu`, `wasm`,
 * `webgpu` (through the Dawn shim of @topk/webgpu-node in Node), `webgl` (browsers only),
 * `node` (@tensorflow/tfjs-node) and `node-gpu` (@tensorflow/tfjs-node-gpu, CUDA). A backend
 * package the application has imported itself (its import registers the backend with TF.js, as
 * in a web app, where a bundler cannot follow an import chosen at run time) is used as it is;
 * otherwise the package is imported when its backend is asked for, as an optional dependency
 * found at run time. Loading a backend initialises it but leaves the user's active TF.js backend
 * as it was.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from '@topk/core';

/** Backend names accepted by {@link loadTfjsBackend} (after the `tfjs:` prefix). */
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu' | 'webgl' | 'node' | 'node-gpu';

/** Every name, in the order the automatic choice tries them. */
export const TFJS_BACKEND_NAMES: readonly TfjsBackendName[] = ['node-gpu', 'node', 'webgpu', 'webgl', 'wasm', 'cpu'];

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
const PACKAGES: Record<'cpu' | 'wasm' | 'webgpu' | 'webgl' | 'node' | 'node-gpu' | 'webgpu-node', { module: string; advice: string }> = {
  cpu: { module: '@tensorflow/tfjs-backend-cpu', advice: 'install it with `npm install @tensorflow/tfjs-backend-cpu@^4.21`' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', advice: 'install it with `npm install @tensorflow/tfjs-backend-wasm@^4.21`' },
  webgpu: { module: '@tensorflow/tfjs-backend-webgpu', advice: 'install it with `npm install @tensorflow/tfjs-backend-webgpu@^4.21`' },
  webgl: { module: '@tensorflow/tfjs-backend-webgl', advice: 'install it with `npm install @tensorflow/tfjs-backend-webgl@^4.21`' },
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
    // A run-time specifier: bundlers leave it alone, so a web app never bundles a backend it does not import.
    return await import(/* @vite-ignore */ /* webpackIgnore: true */ module);
  } catch (error) {
    const inApp = hasBrowserCanvas() ? `; in a web app, import it once yourself (\`import '${module}';\`), which registers the backend` : '';
    throw new BackendUnavailableError(backend, `${module} is not installed or does not load (${(error as Error).message.split('\n')[0]}); ${advice}${inApp}`);
  }
}

/**
 * Makes sure TF.js backend `tfName` is registered: by the application's own import of its
 * package (nothing to do then), else by importing the package here.
 */
async function registerBackend(backend: string, which: 'cpu' | 'wasm' | 'webgpu' | 'webgl', tfName: string): Promise<void> {
  if (tf.findBackendFactory(tfName) === null) await importOptional(backend, which);
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

/** Renderer and adapter names of software rasterisers, where wasm is the faster choice. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software/i;

/** The platform's own WebGPU adapter (a browser's), described, or an error when it has none. */
async function nativeWebGpuAdapter(): Promise<{ software: boolean; device: string }> {
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<{ info?: Record<string, string | undefined> } | null> } } }).navigator.gpu;
  const adapter = await gpu.requestAdapter();
  if (adapter === null) throw new BackendUnavailableError('tfjs:webgpu', 'navigator.gpu.requestAdapter() returned no adapter');
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter((part) => part !== undefined && part !== '').join(' ');
  return { software: SOFTWARE_RENDERER.test(name), device: `the platform WebGPU${name === '' ? '' : `: ${name}`}` };
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
      await registerBackend(backend, 'cpu', 'cpu');
      return { name, tfName: 'cpu', device: 'JavaScript (TF.js cpu backend)', initialisedHere: await initialise('cpu', name) };
    }
    case 'wasm': {
      await registerBackend(backend, 'wasm', 'wasm');
      return { name, tfName: 'wasm', device: 'WebAssembly (XNNPACK, SIMD)', initialisedHere: await initialise('wasm', name) };
    }
    case 'webgpu': {
      const adapter = hasNativeWebGpu() ? await nativeWebGpuAdapter() : await webGpuAdapter();
      // The backend registers itself on import only if navigator.gpu exists by then.
      await registerBackend(backend, 'webgpu', 'webgpu');
      return { name, tfName: 'webgpu', device: adapter.device, initialisedHere: await initialise('webgpu', name) };
    }
    case 'webgl': {
      if (!hasBrowserCanvas()) {
        throw new BackendUnavailableError(backend, 'TF.js renders WebGL through a browser canvas (document or OffscreenCanvas), which this platform lacks; in Node use wasm, webgpu or cpu');
      }
      await registerBackend(backend, 'webgl', 'webgl');
      checkWebGlFloat32();
      return { name, tfName: 'webgl', device: webGlDevice(), initialisedHere: await initialise('webgl', name) };
    }
    case 'node':
    case 'node-gpu': {
      await importOptional(backend, name);
      return { name, tfName: 'tensorflow', device: name === 'node-gpu' ? 'libtensorflow (CUDA)' : 'libtensorflow (CPU)', initialisedHere: await initialise('tensorflow', name) };
    }
  }
}

/** Whether a WebGL context can be made here: a browser's document or a worker's OffscreenCanvas. */
function hasBrowserCanvas(): boolean {
  const scope = globalThis as { document?: { createElement?: unknown }; OffscreenCanvas?: unknown };
  return typeof scope.document?.createElement === 'function' || typeof scope.OffscreenCanvas === 'function';
}

/**
 * Throws {@link BackendUnavailableError} unless TF.js's WebGL backend computes in float32: on a
 * device that renders only 16-bit floats (WEBGL_RENDER_FLOAT32_CAPABLE false, as on some mobile
 * GPUs) TF.js falls back to half-float textures, whose 11-bit significand and 65504 range cannot
 * hold the loss to float32 accuracy; a user's WEBGL_RENDER_FLOAT32_ENABLED = false or
 * WEBGL_FORCE_F16_TEXTURES = true asks for the same.
 */
function checkWebGlFloat32(): void {
  const env = tf.env();
  if (env.getNumber('WEBGL_VERSION') === 0) throw new BackendUnavailableError('tfjs:webgl', 'this browser offers no WebGL context (WEBGL_VERSION is 0)');
  const advice = 'the top-k losses need float32; use tfjs:wasm (or tfjs:webgpu) on this device';
  if (!env.getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    throw new BackendUnavailableError('tfjs:webgl', `this device's WebGL renders only 16-bit floats (WEBGL_RENDER_FLOAT32_CAPABLE is false): ${advice}`);
  }
  if (!env.getBool('WEBGL_RENDER_FLOAT32_ENABLED') || env.getBool('WEBGL_FORCE_F16_TEXTURES')) {
    throw new BackendUnavailableError('tfjs:webgl', `TF.js is set to 16-bit float textures (WEBGL_RENDER_FLOAT32_ENABLED false or WEBGL_FORCE_F16_TEXTURES true): ${advice}`);
  }
}

/** The WebGL renderer (unmasked where the browser allows it), for benchmark output. */
function webGlDevice(): string {
  const version = tf.env().getNumber('WEBGL_VERSION');
  try {
    const canvas = (globalThis as { document?: { createElement(tag: 'canvas'): HTMLCanvasElement } }).document?.createElement('canvas');
    const gl = canvas?.getContext(version === 2 ? 'webgl2' : 'webgl') as WebGLRenderingContext | null | undefined;
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      return `WebGL ${version}: ${renderer}`;
    }
  } catch {
    // Informative only.
  }
  return `WebGL ${version}`;
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
 * adapter is a real GPU, then (in a browser) `webgl` when it renders float32 on a real GPU, then
 * `wasm` (WebGPU and WebGL on a software renderer are slower than wasm), with `cpu` as the last
 * resort.
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
    const adapter = hasNativeWebGpu() ? await nativeWebGpuAdapter() : await webGpuAdapter();
    if (!adapter.software) return await loadTfjsBackend('webgpu');
  } catch {
    // no WebGPU here
  }
  if (hasBrowserCanvas()) {
    try {
      const webgl = await loadTfjsBackend('webgl');
      if (!SOFTWARE_RENDERER.test(webgl.device)) return webgl;
    } catch {
      // no float32 WebGL here
    }
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
