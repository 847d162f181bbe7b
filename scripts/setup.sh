#!/usr/bin/env bash
# Installs what winrun needs to build and test on Debian 12, from Debian's packages only.
# Idempotent: does nothing when everything is already there. Tools count as present when their
# command exists (however they were installed); libraries when their Debian package is installed.
set -euo pipefail
# command -> Debian package
declare -A TOOLS=(
  [cmake]=cmake [ninja]=ninja-build [g++]=g++ [pkg-config]=pkg-config
  [x86_64-w64-mingw32-gcc]=gcc-mingw-w64-x86-64 [x86_64-w64-mingw32-g++]=g++-mingw-w64-x86-64
  [npm]=npm [openssl]=openssl [tmux]=tmux
)
LIBS=(mingw-w64-x86-64-dev libspdlog-dev libfmt-dev catch2 libcli11-dev libevent-dev libpugixml-dev libncurses-dev
      ca-certificates)
missing=()
for cmd in "${!TOOLS[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${TOOLS[$cmd]}")
done
for p in "${LIBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "winrun setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
