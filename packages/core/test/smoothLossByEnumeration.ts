/**
 * The smooth and hard top-k SVM losses and their gradients computed straight from their
 * definitions by enumerating every k-subset of the classes: an oracle for tiny n (C(n, k)
 * subsets), independent of core's log-ESP algorithms, shifts and backward schemes.
 *
 *   L = tau log sum_{|S|=k} exp((alpha [y not in S] + mean(s_S)) / tau)
 *     - tau log sum_{|S|=k, y in S} exp(mean(s_S) / tau)
 *
 * and dL/ds_j = (P(j in S) - Q(j in S)) / k, P and Q the Gibbs distributions of the two sums.
 */

/** Every k-subset of 0..n-1, as index arrays. */
export function kSubsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = (from: number, chosen: number[]) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let j = from; j < n; j++) pick(j + 1, [...chosen, j]);
  };
  pick(0, []);
  return out;
}

/** Log-sum-exp of `terms` and the normalised weights exp(term - lse). */
function gibbs(terms: number[]): { lse: number; p: number[] } {
  const max = Math.max(...terms);
  const e = terms.map((t) => Math.exp(t - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return { lse: max + Math.log(sum), p: e.map((v) => v / sum) };
}

/** Smooth top-k SVM loss of one row and its gradient, by enumeration of the k-subsets. */
export function smoothLossByEnumeration(
  s: readonly number[],
  y: number,
  k: number,
  tau: number,
  alpha: number,
): { loss: number; grad: number[] } {
  const n = s.length;
  const all = kSubsets(n, k);
  const withY = all.filter((S) => S.includes(y));
  const mean = (S: number[]) => S.reduce((a, j) => a + s[j], 0) / k;
  const P = gibbs(all.map((S) => ((S.includes(y) ? 0 : alpha) + mean(S)) / tau));
  const Q = gibbs(withY.map((S) => mean(S) / tau));
  const grad = new Array<number>(n).fill(0);
  all.forEach((S, i) => S.forEach((j) => (grad[j] += P.p[i] / k)));
  withY.forEach((S, i) => S.forEach((j) => (grad[j] -= Q.p[i] / k)));
  return { loss: tau * (P.lse - Q.lse), grad };
}

/** Hard top-k SVM loss `max(0, alpha + ((s\y)_[k] - s_y) / k)` of one row. */
export function hardLoss(s: readonly number[], y: number, k: number, alpha: number): number {
  const others = s.filter((_, j) => j !== y).sort((a, b) => b - a);
  return Math.max(0, alpha + (others[k - 1] - s[y]) / k);
}
