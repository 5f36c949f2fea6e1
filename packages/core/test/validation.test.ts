/**
 * What a user sees for each bad request: a TopKArgumentError whose `argument` names the exact
 * place (down to the row and column of a score), whose `value` is what the user gave, and whose
 * message states the rule broken. Every backend and the CLI validate through these functions.
 */
import { describe, expect, it } from 'vitest';
import { TopKArgumentError, beginLossRequest, validateLogEspRequest, type LogEspRequest, type LossRequest } from '../src/index.js';

/** A valid request of 2 samples of 3 classes, changed by `patch`. */
function loss(patch: Record<string, unknown> = {}): LossRequest {
  return { scores: Float64Array.from([0.5, -1, 2, 0, 1, 3]), shape: [2, 3], labels: [0, 2], k: 1, ...patch } as LossRequest;
}

function esp(patch: Record<string, unknown> = {}): LogEspRequest {
  return { x: Float64Array.from([0.5, -1, 2, 0, 1, 3]), shape: [2, 3], K: 2, ...patch } as LogEspRequest;
}

/** The error `run` throws; fails the test if it throws none or another kind. */
function errorOf(run: () => unknown): TopKArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TopKArgumentError);
    return error as TopKArgumentError;
  }
  throw new Error('accepted, expected a TopKArgumentError');
}

interface Case {
  readonly what: string;
  readonly run: () => unknown;
  readonly argument: string;
  readonly value: unknown;
  /** The rule, as the message ends. */
  readonly rule: string;
}

const lossCases: Case[] = [
  { what: 'a request that is not an object', run: () => beginLossRequest(null as never), argument: 'request', value: null, rule: 'must be an object' },
  { what: 'a request that is a number', run: () => beginLossRequest(5 as never), argument: 'request', value: 5, rule: 'must be an object' },
  { what: 'scores as a plain array', run: () => beginLossRequest(loss({ scores: [0.5, -1, 2, 0, 1, 3] })), argument: 'scores', value: 'object', rule: 'must be a Float32Array or Float64Array' },
  { what: 'scores null', run: () => beginLossRequest(loss({ scores: null })), argument: 'scores', value: 'null', rule: 'must be a Float32Array or Float64Array' },
  { what: 'a shape of one number', run: () => beginLossRequest(loss({ shape: [6] })), argument: 'scores.shape', value: [6], rule: 'must be [rows, columns]' },
  { what: 'a shape that is not an array', run: () => beginLossRequest(loss({ shape: '2x3' })), argument: 'scores.shape', value: '2x3', rule: 'must be [rows, columns]' },
  { what: 'an empty batch', run: () => beginLossRequest(loss({ scores: new Float64Array(0), shape: [0, 3], labels: [] })), argument: 'scores.shape[0]', value: 0, rule: 'must be an integer >= 1 (empty batches are not accepted)' },
  { what: 'one class', run: () => beginLossRequest(loss({ shape: [6, 1] })), argument: 'scores.shape[1]', value: 1, rule: 'must be an integer >= 2' },
  { what: 'a shape that does not match the data', run: () => beginLossRequest(loss({ shape: [2, 4] })), argument: 'scores.length', value: 6, rule: 'must equal rows * columns = 2 * 4 = 8' },
  { what: 'a NaN score, named by row and column', run: () => beginLossRequest(loss({ scores: Float64Array.from([0.5, -1, 2, 0, 1, NaN]) })), argument: 'scores[1][2]', value: NaN, rule: 'must be finite' },
  { what: 'an infinite score in the middle of row 1', run: () => beginLossRequest(loss({ scores: Float64Array.from([0.5, -1, 2, 0, -Infinity, 3]) })), argument: 'scores[1][1]', value: -Infinity, rule: 'must be finite' },
  { what: 'k = n', run: () => beginLossRequest(loss({ k: 3 })), argument: 'k', value: 3, rule: 'must be an integer with 1 <= k <= n - 1 = 2' },
  { what: 'k as a string', run: () => beginLossRequest(loss({ k: '1' })), argument: 'k', value: '1', rule: 'must be an integer with 1 <= k <= n - 1 = 2' },
  { what: 'a negative alpha', run: () => beginLossRequest(loss({ alpha: -0.5 })), argument: 'alpha', value: -0.5, rule: 'must be a finite number >= 0' },
  { what: 'an unknown mode', run: () => beginLossRequest(loss({ mode: 'soft' })), argument: 'mode', value: 'soft', rule: 'must be one of smooth, hard, auto' },
  { what: 'an unknown backward', run: () => beginLossRequest(loss({ backward: 'approx' })), argument: 'backward', value: 'approx', rule: 'must be one of exact, paper' },
  { what: 'an unknown reduction', run: () => beginLossRequest(loss({ reduction: 'max' })), argument: 'reduction', value: 'max', rule: 'must be one of none, mean, sum' },
  { what: 'labels null', run: () => beginLossRequest(loss({ labels: null })), argument: 'labels', value: null, rule: 'must be an array of integers' },
  { what: 'labels missing', run: () => beginLossRequest(loss({ labels: undefined })), argument: 'labels', value: undefined, rule: 'must be an array of integers' },
  { what: 'labels without a length', run: () => beginLossRequest(loss({ labels: 7 })), argument: 'labels', value: 7, rule: 'must be an array of integers' },
  { what: 'fewer labels than samples', run: () => beginLossRequest(loss({ labels: [0] })), argument: 'labels.length', value: 1, rule: 'must equal the batch size 2' },
  { what: 'a label equal to n', run: () => beginLossRequest(loss({ labels: [0, 3] })), argument: 'labels[1]', value: 3, rule: 'must be an integer in 0..2' },
  { what: 'a label given as a string', run: () => beginLossRequest(loss({ labels: [0, '1'] })), argument: 'labels[1]', value: '1', rule: 'must be an integer in 0..2' },
  { what: 'sample weights null', run: () => beginLossRequest(loss({ sampleWeights: null })), argument: 'sampleWeights', value: null, rule: 'must be an array of numbers' },
  { what: 'sample weights without a length', run: () => beginLossRequest(loss({ sampleWeights: 2 })), argument: 'sampleWeights', value: 2, rule: 'must be an array of numbers' },
  { what: 'sample weights of the wrong length', run: () => beginLossRequest(loss({ sampleWeights: [1] })), argument: 'sampleWeights.length', value: 1, rule: 'must equal 2' },
  { what: 'class weights of the wrong length', run: () => beginLossRequest(loss({ classWeights: [1, 1] })), argument: 'classWeights.length', value: 2, rule: 'must equal 3' },
  { what: 'a negative class weight', run: () => beginLossRequest(loss({ classWeights: [1, 1, -1] })), argument: 'classWeights[2]', value: -1, rule: 'must be a finite number >= 0' },
  { what: 'a sample weight given as a string', run: () => beginLossRequest(loss({ sampleWeights: [1, '2'] })), argument: 'sampleWeights[1]', value: '2', rule: 'must be a finite number >= 0' },
  {
    what: 'a product of sample and class weight beyond the largest double',
    run: () => beginLossRequest(loss({ sampleWeights: [1, 1e300], classWeights: [1, 1, 1e10] })),
    argument: 'sampleWeights[1]',
    value: 1e300,
    rule: `times classWeights[2] = 10000000000 must not exceed the largest double ${Number.MAX_VALUE}`,
  },
];

