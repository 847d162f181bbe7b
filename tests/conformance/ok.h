/* ok.h: a small Wine-style test harness for the conformance programs (C and C++, mingw-w64).
 *
 * A conformance program is an ordinary Windows console program that must pass on real Windows:
 *
 *     #include "ok.h"
 *     START_TEST(file)
 *     {
 *         SetLastError(0xdeadbeef);
 *         ok(!DeleteFileA("no such file"), "DeleteFileA of a missing file succeeded\n");
 *         ok(GetLastError() == ERROR_FILE_NOT_FOUND, "expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());
 *     }
 *
 *   ok(cond, fmt, ...)           a check; on failure prints "file:line: Test failed: <msg>". The condition is
 *                                evaluated before the message arguments, so GetLastError() in the message
 *                                shows the error of the call in the condition.
 *   todo_winrun(cond, fmt, ...)  a check winrun is known to fail. Under winrun (WINETEST_PLATFORM=winrun,
 *                                set by run_conformance.sh) a failure is counted as "todo" and a
 *                                success is a failure ("Test succeeded inside todo block") so that a
 *                                fixed gap is noticed; on Windows it is an ordinary ok().
 *   skip(fmt, ...)               notes that a group of checks could not run here.
 *   trace(fmt, ...)              prints a line (only with WINETEST_DEBUG >= 1, the default is 1).
 *   winetest_argc/winetest_argv  the program's arguments, for tests driven from loader_cli.sh.
 *
 * At the end (return from the START_TEST body, or exit() anywhere) one line is printed:
 *     "name: N tests executed (T todo, F failures), S skipped."
 * and the exit code is the number of failures, capped at 255.
 * Messages go to stdout, each line flushed, so they interleave sensibly with winrun's stderr.
 */
#ifndef WINRUN_TESTS_OK_H
#define WINRUN_TESTS_OK_H

#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define WINETEST_PRINTF_ATTR(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#define WINETEST_UNUSED __attribute__((unused))
#else
#define WINETEST_PRINTF_ATTR(f, a)
#define WINETEST_UNUSED
#endif

static const char* winetest_name = "test";
static const char* winetest_file = "";
static int winetest_line;
static int winetest_on_winrun;  /* WINETEST_PLATFORM=winrun: todo_winrun() is active */
static int winetest_debug = 1;
static LONG winetest_executed, winetest_failures, winetest_todo, winetest_skipped;
static int winetest_finished;
static int winetest_argc;
static char** winetest_argv;

static WINETEST_UNUSED const char* winetest_basename(const char* f) {
    const char* p = f;
    for (const char* q = f; *q; q++)
        if (*q == '/' || *q == '\\') p = q + 1;
    return p;
}

static WINETEST_UNUSED void winetest_set_location(const char* file, int line) {
    winetest_file = winetest_basename(file);
    winetest_line = line;
}

static WINETEST_UNUSED void winetest_vprint(const char* kind, const char* fmt, va_list ap) {
    if (kind) printf("%s:%d: %s: ", winetest_file, winetest_line, kind);
    vprintf(fmt, ap);
    fflush(stdout);
}

/* ok(): returns the condition, so "if (!ok(p != NULL, ...)) return;" works. */
static WINETEST_UNUSED WINETEST_PRINTF_ATTR(2, 3) int winetest_ok(int cond, const char* fmt, ...) {
    va_list ap;
    InterlockedIncrement(&winetest_executed);
    if (!cond) {
        InterlockedIncrement(&winetest_failures);
        va_start(ap, fmt);
        winetest_vprint("Test failed", fmt, ap);
        va_end(ap);
    } else if (winetest_debug > 1) {
        va_start(ap, fmt);
        winetest_vprint("Test succeeded", fmt, ap);
        va_end(ap);
    }
    return cond;
}

static WINETEST_UNUSED WINETEST_PRINTF_ATTR(2, 3) int winetest_todo_ok(int cond, const char* fmt, ...) {
    va_list ap;
    InterlockedIncrement(&winetest_executed);
    va_start(ap, fmt);
    if (!winetest_on_winrun) {
        if (!cond) {
            InterlockedIncrement(&winetest_failures);
            winetest_vprint("Test failed", fmt, ap);
        }
    } else if (cond) {
        /* The gap is closed: turn the todo_winrun into ok. */
        InterlockedIncrement(&winetest_failures);
        winetest_vprint("Test succeeded inside todo block", fmt, ap);
    } else {
        InterlockedIncrement(&winetest_todo);
        if (winetest_debug > 0) winetest_vprint("Test marked todo", fmt, ap);
    }
    va_end(ap);
    return cond;
}

static WINETEST_UNUSED WINETEST_PRINTF_ATTR(1, 2) void winetest_skip(const char* fmt, ...) {
    va_list ap;
    InterlockedIncrement(&winetest_skipped);
    va_start(ap, fmt);
    winetest_vprint("Tests skipped", fmt, ap);
    va_end(ap);
}

static WINETEST_UNUSED WINETEST_PRINTF_ATTR(1, 2) void winetest_trace(const char* fmt, ...) {
    va_list ap;
    if (winetest_debug < 1) return;
    va_start(ap, fmt);
    winetest_vprint("trace", fmt, ap);
    va_end(ap);
}

