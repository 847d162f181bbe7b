#!/usr/bin/env bash
# loader_cli.sh <winrun> <conformance-dir>
# Shell-level tests of the winrun command: argument passing (argv.exe), exact stdout/stderr bytes and
# stdin text mode (stdio_text.exe), exit codes and --exit-code-file (exitcode.exe), refusal of files
# that are not runnable Windows programs, a missing DLL, --check, WINRUN_DEBUG=+relay, and the
# unhandled-exception report (seh_vectored.exe crash, cxx_exceptions.exe uncaught).
# The conformance programs come from <conformance-dir> (built by CMake from tests/conformance/).
# Prints one line per failed check, then "N passed, M failed"; exits 1 when anything failed.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 <winrun> <conformance-dir>" >&2
    exit 2
fi
WINRUN=$1
CONF=$2
case $WINRUN in /*) ;; *) WINRUN=$PWD/$WINRUN ;; esac
case $CONF in /*) ;; *) CONF=$PWD/$CONF ;; esac
export WINETEST_PLATFORM=winrun
unset WINRUN_DEBUG
LIMIT=${WINRUN_TEST_TIMEOUT:-30}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/winrun-loader-cli.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}
# check <description> <condition command...>
check() {
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

# run <stdout-file> <stderr-file> <winrun args...>: runs winrun with a time limit; sets $rc.
run() {
    local out=$1 err=$2
    shift 2
    timeout -k 5 "$LIMIT" "$WINRUN" "$@" >"$out" 2>"$err" </dev/null
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "note: winrun $* did not finish within $LIMIT s"
    fi
}

have() {
    if [ -f "$CONF/$1" ]; then return 0; fi
    fail "$CONF/$1 does not exist (conformance programs not built?)"
    return 1
}

# hex helpers: bytes of a string, UTF-16 code units of a UTF-8 string
hex_bytes() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
hex_utf16() { printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -v -tx2 | tr -d ' \n'; }
show() { od -c "$1" | head -5; }

# ---------------------------------------------------------------------------------------------
# 1. The command line: each argument reaches argv[i] exactly (wide), and in code page 1252 (narrow).
if have argv.exe; then
    args=(
        "hello world"
        'say "hi"'
        'C:\path\to\'
        'a\\"b'
        ''
        $'tab\there'
        'héllo'
        '日本'
        '\\server\share\'
        '"'
        'a\b\\c'
        'x"y z"w'
        '€5'
        'Āb'
        '😀'
        'trailing space '
        ' leading'
        'plain'
    )
    # Narrow (ANSI, 1252) forms where they differ from the UTF-8 bytes: é = e9, € = 80, characters
    # outside 1252 become '?' unless Windows has a best fit (Ā -> A).
    declare -A narrow=(
        [7]=68e96c6c6f
        [8]=3f3f
        [13]=8035
        [14]=4162
        [15]=skip
    )
    run out.txt err.txt "$CONF/argv.exe" "${args[@]}"
    check "argv.exe: exit code 0 (its own checks), got $rc; output: $(grep -v '^[AW][0-9]*:' out.txt | head -20)" [ "$rc" -eq 0 ]
    check "argv.exe: argc: expected $((${#args[@]} + 1)), got $(grep '^argc=' out.txt)" grep -qx "argc=$((${#args[@]} + 1))" out.txt
    for i in "${!args[@]}"; do
        n=$((i + 1))
        a=${args[$i]}
        want_w=$(hex_utf16 "$a")
        got_w=$(sed -n "s/^W$n://p" out.txt)
        check "argv[$n] wide: argument $(printf '%q' "$a"): expected W$n:$want_w, got W$n:$got_w" [ "$got_w" = "$want_w" ]
        want_a=${narrow[$n]:-$(hex_bytes "$a")}
        if [ "$want_a" != skip ]; then
            got_a=$(sed -n "s/^A$n://p" out.txt)
            check "argv[$n] narrow (1252): argument $(printf '%q' "$a"): expected A$n:$want_a, got A$n:$got_a" [ "$got_a" = "$want_a" ]
        fi
    done
    check "argv.exe wrote to stderr: $(head -3 err.txt)" [ ! -s err.txt ]
    # Options after the program belong to the program, also those winrun itself knows.
    run out.txt err.txt "$CONF/argv.exe" --version --check --help
    check "argv.exe --version --check --help: the program gets them, got rc $rc: $(head -2 out.txt)" \
        sh -c "[ $rc -eq 0 ] && grep -qx 'argc=4' out.txt && grep -qx 'A1:$(hex_bytes --version)' out.txt"

    # argv[0] for a program whose path has a space: the rest of the line still splits right
    mkdir -p "dir with space"
    cp "$CONF/argv.exe" "dir with space/argv.exe"
    run out.txt err.txt "$TMP/dir with space/argv.exe" one "two three"
    check "argv.exe in a directory with a space: exit code 0, got $rc; $(grep -v '^[AW][0-9]*:' out.txt | head -5)" [ "$rc" -eq 0 ]
    check "argv.exe in a directory with a space: argc 3, got $(grep '^argc=' out.txt)" grep -qx "argc=3" out.txt
    want=$(hex_bytes 'dir with space\argv.exe')
    check "argv.exe in a directory with a space: argv[0] should end with 'dir with space\\argv.exe', got A0:$(sed -n 's/^A0://p' out.txt)" \
        grep -q "^A0:.*$want\$" out.txt
    check "argv.exe in a directory with a space: argv[2]" grep -qx "W2:$(hex_utf16 'two three')" out.txt
fi

# ---------------------------------------------------------------------------------------------
# 2. stdout/stderr bytes in text and binary mode; stdin in text mode (file and pipe).
if have stdio_text.exe; then
    run out.bin err.bin "$CONF/stdio_text.exe" stdout
    printf 'p1\r\np2\r\n\r\nw\r\ncr\r\r\nb1\nb2\r\nt2\r\n' >want.bin
    check "stdio_text.exe stdout: exit code 0, got $rc" [ "$rc" -eq 0 ]
    check "stdout bytes (text mode LF -> CRLF, binary mode untouched): expected $(show want.bin), got $(show out.bin)" cmp -s out.bin want.bin
    printf 'e1\r\n' >want_err.bin
    check "stderr bytes (text mode): expected $(show want_err.bin), got $(show err.bin)" cmp -s err.bin want_err.bin

    printf 'a\r\nb\rc\r\r\nd\x1aafter' >in.bin
    printf 'read 8:610a620d630d0a64\neof 1\n' >want_in.txt
    timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/stdio_text.exe" stdin <in.bin >out.txt 2>err.txt
    rc=$?
    check "stdin from a file in text mode (CRLF -> LF, Ctrl+Z ends it): expected $(cat want_in.txt | tr '\n' ' '), got $(tr '\n' ' ' <out.txt) (rc $rc)" \
        cmp -s out.txt want_in.txt
    cat in.bin | timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/stdio_text.exe" stdin >out.txt 2>err.txt
    rc=$?
    check "stdin from a pipe in text mode: expected $(cat want_in.txt | tr '\n' ' '), got $(tr '\n' ' ' <out.txt) (rc $rc)" \
        cmp -s out.txt want_in.txt
fi

# ---------------------------------------------------------------------------------------------
# 3. Exit codes: winrun exits with the low 8 bits; --exit-code-file has all 32 (hex and decimal).
if have exitcode.exe; then
    for how in return exit _exit ExitProcess; do
        for code in 0 1 255 256 3221225477; do
            rm -f code.txt
            run out.txt err.txt --exit-code-file code.txt "$CONF/exitcode.exe" "$how" "$code"
            check "exitcode.exe $how $code: expected exit status $((code & 255)), got $rc" [ "$rc" -eq $((code & 255)) ]
            hex=$(printf '%08X' "$code")
            check "exitcode.exe $how $code: --exit-code-file should hold 0x$hex and $code, has '$(cat code.txt 2>/dev/null)'" \
                grep -qiE "(^|[^0-9A-Fa-f])0x0*$hex([^0-9A-Fa-f]|\$)" code.txt
            check "exitcode.exe $how $code: --exit-code-file should hold the decimal $code, has '$(cat code.txt 2>/dev/null)'" \
                grep -qE "(^|[^0-9x])$code([^0-9]|\$)" code.txt
            case $how in
            exit) check "exit(): atexit handlers run and stdout is flushed: expected 'buffered|atexit', got '$(cat out.txt)'" \
                      [ "$(cat out.txt)" = "buffered|atexit" ] ;;
            _exit) check "_exit(): no atexit handlers, no flush: expected no output, got '$(cat out.txt)'" [ ! -s out.txt ] ;;
            esac
            check "exitcode.exe $how $code: unexpected stderr: $(head -3 err.txt)" [ ! -s err.txt ]
        done
    done
    # Windows appends .exe to a program name without an extension
    run out.txt err.txt "$CONF/exitcode" return 7
    check "'winrun .../exitcode return 7' (no .exe): expected 7, got $rc; $(head -2 err.txt)" [ "$rc" -eq 7 ]
    # a Windows path (Z: is the Linux root)
    winpath="Z:$(printf '%s' "$CONF" | tr / '\\')\\exitcode.exe"
    run out.txt err.txt "$winpath" return 9
    check "winrun '$winpath' return 9: expected 9, got $rc; $(head -2 err.txt)" [ "$rc" -eq 9 ]
fi

# ---------------------------------------------------------------------------------------------
# 4. Files winrun must refuse: one line on stderr naming the problem, exit code 126, never a crash.
# refuse <description> <file> <regex the line must match>
refuse() {
    local what=$1 file=$2 pattern=$3 lines
    run out.txt err.txt "$file"
    lines=$(wc -l <err.txt)
    check "$what: expected exit code 126, got $rc; stderr: $(head -3 err.txt)" [ "$rc" -eq 126 ]
    check "$what: expected exactly one line on stderr, got $lines: $(head -5 err.txt)" [ "$lines" -eq 1 ]
    check "$what: the line should start with 'winrun:' and match /$pattern/: $(head -1 err.txt)" \
        grep -qiE "^winrun: .*($pattern)" err.txt
    check "$what: nothing on stdout expected, got: $(head -3 out.txt)" [ ! -s out.txt ]
}
printf 'just some text\r\n' >text.exe
refuse "a text file" "$TMP/text.exe" "not a windows program|MZ"
refuse "an ELF binary (/bin/true)" /bin/true "ELF|Linux"
: >empty.exe
refuse "an empty file" "$TMP/empty.exe" "empty|not a windows program|MZ|truncated|too small"
if have exitcode.exe; then
    head -c 100 "$CONF/exitcode.exe" >trunc100.exe
    refuse "a PE truncated to 100 bytes" "$TMP/trunc100.exe" "past the end|truncated|beyond|too small|end of file"
    head -c 1024 "$CONF/exitcode.exe" >trunc1k.exe
    refuse "a PE truncated to 1024 bytes (headers, no sections)" "$TMP/trunc1k.exe" "past the end|truncated|beyond|end of file"
    cp "$CONF/exitcode.exe" arm64.exe
    lfanew=$(od -An -tu4 -j60 -N4 arm64.exe | tr -d ' ')
    printf '\x64\xaa' | dd of=arm64.exe bs=1 seek=$((lfanew + 4)) conv=notrunc 2>/dev/null
    refuse "an ARM64 PE (Machine 0xAA64)" "$TMP/arm64.exe" "ARM64|AA64|machine|architecture"
fi

# A file that does not exist: a clear line, non-zero
run out.txt err.txt "$TMP/no_such_program.exe"
check "a missing program: expected a non-zero exit code, got $rc" [ "$rc" -ne 0 ]
check "a missing program: expected one line naming it, got: $(head -3 err.txt)" \
    [ "$(wc -l <err.txt)" -eq 1 ]
check "a missing program: the line should name the file and say it is missing: $(head -1 err.txt)" \
    grep -qiE "^winrun: .*no_such_program.*(no such file|not found|does not exist)" err.txt

# WINRUN_PATH: extra Linux directories searched for DLLs, after the Windows search order. The
# program's DLL lives in another directory: the program fails without WINRUN_PATH and runs with it.
if [ -f "$CONF/dll_load.exe" ] && [ -f "$CONF/winrun_testdll.dll" ]; then
    mkdir -p wp/app wp/dlls
    cp "$CONF/dll_load.exe" wp/app/
    cp "$CONF/winrun_testdll.dll" wp/dlls/
    wp_rc=$(cd wp/app && timeout -k 5 "$LIMIT" "$WINRUN" dll_load.exe >/dev/null 2>&1; echo $?)
    check "WINRUN_PATH unset: the DLL is not found, expected exit code 53, got $wp_rc" [ "$wp_rc" -eq 53 ]
    wp_rc=$(cd wp/app && WINRUN_PATH="/nonexistent:$TMP/wp/dlls" timeout -k 5 "$LIMIT" "$WINRUN" dll_load.exe >/dev/null 2>&1; echo $?)
    check "WINRUN_PATH=dir: the program should find its DLL there and pass, got exit code $wp_rc" [ "$wp_rc" -eq 0 ]
else
    fail "WINRUN_PATH: dll_load.exe or winrun_testdll.dll missing from $CONF"
fi

# A program that imports a DLL that does not exist (msvcrt.dll renamed to wrnone.dll in a copy)
if have exitcode.exe; then
    LC_ALL=C sed 's/msvcrt\.dll/wrnone\.dll/g' "$CONF/exitcode.exe" >missing_dll.exe
    if cmp -s missing_dll.exe "$CONF/exitcode.exe"; then
        fail "could not patch the DLL name in exitcode.exe"
    else
        rm -f code.txt
        run out.txt err.txt --exit-code-file code.txt "$TMP/missing_dll.exe" return 0
        check "missing DLL: expected exit code 53 (STATUS_DLL_NOT_FOUND 0xC0000135 & 0xFF), got $rc" [ "$rc" -eq 53 ]
        check "missing DLL: expected one line on stderr, got $(wc -l <err.txt): $(head -5 err.txt)" [ "$(wc -l <err.txt)" -eq 1 ]
        check "missing DLL: the line should name wrnone.dll: $(head -2 err.txt)" grep -qi "wrnone\.dll" err.txt
        check "missing DLL: --exit-code-file should hold 0xC0000135, has '$(cat code.txt 2>/dev/null)'" grep -qi "0xC0000135" code.txt

        run out.txt err.txt --check "$TMP/missing_dll.exe"
        check "--check of a program with a missing DLL: the list should flag wrnone.dll: $(grep -i wrnone out.txt | head -2)" \
            grep -qiE "wrnone\.dll.*not found" out.txt
        check "--check of a program with a missing DLL: the count line should name it: $(tail -1 out.txt)" \
            grep -qiE "not found:.*wrnone\.dll" <(tail -1 out.txt)
    fi
fi

# ---------------------------------------------------------------------------------------------
# 5. winrun --check: the import list of the program and a final count line; the program does not run.
if have exitcode.exe; then
    run out.txt err.txt --check "$CONF/exitcode.exe"
    check "--check: should list KERNEL32.dll and msvcrt.dll: $(head -3 out.txt)" \
        sh -c 'grep -qi "KERNEL32\.dll" out.txt && grep -qi "msvcrt\.dll" out.txt'
    check "--check: ExitProcess should be listed as implemented: $(grep ExitProcess out.txt)" \
        grep -qE "ExitProcess +implemented" out.txt
    last=$(tail -1 out.txt)
    if [[ $last =~ ([0-9]+)\ imports,\ ([0-9]+)\ implemented,\ ([0-9]+)\ missing ]]; then
        pass
        total=${BASH_REMATCH[1]} impl=${BASH_REMATCH[2]} miss=${BASH_REMATCH[3]}
        nimpl=$(grep -cE " implemented$" out.txt)
        nmiss=$(grep -cE " MISSING$" out.txt)
        check "--check: $total imports should be $impl implemented + $miss missing" [ "$total" -eq $((impl + miss)) ]
        check "--check: $nimpl 'implemented' lines, count line says $impl" [ "$nimpl" -eq "$impl" ]
        check "--check: $nmiss 'MISSING' lines, count line says $miss" [ "$nmiss" -eq "$miss" ]
        if [ "$miss" -eq 0 ]; then want=0; else want=1; fi
        check "--check: exit code should be $want with $miss missing, got $rc" [ "$rc" -eq $want ]
    else
        fail "--check: the last line should be '<exe>: N imports, I implemented, M missing', got '$last'"
    fi
    check "--check must not run the program: $(grep 'tests executed' out.txt)" bash -c '! grep -q "tests executed" out.txt'
fi

# ---------------------------------------------------------------------------------------------
# 6. WINRUN_DEBUG=+relay traces calls on stderr and leaves stdout alone; without it winrun is silent.
if have exitcode.exe; then
    run plain.txt plain_err.txt "$CONF/exitcode.exe"
    check "exitcode.exe (no arguments): exit code 0, got $rc: $(cat plain.txt)" [ "$rc" -eq 0 ]
    check "without WINRUN_DEBUG winrun prints nothing on stderr, got: $(head -3 plain_err.txt)" [ ! -s plain_err.txt ]
    WINRUN_DEBUG=+relay timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/exitcode.exe" >relay.txt 2>relay_err.txt </dev/null
    rc=$?
    check "+relay: exit code 0, got $rc" [ "$rc" -eq 0 ]
    check "+relay: stdout must be unchanged: expected $(show plain.txt), got $(show relay.txt)" cmp -s plain.txt relay.txt
    check "+relay: a 'Call KERNEL32.GetLastError()' line on stderr: $(grep -m2 -i lasterror relay_err.txt)" \
        grep -qE "Call +KERNEL32\.GetLastError\(\)" relay_err.txt
    check "+relay: a 'Ret KERNEL32.GetLastError() ... 4d2' line on stderr: $(grep -m2 -i 'ret.*lasterror' relay_err.txt)" \
        grep -qiE "Ret +KERNEL32\.GetLastError\(\).*0x0*4d2" relay_err.txt
    check "+relay: a Call line for SetLastError(0x4d2): $(grep -m1 SetLastError relay_err.txt)" \
        grep -qiE "Call +KERNEL32\.SetLastError\(0x0*4d2\)" relay_err.txt
fi

# ---------------------------------------------------------------------------------------------
# 7. iostream output of a C++ program reaches stdout (text mode: CRLF).
if [ -f "$CONF/cxx_basic.exe" ]; then
    run out.bin err.txt "$CONF/cxx_basic.exe"
    printf 'iostream: 42 3.5 ff hello\r\n' >want.bin
    check "cxx_basic.exe: std::cout line 'iostream: 42 3.5 ff hello\\r\\n' (rc $rc): $(head -3 err.txt)" \
        grep -qF "$(cat want.bin)" out.bin
fi

# ---------------------------------------------------------------------------------------------
# 8. An unhandled exception: one report on stderr (code, name, module+offset, a backtrace from the
#    unwind tables; registers only with WINRUN_DEBUG=+seh), exit status = the NTSTATUS.
if have seh_vectored.exe; then
    run out.txt err.txt --exit-code-file code.txt "$CONF/seh_vectored.exe" crash
    check "unhandled access violation: expected exit status 5 (0xC0000005 & 0xFF), got $rc" [ "$rc" -eq 5 ]
    check "unhandled access violation: --exit-code-file should hold 0xc0000005: $(cat code.txt 2>/dev/null)" \
        grep -qi "c0000005" code.txt
    check "unhandled access violation: the report line: $(head -1 err.txt)" \
        grep -qE "^winrun: unhandled exception 0xc0000005 \(EXCEPTION_ACCESS_VIOLATION\) at seh_vectored\.exe\+0x[0-9a-f]+, writing address 0x0$" err.txt
    check "unhandled access violation: frames #0 and #1 in seh_vectored.exe: $(head -4 err.txt)" \
        sh -c 'grep -qE "^  #0 seh_vectored\.exe\+0x[0-9a-f]+" err.txt && grep -qE "^  #1 seh_vectored\.exe\+0x[0-9a-f]+" err.txt'
    check "unhandled access violation: no register dump by default: $(grep rip= err.txt)" bash -c '! grep -q "rip=" err.txt'
    check "unhandled access violation: at most one screen (24 lines), got $(wc -l <err.txt)" [ "$(wc -l <err.txt)" -le 24 ]
    WINRUN_DEBUG=+seh timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/seh_vectored.exe" crash >out.txt 2>err.txt </dev/null
    rc=$?
    check "WINRUN_DEBUG=+seh: exit status 5, got $rc" [ "$rc" -eq 5 ]
    check "WINRUN_DEBUG=+seh: registers in the report" grep -qE "rip=[0-9a-f]{16}" err.txt
fi
if have cxx_exceptions.exe; then
    run out.txt err.txt "$CONF/cxx_exceptions.exe" uncaught
    check "uncaught C++ exception: std::terminate and abort give exit status 3, got $rc: $(head -3 err.txt)" [ "$rc" -eq 3 ]
    check "uncaught C++ exception: libstdc++'s terminate message: $(head -3 err.txt)" grep -q "terminate called after throwing" err.txt
fi

# 9. Ctrl+C from the terminal (SIGINT) reaches SetConsoleCtrlHandler handlers on a new thread.
if have k32_console_redirected.exe; then
    rm -f out.txt
    timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/k32_console_redirected.exe" ctrl >out.txt 2>err.txt </dev/null &
    pid=$!
    for _ in $(seq 100); do grep -q ready out.txt 2>/dev/null && break; sleep 0.05; done
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    check "Ctrl+C handler: expected exit 42 and the event on another thread, got $rc: $(cat out.txt) $(head -3 err.txt)" \
        sh -c "[ $rc -eq 42 ] && grep -q 'event 0 on another thread' out.txt"
fi

# 10. A fresh prefix: made on first use of C:, also by programs starting at the same moment.
if have k32_volume.exe; then
    fresh="$TMP/fresh-prefix"
    pids=()
    for i in 1 2 3 4; do
        WINRUN_PREFIX="$fresh" timeout -k 5 "$LIMIT" "$WINRUN" "$CONF/k32_volume.exe" >"out$i.txt" 2>&1 </dev/null &
        pids+=($!)
    done
    all_ok=1
    for p in "${pids[@]}"; do wait "$p" || all_ok=0; done
    check "four programs racing on a fresh prefix: all should pass: $(cat out1.txt out2.txt out3.txt out4.txt | grep -v 'tests executed' | head -5)" [ $all_ok = 1 ]
    check "the fresh prefix has drive_c/windows/system32 and a user profile" \
        sh -c "[ -d '$fresh/drive_c/windows/system32' ] && ls -d '$fresh'/drive_c/users/*/AppData/Local/Temp >/dev/null"
fi

# ---------------------------------------------------------------------------------------------
run out.txt err.txt --version
check "--version: exit 0 and 'winrun' in the output, got $rc: $(cat out.txt)" sh -c "[ $rc -eq 0 ] && grep -q winrun out.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
