#!/usr/bin/env bash
# kara-sarif on kara-tidy output of every kind, validated by check_sarif.py.
#   sarif_schema.sh <tools dir> <annotations include dir> <source dir>
set -uo pipefail
bin=$1 inc=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/test/lit/driver/Inputs/project.cpp" "$work/project.cpp"
printf 'int broken( {\n' > "$work/broken.cpp"
cd "$work" || exit 1
# Located warnings with notes, -warnings-as-errors, a location-less database
# error, an unknown compiler flag, and a unit that does not compile.
"$bin/kara-tidy" --warnings-as-errors='kara-effect-contract' \
  --config="{CheckOptions: {kara.EffectsDatabases: missing.json}}" \
  project.cpp broken.cpp -- -std=c++20 -I"$inc" -Wno-such-warning > diags.txt 2>&1
status=$?
cat diags.txt
python3 "$bin/kara-sarif" diags.txt --base-dir "$work" --exit-code $status -o out.sarif || exit 1
python3 "$src/test/drivers/check_sarif.py" out.sarif --fetch "$src/scripts/fetch-sarif-schema.sh"
