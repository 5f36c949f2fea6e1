/**
 * The `topk` command line: `loss`, `esp` and `backends`, with commander. `runCli` never calls
 * process.exit: it returns the exit code, writes JSON results to `io.stdout` and one-line
 * errors to `io.stderr`, and disposes the backend it made.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { validateLogEspRequest, validateLossRequest } from '@topk/core';
import type { BackwardScheme, LossMode, LossRequest, TopKBackend } from '@topk/core';
import { CliArgumentError, ExitCode, isBackendUnavailableError, isTopKArgumentError } from './errors.js';
import { BACKEND_NAMES, createBackend, listBackends, oneLine } from './registry.js';
import { parseJsonObject, parseMatrix, parseNumbers, readInput } from './input.js';
import { toList, toRows } from './output.js';

/** Where the CLI reads and writes. */
export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** CLI options that name an argument of the library, for error messages. */
const OPTION_OF_ARGUMENT: Record<string, string> = {
  k: '--k',
  tau: '--tau',
  alpha: '--alpha',
  mode: '--mode',
  backward: '--backward',
  K: '--K',
};

/**
 * Parses a number option strictly and without rounding: decimal or exponent notation only
 * (`2`, `-0.5`, `.5`, `1e-3`), plus the words `NaN`, `Infinity` and `-Infinity` so that the
 * library's validation can name the limit they break. Hexadecimal, surrounding spaces, trailing
 * text and the empty string, which `Number()` would take, are errors. The backend validates
 * the value, so `--k 2.5` reaches k and is rejected there.
 */
function parseNumber(value: string): number {
  if (!STRICT_NUMBER.test(value)) {
    throw new InvalidArgumentError('It must be a number in decimal or exponent notation (e.g. 2, 0.5, 1e-3).');
  }
  return Number(value);
}

const STRICT_NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Infinity)$/;

const INPUT_HELP = `
Input (JSON, from --input FILE or stdin):
  {"scores": number[][], "labels": number[]}      one row of n scores and one label per sample
Output (JSON on stdout):
  {"backend": string, "precision": "float32"|"float64",
   "losses": number[],                            per-sample loss (no reduction, no weights)
   "grad": number[][]}                            with --grad: d loss_i / d scores_i, per row

Exit codes: 0 ok, 2 invalid argument or input (one line on stderr naming it),
3 backend unavailable here, 1 internal error.`;

const ESP_HELP = `
Input (JSON, from --input FILE or stdin):
  {"x": number[][]}                               rows of log-space inputs
Output (JSON on stdout):
  {"backend": string, "precision": string,
   "log_esp": (number|null)[][]}                  row i: log sigma_0 .. log sigma_K of exp(x_i);
                                                  null stands for -Infinity (sigma = 0)

Exit codes: 0 ok, 2 invalid argument or input, 3 backend unavailable here, 1 internal error.`;

function backendOption(): Option {
  return new Option('--backend <name>', `backend: ${BACKEND_NAMES.join(', ')}`).default('core');
}

/** Makes the backend, runs `body`, and disposes the backend whatever happens. */
async function withBackend<T>(name: string, body: (backend: TopKBackend) => Promise<T>): Promise<T> {
  const backend = await createBackend(name);
  try {
    return await body(backend);
  } finally {
    await backend.dispose();
  }
}

