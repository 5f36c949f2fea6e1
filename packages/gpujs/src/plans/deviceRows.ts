/**
 * What the host prepares for the device, per row, before either regime's kernels run: the
 * kernels' scores (scaled where float32 could not hold them), the shift and z's offset formed in
 * float64, the head where the regime is `headTail` (the 2k - 1 largest of s\y, the cut and the
 * product of the entries at or above it: plans/head.ts), and the tilt where it is `tilted` or the
 * headTail chain runs balanced (regime.ts).
 */
import { kthLargest, type Regime } from '@topk/core/rows';
import {
  DEVICE_FACTOR_MIN,
  hostScale,
  maxAbs,
  scaledDifference,
  tiltRoundsAway,
  Z_OFFSET_CAP,
  Z_OFFSET_FLOOR,
} from '../float32Range.js';
import { headTailBalanced } from '../regime.js';
import { cutAbove, headCut, headProduct } from './head.js';
import { leafTilt } from './tilt.js';

/** Per-row values the kernels read, in this order: shift, z offset, label, gradient multiplier. */
export const ROW_FIELDS = 4;

/** The device's inputs for a batch of rows, and what the host keeps to finish them. */
export interface DeviceRows {
  readonly batch: number;
  readonly n: number;
  readonly k: number;
  /** tau in the kernels' units (tau / lambda). */
  readonly tau: number;
  /** The scores the kernels read: the float32 scores, or (s - c) / lambda (see float32Range.ts). */
  readonly scores: Float32Array;
  /** {@link ROW_FIELDS} values per row. */
  readonly rowValues: Float32Array;
  /**
   * Per row {@link headFields}(k) values: T[0..k], the product of the head's factors
   * (plans/head.ts), then the cut, in the kernels' units (headTail; empty for `tilted`).
   */
  readonly tops: Float32Array;
  /** Per row the {@link largestCount}(n, k) largest of s\y in the kernels' units, and their positions (headTail). */
  readonly largest: Float64Array;
  readonly largestAt: Int32Array;
  /** Whether the headTail chain runs balanced (regime.ts: its factors divided by their sums). */
  readonly balanced: boolean;
  /** lambda of the host scaling: the device's losses are multiplied by it. */
  readonly lambda: number;
  /** Per row tau (offset - cap) where z's offset was capped, added to its loss. */
  readonly capped: Float64Array;
  /** Rows whose gradient factor is applied on the host (outside [DEVICE_FACTOR_MIN, 1]). */
  readonly hostFactor: Uint8Array;
}

/** Values per row of `DeviceRows.tops`: T[0..k] and the cut. */
export function headFields(k: number): number {
  return k + 2;
}

/** Entries per row of `DeviceRows.largest`: the 2k - 1 largest of s\y, or all n - 1 where it has fewer. */
export function largestCount(n: number, k: number): number {
  return Math.min(2 * k - 1, n - 1);
}

/** The smooth-loss parameters the preparation reads. */
export interface SmoothParameters {
  readonly k: number;
  readonly tau: number;
  readonly alpha: number;
  readonly labels: ArrayLike<number>;
}

/**
 * Prepares the rows of `scores` ([batch, n], float32) for the device in `regime`; `hardRows`
 * marks the rows computed on the host (they get no tilt), `factors` each row's gradient factor.
 */
