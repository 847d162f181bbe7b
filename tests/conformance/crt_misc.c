/* crt_misc.c: the rest of msvcrt a mingw program leans on: setjmp/longjmp, _beginthreadex/_endthreadex
 * and _beginthread, the floating-point control word, the "_s" printf family, _ecvt/_fcvt, _pgmptr,
 * aligned allocations, _get_output_format/_set_output_format, setlocale/localeconv. */
#include "ok.h"
#include <errno.h>
#include <float.h>
#ifndef _SW_ZERODIVIDE
#define _SW_ZERODIVIDE 0x00000008 /* float.h of the Windows SDK */
#endif
#include <locale.h>
#include <malloc.h>
#include <process.h>
#include <setjmp.h>

static jmp_buf jb;
static volatile int depth;

static void deep(int n) {
    depth = n;
    if (n == 5) longjmp(jb, 42);
    if (n < 100) deep(n + 1);
}

static void test_setjmp(void) {
    volatile int calls = 0;
    int r = setjmp(jb);
    calls++;
    if (r == 0) {
        deep(0);
        ok(0, "longjmp returned\n");
    }
    ok(r == 42 && calls == 2 && depth == 5, "setjmp returned %d after longjmp (calls %d)\n", r, calls);
    r = setjmp(jb);
    if (!r) longjmp(jb, 0);
    ok(r == 1, "longjmp(buf, 0) makes setjmp return 1: %d\n", r);
}

static volatile LONG counter;
static unsigned __stdcall worker(void* arg) {
    InterlockedAdd(&counter, (LONG)(INT_PTR)arg);
    if ((INT_PTR)arg == 7) _endthreadex(77);
    return 5;
}
static void __cdecl plain_worker(void* arg) {
    InterlockedIncrement(&counter);
    SetEvent((HANDLE)arg);
}

static void test_threads(void) {
    unsigned id = 0;
    DWORD code = 0;
    HANDLE h = (HANDLE)_beginthreadex(NULL, 0, worker, (void*)(INT_PTR)3, 0, &id);
    ok(h != NULL && id != 0, "_beginthreadex\n");
    if (h) {
        ok(WaitForSingleObject(h, 5000) == WAIT_OBJECT_0, "thread ends\n");
        ok(GetExitCodeThread(h, &code) && code == 5, "exit code from the return value: %lu\n", code);
        CloseHandle(h);
    }
    h = (HANDLE)_beginthreadex(NULL, 0, worker, (void*)(INT_PTR)7, 0, NULL);
    if (h) {
        WaitForSingleObject(h, 5000);
        ok(GetExitCodeThread(h, &code) && code == 77, "_endthreadex code: %lu\n", code);
        CloseHandle(h);
    }
    ok(counter == 10, "both threads ran: %ld\n", counter);
    errno = 0;
    ok(_beginthreadex(NULL, 0, NULL, NULL, 0, NULL) == 0 && errno == EINVAL, "_beginthreadex(NULL start)\n");

    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    uintptr_t t = _beginthread(plain_worker, 0, ev);
    ok(t != (uintptr_t)-1, "_beginthread\n");
    ok(WaitForSingleObject(ev, 5000) == WAIT_OBJECT_0 && counter == 11, "_beginthread ran\n");
    CloseHandle(ev);
}

static void test_float(void) {
    unsigned cw = _controlfp(0, 0);
    ok((cw & _MCW_EM) == _MCW_EM, "all exceptions masked at start: %#x\n", cw);
    ok((cw & _MCW_RC) == _RC_NEAR, "round to nearest: %#x\n", cw);
    _controlfp(_RC_CHOP, _MCW_RC);
    volatile double x = 2.9, y = -2.9;
    ok((int)(long long)__builtin_rint(x) == 2 && (int)(long long)__builtin_rint(y) == -2, "_RC_CHOP applies\n");
    ok((_controlfp(0, 0) & _MCW_RC) == _RC_CHOP, "_controlfp reads back _RC_CHOP\n");
    _controlfp(_RC_NEAR, _MCW_RC);
    ok((int)(long long)__builtin_rint(x) == 3, "back to nearest\n");
    _clearfp();
    volatile double z = 0.0, q = 1.0 / z;
    (void)q;
    ok(_statusfp() & _SW_ZERODIVIDE, "_statusfp sees the division by zero: %#x\n", _statusfp());
    ok(_clearfp() & _SW_ZERODIVIDE, "_clearfp returns the old status\n");
    ok(!(_statusfp() & _SW_ZERODIVIDE), "_clearfp cleared it\n");
}

