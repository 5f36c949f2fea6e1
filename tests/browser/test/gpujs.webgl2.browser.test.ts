/** gpu.js's webgl2 mode in the page: the GLSL kernels of headlessgl, on the browser's WebGL 2. */
import { describeGpujsGlMode } from './gpujsGlSuite.js';

describeGpujsGlMode('webgl2', 3);
