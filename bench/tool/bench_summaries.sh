#!/bin/sh
# kara-summarize's scaling figures (docs/benchmarks-tool.md): a generated
# project of UNITS units with DEPTH-deep chains across files.
#   bench_summaries.sh BUILD_BIN WORK [UNITS=2000] [DEPTH=10]
# Prints wall, CPU (user+sys) seconds and peak RSS of: clang++ -fsyntax-only
# over every unit (-j1, -j2), the one-command kara-summarize at -j1 and -j2,
# one map step, the link step over all unit summaries; sizes; unknown
# entries; then the ratios: CPU of map+link against syntax-only (meaningful on
# a loaded machine too) and wall -j1 -> -j2 (meaningful on an idle machine
# only: the load average is printed with it). SKIP_SYNTAX=1 skips the
# baseline, SKIP_J2=1 the -j2 runs, SKIP_SYNTAX_J2=1 only the baseline's -j2
# run, SKIP_MAP_ALL=1 the one-process-a-unit pass (the kara_summaries() path)
# and the separate link (the one-command path links internally).
set -eu
bin=$1 work=$2 units=${3:-2000} depth=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && python3 "$here/gen_summary_project.py" "$work" --units "$units" --depth "$depth"
t() { # label command...: one run under /usr/bin/time -v
  label=$1; shift
  /usr/bin/time -v "$@" > "$work/$label.out" 2> "$work/$label.time" || true
  awk -v l="$label" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
    END { printf "%-22s wall %8.2f s  cpu %8.2f s (user %8.2f, sys %6.2f)  peak RSS %7.1f MB\n", l, w, u + s, u, s, r/1024
          printf "%f %f\n", w, u + s > (FILENAME ".fig") }' "$work/$label.time"
}
fig() { # label field(1 wall, 2 cpu)
  [ -f "$work/$1.time.fig" ] && cut -d' ' -f"$2" "$work/$1.time.fig" || echo 0
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
echo "load average before: $(uptime | sed 's/.*load average: //')"
ls "$work"/src/u*.cpp > "$work/units.txt"
if [ -z "${SKIP_SYNTAX:-}" ]; then # the baseline does not depend on Kara
  t syntax-only-j1 sh -c "xargs -P1 -n1 clang++-19 -std=c++17 -fsyntax-only < $work/units.txt"
  [ -n "${SKIP_J2:-}${SKIP_SYNTAX_J2:-}" ] || t syntax-only-j2 sh -c "xargs -P2 -n1 clang++-19 -std=c++17 -fsyntax-only < $work/units.txt"
fi
t summarize-j1 "$bin/kara-summarize" -p "$work/build" -o "$work/db-j1.json" -j 1
grep 'kara-summarize:' "$work/summarize-j1.time" || true
if [ -z "${SKIP_J2:-}" ]; then
  t summarize-j2 "$bin/kara-summarize" -p "$work/build" -o "$work/db-j2.json" -j 2
else
  cp "$work/db-j1.json" "$work/db-j2.json"
fi
mkdir -p "$work/units"
t map-one-unit "$bin/kara-summarize" --map "$work/src/u0.cpp" -p "$work/build" -o "$work/units/u0.cpp.kara-unit.json"
# The build-system path: one map process per unit (as kara_summaries() runs
# them), then the link.
if [ -z "${SKIP_MAP_ALL:-}" ]; then
  t map-all-j1 sh -c "for f in \$(cat '$work/units.txt'); do '$bin/kara-summarize' --map \"\$f\" -p '$work/build' -o '$work/units/'\$(basename \"\$f\").kara-unit.json 2>/dev/null; done"
  t link "$bin/kara-summarize" --link -o "$work/db-link.json" "$work/units"
  grep 'kara-summarize:' "$work/link.time" || true
  cmp "$work/db-j1.json" "$work/db-j2.json" && cmp "$work/db-j1.json" "$work/db-link.json" && echo "databases identical (-j1, -j2, map+link)"
  echo "unit summaries: $(du -sk "$work/units" | cut -f1) KB for $units units; database: $(du -k "$work/db-link.json" | cut -f1) KB"
else # the one-command path links internally; its database is checked below
  cp "$work/db-j1.json" "$work/db-link.json"
  cmp "$work/db-j1.json" "$work/db-j2.json" && echo "databases identical (-j1, -j2)"
fi
python3 - "$work/db-link.json" "$units" "$depth" <<'PY'
import json, sys
db = json.load(open(sys.argv[1]))["functions"]
units, depth = int(sys.argv[2]), int(sys.argv[3])
unknown = [n for n, e in db.items() if e.get("unknown")]
wrong = [n for n, e in db.items() if n.startswith("c") and "_f" in n
         and e.get("writes") != ["$0", "c%s_sink" % n[1:n.index("_")]]]
print("entries %d, unknown %d, chain functions not writing their sink %d" % (len(db), len(unknown), len(wrong)))
PY
echo "cpu ratio kara-summarize -j1 / clang++ -fsyntax-only -j1: $(ratio "$(fig summarize-j1 2)" "$(fig syntax-only-j1 2)") (goal <= 1.3)"
[ -n "${SKIP_MAP_ALL:-}" ] || echo "cpu ratio map (one process a unit) + link / clang++ -fsyntax-only -j1: $(ratio "$(awk -v a="$(fig map-all-j1 2)" -v b="$(fig link 2)" 'BEGIN { print a + b }')" "$(fig syntax-only-j1 2)")"
echo "wall speed-up kara-summarize -j1 -> -j2: $(ratio "$(fig summarize-j1 1)" "$(fig summarize-j2 1)") (goal >= 1.9; idle machine only)"
[ -n "${SKIP_SYNTAX_J2:-}" ] || echo "wall speed-up clang++ -fsyntax-only -j1 -> -j2: $(ratio "$(fig syntax-only-j1 1)" "$(fig syntax-only-j2 1)")"
echo "load average after: $(uptime | sed 's/.*load average: //')"
