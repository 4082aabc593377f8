# shellcheck shell=bash
# Shared by tools/demo and tools/test: install what is missing, then build.

# The package lists below are read by the scripts that source this file.
# shellcheck disable=SC2034

gander_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages the library and CLI need to build.
gander_build_packages=(g++ cmake make pkg-config libssl-dev libpqxx-dev libsqlite3-dev libboost-program-options-dev)

# What tools/fuzz-parser needs: clang and its libFuzzer runtime (bookworm
# ships libFuzzer in libclang-rt-14-dev).
gander_fuzz_packages=(clang libclang-rt-14-dev libssl-dev)

# What the source checks of tools/test run: tools/check-format (ctest
# `format`) and shellcheck on the scripts (ctest `shellcheck`).
gander_check_packages=(clang-format shellcheck)

# Installs the packages that are not installed yet; does nothing (and needs
# no network) when all are present.
gander_ensure_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# gander_configure BUILD_DIR [cmake arguments...]: configure, quietly.
gander_configure() {
  local build_dir=$1
  shift
  cmake -S "$gander_root" -B "$build_dir" "$@" >/dev/null
}

# gander_build BUILD_DIR [cmake arguments...]: configure and build everything.
gander_build() {
  local build_dir=$1
  shift
  echo "==> building in ${build_dir#"$gander_root"/}"
  gander_configure "$build_dir" "$@"
  cmake --build "$build_dir" -j2
}
