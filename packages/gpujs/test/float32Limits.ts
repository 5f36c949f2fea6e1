/**
 * Float32 limits: parameters and weights that float32 cannot hold are computed with the host's
 * float64 help (compared with core), and what a float32 result cannot hold is refused up front
 * with a TopKArgumentError naming the argument, the value given and the limit. Never NaN.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CoreBackend, TopKArgumentError, type LossRequest } from '@topk/core';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '../src/index.js';

const core = new CoreBackend();
const FLOAT32_MAX = 3.4028234663852886e38;

/** Three rows of 7 spread scores (float32), times `scale`. */
function rows(scale: number): Float32Array {
  return new Float32Array(21).map((_, i) => Math.fround(Math.sin(i * 1.3 + 0.2) * 3 * scale));
}

function expectFinite(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) expect(Number.isFinite(values[i]), `entry ${i} = ${values[i]}`).toBe(true);
}

/** Loss within 1e-5 relative (floor 1) and gradient within 1e-5 absolute of core, all finite. */
async function expectAgreement(backend: GpujsBackend, request: LossRequest): Promise<void> {
  const got = await backend.loss(request);
  const want = await core.loss(request);
  expectFinite(got.losses);
  expect(Number.isFinite(got.value)).toBe(true);
  for (let i = 0; i < want.losses.length; i++) {
    expect(Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i])), `loss ${i}: ${got.losses[i]} vs ${want.losses[i]}`).toBeLessThan(1e-5);
  }
  expect(Math.abs(got.value - want.value) / Math.max(1, Math.abs(want.value))).toBeLessThan(1e-5);
  if (request.grad) {
    expectFinite(got.grad!);
    for (let j = 0; j < want.grad!.length; j++) expect(Math.abs(got.grad![j] - want.grad![j]), `gradient ${j}`).toBeLessThan(1e-5);
  }
}

/** Registers the float32-limit tests of one mode. */
export function describeFloat32Limits(mode: GpujsMode): void {
  describe(`gpujs:${mode} at the float32 limits`, () => {
    let backend: GpujsBackend;
    const live = async () => (backend ??= await createGpujsBackend(mode));
    afterAll(() => backend?.dispose());
    const base = { shape: [3, 7] as const, labels: [0, 3, 6], k: 2, grad: true };

    it.each([1e-39, 1e-300, 1e39, 1e300, 2 ** -60, 2 ** 60])('tau = %s (1 / (k tau) or tau beyond float32): loss and gradient as core', async (tau) => {
      for (const scale of [1e-3, 1, 1e4]) await expectAgreement(await live(), { ...base, scores: rows(scale), tau });
    }, 300_000);

    it.each([
      [1e20, 1e-20],
      [1e10, 1e-30],
      [3e38, 1],
      [1e300, 1e-300],
    ])('alpha = %s, tau = %s (alpha / tau beyond float32): loss and gradient as core', async (alpha, tau) => {
      await expectAgreement(await live(), { ...base, scores: rows(1), tau, alpha });
    }, 300_000);

    it('scores near the float32 maximum, with tau 1 and 1e-30: as core', async () => {
      const scores = new Float32Array([3e38, -3e38, 0, 1, 2e38, -1e38, 5, 1, 2, 3, 4, 5, 6, 7, FLOAT32_MAX, -FLOAT32_MAX, 0, 0, 1e38, 1e38, 1]);
      await expectAgreement(await live(), { ...base, scores, tau: 1 });
      await expectAgreement(await live(), { ...base, scores, tau: 1e-30 });
    }, 300_000);

    // Exact values from the definition (sums over the k-subsets, one of them dominating by 1e17 or more):
    // loss softplus(1) and gradient entries sigmoid(1) / 2, sigmoid(+-1/2) / 2.
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    it.each([
      { scores: [-1e17, -1e17, 1e17], label: 0, loss: Math.log1p(Math.E), grad: [-sigmoid(1) / 2, sigmoid(1) / 2, 0] },
      { scores: [1e30, 0, 0], label: 2, loss: Math.log1p(Math.E), grad: [0, sigmoid(1) / 2, -sigmoid(1) / 2] },
      { scores: [1e20, -1e20, 0, 1], label: 1, loss: 1 + 5e19 + Math.log1p(Math.exp(0.5)), grad: [0, -0.5, sigmoid(-0.5) / 2, sigmoid(0.5) / 2] },
    ])('scores far apart ($scores, label $label, k 2): loss and gradient as the definition gives them', async ({ scores, label, loss, grad }) => {
      const got = await (await live()).loss({ scores: Float32Array.from(scores), shape: [1, scores.length], labels: [label], k: 2, grad: true });
      expect(Math.abs(got.losses[0] - loss) / Math.max(1, loss)).toBeLessThan(1e-5);
      for (let j = 0; j < grad.length; j++) expect(Math.abs(got.grad![j] - grad[j]), `gradient ${j}`).toBeLessThan(1e-5);
    }, 300_000);

    it('float64 scores beyond the float32 range: TopKArgumentError naming scores[row][column], the value and the limit', async () => {
      for (const bad of [1e39, -4e38]) {
        const scores = Float64Array.from(rows(1));
        scores[9] = bad;
        const error = await (await live()).loss({ ...base, scores }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TopKArgumentError);
        expect((error as TopKArgumentError).argument).toBe('scores[1][2]');
        expect((error as TopKArgumentError).value).toBe(bad);
        expect((error as Error).message).toContain(String(FLOAT32_MAX));
      }
      // 3.4028235e38 rounds to the float32 maximum: accepted.
      const scores = Float64Array.from(rows(1));
      scores[9] = 3.4028235e38;
      await expectAgreement(await live(), { ...base, scores: Float32Array.from(scores) });
      const got = await (await live()).loss({ ...base, scores });
      expectFinite(got.grad!);
    }, 300_000);

    it('log-ESP of float64 entries beyond the float32 range: TopKArgumentError naming x[row][column]', async () => {
      const error = await (await live()).logEsp({ x: new Float64Array([0, 1, 2e39]), shape: [1, 3], K: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TopKArgumentError);
      expect((error as TopKArgumentError).argument).toBe('x[0][2]');
      expect((error as TopKArgumentError).value).toBe(2e39);
    }, 300_000);

    it('sample weights of 1e39: losses and the mean gradient as core; a sum gradient beyond float32 refused naming sampleWeights[0]', async () => {
      const sampleWeights = [1e39, 1e38, 2];
      await expectAgreement(await live(), { ...base, scores: rows(1), sampleWeights, reduction: 'mean' });
      await expectAgreement(await live(), { ...base, scores: rows(1), sampleWeights, reduction: 'sum', grad: false });
      for (const reduction of ['sum', 'none'] as const) {
        const error = await (await live()).loss({ ...base, scores: rows(1), sampleWeights, reduction }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TopKArgumentError);
        expect((error as TopKArgumentError).argument).toBe('sampleWeights[0]');
        expect((error as TopKArgumentError).value).toBe(1e39);
        expect((error as Error).message).toContain(String(FLOAT32_MAX));
      }
    }, 300_000);

    it('tiny and large weights (1e-40 .. 1e30) with every reduction: as core', async () => {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        await expectAgreement(await live(), { ...base, scores: rows(1), sampleWeights: [1e-40, 1, 1e-30], reduction });
        await expectAgreement(await live(), { ...base, scores: rows(1), sampleWeights: [1e30, 0.5, 1e-10], reduction: 'mean' });
      }
    }, 300_000);
  });
}
