/**
 * The smooth loss in rescaled linear space (kernels in `linearKernelSources.ts`): which shapes
 * may use it, how each tree level is laid out, and the chain of kernel calls for one chunk of
 * rows: leaves to root, the per-row terms, complements back down, gradient.
 *
 * The chain is recorded once per shape as a gpu.js pipeline (`gpu.createPipeline`): on webasm
 * every step then runs over one wasm memory with nothing copied in or out between levels (only
 * the scores and per-row values go in, only the per-row terms and the gradient come out). The
 * other modes run the same chain step by step with intermediates kept on the device (textures,
 * storage buffers), on kernels compiled once per role and level: a pipeline compiles its own
 * copy of every kernel, which costs a shader compilation per shape on GL and WebGPU.
 */
import { logBinomial } from '@topk/core/rows';
import type { GPU } from 'gpu.js';
import type { KernelSet, KernelRole } from './kernels.js';
import { treeShape, type TreeShape } from './tree.js';
import type { GpujsMode } from './modes.js';
import { gpuJs } from './gpuJsModule.js';

/**
 * Largest coefficient the linear kernels may meet. Every node and complement coefficient of
 * degree m is at most C(leaves, m) (leaf coefficients lie in [0, 1]), float32 overflows at 3.4e38.
 */
const LINEAR_BOUND_LOG = Math.log(1e30);

/**
 * Whether the loss of rows of n entries at this k may run in linear space: every coefficient of
 * degree m <= k of the padded tree, node and complement alike, is at most C(leaves, m) <=
 * C(leaves, min(k, leaves / 2)), which must stay below 1e30. True for the common shapes
 * (n = 1000, k = 5: C(1024, 5) = 9e12); false for, e.g., n = 4097 with k = 40, which takes the
 * tilted probability tree of `kernelSources.ts`. Rows of up to 4 entries take it too: the linear
 * chain starts at level 3.
 */
export function linearBoundOk(n: number, k: number): boolean {
  const { depth } = treeShape(n, k);
  if (depth < 3) return false;
  const leaves = 2 ** depth;
  return logBinomial(leaves, Math.min(k, leaves / 2)) <= LINEAR_BOUND_LOG;
}

/**
 * Largest k for which the gradient kernel forms the level-3 complement itself from the level-4
 * one (its code holds degrees up to 4); larger k keep a complement pass down to level 3.
 */
const GRADIENT_FROM_LEVEL_FOUR_MAX_K = 5;

/** Table of 2^-i, i = 0..127, for the kernels' exp. */
const POW2 = Float32Array.from({ length: 128 }, (_, i) => 2 ** -i);

/** One argument of a recorded step: a chain input, an earlier step's output, or a fixed array. */
type StepArgument = { input: 'values' | 'rows' | 'tops' | 'call' } | { step: number } | { literal: Float32Array };

/** Where a level lives: the step (or input) holding it and its strides per node, per degree and per row. */
interface Stored {
  arg: StepArgument;
  perNode: number;
  perDegree: number;
  perRow: number;
}

interface Step {
  role: KernelRole;
  level: number;
  output: number[];
  args: StepArgument[];
}

/**
 * What one chunk returns: per row `termsPerRow` terms (loss, g, g / F[k], g / F[k-1], then the
 * tree's root R[0..k-1]) and the gradient rows (0 at the entries above the shift).
 */
export interface LinearChunkResult {
  terms: Float32Array;
  termsPerRow: number;
  /** rows * n entries, when the gradient was asked for. */
  grad: Float32Array | null;
}

/** The chain of one shape and how it runs. */
class LinearChain {
  readonly steps: Step[] = [];
  readonly results: { terms: number; grad: number };
  /** Terms per row in the `terms` result: 4 + k rounded up to a multiple of 4. */
  readonly termsPerRow: number;
  private pipeline: ((...args: unknown[]) => Promise<unknown>) & { destroy(): unknown } | null = null;