const espCases: Case[] = [
  { what: 'a log-ESP request that is not an object', run: () => validateLogEspRequest(undefined as never), argument: 'request', value: undefined, rule: 'must be an object' },
  { what: 'a log-ESP request that is null', run: () => validateLogEspRequest(null as never), argument: 'request', value: null, rule: 'must be an object' },
  { what: 'x as a plain array', run: () => validateLogEspRequest(esp({ x: [1, 2, 3] })), argument: 'x', value: 'object', rule: 'must be a Float32Array or Float64Array' },
  { what: 'x with no columns', run: () => validateLogEspRequest(esp({ shape: [6, 0] })), argument: 'x.shape[1]', value: 0, rule: 'must be an integer >= 1' },
  { what: 'x whose shape does not match', run: () => validateLogEspRequest(esp({ shape: [3, 3] })), argument: 'x.length', value: 6, rule: 'must equal rows * columns = 3 * 3 = 9' },
  { what: 'a NaN x, named by row and column', run: () => validateLogEspRequest(esp({ x: Float64Array.from([0.5, 1, 2, 0, NaN, 3]) })), argument: 'x[1][1]', value: NaN, rule: 'must be finite' },
  { what: 'K > n', run: () => validateLogEspRequest(esp({ K: 4 })), argument: 'K', value: 4, rule: 'must be an integer with 0 <= K <= n = 3' },
  { what: 'K as a string', run: () => validateLogEspRequest(esp({ K: '1' })), argument: 'K', value: '1', rule: 'must be an integer with 0 <= K <= n = 3' },
];

describe('bad requests: the argument, the value given and the rule', () => {
  for (const c of [...lossCases, ...espCases]) {
    it(c.what, () => {
      const error = errorOf(c.run);
      expect(error.argument).toBe(c.argument);
      expect(error.value).toStrictEqual(c.value);
      expect(error.message.endsWith(`: ${c.rule}`)).toBe(true);
      expect(error.message.startsWith(`invalid ${c.argument} = `)).toBe(true);
    });
  }
});

