/**
 * Softmax cross-entropy with its gradient, in float64: the floor the benchmarks compare the
 * top-k losses against (it is the smooth top-1 loss with alpha = 0 and tau = 1).
 */

/** Per-sample cross-entropy of row-major `[batch, n]` scores; writes the gradient when asked. */
export function crossEntropyLoss(
  scores: ArrayLike<number>,
  batch: number,
  n: number,
  labels: ArrayLike<number>,
  grad: Float64Array | null = null,
): Float64Array {
  const losses = new Float64Array(batch);
  for (let i = 0; i < batch; i++) {
    const offset = i * n;
    let max = -Infinity;
    for (let j = offset; j < offset + n; j++) if (scores[j] > max) max = scores[j];
    let sum = 0;
    for (let j = offset; j < offset + n; j++) {
      const e = Math.exp(scores[j] - max);
      if (grad !== null) grad[j] = e;
      sum += e;
    }
    const y = labels[i];
    losses[i] = max + Math.log(sum) - scores[offset + y];
    if (grad !== null) {
      const inv = 1 / sum;
      for (let j = offset; j < offset + n; j++) grad[j] *= inv;
      grad[offset + y] -= 1;
    }
  }
  return losses;
}
