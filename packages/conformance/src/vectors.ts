/**
 * The exact test vectors (100-digit arithmetic, see shared/vectors/README.md): where they are
 * and their shape. Found through the environment variable TOPK_VECTORS, or next to the
 * repository as `<repo root>/../shared/vectors/exact.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One smooth top-k SVM case of exact.json. */
export interface ExactLossCase {
  n: number;
  k: number;
  tau: number;
  alpha: number;
  scale: number;
  /** `[batch][n]` scores. */
  scores: number[][];
  labels: number[];
  /** Exact smooth loss per sample. */
  smooth: number[];
  /** Exact hard loss per sample. */
  hard: number[];
  /** Exact gradient of each sample's smooth loss, `[batch][n]`. */
  grad: number[][];
}

/** One log-ESP case of exact.json. */
export interface ExactLogEspCase {
  x: number[];
  K: number;
  /** `log sigma_0 .. log sigma_K` of `exp(x)`. */
  log_esp: number[];
}

/** The contents of exact.json. */
export interface ExactVectors {
  smooth_topk_svm: ExactLossCase[];
  log_esp: ExactLogEspCase[];
}

/**
 * The monorepo root: the nearest directory at or above `from` whose package.json declares
 * `workspaces`. Throws if there is none.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined) return dir;
      } catch {
        // An unreadable package.json is not the root; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with "workspaces" at or above ${from}: cannot find the topk repository root`);
    dir = parent;
  }
}

/** Path of exact.json: `$TOPK_VECTORS`, else `<repo root>/../shared/vectors/exact.json`. */
export function exactVectorsPath(): string {
  const fromEnv = process.env.TOPK_VECTORS;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return resolve(findRepoRoot(), '..', 'shared', 'vectors', 'exact.json');
}

/** Reads exact.json; throws an error that names the path and the variable to set when it is missing. */
export function loadExactVectors(path: string = exactVectorsPath()): ExactVectors {
  if (!existsSync(path)) {
    throw new Error(
      `exact test vectors not found at ${path}: set TOPK_VECTORS to the path of exact.json ` +
        `(by default <repo root>/../shared/vectors/exact.json)`,
    );
  }
  const vectors = JSON.parse(readFileSync(path, 'utf8')) as ExactVectors;
  if (!Array.isArray(vectors.smooth_topk_svm) || !Array.isArray(vectors.log_esp)) {
    throw new Error(`${path} does not hold "smooth_topk_svm" and "log_esp" arrays`);
  }
  return vectors;
}
