/**
 * What a kernel function is, and the source text gpu.js compiles from it: the function's own
 * text with every snippet call replaced by the snippet's body and every shared constant by its
 * value (see snippets.ts).
 */
import { expOfMinusAbs, log1pOfFraction, LOG_ZERO, LOG_ZERO_BELOW, quotient } from './snippets.js';

/** What gpu.js provides as `this` inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/** A kernel function as the kernel files write it. */
export type KernelFunction = (this: KernelThis, ...args: never[]) => number;

/** The snippets a kernel may call, by name. */
const SNIPPETS: Record<string, (...args: never[]) => number> = { expOfMinusAbs, log1pOfFraction, quotient };

/** The constants a kernel may name, by name. */
const CONSTANTS: Record<string, number> = { LOG_ZERO, LOG_ZERO_BELOW };

/** A snippet split into its parameters, its statements and its returned expression. */
interface Snippet {
  params: string[];
  statements: string;
  result: string;
  locals: string[];
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

function parseSnippet(name: string, fn: (...args: never[]) => number): Snippet {
  const match = /^function\s*[\w$]*\s*\(([^)]*)\)\s*\{([\s\S]*)\breturn\s+([^;]+);\s*\}\s*$/.exec(fn.toString());
  if (match === null) throw new Error(`snippet ${name}: expected statements and one final return`);
  const params = match[1].split(',').map((p) => p.trim()).filter((p) => p !== '');
  const locals = [...match[2].matchAll(/\b(?:const|let)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  return { params, statements: match[2], result: match[3], locals };
}

/** `text` with every identifier found in `names` replaced by its value there. */
function rename(text: string, names: Map<string, string>): string {
  return text.replace(IDENTIFIER, (id, at: number) => {
    // Property names (Math.floor) and digits of numbers (1e-6) are left alone.
    const before = text[at - 1];
    if (before === '.' || (before !== undefined && /[\w$]/.test(before))) return id;
    return names.get(id) ?? id;
  });
}

/** The snippet's body for `declaration name = snippet(args);`, its locals suffixed with `_name`. */
function expand(snippet: Snippet, declaration: string, name: string, args: string[]): string {
  const names = new Map<string, string>();
  snippet.params.forEach((param, i) => names.set(param, args[i]));
  for (const local of snippet.locals) names.set(local, `${local}_${name}`);
  return `${rename(snippet.statements, names).trim()}\n${declaration} ${name} = ${rename(snippet.result, names)};`;
}

const parsed = new Map<string, Snippet>();

/**
 * The source text of `kernel` for gpu.js: each `const name = snippet(a, b);` (or `let`) replaced
 * by the snippet's body, each shared constant by its value. Throws where a snippet is called in
 * any other form (its arguments must be plain names).
 */
export function kernelSource(kernel: KernelFunction): string {
  let source = kernel.toString();
  for (const [snippetName, fn] of Object.entries(SNIPPETS)) {
    if (!source.includes(snippetName)) continue;
    let snippet = parsed.get(snippetName);
    if (snippet === undefined) parsed.set(snippetName, (snippet = parseSnippet(snippetName, fn)));
    const call = new RegExp(`\\b(const|let)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*${snippetName}\\(\\s*([\\w$]+(?:\\s*,\\s*[\\w$]+)*)\\s*\\);`, 'g');
    source = source.replace(call, (_, declaration: string, name: string, args: string) =>
      expand(snippet!, declaration, name, args.split(',').map((a) => a.trim())),
    );
    if (new RegExp(`\\b${snippetName}\\b`).test(source)) throw new Error(`${kernel.name}: call ${snippetName} as \`const name = ${snippetName}(names);\``);
  }
  for (const [constant, value] of Object.entries(CONSTANTS)) {
    source = source.replace(new RegExp(`\\b${constant}\\b`, 'g'), `(${value})`);
  }
  return source;
}