  constructor(readonly shape: TreeShape, readonly rows: number, readonly k: number, grad: boolean, maxWidth: number, readonly loopBound: number) {
    const { n, depth, strides, nodes } = shape;
    const leaves = 2 ** depth;
    // Groups of 4 cells along y (3D outputs) or nodes along x (2D outputs), folded into P parts
    // per row where a mode caps texture sides; counts are powers of two times small factors.
    const fold = (count: number): { X: number; P: number } => {
      let P = 1;
      while (count / P > maxWidth && (count / P) % 2 === 0) P *= 2;
      return { X: count / P, P };
    };
    const quads = (groups: number): [number, number, number] & { P: number; Y: number } => {
      const f = fold(groups);
      return Object.assign([4, f.X, rows * f.P] as [number, number, number], { P: f.P, Y: f.X });
    };
    const fl = quads(leaves / 4);
    const leafStep = this.add('leavesLinear', 0, fl, [
      { input: 'values' },
      { input: 'rows' },
      { input: 'call' },
      { literal: POW2 },
      { literal: new Float32Array([n, fl.Y, fl.P]) },
    ]);
    // Each level: its step and strides (per node, per degree, per row).
    const levels: Stored[] = [];
    const f3 = fold(nodes[3]);
    levels[3] = {
      arg: this.step('levelThreeLinear', 3, [f3.X, rows * strides[3] * f3.P], [
        { step: leafStep },
        { literal: new Float32Array([strides[3], f3.X, f3.P, leaves]) },
      ]),
      perNode: 1,
      perDegree: nodes[3],
      perRow: strides[3] * nodes[3],
    };
    for (let l = 4; l <= depth; l++) {
      const f = fold(nodes[l]);
      const below = levels[l - 1];
      levels[l] = {
        arg: this.step('levelUpLinear', l, [f.X, rows * strides[l] * f.P], [
          below.arg,
          { literal: new Float32Array([strides[l - 1], strides[l], f.X, f.P, nodes[l], below.perNode, below.perDegree, below.perRow]) },
        ]),
        perNode: 1,
        perDegree: nodes[l],
        perRow: strides[l] * nodes[l],
      };
    }
    const root = levels[depth];
    // [4, S / 4, rows]: the first group of 4 the terms, the others R (read back as one view per
    // group of 4).
    const S = 4 + 4 * Math.ceil(k / 4);
    this.termsPerRow = S;
    const terms = this.add('rowTermsLinear', 0, [4, S / 4, rows], [
      root.arg,
      { input: 'rows' },
      { input: 'tops' },
      { input: 'call' },
      { literal: new Float32Array([k, S, root.perDegree, root.perRow]) },
    ]);
    let gradStep = -1;
    if (grad) {
      // Complements from the root's children down to level 3 (the gradient kernel does levels 2 to
      // 0), or down to level 4 where the gradient kernel forms the level-3 one itself (k <= 5); T
      // stands for the complement of the root.
      const fromLevelFour = k <= GRADIENT_FROM_LEVEL_FOUR_MAX_K && depth >= 4;
      // The root's complement is T, the product of the entries above the shift (an input, as a
      // kernel output like every other complement).
      const topsStep = this.step('topsLinear', 0, [k, rows], [{ input: 'tops' }, { literal: new Float32Array([k]) }]);
      let complement: Stored = { arg: topsStep, perNode: 0, perDegree: 1, perRow: k };
      for (let l = depth - 1; l >= (fromLevelFour ? 4 : 3); l--) {
        const f = fold(nodes[l]);
        const sib = levels[l];
        complement = {
          arg: this.step('complementLinear', l, [f.X, rows * k * f.P], [
            complement.arg,
            sib.arg,
            {
              literal: new Float32Array([
                k, strides[l], f.X, f.P, nodes[l], sib.perNode, sib.perDegree, sib.perRow,
                complement.perNode, complement.perDegree, complement.perRow,
              ]),
            },
          ]),
          perNode: 1,
          perDegree: nodes[l],
          perRow: k * nodes[l],
        };
      }
      const fg = quads(nodes[2]);
      const three = levels[3];
      const padded = this.add('gradientLinear', 0, fg, [
        { step: leafStep },
        { input: 'rows' },
        complement.arg,
        three.arg,
        { step: terms },
        {
          literal: new Float32Array([
            n, k, fg.Y, fg.P, leaves, complement.perNode, complement.perDegree, complement.perRow, S, 0,
            fromLevelFour ? 1 : 0, three.perNode, three.perDegree, three.perRow,
          ]),
        },
      ]);
      // [n, rows] where a row fits a texture side (one view per row to read back), else flat.
      const twoD = n <= maxWidth;
      gradStep = this.add('unpadRows', 0, twoD ? [n, rows] : [rows * n], [{ step: padded }, { literal: new Float32Array([n, leaves, twoD ? 1 : 0]) }]);
    }
    this.results = { terms, grad: gradStep };
  }

  private add(role: KernelRole, level: number, output: number[], args: StepArgument[]): number {
    this.steps.push({ role, level, output, args });
    return this.steps.length - 1;
  }

  /** `add`, as a step argument. */
  private step(role: KernelRole, level: number, output: number[], args: StepArgument[]): StepArgument {
    return { step: this.add(role, level, output, args) };
  }

