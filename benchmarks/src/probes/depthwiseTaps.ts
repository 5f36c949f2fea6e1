/**
 * The TF.js costs behind the layout of @topk/tfjs's product tree at large k (docs/tfjs.md,
 * "Large k"): the time of one `tf.depthwiseConv2d` per multiply-add by filter height (taps), at
 * about 4e6 multiply-adds a call with up to 14 output rows (the shapes of the tree's convolution
 * levels), and the time of reversing the rows of a `[9, 16384]` matrix four ways. On wasm it
 * shows XNNPACK's single-pass heights (9 and 25 taps), which the tree pads its filters to, and
 * the cost of TF.js's `Reverse`, which the tree replaces with a row-copying kernel.
 *
 * Usage, after the packages and the benchmarks are built:
 *
 * ```sh
 * node benchmarks/dist/probes/depthwiseTaps.js [tfjs backend, default wasm] [--rounds N]
 * ```
 *
 * Every figure is the median of `--rounds` calls (default 5) after one warm-up call.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadTfjsBackend, TFJS_BACKEND_NAMES, type TfjsBackendName } from '@topk/tfjs';

/** The filter heights timed: XNNPACK's fast ones (9, 25) among their neighbours. */
export const TAP_HEIGHTS = [2, 3, 4, 5, 8, 9, 10, 14, 16, 17, 25, 26, 33, 64, 129, 201] as const;

/** Multiply-adds per timed convolution. */
const WORK = 4e6;

/** Median ms of `rounds` calls of `make`, each result read back and disposed, after one warm-up call. */
export async function medianMs(make: () => tf.Tensor, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const t0 = performance.now();
    const y = make();
    await y.data();
    y.dispose();
    if (r > 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Channels (a multiple of 256, at least 256) that give about {@link WORK} multiply-adds at this filter height. */
export function channelsFor(taps: number, outRows: number): number {
  return Math.max(256, Math.round(WORK / (taps * outRows) / 256) * 256);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '5' } } });
  const name = (positionals[0] ?? 'wasm') as TfjsBackendName;
  if (!TFJS_BACKEND_NAMES.includes(name)) {
    console.error(`usage: node benchmarks/dist/probes/depthwiseTaps.js [${TFJS_BACKEND_NAMES.join(' | ')}] [--rounds N]`);
    process.exit(2);
  }
  const rounds = Number(values.rounds);
  const loaded = await loadTfjsBackend(name);
  await tf.setBackend(loaded.tfName);

  for (const taps of TAP_HEIGHTS) {
    const outRows = Math.min(taps, 14);
    const channels = channelsFor(taps, outRows);
    const x = tf.randomUniform([1, outRows + taps - 1, 1, channels]) as tf.Tensor4D;
    const filter = tf.randomUniform([taps, 1, channels, 1]) as tf.Tensor4D;
    const ms = await medianMs(() => tf.depthwiseConv2d(x, filter, 1, 'valid'), rounds);
    console.log(`tfjs:${name} taps ${String(taps).padStart(3)} out ${String(outRows).padStart(2)} channels ${String(channels).padStart(6)}: ` +
      `${ms.toFixed(2).padStart(7)} ms, ${((ms * 1e6) / (taps * outRows * channels)).toFixed(2)} ns a multiply-add`);
    tf.dispose([x, filter]);
  }

  const rows = tf.randomUniform([9, 16384]) as tf.Tensor2D;
  const antiIdentity = tf.tensor2d(Array.from({ length: 81 }, (_, i) => (Math.floor(i / 9) + (i % 9) === 8 ? 1 : 0)), [9, 9]);
  const reversedIndex = tf.tensor1d([8, 7, 6, 5, 4, 3, 2, 1, 0], 'int32');
  const ways: Record<string, () => tf.Tensor> = {
    reverse: () => tf.reverse(rows, 0),
    gather: () => tf.gather(rows, reversedIndex, 0),
    'matMul(J, R)': () => tf.matMul(antiIdentity, rows),
    stridedSlice: () => tf.stridedSlice(rows, [8, 0], [-10, 16384], [-1, 1]),
  };
  for (const [way, make] of Object.entries(ways)) {
    console.log(`tfjs:${name} rows of [9, 16384] reversed by ${way}: ${(await medianMs(make, rounds)).toFixed(2)} ms`);
  }
  tf.dispose([rows, antiIdentity, reversedIndex]);
  process.exit(0);
}

// Run as a script; importing the module (for its helpers) runs nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
