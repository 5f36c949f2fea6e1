/// <reference types="@webgpu/types" preserve="true" />
/**
 * Installs a WebGPU `navigator.gpu` in Node from Dawn (npm `webgpu`).
 *
 * Dawn's default backend (Vulkan, core feature level) is tried first; when it yields no
 * adapter (no GPU; Dawn rejects Mesa's lavapipe), the shim falls back to OpenGL ES on
 * Mesa's llvmpipe, which only offers the `compatibility` feature level, and wraps
 * `requestAdapter` so that libraries that ask for a plain adapter (TF.js, gpu.js) get it.
 *
 * Node's own modules (`node:module`) and Dawn are imported only inside
 * {@link installNavigatorGpu}, when no `navigator.gpu` exists: a bundler that meets a package
 * referring to this one resolves nothing Node-only, and browsers keep their own WebGPU.
 */

/** Which Dawn configuration ended up serving `navigator.gpu`. */
export interface InstalledGpu {
  /** The `GPU` object now reachable as `navigator.gpu`. */
  readonly gpu: GPU;
  /** Dawn backend: 'default' (Vulkan/Metal/D3D, chosen by Dawn) or 'opengles'. */
  readonly backend: 'default' | 'opengles';
  /** Feature level that adapters are requested with. */
  readonly featureLevel: 'core' | 'compatibility';
  /** Adapter information of the adapter found while probing. */
  readonly adapterInfo: AdapterDescription;
  /** True when the adapter is a software rasteriser (llvmpipe, lavapipe, SwiftShader). */
  readonly software: boolean;
  /** False when `navigator.gpu` already existed and was left untouched. */
  readonly installedByShim: boolean;
}

/** Plain-object copy of `GPUAdapterInfo` (the native object does not print well). */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

/** Options for {@link installNavigatorGpu}. */
export interface InstallOptions {
  /**
   * 'auto' (default): Dawn's default backend if it yields an adapter, else OpenGL ES.
   * 'default' or 'opengles' force one (and fail if it yields no adapter).
   */
  readonly backend?: 'auto' | 'default' | 'opengles';
  /** Extra Dawn toggles passed to `create([...])`, e.g. 'enable-dawn-features=...'. */
  readonly dawnOptions?: readonly string[];
}

