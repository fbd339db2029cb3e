#!/usr/bin/env bash
# docs/getting-started.md followed literally on a fresh copy of this sample
# project, once per compiler: install Kara, configure with
# find_package(Kara), kara-summarize, a -Werror build, the CI recipe
# (kara-tidy with the project's .clang-tidy, WarningsAsErrors), SARIF
# validated for GitHub code scanning, run-clang-tidy-19, the plugin in
# clang-tidy-19, stock clang-tidy-19, and CMAKE_CXX_CLANG_TIDY.
#
#   run.sh --kara-build DIR --work DIR --cxx g++-12|clang++-19 [--fetch SCRIPT]
#
# Every step that fails stops the script with "FAIL: <step>" (exit 1). The
# SARIF schema validation is skipped with a message, and nothing else, when
# the schema cannot be fetched from npm.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kara_build= work= cxx= fetch=
while [ $# -gt 0 ]; do
  case $1 in
    --kara-build) kara_build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --cxx) cxx=$2; shift 2 ;;
    --fetch) fetch=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$kara_build" ] && [ -n "$work" ] && [ -n "$cxx" ] || { echo "usage: see run.sh" >&2; exit 2; }

fail() { echo "FAIL: $*"; exit 1; }
step() { echo; echo "=== $*"; }
# expect_in FILE PATTERN WHAT / expect_not_in FILE PATTERN WHAT
expect_in() { grep -qE -- "$2" "$1" || { cat "$1"; fail "$3: no '$2'"; }; }
expect_not_in() { ! grep -qE -- "$2" "$1" || { grep -E -- "$2" "$1"; fail "$3: '$2'"; }; }

rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix

step "cmake --install (getting-started §2)"
cmake --install "$kara_build" --prefix "$prefix" > "$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install"; }
export PATH=$prefix/bin:$PATH
[ -f "$prefix/share/doc/kara/checks/kara-effect-contract.md" ] || fail "docs not installed"

# A fresh copy, as a user's checkout, with the .clang-tidy that
# getting-started §4 shows, taken from the page.
cp -r "$here" "$work/shop" && rm -f "$work/shop/run.sh"
cd "$work/shop" || fail "cd"
awk '/^Configuration is clang-tidy/{s=1} s&&/^```yaml/{f=1;next} f&&/^```/{exit} f' \
  "$here/../../docs/getting-started.md" > .clang-tidy
grep -q "WarningsAsErrors" .clang-tidy || fail "no .clang-tidy in getting-started.md §4"

step "configure with find_package(Kara) ($cxx)"
cmake -S . -B build -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
[ -f build/compile_commands.json ] || fail "no compile_commands.json"

step "kara-summarize (getting-started §10)"
kara-summarize -p build -o build/kara-summaries.json > "$work/summarize.log" 2>&1 ||
  { cat "$work/summarize.log"; fail "kara-summarize"; }
expect_in build/kara-summaries.json '"shop::loyalty_points"' "summaries"

step "build with -Werror"
cmake --build build > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "-Werror build"; }
expect_not_in "$work/build.log" "warning:" "build warnings"
./build/shop-report > "$work/run.log" || fail "shop-report"