static WINETEST_UNUSED int winetest_done(void) {
    LONG f = winetest_failures;
    if (winetest_finished) return f > 255 ? 255 : (int)f;
    winetest_finished = 1;
    printf("%s: %ld tests executed (%ld todo, %ld failures), %ld skipped.\n", winetest_name, (long)winetest_executed,
           (long)winetest_todo, (long)f, (long)winetest_skipped);
    fflush(stdout);
    return f > 255 ? 255 : (int)f;
}

/* A test body that leaves through exit() still prints its summary, and failures still fail it. */
static WINETEST_UNUSED void winetest_atexit(void) {
    if (winetest_finished) return;
    printf("%s: exit() called before the end of the test\n", winetest_name);
    int rc = winetest_done();
    fflush(NULL);
    if (rc) _exit(rc);
}

static WINETEST_UNUSED void winetest_init(const char* name, int argc, char** argv) {
    char buf[64];
    DWORD n;
    winetest_name = name;
    winetest_argc = argc;
    winetest_argv = argv;
    /* Wine's convention: the runner says which platform known failures belong to. */
    n = GetEnvironmentVariableA("WINETEST_PLATFORM", buf, sizeof(buf));
    winetest_on_winrun = n > 0 && n < sizeof(buf) && !strcmp(buf, "winrun");
    n = GetEnvironmentVariableA("WINETEST_DEBUG", buf, sizeof(buf));
    if (n > 0 && n < sizeof(buf)) {  /* (no atoi: the harness should need as little of the CRT as it can) */
        winetest_debug = 0;
        for (const char* p = buf; *p >= '0' && *p <= '9'; p++) winetest_debug = winetest_debug * 10 + (*p - '0');
    }
    atexit(winetest_atexit);
}

/* Function-like macros, so that other uses of these names (a C++ header's member "skip") are untouched.
 * The condition is evaluated before the message arguments: in ok(!DeleteFileA(f), "... %lu\n", GetLastError())
 * the GetLastError() must see what DeleteFileA left (C leaves the order of function arguments open, and GCC
 * evaluates the last one first). */
#define ok(cond, ...) \
    __extension__({ int winetest_c_ = !!(cond); winetest_set_location(__FILE__, __LINE__); winetest_ok(winetest_c_, __VA_ARGS__); })
#define todo_winrun(cond, ...) \
    __extension__({ int winetest_c_ = !!(cond); winetest_set_location(__FILE__, __LINE__); winetest_todo_ok(winetest_c_, __VA_ARGS__); })
#define skip(...) (winetest_set_location(__FILE__, __LINE__), winetest_skip(__VA_ARGS__))
#define trace(...) (winetest_set_location(__FILE__, __LINE__), winetest_trace(__VA_ARGS__))

/* START_TEST(name) { body }: defines main(), runs the body, prints the summary, returns failures. */
#define START_TEST(name) START_TEST_(name)
#define START_TEST_(name)                             \
    static void func_##name(void);                    \
    int main(int argc, char** argv) {                 \
        winetest_init(#name, argc, argv);             \
        func_##name();                                \
        return winetest_done();                       \
    }                                                 \
    static void func_##name(void)

/* Helpers for printing and comparing buffers in messages. */
static WINETEST_UNUSED const char* wine_dbgstr_an(const char* s, int n) {
    static char bufs[4][512];
    static int which;
    char* out = bufs[which++ & 3];
    char* p = out;
    if (!s) return "(null)";
    if (n < 0) n = (int)strlen(s);
    *p++ = '"';
    for (int i = 0; i < n && p < out + sizeof(bufs[0]) - 8; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
        else if (c == '\r') { *p++ = '\\'; *p++ = 'r'; }
        else if (c == '\t') { *p++ = '\\'; *p++ = 't'; }
        else if (c == '"' || c == '\\') { *p++ = '\\'; *p++ = (char)c; }
        else if (c >= 0x20 && c < 0x7f) *p++ = (char)c;
        else p += sprintf(p, "\\x%02x", c);
    }
    *p++ = '"';
    *p = 0;
    return out;
}
static WINETEST_UNUSED const char* wine_dbgstr_a(const char* s) { return wine_dbgstr_an(s, -1); }

static WINETEST_UNUSED const char* wine_dbgstr_wn(const WCHAR* s, int n) {
    static char bufs[4][512];
    static int which;
    char* out = bufs[which++ & 3];
    char* p = out;
    if (!s) return "(null)";
    if (n < 0) n = (int)wcslen(s);
    *p++ = 'L';
    *p++ = '"';
    for (int i = 0; i < n && p < out + sizeof(bufs[0]) - 10; i++) {
        unsigned c = s[i];
        if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
        else if (c == '\r') { *p++ = '\\'; *p++ = 'r'; }
        else if (c == '"' || c == '\\') { *p++ = '\\'; *p++ = (char)c; }
        else if (c >= 0x20 && c < 0x7f) *p++ = (char)c;
        else p += sprintf(p, "\\x%04x", c);
    }
    *p++ = '"';
    *p = 0;
    return out;
}
static WINETEST_UNUSED const char* wine_dbgstr_w(const WCHAR* s) { return wine_dbgstr_wn(s, -1); }

#endif /* WINRUN_TESTS_OK_H */
