#!/usr/bin/env bash
# run_conformance.sh <winrun> <program.exe>
# Runs one conformance program under winrun, with no arguments and stdin from /dev/null, in the
# current directory (CTest runs it in build/conformance). The program's exit code is the number of
# failed checks and is passed through. A program that runs longer than WINRUN_TEST_TIMEOUT seconds
# (default 60) is killed and reported; that is a failure too.
# Programs that need arguments, stdin or byte-exact stdout are driven by loader_cli.sh instead.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 <winrun> <program.exe>" >&2
    exit 2
fi
winrun=$1
exe=$2
limit=${WINRUN_TEST_TIMEOUT:-60}
name=$(basename "$exe" .exe)

if [ ! -x "$winrun" ]; then
    echo "run_conformance: $name: winrun not found at $winrun" >&2
    exit 2
fi
if [ ! -f "$exe" ]; then
    echo "run_conformance: $name: $exe does not exist (not built?)" >&2
    exit 2
fi

# ok.h: known winrun gaps are marked todo_winrun(); they count as failures only once they pass.
export WINETEST_PLATFORM=winrun
# -k: a program that ignores SIGTERM still ends.
start=$SECONDS
timeout -k 5 "$limit" "$winrun" "$exe" </dev/null
rc=$?
# 124/137 are also possible failure counts: a timeout is when the time limit was actually reached.
if { [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && [ $((SECONDS - start)) -ge "$limit" ]; then
    echo "run_conformance: $name: TIMEOUT: killed after ${limit} s (exit $rc)"
    exit 124
fi
if [ $rc -ne 0 ]; then
    echo "run_conformance: $name: exit code $rc"
fi
exit $rc
