/* time.c: system time, FILETIME <-> SYSTEMTIME conversions (round trip, day of week, invalid dates),
 * the performance counter and tick counts. */
#include "ok.h"

static ULONGLONG ft64(FILETIME ft) { return ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime; }
static FILETIME mkft(ULONGLONG v) {
    FILETIME ft;
    ft.dwLowDateTime = (DWORD)v;
    ft.dwHighDateTime = (DWORD)(v >> 32);
    return ft;
}
#define EPOCH_DIFF 116444736000000000ull /* 1601-01-01 to 1970-01-01 in 100 ns units */

#define check_st(st, y, mo, dow, d, h, mi, s, ms) check_st_(__LINE__, st, y, mo, dow, d, h, mi, s, ms)
static void check_st_(int line, const SYSTEMTIME* st, int y, int mo, int dow, int d, int h, int mi, int s, int ms) {
    winetest_set_location(__FILE__, line);
    winetest_ok(st->wYear == y && st->wMonth == mo && st->wDayOfWeek == dow && st->wDay == d && st->wHour == h &&
                    st->wMinute == mi && st->wSecond == s && st->wMilliseconds == ms,
                "expected %04d-%02d-%02d (dow %d) %02d:%02d:%02d.%03d, got %04u-%02u-%02u (dow %u) %02u:%02u:%02u.%03u\n", y, mo, d,
                dow, h, mi, s, ms, st->wYear, st->wMonth, st->wDay, st->wDayOfWeek, st->wHour, st->wMinute, st->wSecond,
                st->wMilliseconds);
}

static void test_conversions(void) {
    SYSTEMTIME st;
    FILETIME ft;
    BOOL r;

    ft = mkft(0);
    ok(FileTimeToSystemTime(&ft, &st), "FileTimeToSystemTime(0) failed\n");
    check_st(&st, 1601, 1, 1, 1, 0, 0, 0, 0);  /* 1601-01-01 was a Monday */

    ft = mkft(133536836967890000ull);
    ok(FileTimeToSystemTime(&ft, &st), "FileTimeToSystemTime(2024-02-29) failed\n");
    check_st(&st, 2024, 2, 4, 29, 12, 34, 56, 789);  /* a Thursday */

    ft = mkft(133536836967890000ull + 9999);  /* sub-millisecond units are dropped */
    ok(FileTimeToSystemTime(&ft, &st), "FileTimeToSystemTime failed\n");
    ok(st.wMilliseconds == 789, "sub-millisecond rounding: expected 789, got %u\n", st.wMilliseconds);

    memset(&st, 0, sizeof(st));
    st.wYear = 2000;
    st.wMonth = 1;
    st.wDay = 1;
    st.wDayOfWeek = 3;  /* wrong on purpose: ignored */
    ok(SystemTimeToFileTime(&st, &ft), "SystemTimeToFileTime(2000-01-01) failed: %lu\n", GetLastError());
    ok(ft64(ft) == 125911584000000000ull, "2000-01-01: expected 125911584000000000, got %llu\n", ft64(ft));
    ok(FileTimeToSystemTime(&ft, &st), "FileTimeToSystemTime failed\n");
    check_st(&st, 2000, 1, 6, 1, 0, 0, 0, 0);  /* a Saturday */

    /* round trip */
    memset(&st, 0, sizeof(st));
    st.wYear = 2024; st.wMonth = 2; st.wDay = 29; st.wHour = 12; st.wMinute = 34; st.wSecond = 56; st.wMilliseconds = 789;
    ok(SystemTimeToFileTime(&st, &ft) && ft64(ft) == 133536836967890000ull, "2024-02-29 12:34:56.789: got %llu\n", ft64(ft));

    /* invalid dates */
    memset(&st, 0, sizeof(st));
    st.wYear = 2023; st.wMonth = 2; st.wDay = 29;
    SetLastError(0xdeadbeef);
    r = SystemTimeToFileTime(&st, &ft);
    ok(!r && GetLastError() == ERROR_INVALID_PARAMETER, "2023-02-29: expected FALSE/ERROR_INVALID_PARAMETER, got %d/%lu\n", r, GetLastError());
    st.wYear = 2100; st.wMonth = 2; st.wDay = 29;  /* not a leap year */
    r = SystemTimeToFileTime(&st, &ft);
    ok(!r, "2100-02-29 accepted\n");
    st.wYear = 2000; st.wMonth = 2; st.wDay = 29;  /* a leap year */
    ok(SystemTimeToFileTime(&st, &ft), "2000-02-29 rejected\n");
    st.wYear = 2000; st.wMonth = 13; st.wDay = 1;
    ok(!SystemTimeToFileTime(&st, &ft), "month 13 accepted\n");
    st.wYear = 2000; st.wMonth = 4; st.wDay = 31;
    ok(!SystemTimeToFileTime(&st, &ft), "April 31 accepted\n");
    st.wYear = 2000; st.wMonth = 4; st.wDay = 30; st.wHour = 24;
    ok(!SystemTimeToFileTime(&st, &ft), "hour 24 accepted\n");
    st.wHour = 0; st.wMilliseconds = 1000;
    ok(!SystemTimeToFileTime(&st, &ft), "1000 milliseconds accepted\n");
    st.wMilliseconds = 0; st.wYear = 1600; st.wMonth = 12; st.wDay = 31;
    ok(!SystemTimeToFileTime(&st, &ft), "year 1600 accepted\n");

    ft = mkft(0x8000000000000000ull);
    SetLastError(0xdeadbeef);
    r = FileTimeToSystemTime(&ft, &st);
    ok(!r && GetLastError() == ERROR_INVALID_PARAMETER, "FILETIME with the top bit set: expected FALSE/ERROR_INVALID_PARAMETER, got %d/%lu\n",
       r, GetLastError());
}

