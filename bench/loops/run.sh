#!/bin/sh
# Usage: bench/loops/run.sh BUILD_DIR  (kara-tidy built there)
# Rewrites image.cpp with kara-tidy --fix, builds the original and the
# rewrite with g++-12 -O2 against the runtime sources, runs each 5 times
# (the rewrite with KARA_THREADS=1 and 2) and prints every time.
set -e
B=$(cd "$1" && pwd); S=$(cd "$(dirname "$0")/../.." && pwd); W=$(mktemp -d)
cp "$S/bench/loops/image.cpp" "$W/original.cpp"; cp "$W/original.cpp" "$W/rewritten.cpp"
INC="-I$S/runtime/include -I$S/annotations/include"
"$B/bin/kara-tidy" --checks=-*,kara-parallelize --fix --quiet "$W/rewritten.cpp" -- -std=c++20 $INC >/dev/null 2>&1
grep -q for_each_index "$W/rewritten.cpp"
CXX=${CXX:-g++-12}
$CXX -std=c++20 -O2 -Wno-attributes $INC "$W/original.cpp" -o "$W/original" -pthread
$CXX -std=c++20 -O2 -Wno-attributes $INC "$W/rewritten.cpp" "$S"/runtime/src/*.cpp -o "$W/rewritten" -pthread
for i in 1 2 3 4 5; do
  echo "original: $("$W/original")"
  echo "rewritten, 1 worker: $(KARA_THREADS=1 "$W/rewritten")"
  echo "rewritten, 2 workers: $(KARA_THREADS=2 "$W/rewritten")"
done
rm -rf "$W"
