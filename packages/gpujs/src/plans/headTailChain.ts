/**
 * The headTail chain of one shape: how each tree level is laid out, and the kernel calls for one
 * chunk of rows, leaves to root, the per-row terms, the gradient (kernels/headTail.ts).
 *
 * Where the mode's tuning says so (webasm) the chain is recorded once per shape as a gpu.js
 * pipeline (`gpu.createPipeline`): every step then runs over one wasm memory with nothing copied
 * in or out between levels (only the scores and per-row values go in, only the per-row terms and
 * the gradient come out). The other modes run the same chain step by step with intermediates
 * kept on the device (textures, storage buffers), on kernels compiled once per role and level.
 */
import type { GPU } from 'gpu.js';
import type { KernelSet, KernelRole } from '../kernels/kernelSet.js';
import { flatten } from '../kernels/output.js';
import { POW2 } from '../kernels/snippets.js';
import type { TreeShape } from '../tree.js';
import { gpuJs } from '../gpuJsModule.js';
import { headTailBalanced } from '../regime.js';

/** One argument of a recorded step: a chain input, an earlier step's output, or a fixed array. */
type StepArgument = { input: 'values' | 'rows' | 'tops' | 'call' } | { step: number } | { literal: Float32Array };

/** Where a level lives: the step (or input) holding it and its strides per node, per degree and per row. */
interface Stored {
  arg: StepArgument;
  perNode: number;
  perDegree: number;
  perRow: number;
}

/** One kernel call of the chain: its role and level, its output size and its arguments. */
interface Step {
  role: KernelRole;
  level: number;
  output: number[];
  args: StepArgument[];
}

/**
 * What one chunk returns: per row `termsPerRow` terms (loss, g, g / F[k], g / F[k-1], then the
 * tree's root R[0..k-1], then F[0..k-1]) and the gradient rows (0 at the head's entries).
 */
export interface HeadTailChunkResult {
  terms: Float32Array;
  termsPerRow: number;
  /** rows * n entries, when the gradient was asked for. */
  grad: Float32Array | null;
}

/** The chain of one shape and how it runs. */
export class HeadTailChain {
  readonly steps: Step[] = [];
  readonly results: { terms: number; grad: number };
  /** Terms per row in the `terms` result: 4 + twice k rounded up to a multiple of 4. */
  readonly termsPerRow: number;
  private pipeline: ((...args: unknown[]) => Promise<unknown>) & { destroy(): unknown } | null = null;

  constructor(readonly shape: TreeShape, readonly rows: number, readonly k: number, grad: boolean, private readonly maxWidth: number, readonly loopBound: number) {
    const leaves = 2 ** shape.depth;
    const fl = this.quads(leaves / 4);
    const leafStep = this.add('headTailLeaves', 0, fl, [
      { input: 'values' },
      { input: 'rows' },
      { input: 'tops' },
      { input: 'call' },
      { literal: POW2 },
      { literal: new Float32Array([shape.n, fl.Y, fl.P, k]) },
    ]);
    const levels = this.addLevels(leafStep);
    const root = levels[shape.depth];
    // [4, S / 4, rows]: the first group of 4 the terms, then R, then F (read back as one view per
    // group of 4).
    const S = 4 + 8 * Math.ceil(k / 4);
    this.termsPerRow = S;
    const terms = this.add('headTailRowTerms', 0, [4, S / 4, rows], [
      root.arg,
      { input: 'rows' },
      { input: 'tops' },
      { input: 'call' },
      { literal: new Float32Array([k, S, root.perDegree, root.perRow]) },
    ]);
    this.results = { terms, grad: grad ? this.addGradient(leafStep, terms) : -1 };
  }

  /**
   * Groups of 4 cells along y (3D outputs) or nodes along x (2D outputs), folded into P parts
   * per row where a mode caps texture sides; counts are powers of two times small factors.
   */
  private fold(count: number): { X: number; P: number } {
    let P = 1;
    while (count / P > this.maxWidth && (count / P) % 2 === 0) P *= 2;
    return { X: count / P, P };
  }

  /** The output [4, Y, rows * P] of a kernel over `groups` groups of 4 cells per row. */
  private quads(groups: number): [number, number, number] & { P: number; Y: number } {
    const f = this.fold(groups);
    return Object.assign([4, f.X, this.rows * f.P] as [number, number, number], { P: f.P, Y: f.X });
  }

  /** The up-sweep from level 3 to the root: each level's step and strides. */
  private addLevels(leafStep: number): Stored[] {
    const { depth, strides, nodes } = this.shape;
    const { rows } = this;
    const levels: Stored[] = [];
    const f3 = this.fold(nodes[3]);
    levels[3] = {
      arg: this.step('headTailLevelThree', 3, [f3.X, rows * strides[3] * f3.P], [
        { step: leafStep },
        { literal: new Float32Array([strides[3], f3.X, f3.P, 2 ** depth, headTailBalanced(this.shape.n, this.k) ? 1 : 0]) },
      ]),
      perNode: 1,
      perDegree: nodes[3],
      perRow: strides[3] * nodes[3],
    };
    for (let l = 4; l <= depth; l++) {
      const f = this.fold(nodes[l]);
      const below = levels[l - 1];
      levels[l] = {
        arg: this.step('headTailLevelUp', l, [f.X, rows * strides[l] * f.P], [
          below.arg,
          { literal: new Float32Array([strides[l - 1], strides[l], f.X, f.P, nodes[l], below.perNode, below.perDegree, below.perRow]) },
        ]),
        perNode: 1,
        perDegree: nodes[l],
        perRow: strides[l] * nodes[l],
      };
    }
    return levels;
  }

