#!/usr/bin/env bash
# winrun --check on Biome 2.6.8 (Rust + MSVC, pinned npm package, integrity-checked): every import it
# takes from the UCRT (api-ms-win-crt-*), VCRUNTIME140 (C++ exception handling included), bcrypt
# and bcryptprimitives is implemented (corpus_biome.sh runs it). Fails clearly when the download
# fails.
set -uo pipefail
winrun="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$("$root/scripts/fetch-corpus.sh" @biomejs/cli-win32-x64@2.6.8) || { echo "FAIL: could not fetch @biomejs/cli-win32-x64@2.6.8 (see above)"; exit 1; }
exe="$dir/package/biome.exe"
out=$("$winrun" --check "$exe")
fail=0
missing=$(echo "$out" | awk '/^  [^ ]/{dll=$1} /MISSING$/{print dll, $1}' |
          grep -Ei '^(api-ms-win-crt-|vcruntime140|bcrypt)')
if [ -n "$missing" ]; then
  echo "FAIL: runtime imports missing:"; echo "$missing"; fail=1
fi
echo "$out" | grep -Eq '^biome.exe: [0-9]+ imports' || { echo "FAIL: no count line"; fail=1; }
echo "$out" | tail -1
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
