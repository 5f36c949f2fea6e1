/**
 * Weighting and reduction, against their definitions: each sample's weight is its sample weight
 * times the class weight of its label; `none` and `sum` return the weighted losses and their sum,
 * `mean` divides that sum by the sum of the weights (not by the batch size), and the gradient of
 * each row is scaled by the same factor as its loss. Per-sample losses come from enumerating the
 * k-subsets, so nothing here is compared with core itself.
 */
import { describe, expect, it } from 'vitest';
import { TopKArgumentError, topkSvmLoss, type Reduction } from '../src/index.js';
import { smoothLossByEnumeration } from './smoothLossByEnumeration.js';

const n = 4;
const k = 2;
const tau = 0.7;
const alpha = 1;
const rows = [
  [0.5, -1.25, 2, 0.75],
  [1.5, 1, -0.5, 3],
  [-2, 0.25, 0.5, 1],
  [2.5, -0.75, 1.25, 0],
];
const labels = [1, 3, 0, 2];
const perSample = rows.map((s, i) => smoothLossByEnumeration(s, labels[i], k, tau, alpha));

function run(reduction: Reduction, sampleWeights?: number[], classWeights?: number[], batch = rows.length) {
  return topkSvmLoss({
    scores: Float64Array.from(rows.slice(0, batch).flat()),
    shape: [batch, n],
    labels: labels.slice(0, batch),
    k,
    tau,
    alpha,
    reduction,
    sampleWeights,
    classWeights,
    grad: true,
  });
}

/** Expected losses, value and gradient for per-sample weights w and the row factor of the reduction. */
function expected(w: number[], reduction: Reduction) {
  const losses = w.map((wi, i) => wi * perSample[i].loss);
  const total = losses.reduce((a, b) => a + b, 0);
  const weightSum = w.reduce((a, b) => a + b, 0);
  const factor = (i: number) => (reduction === 'mean' ? (weightSum > 0 ? w[i] / weightSum : 0) : w[i]);
  const value = reduction === 'mean' ? (weightSum > 0 ? total / weightSum : 0) : total;
  const grad = w.flatMap((_, i) => perSample[i].grad.map((g) => g * factor(i)));
  return { losses, value, grad };
}

function expectClose(actual: ArrayLike<number>, wanted: number[], tolerance: number) {
  expect(actual.length).toBe(wanted.length);
  for (let j = 0; j < wanted.length; j++) expect(Math.abs(actual[j] - wanted[j])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(wanted[j])));
}

