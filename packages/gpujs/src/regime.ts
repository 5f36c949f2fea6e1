/**
 * Which regime (core's `Regime`, see @topk/core/rows) computes the smooth loss of a shape here.
 */
import { FLOAT32_HEAD_TAIL_BOUND, logBinomial, type Regime } from '@topk/core/rows';
import { treeShape } from './tree.js';

const HEAD_TAIL_BOUND_LOG = Math.log(FLOAT32_HEAD_TAIL_BOUND);

/**
 * Largest k of the balanced headTail chain (see {@link headTailBalanced}). Up to it the chain is
 * faster than the tilted regime's complement sweep on every shape measured (docs/gpujs.md), also
 * with 2k - 2 entries in the head. The head's host work per row (its product and gradient, about
 * 10 k^2 operations) grows faster than the device's, so larger k, past those measured with a full
 * head, take the tilted regime.
 */
export const BALANCED_HEAD_TAIL_MAX_K = 512;

/**
 * Whether a coefficient of degree m <= k of the padded tree's nodes or of F = R T (the root times
 * the head's product, kernels/headTail.ts) could pass `FLOAT32_HEAD_TAIL_BOUND`: each is a product
 * of at most `leaves` factors with coefficients in [0, 1] (every entry of s\y is a leaf or a head
 * factor, never both), so at most C(leaves, m) <= C(leaves, min(k, leaves / 2)). Where it could,
 * the headTail chain runs balanced: every factor divided by the sum of its coefficients and the
 * row tilted (plans/deviceRows.ts), so that every node and F hold probabilities.
 */
export function headTailBalanced(n: number, k: number): boolean {
  const leaves = 2 ** treeShape(n, k).depth;
  return logBinomial(leaves, Math.min(k, leaves / 2)) > HEAD_TAIL_BOUND_LOG;
}

/**
 * The regime of rows of n entries at this k: `headTail` for k up to
 * {@link BALANCED_HEAD_TAIL_MAX_K}, plain where no coefficient can pass the bound (n = 1000,
 * k = 5: C(1024, 5) = 9e12; k = 10: 3e23) and balanced elsewhere (n = 1000, k = 50:
 * C(1024, 50) ~ 1e84); `tilted` for larger k (n = 1000, k = 300) and for rows of up to 4 entries
 * (the headTail chain starts at tree level 3).
 */
export function regimeOf(n: number, k: number): Regime {
  const { depth } = treeShape(n, k);
  if (depth < 3) return 'tilted';
  return k <= BALANCED_HEAD_TAIL_MAX_K || !headTailBalanced(n, k) ? 'headTail' : 'tilted';
}