  /** The gradient kernel and the removal of the padding; returns the step of the gradient rows. */
  private addGradient(leafStep: number, terms: number): number {
    const { n, depth, nodes } = this.shape;
    const { rows, k } = this;
    const leaves = 2 ** depth;
    const fg = this.quads(nodes[2]);
    const padded = this.add('headTailGradient', 0, fg, [
      { step: leafStep },
      { input: 'rows' },
      { step: terms },
      { literal: new Float32Array([n, k, fg.Y, fg.P, leaves, this.termsPerRow]) },
    ]);
    // [n, rows] where a row fits a texture side (one view per row to read back), else flat.
    const twoD = n <= this.maxWidth;
    return this.add('unpadRows', 0, twoD ? [n, rows] : [rows * n], [{ step: padded }, { literal: new Float32Array([n, leaves, twoD ? 1 : 0]) }]);
  }

  private add(role: KernelRole, level: number, output: number[], args: StepArgument[]): number {
    this.steps.push({ role, level, output, args });
    return this.steps.length - 1;
  }

  /** `add`, as a step argument. */
  private step(role: KernelRole, level: number, output: number[], args: StepArgument[]): StepArgument {
    return { step: this.add(role, level, output, args) };
  }

  /** Runs the chain on one chunk: as a compiled pipeline where the mode's tuning says so, else step by step. */
  async run(gpu: GPU, kernels: KernelSet, values: Float32Array, rows: Float32Array, tops: Float32Array, call: Float32Array): Promise<HeadTailChunkResult> {
    const inputs = { values, rows, tops, call };
    let out: { terms: unknown; grad?: unknown };
    if (!kernels.tuning.fusedPipeline) {
      const outputs: unknown[] = [];
      for (const step of this.steps) {
        const args = step.args.map((a) => ('input' in a ? inputs[a.input] : 'step' in a ? outputs[a.step] : a.literal));
        const output = await kernels.run(step.role, step.level, this.loopBound, step.output, args);
        // gpu.js's cpu mode hands out nested arrays (rows of a 2D or 3D output); the kernels index flat.
        outputs.push(kernels.tuning.nestedOutputs ? await flatten(output) : output);
      }
      out = { terms: outputs[this.results.terms], grad: this.results.grad >= 0 ? outputs[this.results.grad] : undefined };
    } else {
      const pipeline = (this.pipeline ??= this.compile(gpu, kernels))!;
      out = (await pipeline(passThrough(values), rows, tops, call)) as typeof out;
    }
    return {
      terms: await flatten(out.terms),
      termsPerRow: this.termsPerRow,
      grad: this.results.grad >= 0 ? await flatten(out.grad) : null,
    };
  }

  private compile(gpu: GPU, kernels: KernelSet): HeadTailChain['pipeline'] {
    const { steps, results, loopBound } = this;
    const shortcuts = steps.map((step) => kernels.get(step.role, step.level, loopBound));
    const orchestrate = function (values: unknown, rows: unknown, tops: unknown, call: unknown): unknown {
      const inputs = { values, rows, tops, call };
      const handles: unknown[] = [];
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const args = step.args.map((a) => ('input' in a ? inputs[a.input] : 'step' in a ? handles[a.step] : a.literal));
        const shortcut = shortcuts[i];
        shortcut.setOutput(step.output);
        handles.push((shortcut as unknown as (...a: unknown[]) => unknown)(...args));
      }
      return results.grad >= 0 ? { terms: handles[results.terms], grad: handles[results.grad] } : { terms: handles[results.terms] };
    };
    // One thread: the comparison with core (one thread) stays fair, and tests stay predictable.
    return (gpu as unknown as { createPipeline(fn: unknown, settings: unknown): HeadTailChain['pipeline'] }).createPipeline(orchestrate, { threads: false });
  }

  dispose(): void {
    this.pipeline?.destroy();
    this.pipeline = null;
  }
}

/**
 * The scores as a pipeline argument that gpu.js does not copy at the call. A pipeline copies
 * plain arrays when called (so that a caller changing them afterwards cannot change the result):
 * an allocation and copy of all the scores per call, before the executor copies them into wasm
 * memory anyway. It passes through values that look like device handles (they have `toArray`);
 * inside an `Input` the executor still reads the array itself. The backend reads the scores only
 * while the call runs.
 */
function passThrough(values: Float32Array): unknown {
  const view = values.subarray(0);
  Object.defineProperty(view, 'toArray', { value: () => view });
  const { Input } = gpuJs();
  return new Input(view, [view.length]);
}

