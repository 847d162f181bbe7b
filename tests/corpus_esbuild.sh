#!/usr/bin/env bash
# esbuild 0.28.2 (Go) end to end, against the Linux build of the same version (both pinned npm
# packages, integrity-checked, cached outside the tree; a failed download fails the test).
#   corpus_esbuild.sh <winrun> version   esbuild.exe --version prints 0.28.2, exit 0
#   corpus_esbuild.sh <winrun> transform minifies ~2.5 MB of generated TypeScript from stdin to stdout
#                                        (long enough for the Go runtime to preempt goroutines with
#                                        SuspendThread/GetThreadContext/SetThreadContext); the output
#                                        must be byte-identical to Linux esbuild's
#   corpus_esbuild.sh <winrun> bundle    bundles + minifies a small TypeScript/JSON/JS project to a
#                                        file; the output must be byte-identical to Linux esbuild's
set -uo pipefail
winrun="$1"
mode="${2:-version}"
root="$(cd "$(dirname "$0")/.." && pwd)"
win=$("$root/scripts/fetch-corpus.sh" @esbuild/win32-x64@0.28.2) || { echo "FAIL: could not fetch @esbuild/win32-x64@0.28.2 (see above)"; exit 1; }
exe="$win/package/esbuild.exe"

if [ "$mode" = version ]; then
  out=$(timeout 60 "$winrun" "$exe" --version 2>&1); rc=$?
  if [ $rc -ne 0 ] || [ "$out" != "0.28.2" ]; then
    echo "FAIL: esbuild --version: exit $rc, output:"; echo "$out"; exit 1
  fi
  echo "esbuild --version: $out"; echo "1 passed, 0 failed"; exit 0
fi

lin=$("$root/scripts/fetch-corpus.sh" @esbuild/linux-x64@0.28.2) || { echo "FAIL: could not fetch @esbuild/linux-x64@0.28.2 (see above)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$mode" = transform ]; then
  awk 'BEGIN { for (i = 0; i < 9000; i++) {
    printf "export enum Mood%d { Happy = %d, Sad = %d }\n", i, i, i + 1
    printf "export class Box%d<T> { constructor(private v: T, public n: number = %d) {} get(): T { return this.v; } twice() { return [this.v, this.v] as const; } }\n", i, i
    printf "export const f%d = (a: number, b = %d) => `${a}-${b}-%d` + (a > b ? \"x\" : \"y\");\n", i, i, i } }' > "$work/in.ts"
  "$lin/package/bin/esbuild" --loader=ts --minify < "$work/in.ts" > "$work/linux.js" || { echo "FAIL: Linux esbuild failed"; exit 1; }
  timeout 120 "$winrun" "$exe" --loader=ts --minify < "$work/in.ts" > "$work/win.js"; rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL: esbuild.exe transform: exit $rc"; exit 1; fi
  if ! cmp "$work/linux.js" "$work/win.js"; then echo "FAIL: outputs differ"; exit 1; fi
  echo "transform: $(wc -c < "$work/in.ts") bytes in, $(wc -c < "$work/win.js") out, identical to Linux esbuild"
  echo "1 passed, 0 failed"; exit 0
fi
mkdir -p "$work/src/lib"
cat > "$work/src/index.ts" <<'JS'
import { greet, Shape, area } from "./lib/util";
import data from "./data.json";
import * as m from "./lib/math.js";
const shapes: Shape[] = [{ kind: "circle", r: 2 }, { kind: "rect", w: 3, h: 4 }];
export function main(): string {
  const total = shapes.map(area).reduce((a, b) => a + b, 0);
  return `${greet(data.name)} total=${total.toFixed(3)} fib=${m.fib(20)} ${m.PI_ISH}`;
}
console.log(main());
JS
cat > "$work/src/lib/util.ts" <<'JS'
export type Shape = { kind: "circle"; r: number } | { kind: "rect"; w: number; h: number };
export enum Mood { Happy = 1, Sad = 2 }
export const greet = (who: string, mood: Mood = Mood.Happy): string =>
  mood === Mood.Happy ? `Hello, ${who}!` : `Bye, ${who}.`;
export function area(s: Shape): number {
  switch (s.kind) { case "circle": return Math.PI * s.r * s.r; case "rect": return s.w * s.h; }
}
JS
cat > "$work/src/lib/math.js" <<'JS'
export function fib(n) { let a = 0, b = 1; for (let i = 0; i < n; i++) [a, b] = [b, a + b]; return a; }
export const PI_ISH = 22 / 7;
JS
echo '{ "name": "winrun", "version": 3 }' > "$work/src/data.json"
cd "$work"
"$lin/package/bin/esbuild" src/index.ts --bundle --minify --outfile=linux.js --log-level=warning || { echo "FAIL: Linux esbuild failed"; exit 1; }
timeout 120 "$winrun" "$exe" src/index.ts --bundle --minify --outfile=win.js --log-level=warning; rc=$?
if [ $rc -ne 0 ] || [ ! -f win.js ]; then echo "FAIL: esbuild.exe bundle: exit $rc"; exit 1; fi
if ! cmp linux.js win.js; then echo "FAIL: outputs differ"; diff <(od -c linux.js) <(od -c win.js) | head -20; exit 1; fi
echo "bundle: $(wc -c < win.js) bytes, identical to Linux esbuild"; echo "1 passed, 0 failed"
