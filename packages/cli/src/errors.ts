/**
 * What the CLI can fail with, and the exit code of each: 2 for bad arguments or input
 * (including every TopKArgumentError of the backends), 3 for a backend that cannot run here,
 * 1 for anything unexpected.
 */

/** Exit codes of `topk`. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** An unexpected error (a bug, or a backend that returned NaN). */
  internal: 1,
  /** Invalid arguments or input: the one-line message on stderr names the argument. */
  invalid: 2,
  /** The backend asked for is known but cannot run on this machine. */
  unavailable: 3,
} as const;

/** A bad command-line argument or input field, named as the user wrote it. */
export class CliArgumentError extends Error {
  /** The argument, e.g. `--backend`, `--input`, `scores[2]`, `labels`. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(`invalid ${argument}: ${message}`);
    this.name = 'CliArgumentError';
    this.argument = argument;
  }
}

/** Whether an error is `@topk/core`'s TopKArgumentError (also from another copy of core). */
export function isTopKArgumentError(error: unknown): error is Error & { argument: string; value: unknown } {
  return error instanceof Error && error.name === 'TopKArgumentError' && typeof (error as { argument?: unknown }).argument === 'string';
}

/** Whether an error is `@topk/core`'s BackendUnavailableError. */
export function isBackendUnavailableError(error: unknown): error is Error & { backend: string } {
  return error instanceof Error && error.name === 'BackendUnavailableError';
}
