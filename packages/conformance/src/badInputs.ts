/**
 * The bad inputs every backend must reject with a `TopKArgumentError` naming the argument,
 * built for the backend's precision (Float32Array scores for float32 backends).
 */
import { type LogEspRequest, type LossRequest, type Precision } from '@topk/core';
import { toMatrix } from './compare.js';

/** One bad request and how the error must name its argument. */
export interface BadInput {
  /** What is wrong, e.g. `NaN score`. */
  readonly name: string;
  /** Which method it goes to. */
  readonly method: 'loss' | 'logEsp';
  /** The request, for a backend of the given precision. */
  request(precision: Precision): LossRequest | LogEspRequest;
  /** Whether `TopKArgumentError.argument` names the right argument. */
  names(argument: string): boolean;
  /** What `argument` should look like, for messages. */
  readonly expected: string;
}

const is = (name: string) => (argument: string) => argument === name;
const startsWith = (prefix: string) => (argument: string) => argument.startsWith(prefix);
const label = (argument: string) => /^labels\[\d+\]$/.test(argument);

/** A valid 2 x 3 request, changed by `patch`. */
function loss(precision: Precision, patch: Partial<LossRequest> & { values?: number[] } = {}): LossRequest {
  const { values = [0.5, -1, 2, 0, 1, 3], ...rest } = patch;
  return { scores: toMatrix(precision, values), shape: [2, 3], labels: [0, 2], k: 1, tau: 1, alpha: 1, grad: true, ...rest };
}

function esp(precision: Precision, patch: Partial<LogEspRequest> & { values?: number[] } = {}): LogEspRequest {
  const { values = [0.5, -1, 2, 0, 1, 3], ...rest } = patch;
  return { x: toMatrix(precision, values), shape: [2, 3], K: 2, ...rest };
}

function lossCase(name: string, expected: string, names: (a: string) => boolean, patch: (p: Precision) => Partial<LossRequest> & { values?: number[] }): BadInput {
  return { name, method: 'loss', expected, names, request: (p) => loss(p, patch(p)) };
}

function espCase(name: string, expected: string, names: (a: string) => boolean, patch: (p: Precision) => Partial<LogEspRequest> & { values?: number[] }): BadInput {
  return { name, method: 'logEsp', expected, names, request: (p) => esp(p, patch(p)) };
}

/**
 * The bad-input list: NaN and infinite scores, labels out of range or not integers, k outside
 * 1..n-1 or not an integer, tau <= 0 or not finite, alpha < 0, shape mismatches, empty
 * batches, bad options and weights, and log-ESP degrees outside 0..n.
 * With `paperBackward`, also the k that the paper's series cannot serve.
 */
