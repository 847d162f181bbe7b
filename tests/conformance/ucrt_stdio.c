// build: -D_UCRT -specs=@UCRT_SPECS@ -Wno-format
/* The Universal CRT's stdio, as a program built against ucrtbase.dll sees it: every printf/scanf
 * arrives at a __stdio_common_* entry point with an options word. UCRT formatting differs from
 * msvcrt.dll's: two-digit exponents, exact decimal expansions rounded to even, "inf"/"nan", C99
 * snprintf, 'hh', %F. Expected values are what ucrtbase.dll (Windows 10 2004 and later) prints. */
#include <math.h>
#include <stdint.h>
#include <wchar.h>
#include <errno.h>
#include <io.h>
#include <sys/stat.h>
#include "ok.h"

static int WINAPIV vsprintf_opt(unsigned __int64 options, char* buf, size_t n, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __stdio_common_vsprintf(options, buf, n, fmt, NULL, ap);
    va_end(ap);
    return r;
}
static int WINAPIV vswprintf_opt(unsigned __int64 options, wchar_t* buf, size_t n, const wchar_t* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __stdio_common_vswprintf(options, buf, n, fmt, NULL, ap);
    va_end(ap);
    return r;
}

#define CHECK_FMT(expect, ...)                                                           \
    do {                                                                                 \
        char b_[256];                                                                    \
        int r_ = snprintf(b_, sizeof b_, __VA_ARGS__);                                   \
        ok(!strcmp(b_, expect) && r_ == (int)strlen(expect), "%s: expected \"%s\", got \"%s\" (%d)\n", \
           #__VA_ARGS__, expect, b_, r_);                                                \
    } while (0)

static void test_format(void) {
    CHECK_FMT("1.000000e+05", "%e", 1e5);
    CHECK_FMT("100000 1e+06", "%g %g", 1e5, 1e6);
    CHECK_FMT("1e-05", "%g", 1e-5);
    CHECK_FMT("1.235E+04", "%.3E", 12345.678);
    CHECK_FMT("1.5e+300", "%.1e", 1.5e300);
    CHECK_FMT("0.10000000000000000555", "%.20f", 0.1);
    CHECK_FMT("2 4 0", "%.0f %.0f %.0f", 2.5, 3.5, 0.5);
    CHECK_FMT("1.2", "%.1f", 1.25);
    CHECK_FMT("inf -inf INF", "%f %f %F", INFINITY, -INFINITY, INFINITY);
    CHECK_FMT("nan NAN", "%f %G", (double)NAN, (double)NAN);
    CHECK_FMT("  inf|inf  ", "%5.1f|%-5f", INFINITY, INFINITY);
    CHECK_FMT("3.140000 3.14", "%F %G", 3.14, 3.14);
    CHECK_FMT("44 -1 65535", "%hhd %hhd %hu", 300, 255, 65535);
    CHECK_FMT("7 -5 18446744073709551615 -3", "%zu %lld %llu %jd", (size_t)7, -5LL, ~0ULL, (intmax_t)-3);
    CHECK_FMT("wide narrow", "%ls %hs", L"wide", "narrow");
    CHECK_FMT("0x1.8000000000000p+1", "%a", 3.0);

    /* The three-digit legacy exponent and msvcrt's infinity on request. */
    char buf[64];
    int r = vsprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR | _CRT_INTERNAL_PRINTF_LEGACY_THREE_DIGIT_EXPONENTS,
                         buf, sizeof buf, "%e", 1e5);
    ok(r == 13 && !strcmp(buf, "1.000000e+005"), "three-digit exponent: got \"%s\" (%d)\n", buf, r);
    r = vsprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR | _CRT_INTERNAL_PRINTF_LEGACY_MSVCRT_COMPATIBILITY,
                     buf, sizeof buf, "%f", INFINITY);
    ok(!strcmp(buf, "1.#INF00"), "msvcrt-compatible infinity: got \"%s\" (%d)\n", buf, r);
}

static void test_buffers(void) {
    char buf[8];
    int r;
    /* C99 snprintf: the full length, what fits, always terminated. */
    memset(buf, 'x', sizeof buf);
    r = snprintf(buf, 4, "abcdef");
    ok(r == 6 && !strcmp(buf, "abc"), "snprintf: %d \"%s\"\n", r, buf);
    r = snprintf(NULL, 0, "%d", 12345);
    ok(r == 5, "snprintf(NULL, 0): %d\n", r);
    r = vsprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR, buf, 8, "justfits");
    ok(r == 8 && !strcmp(buf, "justfit"), "standard, exact: %d \"%s\"\n", r, buf);
    /* _snprintf: -1 when it does not fit, no terminator then; an exact fit returns its length. */
    memset(buf, 'x', sizeof buf);
    r = vsprintf_opt(_CRT_INTERNAL_PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION, buf, 8, "muchlonger");
    ok(r == -1 && !memcmp(buf, "muchlong", 8), "legacy, longer: %d\n", r);
    memset(buf, 'x', sizeof buf);
    r = vsprintf_opt(_CRT_INTERNAL_PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION, buf, 8, "justfits");
    ok(r == 8 && !memcmp(buf, "justfits", 8), "legacy, exact: %d\n", r);
    r = vsprintf_opt(_CRT_INTERNAL_PRINTF_LEGACY_VSPRINTF_NULL_TERMINATION, buf, 8, "short");
    ok(r == 5 && !strcmp(buf, "short"), "legacy, short: %d\n", r);
    /* Neither option (vsprintf/swprintf style): -2 and a terminated prefix when it does not fit. */
    r = vsprintf_opt(0, buf, 8, "justfits");
    ok(r == -2 && !strcmp(buf, "justfit"), "default, exact: %d \"%s\"\n", r, buf);
    r = vsprintf_opt(0, buf, 8, "justfit");
    ok(r == 7 && !strcmp(buf, "justfit"), "default, fits: %d \"%s\"\n", r, buf);
    r = vsprintf_opt(0, NULL, 0, "abcd");
    ok(r == 4, "default, counting: %d\n", r);
    r = sprintf_s(buf, sizeof buf, "%d", 42);
    ok(r == 2 && !strcmp(buf, "42"), "sprintf_s: %d \"%s\"\n", r, buf);
    r = _snprintf_s(buf, sizeof buf, _TRUNCATE, "%s", "muchlonger");
    ok(r == -1 && !strcmp(buf, "muchlon"), "_snprintf_s truncate: %d \"%s\"\n", r, buf);
}

