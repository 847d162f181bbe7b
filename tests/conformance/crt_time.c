/* crt_time.c: msvcrt's <time.h>: gmtime/localtime/mktime with a TZ-string zone (msvcrt parses
 * "EST5EDT" itself and applies US daylight rules), the range msvcrt accepts (1970..3000), asctime/
 * ctime text, strftime/wcsftime in the "C" locale (%c %x %X, the '#' flag, %Z), _ftime, _strdate. */
#include "ok.h"
#include <errno.h>
#include <sys/timeb.h>
#include <time.h>
#include <wchar.h>

static void test_gmtime(void) {
    __time64_t t = 0;
    struct tm* tm = _gmtime64(&t);
    ok(tm && tm->tm_year == 70 && tm->tm_mon == 0 && tm->tm_mday == 1 && tm->tm_wday == 4 && tm->tm_yday == 0 &&
           tm->tm_hour == 0 && tm->tm_isdst == 0,
       "gmtime(0)\n");
    t = 951782400;  /* 2000-02-29 00:00:00 */
    tm = _gmtime64(&t);
    ok(tm && tm->tm_year == 100 && tm->tm_mon == 1 && tm->tm_mday == 29 && tm->tm_yday == 59 && tm->tm_wday == 2,
       "leap day 2000\n");
    t = 32535215999LL;  /* the last second msvcrt accepts */
    tm = _gmtime64(&t);
    ok(tm && tm->tm_year == 1100 && tm->tm_mon == 11 && tm->tm_mday == 31 && tm->tm_sec == 59, "3000-12-31 23:59:59\n");
    t = 32535216000LL;
    errno = 0;
    ok(_gmtime64(&t) == NULL && errno == EINVAL, "beyond year 3000: errno %d\n", errno);
    t = -1;
    errno = 0;
    ok(_gmtime64(&t) == NULL && errno == EINVAL, "negative time: errno %d\n", errno);

    struct tm in = {0};
    in.tm_year = 123;
    in.tm_mon = 12;  /* normalised to January 2024 */
    in.tm_mday = 1;
    ok(_mkgmtime64(&in) == 1704067200 && in.tm_year == 124 && in.tm_mon == 0 && in.tm_wday == 1,
       "_mkgmtime64 normalises: %d %d %d\n", in.tm_year, in.tm_mon, in.tm_wday);
}

static void test_localtime(void) {
    ok(_putenv("TZ=EST5EDT") == 0, "_putenv TZ\n");
    _tzset();
    ok(_timezone == 18000, "_timezone %ld\n", _timezone);
    ok(_daylight == 1, "_daylight %d\n", _daylight);
    ok(_dstbias == -3600, "_dstbias %ld\n", _dstbias);
    ok(!strcmp(_tzname[0], "EST") && !strcmp(_tzname[1], "EDT"), "_tzname %s %s\n", _tzname[0], _tzname[1]);

    __time64_t t = 1700000000;  /* 2023-11-14 22:13:20 UTC: standard time */
    struct tm* tm = _localtime64(&t);
    ok(tm && tm->tm_hour == 17 && tm->tm_min == 13 && tm->tm_isdst == 0, "EST: %d:%d dst %d\n", tm ? tm->tm_hour : -1,
       tm ? tm->tm_min : -1, tm ? tm->tm_isdst : -1);
    ok(tm && !strcmp(asctime(tm), "Tue Nov 14 17:13:20 2023\n"), "asctime: %s\n", tm ? asctime(tm) : "");
    ok(!strcmp(_ctime64(&t), "Tue Nov 14 17:13:20 2023\n"), "ctime\n");

    t = 1690000000;  /* 2023-07-22 04:26:40 UTC: daylight time */
    tm = _localtime64(&t);
    ok(tm && tm->tm_mday == 22 && tm->tm_hour == 0 && tm->tm_min == 26 && tm->tm_isdst == 1, "EDT: %d %d:%d dst %d\n",
       tm ? tm->tm_mday : -1, tm ? tm->tm_hour : -1, tm ? tm->tm_min : -1, tm ? tm->tm_isdst : -1);

    struct tm in = {0};
    in.tm_year = 123;
    in.tm_mon = 6;
    in.tm_mday = 22;
    in.tm_min = 26;
    in.tm_sec = 40;
    in.tm_isdst = -1;
    ok(_mktime64(&in) == 1690000000 && in.tm_isdst == 1 && in.tm_wday == 6, "mktime in daylight time: isdst %d\n",
       in.tm_isdst);
    memset(&in, 0, sizeof(in));
    in.tm_year = 69;
    in.tm_mon = 11;
    in.tm_mday = 31;
    ok(_mktime64(&in) == -1, "mktime before 1970 UTC\n");

    struct __timeb64 tb;
    _ftime64(&tb);
    ok(tb.timezone == 300 && tb.millitm < 1000 && tb.time > 1600000000, "_ftime64: tz %d\n", tb.timezone);

    _putenv("TZ=");
    _tzset();
}

