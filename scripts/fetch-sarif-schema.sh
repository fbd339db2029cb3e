#!/usr/bin/env bash
# Fetches the SARIF 2.1.0 JSON schema the SARIF tests validate against. npm
# ships it in @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json);
# the package is fetched with `npm pack` (nothing is installed) and the
# schema checked against its known digest.
#
#   scripts/fetch-sarif-schema.sh [destination]   (default: $KARA_SARIF_SCHEMA,
#                                                  else ~/.cache/kara/sarif-2.1.0-rtm.5.json)
# Exit status: 0 when the schema is in place, 1 when it cannot be fetched.
set -euo pipefail
dest=${1:-${KARA_SARIF_SCHEMA:-${XDG_CACHE_HOME:-$HOME/.cache}/kara/sarif-2.1.0-rtm.5.json}}
package=@microsoft/jest-sarif@1.0.0-beta.0
digest=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
if [ -f "$dest" ] && echo "$digest  $dest" | sha256sum -c --status; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-sarif-schema: npm is not installed (apt-get install npm)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && timeout 120 npm pack --silent "$package" >/dev/null 2>"$work/npm.log"); then
  echo "fetch-sarif-schema: npm cannot fetch $package:" >&2
  tail -3 "$work/npm.log" >&2
  exit 1
fi
tar -xzf "$work"/*.tgz -C "$work" package/lib/schemas/sarif-2.1.0-rtm.5.json
if ! echo "$digest  $work/package/lib/schemas/sarif-2.1.0-rtm.5.json" | sha256sum -c --status; then
  echo "fetch-sarif-schema: the schema in $package does not have the expected digest" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
cp "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$dest"
echo "fetch-sarif-schema: $dest"
