#!/usr/bin/env node
/**
 * The `topk` executable: runs the CLI and lets Node end by itself with the command's exit code
 * once the output is flushed and the backend disposed.
 */
import { runCli } from './cli.js';

/** How long the process may stay alive after the command finished before the safety net ends it. */
const EXIT_GRACE_MS = 5_000;

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;

// Safety net: every backend releases its devices and workers in dispose(), so Node normally
// exits at once (tested for core, tfjs and gpu.js with WebGPU). Native TensorFlow (tfjs:node,
// tfjs:node-gpu) cannot be tested on the project's machines; should a native library keep a
// handle open anyway, a script would wait on `topk` forever. This timer, which by itself keeps
// nothing alive, ends such a process and says so on stderr.
setTimeout(() => {
  process.stderr.write(`topk: the backend kept the process alive ${EXIT_GRACE_MS / 1000} s after dispose(); exiting\n`);
  process.exit(code);
}, EXIT_GRACE_MS).unref();
