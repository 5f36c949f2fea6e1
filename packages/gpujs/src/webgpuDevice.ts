/**
 * The Dawn device of the webgpu mode. gpu.js keeps one GPUDevice per process for every gpu.js
 * instance in webgpu mode (its `WebGPUContext`), made when the first kernel is built, and does
 * not release it when a `GPU` instance is destroyed. A live Dawn device keeps Node's event loop
 * alive (and polls), so the backends count who uses it: the first kernel call of a backend
 * acquires it, and disposing of the last backend that acquired it destroys it, after which the
 * process can exit. A later backend acquires a fresh one.
 */
import { BackendUnavailableError } from '@topk/core';
import { gpuJs } from './gpuJsModule.js';
import { assertNoHeadlessGl, markDawnDevice } from './graphicsConflicts.js';

let users = 0;

/**
 * Acquires gpu.js's shared device for one more user, or throws {@link BackendUnavailableError}
 * (headless GL already set up in this process, no adapter, device request refused).
 */
export async function acquireWebGpuDevice(backend: string): Promise<void> {
  assertNoHeadlessGl(backend);
  const context = gpuJs().WebGPUContext;
  if (context === undefined) throw new BackendUnavailableError(backend, 'this gpu.js has no WebGPUContext; install gpu.js@^2.24.1');
  markDawnDevice(backend);
  // Counted before the wait, so that a release meanwhile does not destroy the device being handed out.
  users++;
  try {
    await context.acquire();
  } catch (error) {
    users--;
    throw new BackendUnavailableError(backend, `gpu.js could not get a WebGPU device: ${(error as Error).message}`);
  }
}

/** Releases one user's hold; the last one destroys the device. */
export async function releaseWebGpuDevice(): Promise<void> {
  if (users === 0) return;
  users--;
  if (users === 0) await gpuJs().WebGPUContext?.destroy();
}