/** Thrown when no WebGPU adapter can be obtained from Dawn on this machine. */
export class WebGpuUnavailableError extends Error {
  constructor(reason: string) {
    super(`WebGPU is not available in this Node process: ${reason}`);
    this.name = 'WebGpuUnavailableError';
  }
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let installing: Promise<InstalledGpu> | undefined;

/**
 * Makes `navigator.gpu` (and the WebGPU constant globals such as `GPUBufferUsage`) available
 * in this Node process. Idempotent: later calls return the first call's result. Must run
 * before `@tensorflow/tfjs-backend-webgpu` is imported, which registers itself only when
 * `navigator.gpu` exists.
 */
export function installNavigatorGpu(options: InstallOptions = {}): Promise<InstalledGpu> {
  installing ??= install(options).catch((error: unknown) => {
    installing = undefined;
    throw error;
  });
  return installing;
}

/** The result of a completed {@link installNavigatorGpu}, or undefined if none succeeded yet. */
export function installedGpu(): InstalledGpu | undefined {
  return lastInstalled;
}

let lastInstalled: InstalledGpu | undefined;

/** One line describing the adapter, e.g. for benchmark output. */
export function describeAdapter(installed: InstalledGpu): string {
  const info = installed.adapterInfo;
  const name = [info.vendor, info.architecture, info.device].filter((s) => s !== '').join(' ') || 'unknown adapter';
  const detail = info.description !== '' ? ` (${info.description})` : '';
  const kind = installed.software ? ', software' : '';
  return `Dawn ${installed.backend}/${installed.featureLevel}: ${name}${detail}${kind}`;
}

const SOFTWARE_PATTERN = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** Reads `adapter.info` (newer than the pinned @webgpu/types, which lacks it). */
function describe(adapter: GPUAdapter): AdapterDescription {
  const info = (adapter as unknown as { info?: AdapterInfoLike }).info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
}

async function loadDawn(): Promise<DawnModule> {
  // A variable specifier: bundlers leave the import alone (it never runs where navigator.gpu exists).
  const nodeModule: string = 'node:module';
  const { createRequire } = (await import(nodeModule)) as typeof import('node:module');
  const require = createRequire(import.meta.url);
  // `webgpu` is an ES module whose native addon is a .node file; load the addon through
  // the package's own entry so that the platform-specific path logic stays theirs.
  try {
    const entry = require.resolve('webgpu');
    const addonDir = entry.replace(/index\.js$/, 'dist/');
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    return require(`${addonDir}${process.platform}-${arch}.dawn.node`) as DawnModule;
  } catch (error) {
    throw new WebGpuUnavailableError(
      `could not load Dawn, the npm package webgpu (install it with \`npm install webgpu@0.3.8\`; ` +
        `on Debian 12 later builds need a newer libstdc++): ${(error as Error).message}`,
    );
  }
}

async function install(options: InstallOptions): Promise<InstalledGpu> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) {
    const adapter = await nav.gpu.requestAdapter();
    if (adapter === null) throw new WebGpuUnavailableError('the existing navigator.gpu yields no adapter');
    const adapterInfo = describe(adapter);
    lastInstalled = {
      gpu: nav.gpu,
      backend: 'default',
      featureLevel: 'core',
      adapterInfo,
      software: SOFTWARE_PATTERN.test(Object.values(adapterInfo).join(' ')),
      installedByShim: false,
    };
    return lastInstalled;
  }

  // EGL otherwise tries X11 first and fails on headless machines.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const dawn = await loadDawn();
  const extra = [...(options.dawnOptions ?? [])];
  const choice = options.backend ?? 'auto';

  let gpu: GPU | undefined;
  let adapter: GPUAdapter | null = null;
  let backend: 'default' | 'opengles' = 'default';
  let featureLevel: 'core' | 'compatibility' = 'core';

  if (choice === 'auto' || choice === 'default') {
    const candidate = dawn.create(extra);
    adapter = await candidate.requestAdapter();
    if (adapter !== null) gpu = candidate;
  }
  if (gpu === undefined && (choice === 'auto' || choice === 'opengles')) {
    const candidate = dawn.create(['backend=opengles', ...extra]);
    adapter = await candidate.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
    if (adapter !== null) {
      gpu = withFeatureLevel(candidate, 'compatibility');
      backend = 'opengles';
      featureLevel = 'compatibility';
    }
  }
  if (gpu === undefined || adapter === null) {
    throw new WebGpuUnavailableError(
      choice === 'auto'
        ? 'Dawn found no adapter on its default backend nor on OpenGL ES (install Mesa: mesa-vulkan-drivers libvulkan1 libegl1 libgles2 libegl-mesa0)'
        : `Dawn found no adapter on backend '${choice}'`,
    );
  }

  // Constants such as GPUBufferUsage and GPUMapMode, which TF.js reads as globals.
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  }

  const adapterInfo = describe(adapter);
  lastInstalled = {
    gpu,
    backend,
    featureLevel,
    adapterInfo,
    software: SOFTWARE_PATTERN.test(Object.values(adapterInfo).join(' ')),
    installedByShim: true,
  };
  return lastInstalled;
}

/** Wraps `gpu.requestAdapter` so that every request carries the given feature level. */
function withFeatureLevel(gpu: GPU, featureLevel: 'compatibility'): GPU {
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  return new Proxy(gpu, {
    get(target, property) {
      if (property === 'requestAdapter') {
        return (opts: GPURequestAdapterOptions = {}) =>
          requestAdapter({ ...opts, featureLevel } as GPURequestAdapterOptions);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