describe('valid requests: defaults and the shape as given', () => {
  it('resolves tau = 1, alpha = 1, smooth, exact, none, no gradient, no weights', () => {
    const begun = beginLossRequest(loss());
    expect([begun.tau, begun.alpha, begun.mode, begun.backward, begun.reduction, begun.grad]).toStrictEqual([1, 1, 'smooth', 'exact', 'none', false]);
    expect([begun.batch, begun.n, Array.from(begun.labels)]).toStrictEqual([2, 3, [0, 2]]);
    expect(begun.weights).toBeUndefined();
    expect(begun.relativeWeights).toBeUndefined();
    expect(begun.gradScales).toBeUndefined();
  });

  it('accepts float32 scores and K = 0 and K = n for log-ESP', () => {
    expect(beginLossRequest(loss({ scores: Float32Array.from([0.5, -1, 2, 0, 1, 3]) })).n).toBe(3);
    expect(validateLogEspRequest(esp({ K: 0 }))).toStrictEqual([2, 3]);
    expect(validateLogEspRequest(esp({ K: 3 }))).toStrictEqual([2, 3]);
  });
});

describe('the weights a request resolves to', () => {
  it('each sample weight times the class weight of its label, and the same divided by the largest', () => {
    const begun = beginLossRequest(loss({ sampleWeights: [3, 0.5], classWeights: [2, 1, 8] }));
    expect(Array.from(begun.weights!)).toStrictEqual([6, 4]);
    // Divided by 2^(largest exponent) of the products: exact ratios 6 : 4.
    expect(begun.relativeWeights![0] / begun.relativeWeights![1]).toBe(1.5);
  });

  it('the largest |score| comes with the request (the float32 backends scale by it)', () => {
    expect(beginLossRequest(loss({ scores: Float64Array.from([0.5, -1e300, 2, -0, 1, 3]) })).maxAbsScore).toBe(1e300);
    expect(beginLossRequest(loss({ scores: Float32Array.from([-0, -0, 0, 0, 5e-324, -0]) })).maxAbsScore).toBe(0);
    expect(beginLossRequest(loss({ scores: Float64Array.from([-0, 0, 5e-324, 0, -0, 0]) })).maxAbsScore).toBe(5e-324);
    expect(beginLossRequest(loss({ scores: Float32Array.from([1, -3.5, 2, 0, 3.25, -1]) })).maxAbsScore).toBe(3.5);
  });

  it('of several non-finite scores, the first is named', () => {
    const error = errorOf(() => beginLossRequest(loss({ scores: Float64Array.from([0.5, Infinity, 2, NaN, 1, -Infinity]) })));
    expect(error.argument).toBe('scores[0][1]');
    expect(error.value).toBe(Infinity);
  });

  it('products that underflow as doubles keep their ratio; a zero weight stays zero', () => {
    // 1e-310 * 1e-20 and 3e-310 * 1e-20 are 0 as doubles, yet the second is three times the first.
    const begun = beginLossRequest(loss({ scores: Float64Array.from([0.5, -1, 2, 0, 1, 3, 1, 1, 1]), shape: [3, 3], labels: [0, 1, 2], sampleWeights: [0, 1e-310, 3e-310], classWeights: [1, 1e-20, 1e-20] }));
    expect(Array.from(begun.weights!)).toStrictEqual([0, 0, 0]);
    const [zero, one, three] = begun.relativeWeights!;
    expect(zero).toBe(0);
    expect(one).toBeGreaterThan(0);
    expect(Math.abs(three / one - 3)).toBeLessThan(1e-14);
  });

  it('gradient factors: the weights for sum, their shares of the total for mean, none where all are 1', () => {
    const weights = { sampleWeights: [3, 1], classWeights: [1, 1, 1] };
    expect(Array.from(beginLossRequest(loss({ ...weights, reduction: 'sum' })).gradScales!)).toStrictEqual([3, 1]);
    expect(Array.from(beginLossRequest(loss({ ...weights, reduction: 'mean' })).gradScales!)).toStrictEqual([0.75, 0.25]);
    expect(Array.from(beginLossRequest(loss({ reduction: 'mean' })).gradScales!)).toStrictEqual([0.5, 0.5]);
    expect(beginLossRequest(loss({ reduction: 'sum' })).gradScales).toBeUndefined();
    expect(Array.from(beginLossRequest(loss({ sampleWeights: [0, 0], reduction: 'mean' })).gradScales!)).toStrictEqual([0, 0]);
  });
});