static void test_now(void) {
    FILETIME ft, ft2, local, back;
    SYSTEMTIME st, st2;
    ULONGLONG a, b;
    __time64_t (__cdecl * p_time64)(__time64_t*) = (void*)GetProcAddress(GetModuleHandleA("msvcrt.dll"), "_time64");

    GetSystemTimeAsFileTime(&ft);
    a = ft64(ft);
    ok(a > 133000000000000000ull, "GetSystemTimeAsFileTime is before 2022: %llu\n", a);
    ok(p_time64 != NULL, "msvcrt.dll does not export _time64\n");
    if (p_time64) {
        __time64_t t = p_time64(NULL);
        long long diff = (long long)((a - EPOCH_DIFF) / 10000000) - (long long)t;
        ok(diff >= -2 && diff <= 2, "GetSystemTimeAsFileTime and _time64 differ by %lld s\n", diff);
    }

    GetSystemTime(&st);
    ok(SystemTimeToFileTime(&st, &ft2), "SystemTimeToFileTime(GetSystemTime) failed\n");
    b = ft64(ft2);
    ok(b + 20000000 >= a && b <= a + 20000000, "GetSystemTime and GetSystemTimeAsFileTime differ: %llu vs %llu\n", b, a);

    /* local time: GetLocalTime agrees with FileTimeToLocalFileTime, and the conversion round-trips */
    ok(FileTimeToLocalFileTime(&ft, &local), "FileTimeToLocalFileTime failed\n");
    ok(LocalFileTimeToFileTime(&local, &back) && ft64(back) == a, "local time round trip: %llu -> %llu -> %llu\n", a, ft64(local),
       ft64(back));
    GetLocalTime(&st2);
    ok(SystemTimeToFileTime(&st2, &ft2), "SystemTimeToFileTime(GetLocalTime) failed\n");
    b = ft64(ft2);
    ok(b + 20000000 >= ft64(local) && b <= ft64(local) + 20000000, "GetLocalTime and FileTimeToLocalFileTime differ: %llu vs %llu\n",
       b, ft64(local));

    GetSystemTimePreciseAsFileTime(&ft2);
    ok(ft64(ft2) >= a, "GetSystemTimePreciseAsFileTime went back: %llu < %llu\n", ft64(ft2), a);
}

static void test_counters(void) {
    LARGE_INTEGER f, c1, c2;
    ULONGLONG t1, t2;
    DWORD tc;
    ok(QueryPerformanceFrequency(&f), "QueryPerformanceFrequency failed\n");
    ok(f.QuadPart == 10000000, "QueryPerformanceFrequency: expected 10000000, got %lld\n", f.QuadPart);
    ok(QueryPerformanceCounter(&c1), "QueryPerformanceCounter failed\n");
    t1 = GetTickCount64();
    tc = GetTickCount();
    ok((DWORD)t1 - tc + 100 <= 200, "GetTickCount %lu is not the low part of GetTickCount64 %llu\n", tc, t1);
    Sleep(50);
    QueryPerformanceCounter(&c2);
    t2 = GetTickCount64();
    ok(c2.QuadPart - c1.QuadPart >= 450000 && c2.QuadPart - c1.QuadPart < 50000000,
       "Sleep(50) took %lld counter units (expected about 500000)\n", c2.QuadPart - c1.QuadPart);
    ok(t2 - t1 >= 30 && t2 - t1 < 5000, "Sleep(50) took %llu ticks\n", t2 - t1);
}

START_TEST(time)
{
    test_conversions();
    test_now();
    test_counters();
}
