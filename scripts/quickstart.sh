#!/usr/bin/env bash
# Fresh machine to a running demo: installs the Debian packages, builds
# kara-tidy and the runtime, and runs scripts/demo.sh on the bundled examples.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" --target kara-tidy kara_runtime KaraAttributesPlugin
"$root/scripts/demo.sh" "$root/build"
