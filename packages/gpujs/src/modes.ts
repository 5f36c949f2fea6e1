/**
 * The gpu.js modes this backend runs in, how each is brought up (in Node or in a browser), and
 * which adapter or renderer it ended up on (so benchmarks can print what actually ran).
 */
import { BackendUnavailableError } from '@topk/core';
import { loadGpuJs } from './gpuJsModule.js';
import { assertNoDawnDevice, assertNoHeadlessGl, markDawnProbe, markHeadlessGl } from './graphicsConflicts.js';

/**
 * gpu.js modes a {@link GpujsBackend} can run in: `webgl` and `webgl2` in browsers, `headlessgl`
 * in Node; `webgpu`, `webasm` and `cpu` in both.
 */
export type GpujsMode = 'headlessgl' | 'webgl' | 'webgl2' | 'webgpu' | 'webasm' | 'cpu';

/** Every mode. */
export const GPUJS_MODES: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webgpu', 'webasm', 'cpu'];

/** The GL modes: the same GLSL kernels, with texture sides capped by the context. */
export const GL_MODES: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl'];

/** What a mode runs on. */
export interface GpujsModeInfo {
  /** The mode. */
  readonly mode: GpujsMode;
  /** One line naming the device: GL renderer, WebGPU adapter, or the CPU. */
  readonly description: string;
  /** True on software renderers (llvmpipe, lavapipe, SwiftShader) and the CPU modes. */
  readonly software: boolean;
  /** GL modes: the context's largest texture side (kernel outputs are textures); absent elsewhere. */
  readonly maxTextureSize?: number;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;
const HARDWARE = /nvidia|geforce|quadro|amd|radeon|intel|apple|mali|adreno|powervr/i;

/**
 * Imports a module that exists only in Node (a Node built-in, or an optional peer that is useless
 * in a browser) by a specifier chosen at run time, so that bundlers leave it out of web apps.
 */
function importNodeOnly(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/** Whether this is Node (not a browser or a worker). */
function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/** Whether a browser canvas (the document's, or a worker's OffscreenCanvas) can be made here. */
function hasBrowserCanvas(): boolean {
  const scope = globalThis as { document?: { createElement?: unknown }; OffscreenCanvas?: unknown };
  return typeof scope.document?.createElement === 'function' || typeof scope.OffscreenCanvas === 'function';
}

/** The CPU's model and count, informative only (Node's os module; the core count in a browser). */
async function cpuModel(): Promise<string> {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (!isNode()) return cores ? `${cores} logical cores` : 'unknown CPU';
  try {
    const os = (await importNodeOnly('node:os')) as typeof import('node:os');
    const cpus = os.cpus();
    return cpus.length > 0 ? `${cpus[0].model.trim()} x${cpus.length}` : 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

/** Renderer of a throw-away headless GL context, or the reason there is none. */
async function probeHeadlessGl(): Promise<GpujsModeInfo> {
  if (!isNode()) throw new BackendUnavailableError('gpujs:headlessgl', 'headless GL (the npm gl package) runs only in Node; in a browser use gpujs:webgl2 or gpujs:webgl');
  const { GPU } = await loadGpuJs('gpujs:headlessgl');
  let createGl: (w: number, h: number) => WebGLRenderingContext | null;
  try {
    // gl is CommonJS: its function arrives as the default export.
    const imported = (await importNodeOnly('gl')) as { default?: typeof createGl };
    createGl = imported.default ?? (imported as unknown as typeof createGl);
  } catch (error) {
    throw new BackendUnavailableError('gpujs:headlessgl', `the optional peer dependency gl did not load (${(error as Error).message}); install it: npm install gl (a native module; it may build from source: libxi-dev libglu1-mesa-dev libglew-dev pkg-config python3 make g++)`);
  }
  assertNoDawnDevice('gpujs:headlessgl');
  const gl = createGl(1, 1);
  if (gl === null) {
    throw new BackendUnavailableError('gpujs:headlessgl', 'gl() returned no context: headless GL needs an X server, run under `xvfb-run -a`');
  }
  markHeadlessGl('gpujs:headlessgl');
  // headless-gl reports itself as the renderer; the debug extension names the real one (e.g. llvmpipe).
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const version = String(gl.getParameter(gl.VERSION));
  const maxTextureSize = Number(gl.getParameter(gl.MAX_TEXTURE_SIZE));
  gl.getExtension('STACKGL_destroy_context')?.destroy();
  if (!GPU.isHeadlessGLSupported) {
    throw new BackendUnavailableError('gpujs:headlessgl', 'gpu.js reports headless GL unsupported (it needs the float-texture extensions)');
  }
  // stack-gl hides the driver behind ANGLE; under Xvfb it is Mesa's software rasteriser. Count the
  // renderer as hardware only when it names a GPU vendor.
  const hardware = !SOFTWARE.test(renderer) && HARDWARE.test(renderer);
  const x = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.DISPLAY;
  const display = x ? ` on X display ${x}` : '';
  return { mode: 'headlessgl', description: `headless GL: ${renderer} (${version})${display}${hardware ? '' : ', driver not reported (software under Xvfb)'}`, software: !hardware, maxTextureSize };
}

/** The platform's own WebGPU adapter (a browser's), described, or the reason there is none. */
async function probeNativeWebGpu(gpu: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> }): Promise<GpujsModeInfo> {
  await loadGpuJs('gpujs:webgpu');
  const adapter = await gpu.requestAdapter();
  if (adapter === null) throw new BackendUnavailableError('gpujs:webgpu', 'navigator.gpu.requestAdapter() returned no adapter');
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter((part) => part !== undefined && part !== '').join(' ') || 'unnamed adapter';
  return { mode: 'webgpu', description: `WebGPU (the browser's): ${name}`, software: SOFTWARE.test(name) || !HARDWARE.test(name) };
}

/** Installs Dawn's navigator.gpu through @topk/webgpu-node (Node) and describes its adapter. */
async function probeWebGpu(): Promise<GpujsModeInfo> {
  const native = (globalThis as { navigator?: { gpu?: Parameters<typeof probeNativeWebGpu>[0] } }).navigator?.gpu;
  if (native !== undefined && !isNode()) return probeNativeWebGpu(native);
  await loadGpuJs('gpujs:webgpu');
  assertNoHeadlessGl('gpujs:webgpu');
  let shim: typeof import('@topk/webgpu-node');
  try {
    shim = (await importNodeOnly('@topk/webgpu-node')) as typeof import('@topk/webgpu-node');
  } catch (error) {
    throw new BackendUnavailableError('gpujs:webgpu', `the optional peer dependency @topk/webgpu-node did not load (${(error as Error).message}); install it: npm install @topk/webgpu-node`);
  }
  let installed;
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === undefined) markDawnProbe();
  try {
    installed = await shim.installNavigatorGpu();
  } catch (error) {
    throw new BackendUnavailableError('gpujs:webgpu', (error as Error).message);
  }
  return { mode: 'webgpu', description: `WebGPU (Dawn): ${shim.describeAdapter(installed)}`, software: installed.software };
}

/**
 * A browser's WebGL 1 or 2 context as gpu.js's `webgl`/`webgl2` modes use it: the renderer,
 * whether gpu.js can run there (float textures), and the largest texture side.
 */
async function probeBrowserGl(mode: 'webgl' | 'webgl2'): Promise<GpujsModeInfo> {
  const backend = `gpujs:${mode}`;
  if (!hasBrowserCanvas()) {
    throw new BackendUnavailableError(backend, `gpu.js's ${mode} mode renders through a browser canvas, which this platform lacks; in Node use gpujs:headlessgl (npm gl under Xvfb), webgpu, webasm or cpu`);
  }
  const { GPU } = await loadGpuJs(backend);
  const supported = mode === 'webgl2' ? GPU.isWebGL2Supported : GPU.isWebGLSupported;
  if (!supported) throw new BackendUnavailableError(backend, `gpu.js reports ${mode === 'webgl2' ? 'WebGL 2' : 'WebGL'} unsupported in this browser (no context, or no float textures)`);
  const scope = globalThis as { document?: { createElement(tag: 'canvas'): HTMLCanvasElement }; OffscreenCanvas?: new (w: number, h: number) => OffscreenCanvas };
  const canvas = scope.document?.createElement('canvas') ?? new scope.OffscreenCanvas!(1, 1);
  const gl = canvas.getContext(mode === 'webgl2' ? 'webgl2' : 'webgl') as WebGLRenderingContext | null;
  if (gl === null) throw new BackendUnavailableError(backend, `the browser gave no ${mode} context`);
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const version = String(gl.getParameter(gl.VERSION));
  const maxTextureSize = Number(gl.getParameter(gl.MAX_TEXTURE_SIZE));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const hardware = !SOFTWARE.test(renderer) && HARDWARE.test(renderer);
  return { mode, description: `${version}: ${renderer}`, software: !hardware, maxTextureSize };
}

/** Brings a mode up (or throws {@link BackendUnavailableError}) and says what it runs on. */
export async function probeMode(mode: GpujsMode): Promise<GpujsModeInfo> {
  switch (mode) {
    case 'headlessgl':
      return await probeHeadlessGl();
    case 'webgl':
    case 'webgl2':
      return await probeBrowserGl(mode);
    case 'webgpu':
      return probeWebGpu();
    case 'webasm': {
      const { GPU } = await loadGpuJs('gpujs:webasm');
      if (!GPU.isWebAssemblySupported) throw new BackendUnavailableError('gpujs:webasm', 'WebAssembly is not supported here');
      return { mode, description: `WebAssembly (f32x4 SIMD, one thread) on ${await cpuModel()}`, software: true };
    }
    case 'cpu':
      await loadGpuJs('gpujs:cpu');
      return { mode, description: `JavaScript (gpu.js cpu mode) on ${await cpuModel()}`, software: true };
    default:
      throw new BackendUnavailableError(`gpujs:${String(mode)}`, `unknown gpu.js mode; use one of ${GPUJS_MODES.join(', ')}`);
  }
}

/**
 * The best mode available: a hardware GPU through WebGPU or GL (headless GL in Node, WebGL 2
 * then WebGL in a browser) if there is one, otherwise webasm (on a software renderer such as
 * llvmpipe or SwiftShader, webasm is the faster choice).
 */
export async function bestMode(): Promise<GpujsModeInfo> {
  const fallbacks: GpujsModeInfo[] = [];
  // WebGPU first: Dawn's EGL set-up must come before headless GL's in one process.
  const candidates = isNode() ? (['webgpu', 'headlessgl'] as const) : (['webgpu', 'webgl2', 'webgl'] as const);
  for (const mode of candidates) {
    try {
      const info = await probeMode(mode);
      if (!info.software) return info;
      fallbacks.push(info);
    } catch {
      // Not available here: try the next one.
    }
  }
  try {
    return await probeMode('webasm');
  } catch {
    return fallbacks[0] ?? probeMode('cpu');
  }
}
