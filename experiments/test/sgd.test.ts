import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { learningRateAt, NesterovSgd } from '../src/sgd.js';

describe('learningRateAt', () => {
  it('divides by 10 where the official code does: epochs 151 and 226 of 300', () => {
    expect(learningRateAt(1, 300, 0.1)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(150, 300, 0.1)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(151, 300, 0.1)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(225, 300, 0.1)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(226, 300, 0.1)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(300, 300, 0.1)).toBeCloseTo(0.001, 12);
  });
});

describe('NesterovSgd', () => {
  it('follows torch.optim.SGD(nesterov=True, weight_decay): g = grad + wd w; b = mu b + g; w -= lr (g + mu b)', async () => {
    await tf.setBackend('cpu');
    const w0 = [0.5, -1.25, 2];
    const w = tf.variable(tf.tensor1d(w0));
    const sgd = new NesterovSgd([w], { momentum: 0.9, weightDecay: 0.01 });
    // The loss sum(w^2 * c) has gradient 2 c w; the reference runs in float64.
    const c = [1, 3, 0.5];
    const ref = [...w0];
    const buf = [0, 0, 0];
    for (let step = 0; step < 5; step++) {
      const lr = step < 3 ? 0.1 : 0.01;
      const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.square(x), tf.tensor1d(c))))(w));
      sgd.step([grad], lr);
      grad.dispose();
      for (let i = 0; i < 3; i++) {
        const g = 2 * c[i] * ref[i] + 0.01 * ref[i];
        buf[i] = 0.9 * buf[i] + g;
        ref[i] -= lr * (g + 0.9 * buf[i]);
      }
    }
    const got = Array.from(w.dataSync());
    got.forEach((value, i) => expect(Math.abs(value - ref[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[i]))));
    sgd.dispose();
    w.dispose();
  });
});
