/** What float32 holds, for the backends that compute in float32. */

/** The largest finite float32, `(2 - 2^-23) 2^127`: the bound of every float32 backend's range checks. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The float32 backends' log 0: a finite stand-in for `-Infinity` in tensors and kernels (where
 * `-Infinity - -Infinity` would be NaN), far below any log a finite input produces and far
 * above `-FLOAT32_MAX`, so that sums of a few stay finite.
 */
export const FLOAT32_LOG_ZERO = -1e30;

/** A float32 log below this is read back as log 0, `-Infinity` (a sum of logs with one {@link FLOAT32_LOG_ZERO}). */
export const FLOAT32_LOG_ZERO_BELOW = -1e29;
