/**
 * The gpu.js modes this backend runs in, how each is brought up in Node, and which adapter or
 * renderer it ended up on (so benchmarks can print what actually ran).
 */
import { createRequire } from 'node:module';
import { BackendUnavailableError } from '@topk/core';

/** gpu.js modes a {@link GpujsBackend} can run in. */
export type GpujsMode = 'headlessgl' | 'webgpu' | 'webasm' | 'cpu';

/** Every mode, in the order `''` (best available) tries them on a machine with a hardware GPU. */
export const GPUJS_MODES: readonly GpujsMode[] = ['headlessgl', 'webgpu', 'webasm', 'cpu'];

/** What a mode runs on. */
export interface GpujsModeInfo {
  /** The mode. */
  readonly mode: GpujsMode;
  /** One line naming the device: GL renderer, WebGPU adapter, or the CPU. */
  readonly description: string;
  /** True on software renderers (llvmpipe, lavapipe, SwiftShader) and the CPU modes. */
  readonly software: boolean;
}

const require = createRequire(import.meta.url);
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;
const HARDWARE = /nvidia|geforce|quadro|amd|radeon|intel|apple|mali|adreno|powervr/i;

/** Loads gpu.js (CommonJS) once. */
export function loadGpuJs(): typeof import('gpu.js') & { input(value: ArrayLike<number>, size: number[]): unknown } {
  return require('gpu.js') as ReturnType<typeof loadGpuJs>;
}

function cpuModel(): string {
  // node:os is always there; the model string is informative only.
  const os = require('node:os') as typeof import('node:os');
  const cpus = os.cpus();
  return cpus.length > 0 ? `${cpus[0].model.trim()} x${cpus.length}` : 'unknown CPU';
}

/** Renderer of a throw-away headless GL context, or the reason there is none. */
function probeHeadlessGl(): GpujsModeInfo {
  let createGl: (w: number, h: number) => WebGLRenderingContext | null;
  try {
    createGl = require('gl') as typeof createGl;
  } catch (error) {
    throw new BackendUnavailableError('gpujs:headlessgl', `the npm package gl did not load (${(error as Error).message}); install gl 8.1.6 (it builds from source: libxi-dev libglu1-mesa-dev libglew-dev pkg-config python3 make g++)`);
  }
  const gl = createGl(1, 1);
  if (gl === null) {
    throw new BackendUnavailableError('gpujs:headlessgl', 'gl() returned no context: headless GL needs an X server, run under `xvfb-run -a`');
  }
  // headless-gl reports itself as the renderer; the debug extension names the real one (e.g. llvmpipe).
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const version = String(gl.getParameter(gl.VERSION));
  gl.getExtension('STACKGL_destroy_context')?.destroy();
  const { GPU } = loadGpuJs();
  if (!GPU.isHeadlessGLSupported) {
    throw new BackendUnavailableError('gpujs:headlessgl', 'gpu.js reports headless GL unsupported (it needs the float-texture extensions)');
  }
  // stack-gl hides the driver behind ANGLE; under Xvfb it is Mesa's software rasteriser. Count the
  // renderer as hardware only when it names a GPU vendor.
  const hardware = !SOFTWARE.test(renderer) && HARDWARE.test(renderer);
  const display = process.env.DISPLAY ? ` on X display ${process.env.DISPLAY}` : '';
  return { mode: 'headlessgl', description: `headless GL: ${renderer} (${version})${display}${hardware ? '' : ', driver not reported (software under Xvfb)'}`, software: !hardware };
}

/** Installs Dawn's navigator.gpu through @topk/webgpu-node and describes its adapter. */
async function probeWebGpu(): Promise<GpujsModeInfo> {
  let shim: typeof import('@topk/webgpu-node');
  try {
    shim = await import('@topk/webgpu-node');
  } catch (error) {
    throw new BackendUnavailableError('gpujs:webgpu', `@topk/webgpu-node did not load: ${(error as Error).message}`);
  }
  let installed;
  try {
    installed = await shim.installNavigatorGpu();
  } catch (error) {
    throw new BackendUnavailableError('gpujs:webgpu', (error as Error).message);
  }
  return { mode: 'webgpu', description: `WebGPU (Dawn): ${shim.describeAdapter(installed)}`, software: installed.software };
}

/** Brings a mode up (or throws {@link BackendUnavailableError}) and says what it runs on. */
export async function probeMode(mode: GpujsMode): Promise<GpujsModeInfo> {
  switch (mode) {
    case 'headlessgl':
      return probeHeadlessGl();
    case 'webgpu':
      return probeWebGpu();
    case 'webasm': {
      const { GPU } = loadGpuJs();
      if (!GPU.isWebAssemblySupported) throw new BackendUnavailableError('gpujs:webasm', 'WebAssembly is not supported here');
      return { mode, description: `WebAssembly (f32x4 SIMD, one thread) on ${cpuModel()}`, software: true };
    }
    case 'cpu':
      return { mode, description: `JavaScript (gpu.js cpu mode) on ${cpuModel()}`, software: true };
    default:
      throw new BackendUnavailableError(`gpujs:${String(mode)}`, `unknown gpu.js mode; use one of ${GPUJS_MODES.join(', ')}`);
  }
}

/**
 * The best mode available: a hardware GPU through headless GL or WebGPU if there is one,
 * otherwise webasm (on a software renderer such as llvmpipe, webasm is the faster choice).
 */
export async function bestMode(): Promise<GpujsModeInfo> {
  const fallbacks: GpujsModeInfo[] = [];
  // WebGPU first: Dawn's EGL set-up must come before headless GL's in one process.
  for (const mode of ['webgpu', 'headlessgl'] as const) {
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
