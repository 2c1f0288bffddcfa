#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh) and runs the whole test suite with CTest,
# then the sanitized parser tests and 15 s of each fuzzer (scripts/fuzz.sh;
# TESSERA_FUZZ_SECONDS=0 leaves them out). Extra arguments go to ctest (e.g.
# -L unit, -R tst_tile).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="${TESSERA_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" --timeout 900 "$@"
if [[ "${TESSERA_FUZZ_SECONDS:-15}" != 0 && $# -eq 0 ]]; then
  "$root/scripts/fuzz.sh" "${TESSERA_FUZZ_SECONDS:-15}"
fi
