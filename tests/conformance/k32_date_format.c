/* k32_date_format.c: GetDateFormat / GetTimeFormat (A, W, Ex) with the en-US pictures and with
 * explicit pictures (quoted text, every picture letter), flags, size rules and errors. */
#include "ok.h"

#define NUO LOCALE_NOUSEROVERRIDE

static SYSTEMTIME make(WORD y, WORD mo, WORD d, WORD h, WORD mi, WORD s) {
    SYSTEMTIME st;
    memset(&st, 0, sizeof(st));
    st.wYear = y; st.wMonth = mo; st.wDay = d; st.wHour = h; st.wMinute = mi; st.wSecond = s;
    st.wDayOfWeek = 3;  /* deliberately wrong: Windows computes the day itself */
    return st;
}

#define check_date(flags, st, fmt, exp) check_date_(__LINE__, flags, st, fmt, exp)
static void check_date_(int line, DWORD flags, const SYSTEMTIME* st, const char* fmt, const char* exp) {
    char buf[128] = "";
    int r = GetDateFormatA(0x409, flags, st, fmt, buf, sizeof(buf));
    winetest_set_location(__FILE__, line);
    winetest_ok(r == (int)strlen(exp) + 1 && !strcmp(buf, exp), "GetDateFormatA(%#lx, %s): expected %s, got %d %s (error %lu)\n",
                flags, fmt ? fmt : "NULL", exp, r, buf, GetLastError());
}
#define check_time(flags, st, fmt, exp) check_time_(__LINE__, flags, st, fmt, exp)
static void check_time_(int line, DWORD flags, const SYSTEMTIME* st, const char* fmt, const char* exp) {
    char buf[128] = "";
    int r = GetTimeFormatA(0x409, flags, st, fmt, buf, sizeof(buf));
    winetest_set_location(__FILE__, line);
    winetest_ok(r == (int)strlen(exp) + 1 && !strcmp(buf, exp), "GetTimeFormatA(%#lx, %s): expected %s, got %d %s (error %lu)\n",
                flags, fmt ? fmt : "NULL", exp, r, buf, GetLastError());
}

static void test_date(void) {
    SYSTEMTIME st = make(2023, 3, 5, 0, 0, 0), bad;
    WCHAR wbuf[64];
    char buf[64];
    int r;
    check_date(NUO, &st, NULL, "3/5/2023");
    check_date(DATE_SHORTDATE, &st, NULL, "3/5/2023");
    check_date(DATE_LONGDATE | NUO, &st, NULL, "Sunday, March 5, 2023");
    check_date(DATE_YEARMONTH, &st, NULL, "March 2023");
    check_date(0, &st, "dd MMM yy", "05 Mar 23");
    check_date(0, &st, "ddd, d MMMM yyyy", "Sun, 5 March 2023");
    check_date(0, &st, "dddd M/d/y", "Sunday 3/5/23");
    check_date(0, &st, "'Day' d", "Day 5");
    check_date(0, &st, "yyyy'''s' MM", "2023's 03");
    check_date(0, &st, "gg yyyy", "A.D. 2023");
    check_date(0, &st, "hh:mm d", "hh:mm 5");  /* time pictures are plain text here */
    st = make(2024, 12, 31, 0, 0, 0);
    check_date(DATE_LONGDATE, &st, NULL, "Tuesday, December 31, 2024");

    ok(GetDateFormatA(0x409, 0, &st, "d", NULL, 0) == 3, "size query\n");
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x409, DATE_LONGDATE, &st, NULL, buf, 5) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x409, DATE_SHORTDATE, &st, "d", buf, 64) && GetLastError() == ERROR_INVALID_FLAGS, "flag + format: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x409, DATE_SHORTDATE | DATE_LONGDATE, &st, NULL, buf, 64) && GetLastError() == ERROR_INVALID_FLAGS,
       "two kinds: %lu\n", GetLastError());
    bad = make(2023, 13, 1, 0, 0, 0);
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x409, 0, &bad, NULL, buf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "month 13: %lu\n", GetLastError());
    bad = make(2023, 2, 29, 0, 0, 0);
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x409, 0, &bad, NULL, buf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "February 29, 2023: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetDateFormatA(0x12345, 0, &st, NULL, buf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "bad LCID: %lu\n", GetLastError());

    r = GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &st, NULL, wbuf, 64);
    ok(r == 11 && !wcscmp(wbuf, L"12/31/2024"), "GetDateFormatW: %d %s\n", r, wine_dbgstr_w(wbuf));
    r = GetDateFormatEx(L"en-US", DATE_LONGDATE, &st, NULL, wbuf, 64, NULL);
    ok(r > 0 && !wcscmp(wbuf, L"Tuesday, December 31, 2024"), "GetDateFormatEx: %d %s\n", r, wine_dbgstr_w(wbuf));
    r = GetDateFormatEx(LOCALE_NAME_INVARIANT, DATE_SHORTDATE, &st, NULL, wbuf, 64, NULL);
    ok(r == 11 && !wcscmp(wbuf, L"12/31/2024"), "invariant short date: %d %s\n", r, wine_dbgstr_w(wbuf));
    ok(GetDateFormatA(0x409, 0, NULL, "yyyy", buf, 64) == 5, "NULL date (today) failed\n");
}

