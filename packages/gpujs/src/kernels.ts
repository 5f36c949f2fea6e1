/**
 * Compiled gpu.js kernels, made on first use and kept: one per role and tree level and loop
 * bound, with dynamic output and argument sizes, so that every batch size and row length with
 * the same tree depth and degree bucket reuses them. `destroy()` frees them all.
 */
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import { downLevel, gradientAndLoss, lossOnly, rowTerms, twoSumProbe, upFromLeaves, upFromLeavesPair, upLevel, upLevelPair } from './kernelSources.js';
import { complementLinear, gradientLinear, leavesLinear, levelThreeLinear, levelUpLinear, rowTermsLinear, topsLinear, unpadRows } from './linearKernelSources.js';
import type { GpujsMode } from './modes.js';

type KernelFunction = (...args: never[]) => number;

/** What a kernel call hands back: a texture, a GPU buffer handle or plain arrays. */
export type KernelOutput = unknown;

/** The kernel roles of the loss and log-ESP computations. */
export type KernelRole =
  | 'upFromLeaves'
  | 'upLevel'
  | 'downLevel'
  | 'gradientAndLoss'
  | 'lossOnly'
  | 'rowTerms'
  | 'upFromLeavesPair'
  | 'upLevelPair'
  | 'twoSumProbe'
  | 'leavesLinear'
  | 'topsLinear'
  | 'levelThreeLinear'
  | 'levelUpLinear'
  | 'complementLinear'
  | 'rowTermsLinear'
  | 'gradientLinear'
  | 'unpadRows';

const SOURCES: Record<KernelRole, KernelFunction> = {
  upFromLeaves: upFromLeaves as unknown as KernelFunction,
  upLevel: upLevel as unknown as KernelFunction,
  downLevel: downLevel as unknown as KernelFunction,
  gradientAndLoss: gradientAndLoss as unknown as KernelFunction,
  lossOnly: lossOnly as unknown as KernelFunction,
  rowTerms: rowTerms as unknown as KernelFunction,
  upFromLeavesPair: upFromLeavesPair as unknown as KernelFunction,
  upLevelPair: upLevelPair as unknown as KernelFunction,
  twoSumProbe: twoSumProbe as unknown as KernelFunction,
  leavesLinear: leavesLinear as unknown as KernelFunction,
  topsLinear: topsLinear as unknown as KernelFunction,
  levelThreeLinear: levelThreeLinear as unknown as KernelFunction,
  levelUpLinear: levelUpLinear as unknown as KernelFunction,
  complementLinear: complementLinear as unknown as KernelFunction,
  rowTermsLinear: rowTermsLinear as unknown as KernelFunction,
  gradientLinear: gradientLinear as unknown as KernelFunction,
  unpadRows: unpadRows as unknown as KernelFunction,
};

/** Kernels that feed other kernels stay on the device; the last ones read back. */
const PIPELINED: Record<KernelRole, boolean> = {
  upFromLeaves: true,
  upLevel: true,
  downLevel: true,
  gradientAndLoss: false,
  lossOnly: false,
  rowTerms: true,
  upFromLeavesPair: true,
  upLevelPair: true,
  twoSumProbe: false,
  leavesLinear: true,
  topsLinear: true,
  levelThreeLinear: true,
  levelUpLinear: true,
  complementLinear: true,
  rowTermsLinear: true,
  gradientLinear: true,
  unpadRows: false,
};

/** The kernels of one gpu.js instance. */
export class KernelSet {
  private readonly kernels = new Map<string, IKernelRunShortcut>();

  constructor(readonly gpu: GPU, readonly mode: GpujsMode) {}

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
      kernel = this.gpu.createKernel(SOURCES[role], {
        output,
        precision: 'single',
        tactic: 'precision',
        pipeline: PIPELINED[role],
        // cpu and webasm hand out fresh arrays either way; their mutable-pipeline path does not resize.
        immutable: this.mode === 'cpu' || this.mode === 'webasm',
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

/** Reads a one-dimensional kernel output back. */
export async function readVector(output: KernelOutput): Promise<ArrayLike<number>> {
  let value = output;
  if (value !== null && typeof value === 'object' && typeof (value as { toArray?: unknown }).toArray === 'function') {
    value = await (value as { toArray(): unknown }).toArray();
  }
  return value as ArrayLike<number>;
}
