#!/usr/bin/env bash
# winrun --check on 7-Zip's 7za.exe (pinned npm package, integrity-checked): the import list and
# the closing count line. Fails with a clear message when the download fails (never a silent skip).
set -uo pipefail
winrun="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$("$root/scripts/fetch-corpus.sh" 7zip-bin@5.2.0) || { echo "FAIL: could not fetch 7zip-bin@5.2.0 (see above)"; exit 1; }
exe="$dir/package/win/x64/7za.exe"
out=$("$winrun" --check "$exe")
rc=$?
fail=0
echo "$out" | grep -q '^7za.exe imports:$' || { echo "FAIL: no import list header"; fail=1; }
echo "$out" | grep -Eq '^    GetProcAddress +implemented$' || { echo "FAIL: GetProcAddress not listed as implemented"; fail=1; }
count=$(echo "$out" | grep -E '^7za.exe: [0-9]+ imports, [0-9]+ implemented, [0-9]+ missing')
[ -n "$count" ] || { echo "FAIL: no count line"; fail=1; }
listed=$(echo "$out" | grep -cE '^    \S+ +(implemented|MISSING)$')
total=$(echo "$count" | sed -E 's/^7za.exe: ([0-9]+) imports.*/\1/')
[ "$listed" = "$total" ] || { echo "FAIL: $listed import lines but the count says $total"; fail=1; }
[ "$total" = 139 ] || { echo "FAIL: 7za.exe has 139 imports, the count says $total"; fail=1; }
case $rc in 0|1) ;; *) echo "FAIL: --check exited with $rc"; fail=1;; esac
echo "$count"
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
