#!/usr/bin/env bash
# Fetches a pinned npm package that ships Windows programs, checks its integrity hash, and unpacks
# it into the cache. Prints the directory it unpacked to. Fails loudly when anything goes wrong.
#   scripts/fetch-corpus.sh 7zip-bin@5.2.0
set -euo pipefail
spec="$1"
declare -A INTEGRITY=(
  ["7zip-bin@5.2.0"]="sha512-ukTPVhqG4jNzMro2qA9HSCSSVJN3aN7tlb+hfqYCt3ER0yWroeA2VR38MNrOHLQ/cVj+DaIMad0kFCtWWowh/A=="
  ["@biomejs/cli-win32-x64@2.6.8"]="sha512-cD6HvGczZUiAYsY8s2TxxXj2AHFzEdMomvVJfEjzOjBM45nGqIDfBpbtvwGQzDCN8X2yKKk9u1jnDZisT2nxIg=="
  ["@biomejs/cli-linux-x64@2.6.8"]="sha512-XIk3pLQT56I6Tti+u0DF8FtSNXjCMTPbxVTzfJ9cS2t1ImVKvrqV5b52GuEaJg6/wuiXvz0sjfb5saB4TPRjzA=="
  ["@esbuild/win32-x64@0.28.2"]="sha512-5ebpxr3nWMzrL/rnUI755Jkuee0bHL/Gq0WTF9lvcpv73wAp5eu8MfBUgWK9bhWvZjj7yX8etf/8tI8Ney695g=="
  ["@esbuild/linux-x64@0.28.2"]="sha512-4xTZr1FUmSoQW4XIWmit3tzQrUTZM+N3P0XV8xROKYF50XfI7xeO90+1bZvNwxIufQ9hDQVRJH5YhgPVF8A/HQ=="
)
want="${INTEGRITY[$spec]:-}"
[ -n "$want" ] || { echo "fetch-corpus: no pinned integrity for $spec" >&2; exit 2; }
cache="${WINRUN_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winrun-corpus}"
dir="$cache/${spec//[@\/]/_}"
if [ -f "$dir/.ok" ]; then echo "$dir"; exit 0; fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.log"); then
  echo "fetch-corpus: could not download $spec from the npm registry:" >&2
  cat "$tmp/npm.log" >&2
  exit 1
fi
tgz=$(ls "$tmp"/*.tgz)
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$want" ]; then
  echo "fetch-corpus: integrity mismatch for $spec: got $got, want $want" >&2
  exit 1
fi
mkdir -p "$tmp/unpacked"
tar xzf "$tgz" -C "$tmp/unpacked"
rm -rf "$dir"
mv "$tmp/unpacked" "$dir"
touch "$dir/.ok"
echo "$dir"
