/* k32_timezone.c: GetTimeZoneInformation agrees with GetLocalTime/GetSystemTime and
 * FileTimeToLocalFileTime; SystemTimeToTzSpecificLocalTime and TzSpecificLocalTimeToSystemTime
 * round-trip, with the current zone and with explicit zone descriptions; when the zone is one of
 * W. Europe, Eastern (US) or UTC (ctest runs this program again under TZ=Europe/Berlin,
 * TZ=America/New_York and TZ=UTC), its Windows rules are checked. */
#include "ok.h"

static LONGLONG ft_value(const SYSTEMTIME* st) {
    FILETIME ft;
    ULARGE_INTEGER u;
    SystemTimeToFileTime(st, &ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    return (LONGLONG)u.QuadPart;
}

static SYSTEMTIME make_time(WORD y, WORD mo, WORD d, WORD h, WORD mi) {
    SYSTEMTIME st;
    memset(&st, 0, sizeof(st));
    st.wYear = y; st.wMonth = mo; st.wDay = d; st.wHour = h; st.wMinute = mi;
    return st;
}

static void test_consistency(void) {
    TIME_ZONE_INFORMATION tzi;
    DYNAMIC_TIME_ZONE_INFORMATION dtzi;
    SYSTEMTIME utc, local, conv;
    FILETIME ft, lft;
    LONGLONG diff_min;
    LONG bias;
    DWORD id = GetTimeZoneInformation(&tzi);
    ok(id == TIME_ZONE_ID_UNKNOWN || id == TIME_ZONE_ID_STANDARD || id == TIME_ZONE_ID_DAYLIGHT, "id %lu\n", id);
    bias = tzi.Bias + (id == TIME_ZONE_ID_DAYLIGHT ? tzi.DaylightBias : tzi.StandardBias);
    GetSystemTime(&utc);
    GetLocalTime(&local);
    diff_min = (ft_value(&utc) - ft_value(&local)) / 600000000LL;  /* whole minutes, local - utc */
    ok(diff_min >= bias - 1 && diff_min <= bias + 1, "UTC - local = %lld min, bias %ld\n", diff_min, bias);
    ok(id == TIME_ZONE_ID_UNKNOWN || tzi.DaylightDate.wMonth != 0, "DST id without a DaylightDate\n");

    SystemTimeToFileTime(&utc, &ft);
    FileTimeToLocalFileTime(&ft, &lft);
    FileTimeToSystemTime(&lft, &conv);
    diff_min = (ft_value(&utc) - ft_value(&conv)) / 600000000LL;
    ok(diff_min == bias || diff_min == bias - 1 || diff_min == bias + 1, "FileTimeToLocalFileTime: %lld, bias %ld\n", diff_min, bias);

    ok(SystemTimeToTzSpecificLocalTime(NULL, &utc, &conv), "SystemTimeToTzSpecificLocalTime failed\n");
    diff_min = (ft_value(&utc) - ft_value(&conv)) / 600000000LL;
    ok(diff_min == bias, "SystemTimeToTzSpecificLocalTime(NULL) differs by %lld, bias %ld\n", diff_min, bias);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &utc, &conv), "SystemTimeToTzSpecificLocalTime(&tzi) failed\n");
    diff_min = (ft_value(&utc) - ft_value(&conv)) / 600000000LL;
    ok(diff_min == bias, "SystemTimeToTzSpecificLocalTime(&tzi) differs by %lld, bias %ld\n", diff_min, bias);
    ok(TzSpecificLocalTimeToSystemTime(&tzi, &conv, &local), "TzSpecificLocalTimeToSystemTime failed\n");
    ok(ft_value(&local) == ft_value(&utc), "round trip through the zone rules changed the time\n");

    ok(GetDynamicTimeZoneInformation(&dtzi) == id, "GetDynamicTimeZoneInformation id differs\n");
    ok(dtzi.Bias == tzi.Bias && !wcscmp(dtzi.StandardName, tzi.StandardName), "dynamic information differs\n");
    ok(dtzi.TimeZoneKeyName[0] != 0, "no key name\n");
    ok(!dtzi.DynamicDaylightTimeDisabled, "DynamicDaylightTimeDisabled set\n");
}

/* A zone of our own: UTC+1, daylight UTC+2 from the last Sunday of March 2:00 to the last Sunday
 * of October 3:00 (the European rule). */
