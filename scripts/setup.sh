#!/usr/bin/env bash
# Installs what winrun needs to build and test on Debian 12, from Debian's packages only.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail
PACKAGES=(cmake ninja-build g++ pkg-config
          gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 mingw-w64-x86-64-dev
          libspdlog-dev libfmt-dev catch2 libcli11-dev libevent-dev libpugixml-dev libncurses-dev
          nodejs npm ca-certificates openssl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "winrun setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
