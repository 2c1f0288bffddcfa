#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer) and the torch-free unit tests built the same way,
# runs those tests, then each fuzzer for SECONDS (default 60) from its seed
# corpus (tests/fuzz/corpus/<name>). New inputs go to a throwaway
# folder; a crash leaves its input as crash-* in the build folder and this
# script fails. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Environment: TESSERA_FUZZ_BUILD_DIR (default ./build-fuzz),
# TESSERA_CLIP_VOCAB (default ../shared/data/clip/bpe_simple_vocab_16e6.txt.gz;
# the tokenizer target is skipped without it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(ncnn_param tile_plan clip_tokenizer pickle safetensors checkpoint)
build="${TESSERA_FUZZ_BUILD_DIR:-$root/build-fuzz}"
export TESSERA_CLIP_VOCAB="${TESSERA_CLIP_VOCAB:-$root/../shared/data/clip/bpe_simple_vocab_16e6.txt.gz}"

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup.sh installs it)" >&2; exit 1; }
export CCACHE_BASEDIR="$root"
cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"

export UBSAN_OPTIONS="print_stacktrace=1"
failed=0
# The sanitized unit tests (the parsers', plans' and loaders' own).
ASAN_OPTIONS="detect_leaks=1" ctest --test-dir "$build" --output-on-failure || failed=1
# LibTorch keeps allocations alive until exit; leaks are not what we look for.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
for target in "${targets[@]}"; do
  if [[ "$target" == clip_tokenizer && ! -f "$TESSERA_CLIP_VOCAB" ]]; then
    echo "fuzz: $target skipped (no CLIP vocabulary at $TESSERA_CLIP_VOCAB)"
    continue
  fi
  found=$(mktemp -d)
  echo "fuzz: $target for ${seconds} s"
  if ! (cd "$build" && "./fuzz_$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
          -max_len=65536 -print_final_stats=1 "$found" "$root/tests/fuzz/corpus/$target" 2>"$build/$target.log"); then
    echo "fuzz: $target FAILED; the input is in $build (crash-*), the log in $build/$target.log" >&2
    tail -40 "$build/$target.log" >&2
    failed=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/$target.log" | tr '\n' ' '; echo
  fi
  rm -rf "$found"
done
exit "$failed"
