#!/usr/bin/env bash
# Installs the Debian packages Kara needs to build, test and benchmark.
# Idempotent: packages already present are left alone.
set -euo pipefail
packages=(
  cmake ninja-build g++-12 python3
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools
  clang-tidy-19 clangd-19 clang-tools-19 libclang-rt-19-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev
  libboost-dev pkgconf libgomp1 libomp-19-dev libcaf-dev
  python3-jsonschema neovim dpkg-dev xz-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The SARIF 2.1.0 schema the SARIF tests validate against (from npm); a
# machine without network access skips those tests with a message.
fetch_schema() {
  "$(dirname "$0")/fetch-sarif-schema.sh" || echo "install-deps: SARIF schema not fetched; the SARIF schema tests will be skipped"
}
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  fetch_schema
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_schema
