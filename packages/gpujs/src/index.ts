/**
 * @topk/gpujs: the smooth top-k SVM losses as gpu.js kernels in float32, in the modes
 * `headlessgl` (Node: npm gl under Xvfb), `webgl2` and `webgl` (browsers), `webgpu` (the
 * browser's, or Dawn through @topk/webgpu-node in Node), `webasm` and `cpu`.
 */
import { BackendUnavailableError } from '@topk/core';
import { GpujsBackend } from './backend.js';
import { bestMode, GPUJS_MODES, probeMode, type GpujsMode } from './modes.js';

export { GpujsBackend } from './backend.js';
export { GPUJS_MODES, GL_MODES, bestMode, probeMode, type GpujsMode, type GpujsModeInfo } from './modes.js';

/**
 * Creates a gpu.js backend. `name` is a mode (`headlessgl`, `webgl2`, `webgl`, `webgpu`, `webasm`,
 * `cpu`), optionally prefixed `gpujs:`, or `''` / `gpujs` for the best available (a hardware GPU
 * through WebGPU or GL, else webasm). Throws {@link BackendUnavailableError} when the mode cannot run here.
 */
export async function createGpujsBackend(name: string): Promise<GpujsBackend> {
  const mode = name.startsWith('gpujs:') ? name.slice('gpujs:'.length) : name === 'gpujs' ? '' : name;
  if (mode === '') return new GpujsBackend(await bestMode());
  if (!(GPUJS_MODES as readonly string[]).includes(mode)) {
    throw new BackendUnavailableError(`gpujs:${mode}`, `unknown gpu.js mode; use one of ${GPUJS_MODES.join(', ')} or '' for the best available`);
  }
  return new GpujsBackend(await probeMode(mode as GpujsMode));
}
