#!/usr/bin/env bash
# Measures the GPU backends (tfjs webgpu, gpu.js webgpu/headlessgl, native tfjs when installed)
# next to core on a machine with a GPU, with the `gpu` profile (a few minutes).
# Run from the repository root after the set-up (see benchmarks/gpu/README.md):
#   benchmarks/gpu/run.sh [--with-tfjs-node] [--with-tfjs-node-gpu] [extra benchmark options]
set -euo pipefail
cd "$(dirname "$0")/../.."

extra=()
for arg in "$@"; do
  case "$arg" in
    # Optional native TF.js: both download libtensorflow at install time (network needed);
    # tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1 on the machine. --no-save keeps package.json as is.
    --with-tfjs-node) npm install --no-save --no-audit --no-fund @tensorflow/tfjs-node@4.22.0 ;;
    --with-tfjs-node-gpu) npm install --no-save --no-audit --no-fund @tensorflow/tfjs-node-gpu@4.22.0 ;;
    *) extra+=("$arg") ;;
  esac
done

node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error("Node >= 20.19 needed, found " + process.version); process.exit(1); }'
[ -f benchmarks/dist/main.js ] || { echo "benchmarks/dist/main.js missing: run 'npm run build' (or carry the built tree, see README)" >&2; exit 1; }

echo "== machine"
(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available")
(command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>/dev/null | grep -E 'deviceName|driverName' || echo "vulkaninfo: not installed (Dawn needs libvulkan1 and the GPU driver's Vulkan ICD)")

# Dawn picks Vulkan with a real GPU; the OpenGL ES fallback (llvmpipe) is only for GPU-less machines,
# so EGL_PLATFORM is left alone unless the caller set it.
out="benchmarks/gpu/out/$(hostname)"
mkdir -p "$out"
cmd=(node benchmarks/dist/main.js --profile gpu
  --backends core,tfjs:webgpu,tfjs:node,tfjs:node-gpu,tfjs:wasm,gpujs:webgpu,gpujs:headlessgl
  --out-dir "$out" --markdown "$out/benchmarks.md" "${extra[@]}")
# gpu.js headlessgl needs an X display; under Xvfb it renders with Mesa, not the GPU (said in the report).
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then cmd=(xvfb-run -a "${cmd[@]}"); fi
echo "== ${cmd[*]}"
timeout 900 "${cmd[@]}" 2>&1 | tee "$out/console.txt"
echo "== results in $out (results.json, SVG charts, benchmarks.md, console.txt)"
