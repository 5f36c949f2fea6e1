/**
 * Which regime (core's `Regime`, see @topk/core/rows) computes the smooth loss of a shape here.
 */
import { FLOAT32_HEAD_TAIL_BOUND, logBinomial, type Regime } from '@topk/core/rows';
import { treeShape } from './tree.js';

const HEAD_TAIL_BOUND_LOG = Math.log(FLOAT32_HEAD_TAIL_BOUND);

/**
 * The regime of rows of n entries at this k. `headTail` where every coefficient of degree
 * m <= k of the padded tree's nodes and of F = R T (the root times the head's product,
 * kernels/headTail.ts) stays within `FLOAT32_HEAD_TAIL_BOUND`: each is a product of at most
 * `leaves` factors with coefficients in [0, 1] (every entry of s\y is a leaf or a head factor,
 * never both), so at most C(leaves, m) <= C(leaves, min(k, leaves / 2)). That holds for the common shapes (n = 1000, k = 5: C(1024, 5) = 9e12); n = 4097 at
 * k = 40 (C(8192, 40) ~ 1e109) is `tilted`, as are rows of up to 4 entries (the headTail chain
 * starts at tree level 3).
 */
export function regimeOf(n: number, k: number): Regime {
  const { depth } = treeShape(n, k);
  if (depth < 3) return 'tilted';
  const leaves = 2 ** depth;
  return logBinomial(leaves, Math.min(k, leaves / 2)) <= HEAD_TAIL_BOUND_LOG ? 'headTail' : 'tilted';
}
