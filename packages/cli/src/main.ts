#!/usr/bin/env node
/** The `topk` executable: runs the CLI, flushes stdout, and exits with its code. */
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
// Exit explicitly: a GPU backend may leave handles (devices, workers) that would keep Node alive.
process.stdout.write('', () => process.exit(code));