static void test_strftime(void) {
    struct tm tm = {0};
    char buf[128];
    wchar_t wbuf[64];
    size_t n;

    _putenv("TZ=PST8PDT");
    _tzset();
    tm.tm_year = 95;
    tm.tm_mon = 2;
    tm.tm_mday = 4;
    tm.tm_hour = 14;
    tm.tm_min = 5;
    tm.tm_sec = 9;
    tm.tm_wday = 6;
    tm.tm_yday = 62;
    n = strftime(buf, sizeof(buf), "%a %A %b %B %d %H %I %j %m %M %p %S %U %w %W %y %Y %%", &tm);
    ok(!strcmp(buf, "Sat Saturday Mar March 04 14 02 063 03 05 PM 09 09 6 09 95 1995 %"), "strftime: %s\n", buf);
    ok(n == strlen(buf), "strftime length %u\n", (unsigned)n);
    strftime(buf, sizeof(buf), "%c|%x|%X", &tm);
    ok(!strcmp(buf, "03/04/95 14:05:09|03/04/95|14:05:09"), "C locale %%c %%x %%X: %s\n", buf);
    strftime(buf, sizeof(buf), "%#x|%#d|%#H|%#j", &tm);
    ok(!strcmp(buf, "Saturday, March 04, 1995|4|14|63"), "the '#' flag: %s\n", buf);
    strftime(buf, sizeof(buf), "%Z", &tm);
    ok(!strcmp(buf, "PST"), "%%Z: %s\n", buf);
    tm.tm_isdst = 1;
    strftime(buf, sizeof(buf), "%Z", &tm);
    ok(!strcmp(buf, "PDT"), "%%Z in daylight time: %s\n", buf);
    tm.tm_isdst = 0;
    errno = 0;
    ok(strftime(buf, 5, "%Y%m%d", &tm) == 0 && buf[0] == 0, "strftime result too long\n");
    n = wcsftime(wbuf, 64, L"%Y-%m-%d %H:%M", &tm);
    ok(n == 16 && !wcscmp(wbuf, L"1995-03-04 14:05"), "wcsftime: %s\n", wine_dbgstr_w(wbuf));
    tm.tm_hour = 0;
    strftime(buf, sizeof(buf), "%I %p", &tm);
    ok(!strcmp(buf, "12 AM"), "midnight: %s\n", buf);
    _putenv("TZ=");
    _tzset();
}

static void test_misc(void) {
    __time64_t a = _time64(NULL), b;
    ok(a > 1600000000, "time\n");
    b = _time64(&b);
    ok(b >= a, "time stores\n");
    ok(_difftime64(10, 4) == 6.0, "difftime\n");
    clock_t c1 = clock();
    Sleep(20);
    clock_t c2 = clock();
    ok(c1 >= 0 && c2 - c1 >= 15, "clock counts milliseconds: %ld %ld\n", (long)c1, (long)c2);
    ok(CLOCKS_PER_SEC == 1000, "CLOCKS_PER_SEC\n");
    char d[16], t[16];
    _strdate(d);
    _strtime(t);
    ok(strlen(d) == 8 && d[2] == '/' && d[5] == '/', "_strdate: %s\n", d);
    ok(strlen(t) == 8 && t[2] == ':' && t[5] == ':', "_strtime: %s\n", t);
}

START_TEST(crt_time)
{
    test_gmtime();
    test_localtime();
    test_strftime();
    test_misc();
}
