/**
 * @topk/benchmarks: the comparative benchmark behind `npm run bench` (entry point `main.ts`).
 * The modules are exported for reuse, e.g. to render charts from a saved report.
 */
export { PROFILES, type Profile } from './profiles.js';
export { discoverBackends, ALL_BACKEND_NAMES, type FoundBackend, type SkippedBackend } from './backends.js';
export { runSpeedGrid, measure, type SpeedResult, type SkippedConfig, type Operation } from './speed.js';
export { runAlgorithms, type AlgorithmResult } from './algorithms.js';
export { runStabilityGrid, runExactVectors, compareRows, logEspSummationLinearFloat32, type StabilityCell, type ExactVectorRow } from './stability.js';
export { runPytorch, type PytorchReport } from './pytorch.js';
export { checkTargets, computeRatios, type BenchmarkReport, type Ratio, type TargetCheck } from './report.js';
export { writeCharts, renderSvg } from './charts.js';
export { chartSpecs, speedChartSpecs, stabilityChartSpecs, type ChartSpec } from './chartSpecs.js';
export { renderMarkdown } from './markdown.js';
