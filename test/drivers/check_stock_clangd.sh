#!/usr/bin/env bash
# tool.clangd.stock: Debian's plain clangd-19 on annotated code under -Werror.
# Without configuration it reports the kara attributes as unknown (negative
# control); with the .clangd of docs/editors.md ("Stock clangd"), taken from
# the page, it reports nothing.
#   check_stock_clangd.sh <clangd> <docs/editors.md> <annotations include>
set -uo pipefail
clangd=$1 doc=$2 inc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
printf '#include <kara/annotations.hpp>\n[[kara::reads(DB)]] int f();\nKARA_WRITES(DB) void g();\n' > t.cpp
printf -- '-std=c++20\n-Wall\n-Werror\n-I%s\n' "$inc" > compile_flags.txt
timeout 120 "$clangd" --check=t.cpp --enable-config > plain.log 2>&1
grep -q "unknown attribute 'reads'" plain.log || { cat plain.log; echo "FAIL: negative control: plain clangd accepted the kara attributes"; exit 1; }
awk '/^## Stock clangd/{s=1} s&&/^```yaml/{f=1;next} f&&/^```/{exit} f' "$doc" > .clangd
grep -q "CompileFlags" .clangd || { echo "FAIL: no .clangd in the Stock clangd section of $doc"; exit 1; }
timeout 120 "$clangd" --check=t.cpp --enable-config > configured.log 2>&1
if grep -E "^E\[" configured.log; then
  echo "FAIL: plain clangd with docs/editors.md's .clangd still reports errors"; exit 1
fi
grep -q "All checks completed, 0 errors" configured.log || { cat configured.log; echo "FAIL: clangd --check did not complete"; exit 1; }
echo "PASS: plain clangd with the documented .clangd reports no kara attribute"