  /** Runs the chain on one chunk: as a compiled pipeline, or step by step (`direct`). */
  async run(gpu: GPU, kernels: KernelSet, direct: boolean, values: Float32Array, rows: Float32Array, tops: Float32Array, call: Float32Array): Promise<LinearChunkResult> {
    const inputs = { values, rows, tops, call };
    let out: { terms: unknown; grad?: unknown };
    if (direct) {
      const outputs: unknown[] = [];
      for (const step of this.steps) {
        const args = step.args.map((a) => ('input' in a ? inputs[a.input] : 'step' in a ? outputs[a.step] : a.literal));
        const output = await kernels.run(step.role, step.level, this.loopBound, step.output, args);
        // gpu.js's cpu mode hands out nested arrays (rows of a 2D or 3D output); the kernels index flat.
        outputs.push(kernels.mode === 'cpu' ? await flatten(output) : output);
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

  private compile(gpu: GPU, kernels: KernelSet): LinearChain['pipeline'] {
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
    return (gpu as unknown as { createPipeline(fn: unknown, settings: unknown): LinearChain['pipeline'] }).createPipeline(orchestrate, { threads: false });
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

/** A kernel result (flat array, array of rows, texture or buffer handle) as one Float32Array. */
async function flatten(value: unknown): Promise<Float32Array> {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function') {
    v = await (v as { toArray(): unknown }).toArray();
  }
  if (v instanceof Float32Array) return v;
  // Nested rows (2D, 3D outputs): gpu.js's webasm mode erects them as views of one array; the
  // cpu mode makes one array per row, copied here into one.
  let first: unknown = v;
  let count = 1;
  while (Array.isArray(first)) {
    count *= first.length;
    first = first[0];
  }
  const width = (first as ArrayLike<number>).length;
  if (first instanceof Float32Array && first.byteOffset === 0 && first.buffer.byteLength === count * width * 4) {
    return new Float32Array(first.buffer);
  }
  const out = new Float32Array(count * width);
  let at = 0;
  const copy = (part: unknown): void => {
    if (Array.isArray(part)) {
      for (const inner of part) copy(inner);
    } else {
      out.set(part as ArrayLike<number>, at);
      at += width;
    }
  };
  copy(v);
  return out;
}

/** Chains per shape, the most recent few kept (each holds compiled modules or buffers). */
export class LinearPlans {
  private readonly chains = new Map<string, LinearChain>();
  /** Longest output side a mode takes (GL caps texture sides; webasm and cpu have no cap). */
  readonly maxWidth: number;
  /** Step by step on kernels shared by every shape (all modes but webasm). */
  private readonly direct: boolean;
  /** Texture rows per row of scores of each shape (GL), by `n:k:grad`. */
  private readonly heights = new Map<string, number>();

  /**
   * `maxTextureSize` is the longest texture side of the mode's context (GL), or Infinity where
   * outputs are not textures: a 2D output `[w, h]` is a `w x h` texture, so chunks of rows are cut
   * to keep every height within it.
   */
  constructor(private readonly gpu: GPU, private readonly kernels: KernelSet, mode: GpujsMode, private readonly limit = 4, private readonly maxTextureSize = Infinity) {
    this.maxWidth = mode === 'webasm' || mode === 'cpu' ? 2 ** 23 : Math.min(4096, maxTextureSize);
    this.direct = mode !== 'webasm';
  }

  /** Number of chains held. */
  get size(): number {
    return this.chains.size;
  }

  /**
   * Rows per chunk for rows of n at this k: cells per level and 2D heights bounded, and every 2D
   * output's height (rows times its texture rows per row) within the texture size.
   */
  rowsPerChunk(shape: TreeShape, batch: number, grad: boolean, cellBudget = 1 << 22): number {
    // The widest level holds about leaves * (K + 4) cells per row; flat indices stay below 2^23.
    const perRow = 2 ** shape.depth * (shape.K + 4);
    let rows = Math.max(1, Math.min(batch, Math.floor(cellBudget / perRow)));
    if (Number.isFinite(this.maxTextureSize)) {
      const key = `${shape.n}:${shape.K}:${grad ? 1 : 0}`;
      let height = this.heights.get(key);
      if (height === undefined) {
        // The chain of one row: its 2D outputs' heights grow linearly with the rows.
        height = 1;
        for (const step of new LinearChain(shape, 1, shape.K, grad, this.maxWidth, shape.loopBound).steps) {
          if (step.output.length === 2) height = Math.max(height, step.output[1]);
        }
        this.heights.set(key, height);
      }
      rows = Math.max(1, Math.min(rows, Math.floor(this.maxTextureSize / height)));
    }
    return rows;
  }

  /** Losses terms and gradient of one chunk of `rows` rows. */
  async run(n: number, k: number, tau: number, grad: boolean, rows: number, values: Float32Array, rowValues: Float32Array, tops: Float32Array, scale: number): Promise<LinearChunkResult> {
    const shape = treeShape(n, k);
    const key = `${n}:${k}:${grad ? 1 : 0}:${rows}`;
    let chain = this.chains.get(key);
    if (chain === undefined) {
      chain = new LinearChain(shape, rows, k, grad, this.maxWidth, shape.loopBound);
      this.chains.set(key, chain);
      while (this.chains.size > this.limit) {
        const [oldKey, old] = this.chains.entries().next().value as [string, LinearChain];
        this.chains.delete(oldKey);
        old.dispose();
      }
    } else {
      // Most recently used last.
      this.chains.delete(key);
      this.chains.set(key, chain);
    }
    return chain.run(this.gpu, this.kernels, this.direct, values, rowValues, tops, new Float32Array([scale, tau]));
  }

  dispose(): void {
    for (const chain of this.chains.values()) chain.dispose();
    this.chains.clear();
  }
}
