#!/usr/bin/env bash
# 7-Zip 21.07 x64 (7zip-bin@5.2.0, MSVC-built, msvcrt) end to end under winrun: i; a into 7z, zip and
# tar with -mmt=on and -mmt=off, gzip of one file; l; t; x round trip of a small tree (subdirectories,
# an empty file, an empty directory, a Unicode name) compared with diff -r; exit codes and messages
# on a corrupt archive (2), a missing archive (2) and a missing input file (1, a warning) -- what 7-Zip
# documents: 0 ok, 1 warning, 2 fatal error, 7 command line error, 8 not enough memory.
# Fails with a clear message when the download fails (never a silent skip).
set -uo pipefail
winrun="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$("$root/scripts/fetch-corpus.sh" 7zip-bin@5.2.0) || { echo "FAIL: could not fetch 7zip-bin@5.2.0 (see above)"; exit 1; }
exe="$dir/package/win/x64/7za.exe"

tmp=$(mktemp -d)
export WINRUN_PREFIX="$tmp/prefix"
trap '"$winrun" --session-stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# run NAME EXPECTED_RC ARGS...: runs 7za, keeps its output in $out
run() {
    local name=$1 want=$2
    shift 2
    out=$(timeout 120 "$winrun" "$exe" "$@" 2>&1)
    local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit code $rc, expected $want"; echo "$out" | tail -15; fi
}

# The tree: about 300 KB, text that compresses and bytes that do not.
mkdir -p tree/sub/deep tree/empty_dir tree/docs
printf 'hello from winrun\r\n' > tree/hello.txt
: > tree/empty.bin
seq 1 30000 > tree/sub/deep/numbers.txt
head -c 65536 /dev/urandom > tree/sub/random.bin
for i in $(seq 1 40); do echo "line $i of a small document" ; done > tree/docs/readme.md
printf 'unicode name\n' > "tree/docs/ünïcødé_файл_名前.txt"

run "i" 0 i
echo "$out" | grep -q '7z *7z' || bad "i: no 7z format in the list"

for fmt in 7z zip tar; do
    for mt in on off; do
        a="t_${mt}.$fmt"
        run "a -t$fmt -mmt=$mt" 0 a -t$fmt "$a" tree -mmt=$mt
        echo "$out" | grep -q 'Everything is Ok' || bad "a -t$fmt -mmt=$mt: no 'Everything is Ok'"
        run "l $a" 0 l "$a"
        echo "$out" | grep -q 'numbers.txt' || bad "l $a: numbers.txt not listed"
        run "t $a" 0 t "$a"
        echo "$out" | grep -q 'Everything is Ok' || bad "t $a: no 'Everything is Ok'"
        rm -rf out
        run "x $a" 0 x "$a" -oout
        if diff -r tree out/tree >/dev/null; then ok; else bad "x $a: extracted tree differs"; diff -r tree out/tree | head; fi
    done
done

run "a -tgzip" 0 a -tgzip numbers.gz tree/sub/deep/numbers.txt -mmt=on
if gzip -dc numbers.gz | cmp -s - tree/sub/deep/numbers.txt; then ok; else bad "gzip archive does not decompress to the file"; fi
rm -rf outgz
run "x gzip" 0 x numbers.gz -ooutgz
if cmp -s outgz/numbers.txt tree/sub/deep/numbers.txt; then ok; else bad "x gzip: content differs"; fi

# A corrupt archive: damaged data (CRC error) and a truncated archive.
cp t_on.7z crc.7z
size=$(stat -c %s crc.7z)
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of=crc.7z bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run "t corrupt" 2 t crc.7z
echo "$out" | grep -qE 'CRC Failed|Data Error' || bad "t corrupt: no CRC/Data error message"
head -c $((size / 2)) t_on.7z > cut.7z
run "t truncated" 2 t cut.7z
echo "$out" | grep -qE 'Unexpected end of archive|Can.t open as archive' || bad "t truncated: no readable message"
run "x missing archive" 2 x does_not_exist.7z
echo "$out" | grep -q 'cannot find the file' || bad "x missing archive: no 'cannot find the file' message"
run "a missing input" 1 a miss.7z no_such_file.txt
echo "$out" | grep -q 'cannot find the file' || bad "a missing input: no 'cannot find the file' warning"
run "bad switch" 7 a x.7z tree -qq_no_such_switch

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
