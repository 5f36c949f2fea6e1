/**
 * The one registry of backends by name, used by the `topk` command and by the benchmarks.
 *
 * A name is a family (`core`, `tfjs`, `gpujs`) or `family:variant`. `core` computes on the
 * calling thread and `core:threads` splits large batches over worker threads; both are
 * built in. The tfjs and gpujs families are optional packages, loaded only when one of their
 * names is asked for (`await import('@topk/tfjs')`, `'@topk/gpujs'`), so that `@topk/cli`
 * itself needs nothing but `@topk/core`. They are made by their factories
 * `createTfjsBackend(variant)` / `createGpujsBackend(variant)`, where the variant is the part
 * after the colon; the bare family name (`tfjs`, `gpujs`) asks for the family's best available.
 *
 * The variants are those the two packages accept (`TFJS_BACKEND_NAMES`, `GPUJS_MODES`) less
 * the ones only a browser runs ({@link BROWSER_ONLY_VARIANTS}); they are written here rather
 * than imported because importing the packages would load TF.js and gpu.js for every command.
 * The cli tests check that the two lists agree.
 */
import { BackendUnavailableError, createCoreBackend, type TopKBackend } from '@topk/core';
import { CliArgumentError, isBackendUnavailableError, isTopKArgumentError } from './errors.js';

/** The family of a backend: the part of its name before the colon. */
export type BackendFamily = 'core' | 'tfjs' | 'gpujs';

/** An optional backend family: the package that provides it, its factory's export name, and its variants. */
interface OptionalFamily {
  readonly module: string;
  readonly factory: string;
  /** Each variant (after the colon; '' for the family's best available) and the npm packages it needs. */
  readonly variants: Readonly<Record<string, readonly string[]>>;
}

const TFJS_CORE = '@tensorflow/tfjs-core';
const WEBGPU_NODE = ['@topk/webgpu-node', 'webgpu'];

const OPTIONAL_FAMILIES: Readonly<Record<Exclude<BackendFamily, 'core'>, OptionalFamily>> = {
  tfjs: {
    module: '@topk/tfjs',
    factory: 'createTfjsBackend',
    variants: {
      '': [TFJS_CORE, '@tensorflow/tfjs-backend-wasm'],
      cpu: [TFJS_CORE, '@tensorflow/tfjs-backend-cpu'],
      wasm: [TFJS_CORE, '@tensorflow/tfjs-backend-wasm'],
      webgpu: [TFJS_CORE, '@tensorflow/tfjs-backend-webgpu', ...WEBGPU_NODE],
      node: ['@tensorflow/tfjs-node'],
      'node-gpu': ['@tensorflow/tfjs-node-gpu'],
    },
  },
  gpujs: {
    module: '@topk/gpujs',
    factory: 'createGpujsBackend',
    variants: {
      '': ['gpu.js'],
      webgpu: ['gpu.js', ...WEBGPU_NODE],
      headlessgl: ['gpu.js', 'gl'],
      webasm: ['gpu.js'],
      cpu: ['gpu.js'],
    },
  },
};

/** The variants each optional package accepts that only a browser runs (WebGL), so not listed here. */
export const BROWSER_ONLY_VARIANTS: Readonly<Record<Exclude<BackendFamily, 'core'>, readonly string[]>> = {
  tfjs: ['webgl'],
  gpujs: ['webgl2', 'webgl'],
};

/** The built-in backends: one-threaded core (the reference every comparison uses) and core on worker threads. */
const CORE_BACKENDS: Readonly<Record<string, () => TopKBackend>> = {
  core: () => createCoreBackend({ threads: 1 }),
  'core:threads': () => createCoreBackend(),
};

/** Every backend name the registry knows, `core` first, each family's best available before its variants. */
export const BACKEND_NAMES: readonly string[] = [
  ...Object.keys(CORE_BACKENDS),
  ...Object.entries(OPTIONAL_FAMILIES).flatMap(([family, { variants }]) => Object.keys(variants).map((v) => (v === '' ? family : `${family}:${v}`))),
];

/** The names of each family's best available (`tfjs`, `gpujs`): each stands for one of its family's variants. */
export const BEST_AVAILABLE_NAMES: readonly string[] = Object.keys(OPTIONAL_FAMILIES);

/** The family of a known backend name. */
export function familyOf(name: string): BackendFamily {
  const family = name.split(':')[0];
  if (!BACKEND_NAMES.includes(name)) throw new CliArgumentError('--backend', `unknown backend ${JSON.stringify(name)}; known: ${BACKEND_NAMES.join(', ')}`);
  return family as BackendFamily;
}

/**
 * The command that installs what an optional backend needs next to the CLI, e.g.
 * `npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm` for `tfjs:wasm`.
 */
export function installCommand(name: string): string {
  const [familyName, variant = ''] = name.split(':');
  const family = OPTIONAL_FAMILIES[familyName as keyof typeof OPTIONAL_FAMILIES];
  return `npm install ${[family.module, ...family.variants[variant]].join(' ')}`;
}

/** A factory as the tfjs and gpujs packages export it. */
type BackendFactory = (variant: string) => Promise<TopKBackend>;

/**
 * Makes the backend of a name. Throws a {@link CliArgumentError} (exit 2) for an unknown name
 * and a `BackendUnavailableError` (exit 3) when its package or device cannot be loaded here,
 * saying what to install.
 */
export async function createBackend(name: string): Promise<TopKBackend> {
  const family = familyOf(name);
  if (family === 'core') return CORE_BACKENDS[name]();
  const { module, factory: factoryName } = OPTIONAL_FAMILIES[family];
  const variant = name.split(':')[1] ?? '';
  let factory: BackendFactory;
  try {
    // A variable specifier keeps the optional family packages out of the type check and the load.
    const specifier: string = module;
    const loaded = (await import(specifier)) as Record<string, unknown>;
    if (typeof loaded[factoryName] !== 'function') {
      throw new Error(`${module} has no function ${factoryName}() (is it built?)`);
    }
    factory = loaded[factoryName] as BackendFactory;
  } catch (error) {
    throw new BackendUnavailableError(name, `cannot load ${module} (${oneLine(error)}); install it with \`${installCommand(name)}\``);
  }
  try {
    return await factory(variant);
  } catch (error) {
    if (isBackendUnavailableError(error) || isTopKArgumentError(error)) throw error;
    throw new BackendUnavailableError(name, oneLine(error));
  }
}

/** Availability of one backend on this machine. */
export interface BackendAvailability {
  name: string;
  available: boolean;
  /** The backend's precision when available. */
  precision?: string;
  /** Why not, when unavailable. */
  reason?: string;
}

/** Tries every backend (creating and disposing it) and says which can run here. */
export async function listBackends(): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      const backend = await createBackend(name);
      out.push({ name, available: true, precision: backend.precision });
      await backend.dispose();
    } catch (error) {
      // Drop the "backend X is unavailable: " that the name column already says.
      const reason = oneLine(error).replace(`backend ${name} is unavailable: `, '');
      out.push({ name, available: false, reason });
    }
  }
  return out;
}

/** An error's message on one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