function buildProgram(io: CliIO): Command {
  const program = new Command('topk')
    .description('Smooth top-k SVM losses and log elementary symmetric polynomials on any topk backend, from JSON.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => {}, // runCli prints every error itself, on one line
    })
    .showSuggestionAfterError(false)
    .addHelpText(
      'after',
      `
Example:
  echo '{"scores": [[2, 0.5, 1, -1]], "labels": [0]}' | topk loss --k 2 --grad

Exit codes: 0 ok, 2 invalid argument or input, 3 backend unavailable here, 1 internal error.`,
    );

  program
    .command('loss')
    .description('per-sample top-k SVM losses (and gradients) of a batch')
    .addOption(backendOption())
    .requiredOption('--k <k>', 'k of top-k, an integer in 1..n-1', parseNumber)
    .option('--tau <tau>', 'temperature tau > 0', parseNumber, 1)
    .option('--alpha <alpha>', 'margin alpha >= 0', parseNumber, 1)
    .addOption(new Option('--mode <mode>', 'smooth loss, hard loss, or the official per-sample switch').choices(['smooth', 'hard', 'auto']).default('smooth'))
    .addOption(new Option('--backward <scheme>', "gradient: exact, or the paper's recursion").choices(['exact', 'paper']).default('exact'))
    .option('--grad', 'also output the gradient of each sample loss with respect to its scores', false)
    .option('--input <file>', 'read the JSON input from a file instead of stdin')
    .addHelpText('after', INPUT_HELP)
    .action(async (opts: { backend: string; k: number; tau: number; alpha: number; mode: LossMode; backward: BackwardScheme; grad: boolean; input?: string }) => {
      const input = parseJsonObject(await readInput(opts.input, io.stdin), opts.input ?? 'stdin');
      const { values, shape } = parseMatrix(input, 'scores');
      const request: LossRequest = {
        scores: values,
        shape,
        labels: parseNumbers(input, 'labels'),
        k: opts.k,
        tau: opts.tau,
        alpha: opts.alpha,
        mode: opts.mode,
        backward: opts.backward,
        reduction: 'none',
        grad: opts.grad,
      };
      // Core's validation first: bad input fails before a backend (and its log noise) loads.
      validateLossRequest(request);
      await withBackend(opts.backend, async (backend) => {
        // Every backend gets the scores in float64, as written: a float32 backend rounds them
        // itself and rejects what float32 cannot hold with an error naming the value given.
        const result = await backend.loss(request);
        const out: Record<string, unknown> = { backend: backend.name, precision: backend.precision, losses: toList(result.losses, 'losses') };
        if (opts.grad) out.grad = toRows(result.grad!, shape[0], shape[1], 'grad');
        io.stdout(`${JSON.stringify(out)}\n`);
      });
    });

  program
    .command('esp')
    .description('log elementary symmetric polynomials log sigma_0..K of exp(x), per row')
    .addOption(backendOption())
    .requiredOption('--K <K>', 'highest degree, an integer in 0..n', parseNumber)
    .option('--input <file>', 'read the JSON input from a file instead of stdin')
    .addHelpText('after', ESP_HELP)
    .action(async (opts: { backend: string; K: number; input?: string }) => {
      const input = parseJsonObject(await readInput(opts.input, io.stdin), opts.input ?? 'stdin');
      const { values, shape } = parseMatrix(input, 'x');
      validateLogEspRequest({ x: values, shape, K: opts.K });
      await withBackend(opts.backend, async (backend) => {
        const result = await backend.logEsp({ x: values, shape, K: opts.K });
        const out = { backend: backend.name, precision: backend.precision, log_esp: toRows(result, shape[0], opts.K + 1, 'log_esp', true) };
        io.stdout(`${JSON.stringify(out)}\n`);
      });
    });

  program
    .command('backends')
    .description('list the backends and whether each can run on this machine')
    .option('--json', 'output JSON instead of a table', false)
    .action(async (opts: { json: boolean }) => {
      const list = await listBackends();
      if (opts.json) {
        io.stdout(`${JSON.stringify(list)}\n`);
        return;
      }
      const width = Math.max(...list.map((b) => b.name.length));
      for (const b of list) {
        io.stdout(`${b.name.padEnd(width)}  ${b.available ? `available (${b.precision})` : `unavailable: ${b.reason}`}\n`);
      }
    });

  return program;
}

/** Runs `topk` on arguments (without `node` and the script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return report(error, io);
  }
}

/** Prints one line for an error and returns its exit code. */
function report(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version were already written; help asked for by a missing command is an error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return ExitCode.invalid;
    io.stderr(`topk: ${oneLine(error.message.replace(/^error: /, ''))}\n`);
    return ExitCode.invalid;
  }
  if (error instanceof CliArgumentError) {
    io.stderr(`topk: ${oneLine(error.message)}\n`);
    return ExitCode.invalid;
  }
  if (isTopKArgumentError(error)) {
    const option = OPTION_OF_ARGUMENT[error.argument];
    io.stderr(`topk: ${oneLine(error.message)}${option ? ` (option ${option})` : ' (input)'}\n`);
    return ExitCode.invalid;
  }
  if (isBackendUnavailableError(error)) {
    io.stderr(`topk: ${oneLine(error.message)}\n`);
    return ExitCode.unavailable;
  }
  io.stderr(`topk: internal error: ${oneLine(error)}\n`);
  return ExitCode.internal;
}
