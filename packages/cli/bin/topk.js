#!/usr/bin/env node
// The `topk` executable. A committed file (not dist/) so that npm links it at install time,
// before anything is built; it runs the compiled CLI.
import('../dist/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('topk: @topk/cli is not built: run `npm run build` at the repository root\n');
  } else {
    process.stderr.write(`topk: ${error && error.stack ? error.stack : error}\n`);
  }
  process.exitCode = 1;
});
