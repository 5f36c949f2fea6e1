#!/usr/bin/env bash
# Packs the built repository (sources, dist/ folders and node_modules) into one tarball to carry
# to a GPU machine that cannot reach the npm registry. Build it on the same OS and CPU
# architecture (node_modules holds native binaries: Dawn's webgpu, gl).
#   benchmarks/gpu/pack.sh [OUTPUT.tgz]
set -euo pipefail
cd "$(dirname "$0")/../.."
output="${1:-/tmp/topk-gpu.tgz}"
[ -f benchmarks/dist/main.js ] || npm run build
# Source maps are not needed to run.
tar czf "$output" --exclude=.git --exclude='*.map' --exclude='.turbo' --exclude='benchmarks/gpu/out' .
ls -lh "$output"