static void test_secure_printf(void) {
    char buf[8];
    int r = _snprintf_s(buf, sizeof(buf), _TRUNCATE, "%s", "abcdefghij");
    ok(r == -1 && !strcmp(buf, "abcdefg"), "_snprintf_s _TRUNCATE: %d %s\n", r, buf);
    r = _snprintf_s(buf, sizeof(buf), 3, "%d", 12345);
    ok(r == -1 && !strcmp(buf, "123"), "_snprintf_s count: %d %s\n", r, buf);
    r = _snprintf_s(buf, sizeof(buf), 10, "%d", 42);
    ok(r == 2 && !strcmp(buf, "42"), "_snprintf_s fits: %d %s\n", r, buf);
    r = sprintf_s(buf, sizeof(buf), "%s", "1234567");
    ok(r == 7 && !strcmp(buf, "1234567"), "sprintf_s fits exactly\n");
    wchar_t wbuf[8];
    r = swprintf_s(wbuf, 8, L"%d-%s", 5, L"ab");
    ok(r == 4 && !wcscmp(wbuf, L"5-ab"), "swprintf_s\n");
    r = _snwprintf_s(wbuf, 8, _TRUNCATE, L"%s", L"0123456789");
    ok(r == -1 && !wcscmp(wbuf, L"0123456"), "_snwprintf_s _TRUNCATE\n");
}

static void test_cvt(void) {
    int dec, sign;
    char* s = _ecvt(3.14159, 4, &dec, &sign);
    ok(!strcmp(s, "3142") && dec == 1 && sign == 0, "_ecvt: %s %d %d\n", s, dec, sign);
    s = _ecvt(-0.00123, 2, &dec, &sign);
    ok(!strcmp(s, "12") && dec == -2 && sign == 1, "_ecvt small negative: %s %d %d\n", s, dec, sign);
    s = _fcvt(3.1415926535, 7, &dec, &sign);
    ok(!strcmp(s, "31415927") && dec == 1, "_fcvt: %s %d\n", s, dec);
    s = _fcvt(1234.5, 0, &dec, &sign);
    ok(!strcmp(s, "1234") || !strcmp(s, "1235"), "_fcvt no decimals: %s\n", s);
    ok(dec == 4, "_fcvt dec: %d\n", dec);
}

static void test_misc(void) {
    char exe[MAX_PATH];
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    ok(_pgmptr && !strcmp(_pgmptr, exe), "_pgmptr: %s, module %s\n", _pgmptr, exe);

    char* p = _aligned_malloc(100, 64);
    ok(p && ((UINT_PTR)p & 63) == 0, "_aligned_malloc\n");
    memset(p, 7, 100);
    p = _aligned_realloc(p, 4000, 64);
    ok(p && ((UINT_PTR)p & 63) == 0 && p[99] == 7, "_aligned_realloc keeps data\n");
    _aligned_free(p);
    p = _aligned_offset_malloc(40, 32, 8);
    ok(p && (((UINT_PTR)p + 8) & 31) == 0, "_aligned_offset_malloc\n");
    _aligned_free(p);

    ok(!strcmp(setlocale(LC_ALL, NULL), "C"), "setlocale query: %s\n", setlocale(LC_ALL, NULL));
    ok(setlocale(LC_ALL, "C") && !strcmp(setlocale(LC_NUMERIC, NULL), "C"), "setlocale C\n");
    ok(setlocale(99, "C") == NULL, "setlocale bad category\n");
    struct lconv* lc = localeconv();
    ok(lc && !strcmp(lc->decimal_point, ".") && !strcmp(lc->thousands_sep, "") && lc->int_frac_digits == CHAR_MAX,
       "localeconv in the C locale\n");
    ok(___lc_codepage_func() == 0, "the C locale has code page 0\n");

    ok(_get_output_format() == 0, "_get_output_format\n");
    ok(_set_output_format(_TWO_DIGIT_EXPONENT) == 0 && _get_output_format() == _TWO_DIGIT_EXPONENT, "_set_output_format\n");
    _set_output_format(0);
    ok(_set_error_mode(_REPORT_ERRMODE) == _OUT_TO_DEFAULT, "_set_error_mode\n");
}

START_TEST(crt_misc)
{
    test_setjmp();
    test_threads();
    test_float();
    test_secure_printf();
    test_cvt();
    test_misc();
}
