#!/usr/bin/env node
/**
 * `npm run bench:browser`: builds the benchmark page, serves it, and prints the address to open
 * in a browser on the machine whose CPU and GPU are to be measured. The page runs the
 * benchmark there; this process only serves files.
 */
import { relative } from 'node:path';
import { Command, Option } from 'commander';
import { buildPage, DEFAULT_SITE } from './buildPage.js';
import { serveStatic } from './serveStatic.js';

/** The page's profiles (page/pageProfiles.ts; this side is compiled apart from the page). */
const PAGE_PROFILE_NAMES = ['smoke', 'quick', 'full'];

interface CliOptions {
  port: number;
  host: string;
  profile: string;
  backends?: string;
  build: boolean;
  outDir: string;
}

const options = new Command()
  .name('topk-bench-browser')
  .description('Builds and serves the benchmark page; open the printed address in Chromium or Firefox.')
  .option('--port <port>', 'port to serve on (0: any free port)', (v) => Number.parseInt(v, 10), 8737)
  .option('--host <host>', 'address to listen on (0.0.0.0 to reach it from another machine)', '127.0.0.1')
  .addOption(new Option('--profile <name>', 'profile the page starts with').choices(PAGE_PROFILE_NAMES).default('quick'))
  .option('--backends <names>', 'comma-separated backends or families the page starts with (default: all)')
  .option('--no-build', 'serve the page built last time')
  .option('--out-dir <dir>', 'where the page is built', DEFAULT_SITE)
  .parse(process.argv)
  .opts<CliOptions>();

try {
  if (options.build) {
    const files = await buildPage(options.outDir);
    console.log(`Built the page: ${files.length} files in ${relative(process.cwd(), options.outDir) || options.outDir}`);
  }
  const { url } = await serveStatic(options.outDir, options.port, options.host);
  const query = new URLSearchParams({ profile: options.profile, ...(options.backends ? { backends: options.backends } : {}) });
  console.log(`Serving the benchmark page at ${url}?${query}`);
  console.log('Open it in Chromium or Firefox and press Run (add &autorun=1 to start at once). WebGPU needs a browser that offers it on this origin (localhost counts as secure). Ctrl-C stops the server.');
} catch (error) {
  const code = (error as { code?: unknown }).code;
  console.error(code === 'EADDRINUSE' ? `Port ${options.port} is in use: pass another with --port N (0: any free port).` : error instanceof Error ? error.message : String(error));
  process.exit(1);
}