export function badInputs(options: { paperBackward?: boolean } = {}): BadInput[] {
  const list: BadInput[] = [
    lossCase('NaN score', 'scores[1][2]', startsWith('scores'), () => ({ values: [0.5, -1, 2, 0, 1, NaN] })),
    lossCase('+Infinity score', 'scores[0][0]', startsWith('scores'), () => ({ values: [Infinity, -1, 2, 0, 1, 3] })),
    lossCase('-Infinity score', 'scores[0][1]', startsWith('scores'), () => ({ values: [0.5, -Infinity, 2, 0, 1, 3] })),
    lossCase('label = n', 'labels[1]', label, () => ({ labels: [0, 3] })),
    lossCase('label = -1', 'labels[0]', label, () => ({ labels: [-1, 2] })),
    lossCase('non-integer label', 'labels[1]', label, () => ({ labels: [0, 1.5] })),
    lossCase('NaN label', 'labels[0]', label, () => ({ labels: [NaN, 1] })),
    lossCase('labels shorter than the batch', 'labels...', startsWith('labels'), () => ({ labels: [0] })),
    lossCase('k = 0', 'k', is('k'), () => ({ k: 0 })),
    lossCase('k = n', 'k', is('k'), () => ({ k: 3 })),
    lossCase('k = -1', 'k', is('k'), () => ({ k: -1 })),
    lossCase('non-integer k', 'k', is('k'), () => ({ k: 1.5 })),
    lossCase('NaN k', 'k', is('k'), () => ({ k: NaN })),
    lossCase('tau = 0', 'tau', is('tau'), () => ({ tau: 0 })),
    lossCase('tau < 0', 'tau', is('tau'), () => ({ tau: -1 })),
    lossCase('NaN tau', 'tau', is('tau'), () => ({ tau: NaN })),
    lossCase('infinite tau', 'tau', is('tau'), () => ({ tau: Infinity })),
    lossCase('alpha < 0', 'alpha', is('alpha'), () => ({ alpha: -0.5 })),
    lossCase('NaN alpha', 'alpha', is('alpha'), () => ({ alpha: NaN })),
    lossCase('infinite alpha', 'alpha', is('alpha'), () => ({ alpha: Infinity })),
    lossCase('shape does not match the data', 'scores...', startsWith('scores'), () => ({ shape: [2, 4] })),
    lossCase('data longer than the shape', 'scores...', startsWith('scores'), () => ({ values: [0.5, -1, 2, 0, 1, 3, 4] })),
    lossCase('empty batch [0, n]', 'scores...', startsWith('scores'), () => ({ values: [], shape: [0, 3], labels: [] })),
    lossCase('one class [batch, 1]', 'scores... or k', (a) => a.startsWith('scores') || a === 'k', () => ({ values: [1, 2], shape: [2, 1] })),
    lossCase('non-integer shape', 'scores...', startsWith('scores'), () => ({ shape: [1.5, 4] })),
    lossCase('unknown mode', 'mode', is('mode'), () => ({ mode: 'soft' as never })),
    lossCase('unknown backward', 'backward', is('backward'), () => ({ backward: 'approx' as never })),
    lossCase('unknown reduction', 'reduction', is('reduction'), () => ({ reduction: 'max' as never })),
    lossCase('negative sample weight', 'sampleWeights[1]', startsWith('sampleWeights'), () => ({ sampleWeights: [1, -1] })),
    lossCase('sample weights of the wrong length', 'sampleWeights...', startsWith('sampleWeights'), () => ({ sampleWeights: [1] })),
    lossCase('NaN class weight', 'classWeights[2]', startsWith('classWeights'), () => ({ classWeights: [1, 1, NaN] })),
    lossCase('class weights of the wrong length', 'classWeights...', startsWith('classWeights'), () => ({ classWeights: [1, 1] })),
    espCase('log-ESP: K > n', 'K', is('K'), () => ({ K: 4 })),
    espCase('log-ESP: K < 0', 'K', is('K'), () => ({ K: -1 })),
    espCase('log-ESP: non-integer K', 'K', is('K'), () => ({ K: 1.5 })),
    espCase('log-ESP: NaN x', 'x[0][1]', startsWith('x'), () => ({ values: [0.5, NaN, 2, 0, 1, 3] })),
    espCase('log-ESP: infinite x', 'x[1][0]', startsWith('x'), () => ({ values: [0.5, 1, 2, -Infinity, 1, 3] })),
    espCase('log-ESP: shape does not match the data', 'x...', startsWith('x'), () => ({ shape: [3, 3] })),
    espCase('log-ESP: empty batch [0, n]', 'x...', startsWith('x'), () => ({ values: [], shape: [0, 3] })),
  ];
  if (options.paperBackward) {
    // n = 6, k = 5: p = floor(1 + 0.2 * 5) = 2 and k + p - 1 = 6 > n - 1.
    list.push({
      name: "paper backward: k too large for the paper's series",
      method: 'loss',
      expected: 'k',
      names: is('k'),
      request: (p) => ({ scores: toMatrix(p, [1, 2, 3, 4, 5, 6]), shape: [1, 6], labels: [0], k: 5, backward: 'paper', grad: true }),
    });
  }
  return list;
}
