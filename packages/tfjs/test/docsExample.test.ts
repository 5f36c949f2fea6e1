/** Runs the model.compile example of docs/tfjs.md verbatim (the code block under "Training with model.compile"). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import ts from 'typescript';
import * as topk from '../src/index.js';

it('the model.compile example of docs/tfjs.md trains: loss falls, top-3 accuracy rises', async () => {
  const page = readFileSync(fileURLToPath(new URL('../../../docs/tfjs.md', import.meta.url)), 'utf8');
  const section = page.slice(page.indexOf('## Training with `model.compile`'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  // Replace the imports by the modules in scope, capture the history instead of printing it.
  const typed = code.replace(/^import .*$/gm, '').replace(/console\.log\((.*)\);/, 'return history;');
  // Strip the types (TypeScript's own transpiler), so the page's code runs as written.
  const body = ts.transpileModule(typed, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const run = new Function('tf', 'topk', `const { topkSvmKerasLoss, topKCategoricalAccuracy } = topk; return (async () => { ${body} })();`);
  const history = (await run(tf, topk)) as tf.History;
  const losses = history.history.loss as number[];
  const accuracy = history.history.top3Accuracy as number[];
  expect(losses.length).toBe(15);
  expect(losses[14]).toBeLessThan(0.7 * losses[0]);
  expect(accuracy[14]).toBeGreaterThan(accuracy[0]);
});