static void test_time(void) {
    SYSTEMTIME st = make(2023, 3, 5, 13, 5, 9), bad;
    WCHAR wbuf[64];
    char buf[64];
    int r;
    check_time(NUO, &st, NULL, "1:05:09 PM");
    check_time(TIME_NOSECONDS, &st, NULL, "1:05 PM");
    check_time(TIME_NOMINUTESORSECONDS, &st, NULL, "1 PM");
    check_time(TIME_NOTIMEMARKER, &st, NULL, "1:05:09");
    check_time(0, &st, "HH:mm:ss", "13:05:09");
    check_time(0, &st, "H:m:s", "13:5:9");
    check_time(TIME_FORCE24HOURFORMAT, &st, "h:mm", "13:05");
    check_time(0, &st, "hh 'o''clock' t", "01 o'clock P");
    check_time(0, &st, "tt", "PM");
    st = make(2023, 3, 5, 0, 0, 0);
    check_time(0, &st, NULL, "12:00:00 AM");
    st = make(2023, 3, 5, 12, 30, 0);
    check_time(0, &st, NULL, "12:30:00 PM");

    ok(GetTimeFormatA(0x409, 0, &st, NULL, NULL, 0) == 12, "size query\n");
    SetLastError(0xdeadbeef);
    ok(!GetTimeFormatA(0x409, 0, &st, NULL, buf, 4) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetTimeFormatA(0x409, NUO, &st, "h", buf, 64) && GetLastError() == ERROR_INVALID_FLAGS, "NUO with a format: %lu\n",
       GetLastError());
    bad = make(2023, 3, 5, 24, 0, 0);
    SetLastError(0xdeadbeef);
    ok(!GetTimeFormatA(0x409, 0, &bad, NULL, buf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "hour 24: %lu\n", GetLastError());

    r = GetTimeFormatW(0x409, 0, &st, L"HH'h'mm", wbuf, 64);
    ok(r == 6 && !wcscmp(wbuf, L"12h30"), "GetTimeFormatW: %d %s\n", r, wine_dbgstr_w(wbuf));
    r = GetTimeFormatEx(L"en-US", TIME_NOSECONDS, &st, NULL, wbuf, 64);
    ok(r == 9 && !wcscmp(wbuf, L"12:30 PM"), "GetTimeFormatEx: %d %s\n", r, wine_dbgstr_w(wbuf));
    r = GetTimeFormatEx(LOCALE_NAME_INVARIANT, 0, &st, NULL, wbuf, 64);
    ok(r == 9 && !wcscmp(wbuf, L"12:30:00"), "invariant time: %d %s\n", r, wine_dbgstr_w(wbuf));
    ok(GetTimeFormatA(0x409, 0, NULL, NULL, buf, 64) > 0, "NULL time (now) failed\n");
}

START_TEST(k32_date_format)
{
    test_date();
    test_time();
}
