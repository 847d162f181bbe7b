#!/bin/sh
# Build the PE reader's libFuzzer target and run it for a limited time. For manual use, not CI.
#   tests/fuzz/run.sh [seconds] [extra seed dir...]
# Environment: OUT (build and work dir, default /tmp/winrun-fuzz), CXX (default clang++),
# FUZZ_FLAGS (more libFuzzer flags, e.g. "-jobs=2 -workers=2").
# New inputs go to $OUT/corpus (never into the repo); crashes, leaks, timeouts and OOMs to
# $OUT/artifacts/. Reproduce one with: $OUT/fuzz_pe $OUT/artifacts/crash-...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-600}
[ $# -gt 0 ] && shift
out=${OUT:-/tmp/winrun-fuzz}
cxx=${CXX:-clang++}
mkdir -p "$out/corpus" "$out/artifacts"

# -fno-sanitize-recover: a UBSan report stops the run like an ASan one, instead of scrolling by.
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DFMT_HEADER_ONLY \
    -I"$root/common" -I"$root/loader" "$here/fuzz_pe.cpp" "$root/loader/pe/pe_image.cpp" -o "$out/fuzz_pe"

# shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
exec "$out/fuzz_pe" "$out/corpus" "$here/corpus" "$@" \
    -dict="$here/pe.dict" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/" ${FUZZ_FLAGS:-}
