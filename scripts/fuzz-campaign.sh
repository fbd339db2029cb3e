#!/usr/bin/env bash
# A long differential-testing campaign of kara-tidy --fix (docs/fuzzing.md):
#   scripts/fuzz-campaign.sh N [FIRST_SEED] [run_fuzz.py options...]
# runs N generated programs from FIRST_SEED (default 1000, outside the
# ctest's seed set) with test/fuzz/run_fuzz.py. Environment: KARA_BUILD_DIR
# (default build/), KARA_FUZZ_JOBS (default 2), KARA_FUZZ_WORK (default
# BUILD/fuzz-campaign). Prints the share of programs with a rewrite and the
# failures by class; failing programs stay in WORK/fail/; exit status 1 when
# anything failed. Reduce one with test/fuzz/reduce.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 N [FIRST_SEED] [run_fuzz.py options...]" >&2
  exit 2
fi
n=$1
first=1000
shift
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  first=$1
  shift
fi
build=${KARA_BUILD_DIR:-$root/build}
work=${KARA_FUZZ_WORK:-$build/fuzz-campaign}
mkdir -p "$work"
exec python3 "$root/test/fuzz/run_fuzz.py" --build "$build" --src "$root" \
  --seeds "$first-$((first + n - 1))" -j "${KARA_FUZZ_JOBS:-2}" \
  --work "$work" --json "$work/results.json" --quiet "$@"