export function prepareDeviceRows(
  scores: Float32Array,
  batch: number,
  n: number,
  { k, tau, alpha, labels }: SmoothParameters,
  regime: Regime,
  hardRows: Uint8Array,
  factors: Float64Array,
): DeviceRows {
  const tilted = regime === 'tilted';
  const balanced = !tilted && headTailBalanced(n, k);
  // Host scaling (float32Range.ts): the kernels see (s - c) / lambda and tau / lambda.
  const largestScore = maxAbs(scores);
  const lambda = hostScale(tau, k, largestScore);
  // The tilt moves the float32 shift by theta k tau: where the scores' spacing is coarse against
  // k tau that move would round away, so the kernels get differences from the shift instead.
  const scaled = lambda !== 1 || ((tilted || balanced) && tiltRoundsAway(largestScore, k, tau));
  const kernelScores = scaled ? new Float32Array(batch * n) : scores;
  const kernelTau = tau / lambda;
  const rowValues = new Float32Array(batch * ROW_FIELDS);
  // headTail: the head's candidates, the largestCount(n, k) largest; tilted: the k-th largest only.
  const count = tilted ? k : largestCount(n, k);
  const fields = headFields(k);
  const largest = new Float64Array(tilted ? 0 : batch * count);
  const largestAt = new Int32Array(tilted ? 0 : batch * count);
  const tops = new Float32Array(tilted ? 0 : batch * fields);
  const heap = new Float64Array(count);
  const heapAt = new Int32Array(count);
  const sorted = new Float64Array(count);
  const work = new Float64Array(2 * count + k + 1);
  const scale = 1 / (k * kernelTau);
  const capped = new Float64Array(batch);
  const hostFactor = new Uint8Array(batch);
  const tiltWork = tilted || balanced ? new Float64Array(n) : null;
  for (let i = 0; i < batch; i++) {
    const y = labels[i];
    const offset = i * n;
    const least = kthLargest(scores, offset, n, count, y, heap, heapAt);
    // The k-th largest of s\y: the heap's smallest where it holds k.
    let c0 = least;
    if (count > k) {
      sorted.set(heap);
      sorted.sort();
      c0 = sorted[count - k];
    }
    // The shift in the kernels' units: the k-th largest itself, or 0 for the scaled differences.
    let c = c0;
    if (scaled) {
      for (let j = 0; j < n; j++) kernelScores[offset + j] = scaledDifference(scores[offset + j], c0, lambda);
      for (let q = 0; q < count; q++) heap[q] = scaledDifference(heap[q], c0, lambda);
      c = 0;
    }
    const cUntilted = c;
    // The heap's smallest in the kernels' units (scaledDifference keeps the order).
    const smallest = scaled ? scaledDifference(least, c0, lambda) : least;
    // The offset below is formed with the float32 shift the kernels use, so theta's rounding cancels.
    if (tilted && !hardRows[i]) c = Math.fround(c - leafTilt(kernelScores, offset, n, k, y, c, scale, tiltWork!) / scale);
    if (!tilted) {
      largest.set(heap, i * count);
      largestAt.set(heapAt, i * count);
      let cut = headCut(smallest, count, k);
      if (balanced && !hardRows[i]) {
        // Tilted, the head need only hold the entries above the tilted shift, those with p > 1/2
        // (plans/head.ts). The tilt is kept at most -x of the (2k-1)-th largest, which a balancing
        // tilt never passes but its few Newton steps might, so that the head stays in the heap.
        let theta = leafTilt(kernelScores, offset, n, k, y, c, scale, tiltWork!);
        if (count === 2 * k - 1) theta = Math.min(theta, (c - smallest) * scale);
        c = Math.fround(c - theta / scale);
        cut = Math.max(cut, cutAbove(c));
      }
      headProduct(heap, 0, count, cut, k, c, scale, balanced, tops, i * fields, work);
      tops[i * fields + k + 1] = cut;
    }
    rowValues[i * ROW_FIELDS] = c;
    // z = alpha/tau + log sigma_k - log sigma_{k-1} - x_y, x_y = (s_y - c) / (k tau), formed in
    // float64 as tau z's offset = alpha - (s_y - c0) / k plus the tilt, then divided by tau.
    const tauOffset = alpha - (scores[offset + y] - c0) / k + ((c - cUntilted) * lambda) / k;
    const zOffset = tauOffset / tau;
    if (zOffset > Z_OFFSET_CAP) capped[i] = tauOffset - tau * Z_OFFSET_CAP;
    rowValues[i * ROW_FIELDS + 1] = zOffset > Z_OFFSET_CAP ? Z_OFFSET_CAP : zOffset < Z_OFFSET_FLOOR ? Z_OFFSET_FLOOR : zOffset;
    rowValues[i * ROW_FIELDS + 2] = y;
    const f = factors[i];
    hostFactor[i] = f === 0 || (f >= DEVICE_FACTOR_MIN && f <= 1) ? 0 : 1;
    rowValues[i * ROW_FIELDS + 3] = hostFactor[i] ? 1 : f;
  }
  return { batch, n, k, tau: kernelTau, scores: kernelScores, rowValues, tops, largest, largestAt, balanced, lambda, capped, hostFactor };
}

/** Rows `from .. from + count - 1` of a row-major matrix of `width` columns, as a flat kernel argument. */
export function rowsOf<T extends Float32Array>(data: T, from: number, count: number, width: number): T {
  return data.subarray(from * width, (from + count) * width) as T;
}
