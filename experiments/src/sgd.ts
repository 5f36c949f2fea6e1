/**
 * SGD with Nesterov momentum and weight decay, step for step as PyTorch's `torch.optim.SGD`
 * (which the official code uses): g = grad + wd * w; b = mu * b + g; w -= lr * (g + mu * b).
 */
import * as tf from '@tensorflow/tfjs';

/** Optimiser settings. */
export interface SgdConfig {
  readonly momentum: number;
  readonly weightDecay: number;
}

/** Momentum buffers for a list of variables. */
export class NesterovSgd {
  private readonly buffers: tf.Variable[];

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly config: SgdConfig,
  ) {
    this.buffers = variables.map((v) => tf.variable(tf.zerosLike(v), false));
  }

  /** One step with learning rate `lr`; `grads[i]` is the gradient of `variables[i]`. */
  step(grads: readonly tf.Tensor[], lr: number): void {
    const { momentum, weightDecay } = this.config;
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const g = weightDecay === 0 ? grads[i] : tf.add(grads[i], tf.mul(w, weightDecay));
        const b = tf.add(tf.mul(this.buffers[i], momentum), g);
        this.buffers[i].assign(b);
        w.assign(tf.sub(w, tf.mul(tf.add(g, tf.mul(b, momentum)), lr)));
      });
    });
  }

  dispose(): void {
    for (const b of this.buffers) b.dispose();
  }
}

/** The step schedule: `lr0`, divided by 10 after 50 % and again after 75 % of the epochs. */
export function learningRateAt(epoch: number, epochs: number, lr0: number): number {
  // epoch is 1-based; the official code decays at the start of epochs 151 and 226 of 300.
  const drops = (epoch > epochs / 2 ? 1 : 0) + (epoch > (3 * epochs) / 4 ? 1 : 0);
  return lr0 / 10 ** drops;
}
