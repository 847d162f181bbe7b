#!/bin/bash
# Side-by-side end to end: assemblies and programs built by mingw-w64 (tests/CMakeLists.txt) laid
# out in scenario directories, run under winrun with a store of their own.
#   run_sxs.sh WINRUN SXS_BUILD_DIR SRC_DIR
# Scenarios: private assembly in the app dir and in a subfolder (embedded manifest), two versions in
# the store with a publisher policy redirecting old to new (external manifest), activeCodePage UTF-8,
# activation-context API with isolation-aware LoadLibrary, a missing assembly (14001 and the
# explanation), malformed manifests (14001 with file and line; csrssd keeps answering), .local,
# --install-assembly refusals and --list-assemblies.
set -u
WINRUN=$1
B=$2
SRC=$3
fails=0
# Program output without the CR of its own CRLF line ends.
run() { "$@" | tr -d '\r'; return "${PIPESTATUS[0]}"; }
check() {  # check "message" command...
    local msg=$1
    shift
    if "$@"; then echo "ok: $msg"; else echo "FAIL: $msg"; fails=$((fails + 1)); fi
}
T=$(mktemp -d "${TMPDIR:-/tmp}/winrun-sxs.XXXXXX")
trap 'rm -rf "$T"' EXIT
# A prefix (and so a store) of our own; the session directory stays the one CTest gives.
export WINRUN_PREFIX=$T/prefix
mkdir -p "$WINRUN_PREFIX"

# 1. Private assembly in the application directory (embedded manifest, RT_MANIFEST 1).
mkdir -p "$T/appdir"
cp "$B/app_private.exe" "$T/appdir/app.exe"
cp "$SRC/Sxs.Private.manifest" "$B/v1/sxslib.dll" "$T/appdir/"
out=$(run "$WINRUN" "$T/appdir/app.exe" 2>&1); rc=$?
check "private assembly in the app dir: runs sxslib 1 (rc $rc, output: $out)" test "$rc" = 1 -a "$out" = "sxslib 1"

# 2. Private assembly in a subfolder: sxslib.dll is only there, so only the manifest finds it.
mkdir -p "$T/subdir/Sxs.Private"
cp "$B/app_private.exe" "$T/subdir/app.exe"
cp "$SRC/Sxs.Private.manifest" "$B/v2/sxslib.dll" "$T/subdir/Sxs.Private/"
out=$(WINRUN_DEBUG=+sxs run "$WINRUN" "$T/subdir/app.exe" 2>"$T/sxs.log"); rc=$?
check "private assembly in a subfolder: runs sxslib 2 (rc $rc, output: $out)" test "$rc" = 2 -a "$out" = "sxslib 2"
check "WINRUN_DEBUG=+sxs shows the probing" grep -q "Sxs.Private/Sxs.Private.manifest: found" "$T/sxs.log"
# Without the manifest resource the same program cannot find its DLL.
rm -rf "$T/subdir/Sxs.Private"
"$WINRUN" "$T/subdir/app.exe" >"$T/out.txt" 2>"$T/err.txt"; rc=$?
check "subfolder assembly removed: the program stops with 14001 (rc $rc)" test "$rc" = $((14001 & 255))

# 3. Two versions in the store, external manifest, then a publisher policy redirecting old to new.
for v in 1.0.0.0:v1 1.0.1.0:v2; do
    ver=${v%%:*}
    mkdir -p "$T/install-$ver"
    cp "$SRC/Sxs.Shared-$ver.manifest" "$T/install-$ver/Sxs.Shared.manifest"
    cp "$B/${v##*:}/sxslib.dll" "$T/install-$ver/"
    "$WINRUN" --install-assembly "$T/install-$ver" >"$T/out.txt" 2>&1
    check "--install-assembly Sxs.Shared $ver ($(cat "$T/out.txt"))" grep -q "installed Sxs.Shared, version=$ver" "$T/out.txt"
done
mkdir -p "$T/shared"
cp "$B/app_plain.exe" "$T/shared/app.exe"
cp "$SRC/shared.manifest" "$T/shared/app.exe.manifest"
out=$(run "$WINRUN" "$T/shared/app.exe" 2>&1); rc=$?
check "store: version 1.0.0.0 as asked (rc $rc, output: $out)" test "$rc" = 1
mkdir -p "$T/policy"
cp "$SRC/policy.1.0.Sxs.Shared.policy" "$T/policy/"
"$WINRUN" --install-assembly "$T/policy" >"$T/out.txt" 2>&1
check "--install-assembly policy ($(cat "$T/out.txt"))" grep -q "publisher policy 1.0.1.0 for Sxs.Shared" "$T/out.txt"
out=$(run "$WINRUN" "$T/shared/app.exe" 2>&1); rc=$?
check "store: the policy redirects 1.0.0.0 to 1.0.1.0 (rc $rc, output: $out)" test "$rc" = 2
"$WINRUN" --list-assemblies >"$T/list.txt" 2>&1
check "--list-assemblies lists both versions and the policy" \
    test "$(grep -c "Sxs.Shared" "$T/list.txt")" = 3

