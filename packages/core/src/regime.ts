/**
 * The two ways of laying out the generating polynomial of one row,
 * `prod_j (1 + exp(x_j) t)` with `x_j = (s_j - c) / (k tau)` and `c` the row's k-th largest score
 * without the label, of which the loss needs the coefficients of degrees `k - 1` and `k`
 * (docs/math.md, "Two regimes"). Every backend names them so.
 *
 * - `headTail`: the entries above the shift (the head: at most `k - 1`; a backend may add
 *   entries equal to the shift to make up `k - 1`) enter as the inverted factors
 *   `exp(-x_j) + t`, all others (the tail) as the factors `1 + exp(x_j) t`, with
 *   `exp(x_j)` in (0, 1]. Core computes every row so in float64 (the head in log space, the
 *   tail in rescaled linear space). A float32 backend may do so only where no coefficient it
 *   forms can leave the float32 range: while its bound stays within {@link FLOAT32_HEAD_TAIL_BOUND}.
 * - `tilted`: every factor divided by its own sum, `(1 + exp(x_j + theta) t) / (1 + exp(x_j + theta))`,
 *   the distribution of a Bernoulli variable with `p_j = sigmoid(x_j + theta)`, so that every
 *   coefficient of every product is a probability. The tilt `theta` (one per row) moves the mean
 *   of their sum near `k - 1/2`, where the coefficients the loss needs are large; it changes
 *   `log sigma_k - log sigma_{k-1}` by exactly `theta`, which is taken out again. The float32
 *   backends use it wherever they do not use the head/tail layout.
 */
export type Regime = 'headTail' | 'tilted';

/**
 * Largest coefficient a float32 backend lets the head/tail layout reach: float32 overflows at
 * 3.4e38, and the margin leaves room for the rounding and the rescaling of sums.
 */
export const FLOAT32_HEAD_TAIL_BOUND = 1e30;
