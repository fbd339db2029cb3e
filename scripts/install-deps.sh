#!/usr/bin/env bash
# Installs the Debian packages Kara needs to build, test and benchmark.
# Idempotent: packages already present are left alone.
set -euo pipefail
packages=(
  cmake ninja-build g++-12 python3
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools
  clang-tidy-19 clangd-19 clang-tools-19 libclang-rt-19-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev
  libgomp1 libomp-19-dev
  libboost-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