# 4. A missing assembly: 14001 before the program runs, naming the identity and every place searched.
mkdir -p "$T/missing"
cp "$B/app_plain.exe" "$T/missing/app.exe"
cp "$SRC/missing.manifest" "$T/missing/app.exe.manifest"
"$WINRUN" --exit-code-file "$T/code.txt" "$T/missing/app.exe" >"$T/out.txt" 2>"$T/err.txt"; rc=$?
check "missing assembly: exit code 14001 ($(cat "$T/code.txt" 2>/dev/null))" grep -q "^0x000036B1 14001$" "$T/code.txt"
check "missing assembly: the program did not run" test ! -s "$T/out.txt"
check "missing assembly: names the identity" grep -q "Sxs.Missing, version=2.5.0.1, type=win32, processorArchitecture=amd64, publicKeyToken=0000000000000001" "$T/err.txt"
for place in "winsxs/amd64_sxs.missing_0000000000000001_2.5.0.1_none/assembly.manifest" "missing/Sxs.Missing.dll" \
             "missing/Sxs.Missing.manifest" "missing/Sxs.Missing/Sxs.Missing.dll" "missing/Sxs.Missing/Sxs.Missing.manifest"; do
    check "missing assembly: searched $place" grep -q "$place (not found)" "$T/err.txt"
done

# 5. Malformed manifests: 14001 with file, line and element; csrssd keeps answering the others.
mkdir -p "$T/malformed"
cp "$B/app_plain.exe" "$T/malformed/app.exe"
cp "$SRC/malformed.manifest" "$T/malformed/app.exe.manifest"
"$WINRUN" --exit-code-file "$T/code.txt" "$T/malformed/app.exe" >"$T/out.txt" 2>"$T/err.txt"; rc=$?
check "malformed manifest: 14001" grep -q " 14001$" "$T/code.txt"
check "malformed manifest: file, line and element ($(cat "$T/err.txt"))" \
    grep -q "app.exe.manifest:5: <assemblyIdentity>: version \"1.0\" is not four numbers" "$T/err.txt"
printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0"><dependency>' >"$T/malformed/app.exe.manifest"
"$WINRUN" "$T/malformed/app.exe" >"$T/out.txt" 2>"$T/err.txt"
check "truncated manifest: not well-formed, with its line" grep -q "app.exe.manifest:1: not well-formed XML" "$T/err.txt"
head -c 3000 /dev/urandom >"$T/malformed/app.exe.manifest"
"$WINRUN" "$T/malformed/app.exe" >"$T/out.txt" 2>"$T/err.txt"
out=$(run "$WINRUN" "$T/appdir/app.exe" 2>&1); rc=$?
check "after malformed manifests, the session still resolves others (rc $rc)" test "$rc" = 1 -a "$out" = "sxslib 1"
check "csrssd still lists the session" "$WINRUN" --session >/dev/null

# 6. activeCodePage UTF-8: GetACP() 65001, non-ASCII names through the ANSI functions.
mkdir -p "$T/acp"
cp "$B/acp.exe" "$T/acp/"
out=$(cd "$T/acp" && run "$WINRUN" acp.exe 2>&1); rc=$?
check "activeCodePage UTF-8 (rc $rc, output: $out)" test "$rc" = 0 -a "$out" = "name: Grüße_café_日本.txt"

# 7. The activation-context API and isolation-aware LoadLibrary.
mkdir -p "$T/api/Sxs.Private"
cp "$B/actx_api.exe" "$T/api/"
cp "$SRC/missing.manifest" "$T/api/bad.manifest"
cp "$SRC/Sxs.Private.manifest" "$B/v1/sxslib.dll" "$T/api/Sxs.Private/"
(cd "$T/api" && WINETEST_PLATFORM=winrun "$WINRUN" actx_api.exe) >"$T/out.txt" 2>&1; rc=$?
check "activation-context API (rc $rc)" test "$rc" = 0
[ "$rc" = 0 ] || cat "$T/out.txt"

# 8. .local: without a manifest, app.exe.local (a directory) is searched first.
mkdir -p "$T/dotlocal/app.exe.local"
cp "$B/app_plain.exe" "$T/dotlocal/app.exe"
cp "$B/v1/sxslib.dll" "$T/dotlocal/"
cp "$B/v2/sxslib.dll" "$T/dotlocal/app.exe.local/"
out=$(run "$WINRUN" "$T/dotlocal/app.exe" 2>&1); rc=$?
check ".local directory redirection (rc $rc, output: $out)" test "$rc" = 2

# 9. --install-assembly refuses malformed assemblies with a reason.
mkdir -p "$T/bad-install"
cp "$SRC/Sxs.Private.manifest" "$T/bad-install/"
"$WINRUN" --install-assembly "$T/bad-install" >"$T/out.txt" 2>&1; rc=$?
check "--install-assembly refuses an assembly without publicKeyToken (rc $rc: $(cat "$T/out.txt"))" \
    sh -c "test $rc != 0 && grep -q 'no publicKeyToken' '$T/out.txt'"
sed 's/version="1.0.0.0"/version="1.0"/' "$SRC/Sxs.Private.manifest" >"$T/bad-install/Sxs.Private.manifest"
"$WINRUN" --install-assembly "$T/bad-install" >"$T/out.txt" 2>&1; rc=$?
check "--install-assembly refuses a malformed manifest (rc $rc: $(cat "$T/out.txt"))" \
    sh -c "test $rc != 0 && grep -q 'Sxs.Private.manifest:3: <assemblyIdentity>: version' '$T/out.txt'"

echo "sxs: $fails failures"
[ "$fails" = 0 ]
