#!/usr/bin/env bash
# Biome 2.6.8 (Rust + MSVC, UCRT) end to end: `--version`, `format`, `lint` and `check` on a small
# project, and `format --write`, compared with the Linux build of the same version (both pinned npm
# packages, integrity-checked). Output must be identical once Windows path separators (src\a.js)
# and the elapsed time ("in 3ms") are set aside; exit codes must be equal; written files identical.
# Fails clearly when a download fails.
set -uo pipefail
winrun="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
wdir=$("$root/scripts/fetch-corpus.sh" @biomejs/cli-win32-x64@2.6.8) || { echo "FAIL: could not fetch @biomejs/cli-win32-x64@2.6.8"; exit 1; }
ldir=$("$root/scripts/fetch-corpus.sh" @biomejs/cli-linux-x64@2.6.8) || { echo "FAIL: could not fetch @biomejs/cli-linux-x64@2.6.8"; exit 1; }
wexe="$wdir/package/biome.exe"
lexe="$ldir/package/biome"
chmod +x "$lexe"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrun-biome.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else echo "FAIL: $1"; failed=$((failed + 1)); fi; }
normalise() { sed -e 's#\\#/#g' -e 's/in [0-9.]*[mµn]\?s\b/in T/g' "$1"; }

make_project() {
    mkdir -p "$1/src"
    printf 'const  a = {b:1,c:[1,2,3]}\nfunction f( x ){ return x+1 }\nlet unused = 5;\nif (a == 1) { console.log("x") }\n' >"$1/src/a.js"
    printf '{"a":1,   "b":[1,2]}\n' >"$1/src/b.json"
    printf 'export const ok = 1;\n' >"$1/src/c.ts"
}
make_project "$tmp/w"
make_project "$tmp/l"

(cd "$tmp/w" && timeout 120 "$winrun" "$wexe" --version >"$tmp/w.out" 2>&1); rw=$?
(cd "$tmp/l" && "$lexe" --version >"$tmp/l.out" 2>&1); rl=$?
check "--version: exit $rw vs $rl, output $(head -c 200 "$tmp/w.out")" "[ $rw = $rl ] && cmp -s '$tmp/w.out' '$tmp/l.out'"
for cmd in "format src" "lint src" "check src" "format --write src"; do
    (cd "$tmp/w" && timeout 120 "$winrun" "$wexe" $cmd >"$tmp/w.out" 2>&1); rw=$?
    (cd "$tmp/l" && "$lexe" $cmd >"$tmp/l.out" 2>&1); rl=$?
    check "biome $cmd: exit $rw under winrun, $rl on Linux" "[ $rw = $rl ]"
    check "biome $cmd: output differs: $(diff <(normalise "$tmp/w.out") <(normalise "$tmp/l.out") | head -5)" \
        "diff -q <(normalise '$tmp/w.out') <(normalise '$tmp/l.out') >/dev/null"
done
check "format --write: the written files differ: $(diff -r "$tmp/w/src" "$tmp/l/src" | head -5)" "diff -r -q '$tmp/w/src' '$tmp/l/src' >/dev/null"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