step "CI: kara-tidy with the project's .clang-tidy"
kara-tidy -p build src/*.cpp > kara.txt 2>&1
status=$?
cat kara.txt
[ $status -eq 0 ] || fail "kara-tidy exit $status on a clean project (parallelization suggestions must not fail CI)"
expect_in kara.txt "include/shop/shop.h:[0-9]+:[0-9]+: warning: 2 statements can run in parallel.*\[kara-parallelize\]" \
  "kara-parallelize suggestion in the header (HeaderFilterRegex)"
expect_not_in kara.txt "unknown warning option|unknown attribute|clang-analyzer|incompatible|error:" "kara-tidy"

step "kara-sarif and SARIF validation"
kara-sarif kara.txt --base-dir "$PWD" --exit-code $status -o kara.sarif || fail "kara-sarif"
if [ -n "$fetch" ]; then
  python3 "$here/../drivers/check_sarif.py" kara.sarif --fetch "$fetch"
  rc=$?
  case $rc in
    0) ;;
    77) echo "NOTE: SARIF schema validation skipped (see above); GitHub's required fields were checked" ;;
    *) fail "SARIF validation" ;;
  esac
fi
kara-sarif --version | grep -q "Kara for C++" || fail "kara-sarif --version"

step "CI fails on a contract violation"
cp ci/violation.cpp src/violation.cpp
kara-tidy -p build src/violation.cpp > violation.txt 2>&1
status=$?
cat violation.txt
[ $status -ne 0 ] || fail "a contract violation did not fail the CI recipe"
expect_in violation.txt "error: 'audit' writes\(AuditLog\).*\[kara-effect-contract,-warnings-as-errors\]" "violation"
rm src/violation.cpp

step "CI fails on a missing effects database"
mv effects/legacy.json effects/legacy.json.away
kara-tidy -p build src/orders.cpp > nodb.txt 2>&1
status=$?
mv effects/legacy.json.away effects/legacy.json
cat nodb.txt
[ $status -ne 0 ] || fail "a missing effects database did not fail the CI recipe"
expect_in nodb.txt "error: cannot load the kara effects database .*effects/legacy.json" "missing database"

step "run-clang-tidy-19 -clang-tidy-binary kara-tidy"
run-clang-tidy-19 -clang-tidy-binary "$prefix/bin/kara-tidy" -p build -j 2 > run-clang-tidy.txt 2>&1
status=$?
[ $status -eq 0 ] || { cat run-clang-tidy.txt; fail "run-clang-tidy-19 exit $status"; }
expect_in run-clang-tidy.txt "\[kara-parallelize\]" "run-clang-tidy-19 ran the kara checks"
expect_not_in run-clang-tidy.txt "unknown warning option|error:" "run-clang-tidy-19"

step "the plugin in clang-tidy-19"
clang-tidy-19 --load="$prefix/lib/libKaraTidyPlugin.so" --checks='-*,kara-*' \
  -p build src/report.cpp > plugin.txt 2>&1
status=$?
[ $status -eq 0 ] || { cat plugin.txt; fail "clang-tidy-19 --load exit $status"; }
expect_not_in plugin.txt "unknown warning option|error:" "plugin"

step "stock clang-tidy-19 (an existing clang-tidy CI) still passes"
clang-tidy-19 --checks='-*,clang-diagnostic-*,clang-analyzer-*' --warnings-as-errors='*' \
  -p build src/*.cpp > stock.txt 2>&1
status=$?
[ $status -eq 0 ] || { cat stock.txt; fail "stock clang-tidy-19 exit $status"; }
expect_not_in stock.txt "warning:|error:" "stock clang-tidy-19"

step "CMAKE_CXX_CLANG_TIDY=kara-tidy"
cmake -S . -B build-tidy -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_CLANG_TIDY="$prefix/bin/kara-tidy" > "$work/configure-tidy.log" 2>&1 ||
  { cat "$work/configure-tidy.log"; fail "configure with CMAKE_CXX_CLANG_TIDY"; }
cmake --build build-tidy > "$work/build-tidy.log" 2>&1 ||
  { cat "$work/build-tidy.log"; fail "build with CMAKE_CXX_CLANG_TIDY"; }
expect_in "$work/build-tidy.log" "\[kara-parallelize\]" "CMAKE_CXX_CLANG_TIDY ran the kara checks"
expect_not_in "$work/build-tidy.log" "unknown warning option|error:" "CMAKE_CXX_CLANG_TIDY"
# ... and a contract violation fails the build.
cp ci/violation.cpp src/violation.cpp
sed -i 's|add_library(shop src/catalog.cpp src/orders.cpp)|add_library(shop src/catalog.cpp src/orders.cpp src/violation.cpp)|' CMakeLists.txt
if cmake --build build-tidy > "$work/build-tidy-violation.log" 2>&1; then
  cat "$work/build-tidy-violation.log"; fail "CMAKE_CXX_CLANG_TIDY build passed with a contract violation"
fi
expect_in "$work/build-tidy-violation.log" "\[kara-effect-contract,-warnings-as-errors\]" "CMAKE_CXX_CLANG_TIDY violation"

echo
echo "PASS: the getting-started path works with $cxx"
