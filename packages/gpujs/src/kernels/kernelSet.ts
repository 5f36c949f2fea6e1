/**
 * Compiled gpu.js kernels, made on first use and kept: one per role and tree level and loop
 * bound, with dynamic output and argument sizes, so that every batch size and row length with
 * the same tree depth and degree bucket reuses them. `destroy()` frees them all.
 */
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import * as headTail from './headTail.js';
import * as tilted from './tilted.js';
import * as logEsp from './logEsp.js';
import { kernelSource, type KernelFunction } from './kernelSource.js';
import type { KernelOutput } from './output.js';
import type { ModeTuning } from '../tuning.js';

/** Every kernel, by role: its function and whether its output feeds another kernel on the device. */
const KERNELS = {
  tiltedLevelOne: { fn: tilted.tiltedLevelOne, pipeline: true },
  tiltedLevelUp: { fn: tilted.tiltedLevelUp, pipeline: true },
  tiltedComplement: { fn: tilted.tiltedComplement, pipeline: true },
  tiltedRowTerms: { fn: tilted.tiltedRowTerms, pipeline: true },
  tiltedGradient: { fn: tilted.tiltedGradient, pipeline: false },
  tiltedLoss: { fn: tilted.tiltedLoss, pipeline: false },
  logEspLevelOne: { fn: logEsp.logEspLevelOne, pipeline: true },
  logEspLevelUp: { fn: logEsp.logEspLevelUp, pipeline: true },
  twoSumProbe: { fn: logEsp.twoSumProbe, pipeline: false },
  headTailLeaves: { fn: headTail.headTailLeaves, pipeline: true },
  headTailLevelThree: { fn: headTail.headTailLevelThree, pipeline: true },
  headTailLevelUp: { fn: headTail.headTailLevelUp, pipeline: true },
  headTailRowTerms: { fn: headTail.headTailRowTerms, pipeline: true },
  headTailGradient: { fn: headTail.headTailGradient, pipeline: true },
  unpadRows: { fn: headTail.unpadRows, pipeline: false },
} satisfies Record<string, { fn: KernelFunction; pipeline: boolean }>;

/** The kernel roles of the loss and log-ESP computations. */
export type KernelRole = keyof typeof KERNELS;

/** Every role's gpu.js source, snippets pasted in (see kernelSource.ts). */
export function kernelSources(): Record<KernelRole, string> {
  const out = {} as Record<KernelRole, string>;
  for (const role of Object.keys(KERNELS) as KernelRole[]) out[role] = sourceOf(role);
  return out;
}

const sources = new Map<KernelRole, string>();

function sourceOf(role: KernelRole): string {
  let source = sources.get(role);
  if (source === undefined) sources.set(role, (source = kernelSource(KERNELS[role].fn)));
  return source;
}

/** The kernels of one gpu.js instance. */
export class KernelSet {
  private readonly kernels = new Map<string, IKernelRunShortcut>();

  constructor(readonly gpu: GPU, readonly tuning: ModeTuning) {}

  /** Number of compiled kernels held (steady once every shape in use has been seen). */
  get size(): number {
    return this.kernels.size;
  }

  /**
   * Runs the kernel of `role` for tree level `level` (its own instance, so that the outputs of
   * one computation's levels never share storage) with loops bounded by `loopBound`.
   */
  async run(role: KernelRole, level: number, loopBound: number, output: number[], args: unknown[]): Promise<KernelOutput> {
    const kernel = this.get(role, level, loopBound, output);
    return await (kernel as unknown as (...a: unknown[]) => unknown)(...args);
  }

  /** The kernel of `role` for tree level `level` and loop bound `loopBound`, its output set to `output`. */
  get(role: KernelRole, level: number, loopBound: number, output: number[] = [1]): IKernelRunShortcut {
    // The output rank is part of the key: WebGPU kernels cannot change it once built.
    const key = `${role}:${level}:${loopBound}:${output.length}`;
    let kernel = this.kernels.get(key);
    if (kernel === undefined) {
      kernel = this.gpu.createKernel(sourceOf(role), {
        output,
        precision: 'single',
        tactic: 'precision',
        pipeline: KERNELS[role].pipeline,
        immutable: this.tuning.immutableKernels,
        dynamicOutput: true,
        dynamicArguments: true,
        loopMaxIterations: loopBound,
      } as never) as IKernelRunShortcut;
      this.kernels.set(key, kernel);
    } else {
      kernel.setOutput(output);
    }
    return kernel;
  }

  /** Frees every kernel. */
  destroy(): void {
    for (const kernel of this.kernels.values()) kernel.destroy();
    this.kernels.clear();
  }
}
