#!/usr/bin/env bash
# Every test suite (GoogleTest with and without sanitizers, lit, end-to-end,
# integration), run through ctest so its closing summary is the verdict.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KARA_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 900
