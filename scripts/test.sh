#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, fetches the pinned real-world programs,
# runs unit, conformance, loader and corpus tests through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 300
