#!/usr/bin/env bash
# registry_store.sh <winrun> <conformance-dir>
# The registry store across processes (docs/registry.md), each case in a fresh WINRUN_PREFIX:
#  - a fresh prefix: two processes racing to create the store both succeed, one valid file results;
#  - persistence: one process writes a value, another reads it;
#  - concurrent writers: every write of two processes lands, the file stays valid;
#  - crash safety: a writer SIGKILLed at random moments leaves the old or the new value, never a
#    damaged file;
#  - a damaged file: one warning line, default content, the file kept as .corrupt on the next write.
# Uses advapi_registry.exe's helper modes (write / read / loop).
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 <winrun> <conformance-dir>" >&2
    exit 2
fi
WINRUN=$1
EXE=$2/advapi_registry.exe
export WINETEST_PLATFORM=winrun
unset WINRUN_DEBUG
TMP=$(mktemp -d "${TMPDIR:-/tmp}/winrun-registry.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
check() {
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}
# (the program writes text-mode CRLF lines)
wr() { timeout -k 5 60 "$WINRUN" "$EXE" "$@" </dev/null | tr -d "\r"; return "${PIPESTATUS[0]}"; }
# The value of "Counter" or "Value" in user.reg, as the text format writes it.
valid_store() { head -1 "$1" | grep -qx 'WINRUN REGISTRY 1'; }

# ---- fresh prefix, racing creators ----
export WINRUN_PREFIX=$TMP/p1
wr read >"$TMP/r1" 2>&1 &
wr read >"$TMP/r2" 2>&1 &
wait
check "racing first use: user.reg exists" test -f "$WINRUN_PREFIX/registry/user.reg"
check "racing first use: user.reg is valid" valid_store "$WINRUN_PREFIX/registry/user.reg"
check "racing first use: no warning" bash -c "! grep -q 'winrun:' '$TMP/r1' '$TMP/r2'"

# ---- persistence across processes ----
wr write "persisted value"
check "write helper exit code" test $? -eq 0
out=$(wr read)
check "read back in another process (got '$out')" test "$out" = "persisted value"
check "stored as text" grep -q '"Value"="persisted value"' "$WINRUN_PREFIX/registry/user.reg"

# ---- concurrent writers ----
wr loop 40 &
pid1=$!
wr loop 40 &
pid2=$!
wait $pid1
rc1=$?
wait $pid2
rc2=$?
check "concurrent writers succeed ($rc1, $rc2)" test $rc1 -eq 0 -a $rc2 -eq 0
check "store valid after concurrent writers" valid_store "$WINRUN_PREFIX/registry/user.reg"
check "the last write is there" grep -q '"Counter"="00000039:' "$WINRUN_PREFIX/registry/user.reg"
check "the value written before is kept" grep -q '"Value"="persisted value"' "$WINRUN_PREFIX/registry/user.reg"

# ---- SIGKILL a writer at random moments ----
bad=0
for i in $(seq 1 12); do
    "$WINRUN" "$EXE" loop 100000 </dev/null >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 5 + 2))"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    f=$WINRUN_PREFIX/registry/user.reg
    if ! valid_store "$f"; then bad=$((bad + 1)); echo "  store damaged after kill $i"; continue; fi
    # exactly one Counter line, 8 digits, ':' and 500 equal letters
    n=$(grep -cE '^"Counter"="[0-9]{8}:([a-z])\1{499}"$' "$f")
    [ "$n" = 1 ] || { bad=$((bad + 1)); echo "  Counter line damaged after kill $i"; }
    out=$(wr read 2>&1)
    [ "$out" = "persisted value" ] || { bad=$((bad + 1)); echo "  read after kill $i gave '$out'"; }
done
check "killed writers never damage the store" test $bad -eq 0

# ---- a damaged file ----
export WINRUN_PREFIX=$TMP/p2
mkdir -p "$WINRUN_PREFIX/registry"
printf 'WINRUN REGISTRY 1\n[Software]\n"x"=dword:zz\n' >"$WINRUN_PREFIX/registry/user.reg"
wr read >"$TMP/out" 2>"$TMP/err"
check "damaged file: one warning line" test "$(grep -c 'registry file .*user.reg is damaged' "$TMP/err")" = 1
check "damaged file: the warning names the line" grep -q 'line 3' "$TMP/err"
wr write "after damage" 2>/dev/null
check "damaged file: kept as .corrupt" grep -q 'dword:zz' "$WINRUN_PREFIX/registry/user.reg.corrupt"
check "damaged file: replaced by a valid one" valid_store "$WINRUN_PREFIX/registry/user.reg"
out=$(wr read 2>&1)
check "damaged file: new value readable (got '$out')" test "$out" = "after damage"
printf '\x00\xff garbage' >"$WINRUN_PREFIX/registry/machine.reg"
out=$(wr read 2>&1)
check "garbage in another hive does not matter to HKCU reads" test "$(echo "$out" | tail -1)" = "after damage"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
