/**
 * @topk/cli as a library: the `topk` command (`runCli`), the backend registry shared by the
 * command and the benchmarks, and the exit codes.
 */
export { runCli, type CliIO } from './cli.js';
export { BACKEND_NAMES, createBackend, listBackends, type BackendAvailability } from './registry.js';
export { ExitCode, CliArgumentError } from './errors.js';
