/**
 * @topk/cli as a library: the `topk` command (`runCli`), the backend registry shared by the
 * command and the benchmarks, and the exit codes.
 */
export { runCli, type CliIO } from './cli.js';
export { BACKEND_NAMES, BEST_AVAILABLE_NAMES, BROWSER_ONLY_VARIANTS, createBackend, familyOf, installCommand, listBackends, type BackendAvailability, type BackendFamily } from './registry.js';
export { ExitCode, CliArgumentError } from './errors.js';
