/**
 * Typed errors. Every bad argument raises a {@link TopKArgumentError} that names the argument
 * and the offending value, on every backend, so that callers and the CLI can report it.
 */

/** An argument that the losses cannot accept: names the argument and the bad value. */
export class TopKArgumentError extends Error {
  /** The argument, e.g. `scores`, `labels[3]`, `k`, `tau`. */
  readonly argument: string;
  /** The offending value (a number, a shape, ...). */
  readonly value: unknown;

  constructor(argument: string, value: unknown, requirement: string) {
    super(`invalid ${argument} = ${formatValue(value)}: ${requirement}`);
    this.name = 'TopKArgumentError';
    this.argument = argument;
    this.value = value;
  }
}

/** A backend that cannot run here: says why and what to install. */
export class BackendUnavailableError extends Error {
  /** The backend name as asked for. */
  readonly backend: string;

  constructor(backend: string, reason: string) {
    super(`backend ${backend} is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}

/** A backend used after its `dispose()`: every backend, core included, throws this. */
export class BackendDisposedError extends Error {
  /** The backend name, e.g. `core`, `tfjs:wasm`. */
  readonly backend: string;

  constructor(backend: string) {
    super(`backend ${backend} was disposed: create a new one`);
    this.name = 'BackendDisposedError';
    this.backend = backend;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