describe('reductions of the per-sample losses', () => {
  const sampleWeights = [0.5, 2, 0.25, 3];
  const classWeights = [1, 0.5, 4, 1.5];
  const w = labels.map((y, i) => sampleWeights[i] * classWeights[y]);

  for (const reduction of ['none', 'sum', 'mean'] as const) {
    it(`${reduction}, unweighted: mean divides by the batch size, none and sum add`, () => {
      const r = run(reduction);
      const e = expected([1, 1, 1, 1], reduction);
      expectClose(r.losses, e.losses, 1e-12);
      expectClose([r.value], [e.value], 1e-12);
      expectClose(r.grad!, e.grad, 1e-12);
    });

    it(`${reduction}, weighted: weight = sample weight times the class weight of the label`, () => {
      const r = run(reduction, sampleWeights, classWeights);
      const e = expected(w, reduction);
      expectClose(r.losses, e.losses, 1e-12);
      expectClose([r.value], [e.value], 1e-12);
      expectClose(r.grad!, e.grad, 1e-12);
    });
  }

  it('mean divides by the sum of the weights, which here differs from the batch size', () => {
    const weightSum = w.reduce((a, b) => a + b, 0);
    expect(weightSum).not.toBe(rows.length);
    const r = run('mean', sampleWeights, classWeights);
    const weighted = perSample.reduce((a, p, i) => a + w[i] * p.loss, 0);
    expect(r.value).toBeCloseTo(weighted / weightSum, 12);
    // Only sample weights, only class weights: each alone is the per-sample weight.
    const onlySample = run('mean', sampleWeights);
    expect(onlySample.value).toBeCloseTo(perSample.reduce((a, p, i) => a + sampleWeights[i] * p.loss, 0) / 5.75, 12);
    const onlyClass = run('mean', undefined, classWeights);
    const cw = labels.map((y) => classWeights[y]);
    expect(onlyClass.value).toBeCloseTo(perSample.reduce((a, p, i) => a + cw[i] * p.loss, 0) / 7, 12);
  });

  it('a weight of zero removes its sample from the loss, the mean and the gradient', () => {
    const r = run('mean', [0, 1, 1, 0]);
    expect(r.value).toBeCloseTo((perSample[1].loss + perSample[2].loss) / 2, 12);
    expect(Array.from(r.grad!.subarray(0, n)).every((g) => g === 0)).toBe(true);
    expect(Array.from(r.grad!.subarray(3 * n)).every((g) => g === 0)).toBe(true);
    expect(r.losses[0]).toBe(0);
  });

  it('all weights zero: mean 0 and a zero gradient, not 0 / 0', () => {
    const r = run('mean', [0, 0, 0, 0]);
    expect(r.value).toBe(0);
    expect(Array.from(r.grad!).every((g) => g === 0)).toBe(true);
  });

  it('weights of any magnitude: the mean of huge or tiny weights is the weighted mean of the losses', () => {
    // Powers of two, so that the expected quotients are exact: the mean is (L0 + 3 L1) / 4.
    for (const scale of [2 ** 1000, 2 ** -1000, 2 ** -1060]) {
      const r = run('mean', [scale, 3 * scale], undefined, 2);
      expect(r.value).toBeCloseTo((perSample[0].loss + 3 * perSample[1].loss) / 4, 12);
      expectClose(r.grad!, [...perSample[0].grad.map((g) => g / 4), ...perSample[1].grad.map((g) => (3 * g) / 4)], 1e-12);
    }
  });

  it('a batch of one: mean equals the loss whatever its weight', () => {
    for (const weight of [1, 0.125, 7]) {
      const r = run('mean', [weight], undefined, 1);
      expect(r.value).toBeCloseTo(perSample[0].loss, 12);
      expectClose(r.grad!, perSample[0].grad, 1e-12);
      expect(r.losses[0]).toBeCloseTo(weight * perSample[0].loss, 12);
    }
  });
});

describe('what a double cannot hold is an error naming its cause', () => {
  // Row 0 of `rows` with label 1: a loss of about 3, beyond 1 and below 2.
  const scores = Float64Array.from(rows[0]);
  const lossOfRow0 = smoothLossByEnumeration(rows[0], 1, k, tau, alpha).loss;

  it('a weighted loss beyond the largest double names the sample weight that made it', () => {
    expect(lossOfRow0).toBeGreaterThan(1.5);
    let error: unknown;
    try {
      topkSvmLoss({ scores, shape: [1, n], labels: [1], k, tau, alpha, sampleWeights: [Number.MAX_VALUE / 1.5] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopKArgumentError);
    expect((error as TopKArgumentError).argument).toBe('sampleWeights[0]');
    expect((error as TopKArgumentError).value).toBe(Number.MAX_VALUE / 1.5);
    expect((error as TopKArgumentError).message).toContain(`times the loss ${lossOfRow0.toString().slice(0, 6)}`);
  });

  it("a sum beyond the largest double names the reduction and suggests 'mean'", () => {
    // Each weighted loss fits (weight M / 4 times a loss below 4); their sum over 4 samples does not.
    const batch = Float64Array.from([...rows[0], ...rows[0], ...rows[0], ...rows[0]]);
    const weight = Number.MAX_VALUE / 4;
    const request = { scores: batch, shape: [4, n] as const, labels: [1, 1, 1, 1], k, tau, alpha, sampleWeights: [weight, weight, weight, weight] };
    let error: unknown;
    try {
      topkSvmLoss({ ...request, reduction: 'sum' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopKArgumentError);
    expect((error as TopKArgumentError).argument).toBe('reduction');
    expect((error as TopKArgumentError).value).toBe('sum');
    expect((error as TopKArgumentError).message).toContain("use 'mean' or 'none'");
    // The mean of the same batch is the loss itself.
    expect(Math.abs(topkSvmLoss({ ...request, reduction: 'mean' }).value - lossOfRow0)).toBeLessThan(1e-12);
  });
});
