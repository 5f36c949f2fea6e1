#!/usr/bin/env bash
# Sets up a fresh machine (Debian 12, Node 20, as root): the system packages the backends
# need, the npm workspaces from the lockfile, and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  # gpu.js headlessgl: the npm `gl` package builds from source and renders under Xvfb.
  xvfb libxi-dev libglu1-mesa-dev libglew-dev pkg-config python3 make g++
  # WebGPU in Node (Dawn) on Mesa: OpenGL ES through EGL on llvmpipe, Vulkan on real GPUs.
  mesa-vulkan-drivers libvulkan1 libegl1 libgles2 libegl-mesa0
  # tests/browser: Chromium, driven headless by Playwright (WebGL 2 and WebGPU on SwiftShader).
  chromium
  # experiments: the glyph data set is drawn from these font families (found through fontconfig).
  fontconfig fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf
  fonts-urw-base35 fonts-cmu fonts-noto-core fonts-noto-mono fonts-ebgaramond fonts-roboto-unhinted
  fonts-open-sans fonts-linuxlibertine fonts-paratype fonts-crosextra-carlito fonts-crosextra-caladea
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export TURBO_TELEMETRY_DISABLED=1
echo "setup: installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund
echo "setup: building"
npx turbo run build
