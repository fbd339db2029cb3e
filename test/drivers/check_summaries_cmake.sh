#!/bin/sh
# kara_summaries() (cmake/KaraSummaries.cmake) in a small project: ninja
# runs one map step per source and one link; touching one .cpp re-runs its
# map step and the link only, touching a header the map steps of the units
# that include it, and nothing else runs when nothing changed.
#   check_summaries_cmake.sh KARA_SUMMARIZE KARA_CMAKE_DIR LINK_INPUTS CXX
set -eu
summarize=$1 cmake_dir=$2 inputs=$3 cxx=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp "$inputs"/chain*.cpp "$inputs"/chain.h "$work/src/"
cat > "$work/src/CMakeLists.txt" <<CMAKE
# An old policy version (CMP0116 OLD), as many projects still ask for.
cmake_minimum_required(VERSION 3.13)
project(chain CXX)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
include("$cmake_dir/KaraSummaries.cmake")
file(GLOB sources *.cpp)
add_library(chain STATIC \${sources})
kara_summaries(TARGET chain OUTPUT kara-summaries.json)
CMAKE
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DKARA_SUMMARIZE_EXECUTABLE="$summarize" > "$work/configure.log"
steps() { # the build actions ninja runs for `chain_kara_summaries`
  ninja -C "$work/build" chain_kara_summaries > "$work/out.log" 2>&1 ||
    { cat "$work/out.log"; exit 1; }
  grep -o 'kara-summarize --[a-z]* [^ ]*' "$work/out.log" | sort | tr '\n' ' '
}
fail() { echo "FAIL: $*"; exit 1; }

first=$(steps)
[ "$(echo "$first" | grep -o -- '--map' | wc -l)" -eq 10 ] ||
  fail "first build: expected 10 map steps, got: $first"
echo "$first" | grep -q -- '--link kara-summaries.json' ||
  fail "first build: no link step: $first"
grep -q '"f1": {' "$work/build/kara-summaries.json" || fail "no f1 entry"
python3 - "$work/build/kara-summaries.json" <<'PY' || fail "chain not resolved"
import json, sys
db = json.load(open(sys.argv[1]))["functions"]
assert all(db["f%d" % i].get("writes") == ["sink"] for i in range(1, 11)), db
PY

[ -z "$(steps)" ] || fail "nothing changed, yet steps ran"

sleep 1; touch "$work/src/chain5.cpp"
again=$(steps)
[ "$again" = "kara-summarize --link kara-summaries.json kara-summarize --map chain5.cpp " ] ||
  fail "touching chain5.cpp ran: $again"

sleep 1; touch "$work/src/chain.h"
header=$(steps)
[ "$(echo "$header" | grep -o -- '--map' | wc -l)" -eq 10 ] ||
  fail "touching chain.h (included by every unit) ran: $header"
echo "PASS: 10 maps + link; no-op; chain5.cpp -> its map + link; chain.h -> 10 maps + link"