static void test_wide(void) {
    wchar_t w[32];
    int r;
    /* C99 wide specifiers: %s is narrow in the wide functions, %ls wide, %S wide. */
    r = vswprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR, w, 32, L"%s|%ls|%S", "n", L"w", L"W");
    ok(r == 5 && !wcscmp(w, L"n|w|W"), "ISO wide specifiers: %d\n", r);
    /* The legacy rule (what mingw's headers ask for by default): %s is the function's own width. */
    r = vswprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR | _CRT_INTERNAL_PRINTF_LEGACY_WIDE_SPECIFIERS, w, 32,
                      L"%s|%S|%hs", L"w", "n", "h");
    ok(r == 5 && !wcscmp(w, L"w|n|h"), "legacy wide specifiers: %d\n", r);
    r = vswprintf_opt(0, w, 4, L"abcdef");
    ok(r == -2 && !wcscmp(w, L"abc"), "wide default overflow: %d\n", r);
    r = vswprintf_opt(_CRT_INTERNAL_PRINTF_STANDARD_SNPRINTF_BEHAVIOR, w, 32, L"%.2e", 12345.0);
    ok(r == 8 && !wcscmp(w, L"1.23e+04"), "wide %%e: %d\n", r);
}

static void test_scan_and_convert(void) {
    int i = 0;
    char s[16] = "";
    double d = 0;
    int n = sscanf("42 word 2.5", "%d %15s %lf", &i, s, &d);
    ok(n == 3 && i == 42 && !strcmp(s, "word") && d == 2.5, "sscanf: %d %d %s %g\n", n, i, s, d);
    wchar_t ws[16] = L"";
    n = swscanf(L"7 abc", L"%d %15ls", &i, ws);
    ok(n == 2 && i == 7 && !wcscmp(ws, L"abc"), "swscanf: %d %d\n", n, i);
    char* end;
    ok(strtod("0x1p4", &end) == 16.0 && *end == 0, "strtod hex: %g\n", strtod("0x1p4", NULL));
    ok(isinf(strtod("inf", NULL)) && isinf(strtod("-Infinity", NULL)) && strtod("-Infinity", NULL) < 0, "strtod inf\n");
    ok(isnan(strtod("nan", &end)) && *end == 0, "strtod nan\n");
    errno = 0;
    ok(strtod("1e999", NULL) == HUGE_VAL && errno == ERANGE, "strtod overflow: errno %d\n", errno);
    ok(strtoll("-9223372036854775808", NULL, 10) == (-9223372036854775807LL - 1), "strtoll\n");
    ok(wcstod(L"  1.5e1x", NULL) == 15.0, "wcstod\n");
}

static void test_files(void) {
    const char* name = "ucrt_stdio.tmp";
    FILE* f = fopen(name, "wt");
    ok(f != NULL, "fopen wt failed\n");
    if (!f) return;
    int r = fprintf(f, "line %d\n", 1);
    ok(r == 7, "fprintf returned %d\n", r);
    ok(fwprintf(f, L"%ls\n", L"wide") == 5, "fwprintf\n");
    ok(fflush(f) == 0, "fflush\n");
    ok(ftell(f) == 14, "ftell in text mode: %ld\n", ftell(f));
    fclose(f);
    f = fopen(name, "rb");
    char buf[32] = {0};
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    ok(got == 14 && !memcmp(buf, "line 1\r\nwide\r\n", 14), "text mode wrote CRLF: %u bytes\n", (unsigned)got);
    fclose(f);
    struct _stat64 st;
    ok(_stat64(name, &st) == 0 && st.st_size == 14, "_stat64: size %lld\n", (long long)st.st_size);
    FILE* wf = _wfopen(L"ucrt_stdio.tmp", L"r");
    ok(wf != NULL, "_wfopen\n");
    if (wf) {
        int v = 0;
        ok(fscanf(wf, "line %d", &v) == 1 && v == 1, "fscanf: %d\n", v);
        fclose(wf);
    }
    struct __finddata64_t fd;
    intptr_t h = _findfirst64("ucrt_stdio.tm?", &fd);
    ok(h != -1 && !strcmp(fd.name, name) && fd.size == 14, "_findfirst64\n");
    if (h != -1) _findclose(h);
    ok(remove(name) == 0, "remove\n");
    ok(fopen(name, "r") == NULL && errno == ENOENT, "fopen of a missing file: errno %d\n", errno);
    ok(__acrt_iob_func(1) == stdout && stdout != stderr, "__acrt_iob_func\n");
}

START_TEST(ucrt_stdio)
{
    test_format();
    test_buffers();
    test_wide();
    test_scan_and_convert();
    test_files();
}
