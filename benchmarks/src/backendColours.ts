/**
 * One colour per backend, the same on every chart of every run: a reader who learns that core
 * is black in one chart finds it black in the next. PyTorch on CPU thread counts other than one
 * share a colour.
 */
const COLOURS: readonly (readonly [name: string | RegExp, colour: string])[] = [
  ['core', '#000000'],
  ['core:threads', '#7f7f7f'],
  ['tfjs:cpu', '#ffbb78'],
  ['tfjs:wasm', '#ff7f0e'],
  ['tfjs:webgl', '#bcbd22'],
  ['tfjs:webgpu', '#d62728'],
  ['tfjs:node', '#8c564b'],
  ['tfjs:node-gpu', '#e377c2'],
  ['gpujs:cpu', '#aec7e8'],
  ['gpujs:webasm', '#1f77b4'],
  ['gpujs:headlessgl', '#17becf'],
  ['gpujs:webgl', '#9edae5'],
  ['gpujs:webgl2', '#2ca02c'],
  ['gpujs:webgpu', '#9467bd'],
  ['pytorch (1 thread)', '#c49c94'],
  [/^pytorch \(\d+ threads\)$/, '#f7b6d2'],
  ['pytorch (cuda)', '#98df8a'],
];

const OTHER = '#c7c7c7';

/** The colour of a backend (a light grey for names this list does not know). */
export function backendColour(name: string): string {
  return COLOURS.find(([pattern]) => (typeof pattern === 'string' ? pattern === name : pattern.test(name)))?.[1] ?? OTHER;
}

/** A vega-lite colour scale that gives each of `names` its own fixed colour, listed in this file's order. */
export function backendColourScale(names: Iterable<string>): { domain: string[]; range: string[] } {
  const rank = (name: string) => {
    const i = COLOURS.findIndex(([pattern]) => (typeof pattern === 'string' ? pattern === name : pattern.test(name)));
    return i < 0 ? COLOURS.length : i;
  };
  const domain = [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { domain, range: domain.map(backendColour) };
}
