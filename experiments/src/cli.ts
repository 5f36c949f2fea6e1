#!/usr/bin/env node
/**
 * `npm run experiment:noise [-- --quick | --profile pilot] [--write-docs]`: trains every run of
 * a profile that is not stored yet (two worker processes), then writes the report (markdown,
 * SVG charts, every run's record) to the output folder. `--write-docs` also puts the tables and
 * charts into docs/experiments.md (between the profile's markers) and docs/experiments/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { loadDataset } from './dataset.js';
import { planRuns, PROFILES, type Profile } from './profiles.js';
import { renderCharts, renderMarkdown, spliceSection, type DatasetFacts } from './report.js';
import { readRuns, runProfile } from './runner.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(packageDir, '..');

interface CliOptions {
  profile: Profile['name'];
  quick?: boolean;
  outDir?: string;
  cacheDir: string;
  backend: 'wasm' | 'cpu';
  workers: string;
  reportOnly?: boolean;
  writeDocs?: boolean;
  docs: string;
}

const program = new Command()
  .name('experiment-noise')
  .description('Cross-entropy against the smooth top-5 SVM on 100 glyph classes: label noise and training-set size (TF.js)')
  .addOption(new Option('--profile <name>', 'full, pilot or quick').choices(['full', 'pilot', 'quick']).default('full'))
  .option('--quick', 'the quick profile (CI, under 3 minutes)')
  .option('--out-dir <dir>', 'results folder (default experiments/results/<profile>)')
  .option('--cache-dir <dir>', 'where the drawn data set is cached', join(packageDir, '.cache'))
  .addOption(new Option('--backend <name>', 'TF.js backend').choices(['wasm', 'cpu']).default('wasm'))
  .option('--workers <n>', 'worker processes', '2')
  .option('--report-only', 'train nothing; report the runs stored so far')
  .option('--write-docs', "also write the tables and charts into the docs (the profile's section of --docs, SVGs beside it)")
  .option('--docs <file>', 'markdown page for --write-docs', join(repoDir, 'docs', 'experiments.md'));

async function main(): Promise<void> {
  const options = program.parse().opts<CliOptions>();
  const profile = PROFILES[options.quick ? 'quick' : options.profile];
  const outDir = resolve(options.outDir ?? join(packageDir, 'results', profile.name));
  const started = performance.now();
  if (!options.reportOnly) {
    const total = planRuns(profile).length;
    console.log(`${profile.name}: ${total} runs, ${options.workers} worker(s), backend ${options.backend}, results in ${outDir}`);
    let fresh = 0;
    await runProfile(profile, {
      outDir,
      cacheDir: options.cacheDir,
      backend: options.backend,
      workers: Number(options.workers),
      onRun: (finished, all, file) => {
        fresh++;
        const minutes = (performance.now() - started) / 60000;
        const eta = (minutes / fresh) * (all - finished);
        console.log(`[${finished}/${all}] ${file.split('/').pop()} (${minutes.toFixed(1)} min, about ${eta.toFixed(0)} min left)`);
      },
    });
  }
  const runs = await readRuns(profile, outDir);
  const data = await loadDataset(profile.dataset, options.cacheDir);
  const facts: DatasetFacts = {
    train: data.train.count,
    val: data.val.count,
    test: data.test.count,
    faces: {
      train: data.train.faces.map((f) => f.family),
      val: data.val.faces.map((f) => f.family),
      test: data.test.faces.map((f) => f.family),
    },
  };
  const minutes = runs.reduce((a, r) => a + r.seconds, 0) / 60;
  const prefix = `glyphs-${profile.name}`;
  const charts = renderCharts(profile, runs, prefix);
  await mkdir(outDir, { recursive: true });
  for (const [name, svg] of Object.entries(charts)) await writeFile(join(outDir, name), svg);
  await writeFile(join(outDir, 'runs.json'), `${JSON.stringify(runs)}\n`);
  await writeFile(join(outDir, 'report.md'), `${renderMarkdown(profile, runs, facts, '.', prefix, minutes)}\n`);
  console.log(`${runs.length}/${planRuns(profile).length} runs reported in ${join(outDir, 'report.md')}`);
  if (options.writeDocs) {
    const chartDir = join(dirname(options.docs), 'experiments');
    await mkdir(chartDir, { recursive: true });
    for (const [name, svg] of Object.entries(charts)) await writeFile(join(chartDir, name), svg);
    await writeFile(join(chartDir, `${prefix}-runs.json`), `${JSON.stringify(runs)}\n`);
    const page = await readFile(options.docs, 'utf8').catch(() => '# Experiments\n');
    await writeFile(options.docs, spliceSection(page, profile.name, renderMarkdown(profile, runs, facts, 'experiments', prefix, minutes)));
    console.log(`wrote ${options.docs} (section ${profile.name}) and ${chartDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
