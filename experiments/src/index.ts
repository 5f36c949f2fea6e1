/**
 * @topk/experiments: the paper's claims tested in TF.js on 100 glyph classes. The command line
 * (`experiment-noise`) is the main entry; these exports are its parts.
 */
export { GLYPHS, GLYPH_FAMILIES, GROUP_SIZE, groupsOf, groupMembers, type Grouping } from './glyphs.js';
export { addGroupNoise } from './noise.js';
export { discoverFaces, splitFacesByFamily, type FontFace, type FaceSplit } from './fonts.js';
export { GlyphRenderer, type RenderConfig } from './render.js';
export { buildDataset, loadDataset, type DatasetConfig, type GlyphDataset, type Split } from './dataset.js';
export { createLoss, lossName, PAPER_LOSSES, type BatchLoss, type LossSpec } from './losses.js';
export { createMlp, type Mlp, type ModelConfig } from './model.js';
export { NesterovSgd, learningRateAt, type SgdConfig } from './sgd.js';
export { trainRun, subsetIndices, type RunSpec, type RunOutcome, type EpochMetrics, type Accuracy, type TrainConfig } from './train.js';
export { PROFILES, planRuns, readings, runKey, type Profile } from './profiles.js';
export { runProfile, readRuns, runFile, type RunRecord, type RunnerOptions } from './runner.js';
export { spread, noiseRows, fractionRows, curves, type Spread, type Cell, type Row, type Curve } from './summary.js';
export { renderCharts, renderMarkdown, spliceSection, type DatasetFacts, type ReportFiles } from './report.js';
