/**
 * Which regime (`@topk/core/rows`'s `Regime`) the smooth loss takes on the active TF.js backend.
 */
import { FLOAT32_HEAD_TAIL_BOUND, type Regime } from '@topk/core/rows';
import { DEEP_MAX_DEGREE } from '../trees/deepLevels.js';
import { activeTuning } from '../tuning.js';
import type { TensorLossOptions } from './tensorLossOptions.js';

/** Largest k of the `headTail` regime: its tree ends in deep levels, which hold degrees up to this. */
export const HEAD_TAIL_MAX_K = DEEP_MAX_DEGREE;

/**
 * The regime of a request with n classes: `headTail` (`smoothHeadTail` of headTail.ts)
 * where the active backend's tuning takes it, for k <= HEAD_TAIL_MAX_K and k <= (n + 1)/2 (else
 * the reversed polynomial of the tilted regime needs fewer degrees), and while n^k <=
 * FLOAT32_HEAD_TAIL_BOUND, so that the root coefficients (at least n^-k, see headTail.ts) stay
 * normal float32 numbers; `tilted` otherwise. The paper's gradient takes `tilted` too (it needs
 * each inclusion probability on its own, see paperGradient.ts), and so does the hard loss, which
 * forms no product (the regime then only decides how the label is masked).
 */
export function regimeOf(n: number, options: TensorLossOptions): Regime {
  const { k } = options;
  const paperGradient = options.grad && options.backward === 'paper';
  const headTail =
    activeTuning().headTail && options.mode !== 'hard' && !paperGradient && k <= HEAD_TAIL_MAX_K && n - k + 1 >= k && k * Math.log10(n) <= Math.log10(FLOAT32_HEAD_TAIL_BOUND);
  return headTail ? 'headTail' : 'tilted';
}
