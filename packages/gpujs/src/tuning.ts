/**
 * Every choice that depends on the gpu.js mode, in one place: the algorithm code asks these
 * fields and never names a mode.
 */
import type { GpujsMode } from './modes.js';

/** How the kernels of one mode are built and run. */
export interface ModeTuning {
  /**
   * The headTail chain of one shape runs as one compiled gpu.js pipeline (webasm: every step
   * over one wasm memory, nothing copied between levels) rather than step by step on kernels
   * shared by every shape (elsewhere a pipeline would compile its own copy of every kernel per
   * shape, a shader compilation each on GL and WebGPU).
   */
  readonly fusedPipeline: boolean;
  /** Longest side of a 2D or 3D output (GL and WebGPU cap texture sides; webasm and cpu do not). */
  readonly maxOutputWidth: number;
  /** Kernels are created immutable: their mutable-pipeline path does not resize (cpu, webasm). */
  readonly immutableKernels: boolean;
  /** Kernel outputs of rank 2 and 3 come back as nested arrays of rows, one array each (cpu). */
  readonly nestedOutputs: boolean;
  /** Kernels compute in float64 and round only what they store (cpu): log-ESP splits its pairs. */
  readonly float64Arithmetic: boolean;
  /** Kernels run on the process's shared Dawn device, held from the first call (webgpu). */
  readonly sharedDawnDevice: boolean;
}

/**
 * The tuning of `mode`; `maxTextureSize` is the GL context's largest texture side (Infinity
 * where outputs are not textures).
 */
export function modeTuning(mode: GpujsMode, maxTextureSize = Infinity): ModeTuning {
  const cpuSide = mode === 'webasm' || mode === 'cpu';
  return {
    fusedPipeline: mode === 'webasm',
    maxOutputWidth: cpuSide ? 2 ** 23 : Math.min(4096, maxTextureSize),
    immutableKernels: cpuSide,
    nestedOutputs: mode === 'cpu',
    float64Arithmetic: mode === 'cpu',
    sharedDawnDevice: mode === 'webgpu',
  };
}
