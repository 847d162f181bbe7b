#!/usr/bin/env bash
# Installs what is missing, builds winrun, builds a small Windows program with mingw-w64 and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
x86_64-w64-mingw32-gcc -O2 -o build/demo.exe tests/demo/demo.c
echo "--- build/winrun build/demo.exe \"hello world\" 42"
set +e
build/winrun build/demo.exe "hello world" 42
rc=$?
set -e
echo "--- the program exited with code $rc"
