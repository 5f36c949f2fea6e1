/**
 * The gpu.js modes this backend runs in, how each is brought up in Node, and which adapter or
 * renderer it ended up on (so benchmarks can print what actually ran).
 */
import { BackendUnavailableError } from '@topk/core';
import { loadGpuJs } from './gpuJsModule.js';
import { assertNoDawnDevice, assertNoHeadlessGl, markDawnProbe, markHeadlessGl } from './graphicsConflicts.js';

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
  /** headlessgl: the context's largest texture side (kernel outputs are textures); absent elsewhere. */
  readonly maxTextureSize?: number;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;
const HARDWARE = /nvidia|geforce|quadro|amd|radeon|intel|apple|mali|adreno|powervr/i;

/** The CPU's model and count, informative only (Node's os module, loaded when asked for). */
async function cpuModel(): Promise<string> {
  try {
    const os = await import('node:os');
    const cpus = os.cpus();
    return cpus.length > 0 ? `${cpus[0].model.trim()} x${cpus.length}` : 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

/** Renderer of a throw-away headless GL context, or the reason there is none. */
async function probeHeadlessGl(): Promise<GpujsModeInfo> {
  const { GPU } = await loadGpuJs('gpujs:headlessgl');
  let createGl: (w: number, h: number) => WebGLRenderingContext | null;
  try {
    // gl is CommonJS: its function arrives as the default export.
    const imported = (await import('gl' as string)) as { default?: typeof createGl };
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

/** Installs Dawn's navigator.gpu through @topk/webgpu-node and describes its adapter. */
async function probeWebGpu(): Promise<GpujsModeInfo> {
  await loadGpuJs('gpujs:webgpu');
  assertNoHeadlessGl('gpujs:webgpu');
  let shim: typeof import('@topk/webgpu-node');
  try {
    shim = await import('@topk/webgpu-node');
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

/** Brings a mode up (or throws {@link BackendUnavailableError}) and says what it runs on. */
export async function probeMode(mode: GpujsMode): Promise<GpujsModeInfo> {
  switch (mode) {
    case 'headlessgl':
      return await probeHeadlessGl();
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