static void test_explicit_rules(void) {
    TIME_ZONE_INFORMATION tzi;
    SYSTEMTIME in, out, back;
    memset(&tzi, 0, sizeof(tzi));
    tzi.Bias = -60;
    tzi.DaylightBias = -60;
    tzi.DaylightDate.wMonth = 3; tzi.DaylightDate.wDayOfWeek = 0; tzi.DaylightDate.wDay = 5; tzi.DaylightDate.wHour = 2;
    tzi.StandardDate.wMonth = 10; tzi.StandardDate.wDayOfWeek = 0; tzi.StandardDate.wDay = 5; tzi.StandardDate.wHour = 3;

    in = make_time(2023, 1, 15, 12, 0);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wHour == 13, "winter: %u\n", out.wHour);
    in = make_time(2023, 7, 15, 12, 0);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wHour == 14, "summer: %u\n", out.wHour);
    /* 2023-03-26 is the last Sunday of March: daylight time starts at 01:00 UTC. */
    in = make_time(2023, 3, 26, 0, 59);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wHour == 1 && out.wMinute == 59, "before the switch: %u:%u\n",
       out.wHour, out.wMinute);
    in = make_time(2023, 3, 26, 1, 0);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wHour == 3 && out.wMinute == 0, "after the switch: %u:%u\n",
       out.wHour, out.wMinute);
    /* 2023-10-29: standard time from 01:00 UTC. */
    in = make_time(2023, 10, 29, 1, 0);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wHour == 2, "autumn switch: %u\n", out.wHour);
    in = make_time(2023, 7, 15, 14, 0);
    ok(TzSpecificLocalTimeToSystemTime(&tzi, &in, &back) && back.wHour == 12 && back.wDay == 15, "local to UTC: %u\n", back.wHour);
    in = make_time(2023, 12, 31, 23, 30);
    ok(SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && out.wYear == 2024 && out.wMonth == 1 && out.wDay == 1 && out.wHour == 0,
       "new year: %u-%u-%u %u\n", out.wYear, out.wMonth, out.wDay, out.wHour);
    SetLastError(0xdeadbeef);
    in = make_time(2023, 13, 1, 0, 0);
    ok(!SystemTimeToTzSpecificLocalTime(&tzi, &in, &out) && GetLastError() == ERROR_INVALID_PARAMETER, "month 13: %lu\n",
       GetLastError());
}

static void test_known_zone(void) {
    TIME_ZONE_INFORMATION tzi;
    DWORD id = GetTimeZoneInformation(&tzi);
    if (!wcscmp(tzi.StandardName, L"W. Europe Standard Time")) {
        ok(tzi.Bias == -60 && tzi.DaylightBias == -60 && tzi.StandardBias == 0, "W. Europe biases %ld %ld %ld\n", tzi.Bias,
           tzi.DaylightBias, tzi.StandardBias);
        ok(!wcscmp(tzi.DaylightName, L"W. Europe Daylight Time"), "daylight name %s\n", wine_dbgstr_w(tzi.DaylightName));
        ok(tzi.DaylightDate.wMonth == 3 && tzi.DaylightDate.wDay == 5 && tzi.DaylightDate.wDayOfWeek == 0 &&
               tzi.DaylightDate.wHour == 2 && tzi.DaylightDate.wYear == 0, "DaylightDate %u/%u/%u %u:00\n", tzi.DaylightDate.wMonth,
           tzi.DaylightDate.wDay, tzi.DaylightDate.wDayOfWeek, tzi.DaylightDate.wHour);
        ok(tzi.StandardDate.wMonth == 10 && tzi.StandardDate.wDay == 5 && tzi.StandardDate.wDayOfWeek == 0 &&
               tzi.StandardDate.wHour == 3, "StandardDate %u/%u/%u %u:00\n", tzi.StandardDate.wMonth, tzi.StandardDate.wDay,
           tzi.StandardDate.wDayOfWeek, tzi.StandardDate.wHour);
        ok(id == TIME_ZONE_ID_STANDARD || id == TIME_ZONE_ID_DAYLIGHT, "id %lu\n", id);
    } else if (!wcscmp(tzi.StandardName, L"Eastern Standard Time")) {
        ok(tzi.Bias == 300 && tzi.DaylightBias == -60, "Eastern biases %ld %ld\n", tzi.Bias, tzi.DaylightBias);
        ok(tzi.DaylightDate.wMonth == 3 && tzi.DaylightDate.wDay == 2 && tzi.DaylightDate.wHour == 2, "Eastern DaylightDate %u/%u %u\n",
           tzi.DaylightDate.wMonth, tzi.DaylightDate.wDay, tzi.DaylightDate.wHour);
        ok(tzi.StandardDate.wMonth == 11 && tzi.StandardDate.wDay == 1 && tzi.StandardDate.wHour == 2, "Eastern StandardDate %u/%u %u\n",
           tzi.StandardDate.wMonth, tzi.StandardDate.wDay, tzi.StandardDate.wHour);
    } else if (!wcscmp(tzi.StandardName, L"Coordinated Universal Time")) {
        ok(tzi.Bias == 0 && id == TIME_ZONE_ID_UNKNOWN, "UTC: bias %ld, id %lu\n", tzi.Bias, id);
        ok(tzi.DaylightDate.wMonth == 0 && tzi.StandardDate.wMonth == 0, "UTC has transition dates\n");
    } else {
        skip("zone %s has no specific checks\n", wine_dbgstr_w(tzi.StandardName));
    }
}

START_TEST(k32_timezone)
{
    test_consistency();
    test_explicit_rules();
    test_known_zone();
}
