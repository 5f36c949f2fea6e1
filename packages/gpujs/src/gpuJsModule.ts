/**
 * Loading gpu.js, the peer dependency every mode runs on. It is loaded by dynamic import the
 * first time a mode is probed, so that importing this package loads nothing, and then handed
 * out synchronously to the code that builds kernels.
 */
import { BackendUnavailableError } from '@topk/core';

/** The parts of gpu.js's module this package uses. */
export type GpuJsModule = typeof import('gpu.js') & {
  Input: new (value: ArrayLike<number>, size: number[]) => unknown;
  /** gpu.js's shared WebGPU device (one per process for every gpu.js instance in webgpu mode). */
  WebGPUContext?: { acquire(): Promise<{ device: { destroy(): void } }>; destroy(): Promise<void> };
};

let loaded: GpuJsModule | undefined;

/** Loads gpu.js once; throws {@link BackendUnavailableError} for `backend` when it is not installed. */
export async function loadGpuJs(backend: string): Promise<GpuJsModule> {
  if (loaded !== undefined) return loaded;
  try {
    const imported = (await import('gpu.js')) as unknown as { default?: GpuJsModule } & GpuJsModule;
    // gpu.js is CommonJS: its exports arrive as the default export.
    loaded = imported.default ?? imported;
  } catch (error) {
    throw new BackendUnavailableError(backend, `the peer dependency gpu.js did not load (${(error as Error).message}); install it: npm install gpu.js@^2.24.1`);
  }
  return loaded;
}

/** gpu.js, once {@link loadGpuJs} has loaded it (every backend is made after a probe that does). */
export function gpuJs(): GpuJsModule {
  if (loaded === undefined) throw new Error('gpu.js is not loaded yet: create backends with createGpujsBackend() (or await probeMode() first)');
  return loaded;
}
