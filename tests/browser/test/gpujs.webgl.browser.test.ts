/** gpu.js's webgl mode in the page: the GLSL kernels of headlessgl, on the browser's WebGL 1. */
import { describeGpujsGlMode } from './gpujsGlSuite.js';

describeGpujsGlMode('webgl', 3);
