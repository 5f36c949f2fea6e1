/**
 * Property runs per mode: the software renderers (llvmpipe behind headless GL and Dawn) compile
 * and run kernels far slower than the CPU modes, so CI runs fewer cases there.
 * TOPK_PROPERTY_RUNS overrides every mode (for long runs).
 */
import type { GpujsMode } from '../src/index.js';

const DEFAULT_RUNS: Record<GpujsMode, number> = { cpu: 60, webasm: 60, webgpu: 40, headlessgl: 20, webgl2: 20, webgl: 20 };

/** fast-check runs per property for a mode. */
export function runsFor(mode: GpujsMode): number {
  const fromEnv = Number(process.env.TOPK_PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_RUNS[mode];
}
