/** What float32 holds, for the backends that compute in float32. */

/** The largest finite float32, `(2 - 2^-23) 2^127`: the bound of every float32 backend's range checks. */
export const FLOAT32_MAX = 3.4028234663852886e38;
