// Time zones: GetTimeZoneInformation and friends, from the Linux zone (TZ, else /etc/localtime)
// through the C library.
//
// The Windows description of a zone (a bias, and yearly "n-th weekday of a month" rules for the
// start of daylight and standard time) is derived from the zone's actual transitions in the year
// asked for, found with localtime_r. Common IANA zones get their Windows names from a small table;
// any other zone is reported under the UTC names (Windows has no name for a zone it does not know).
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include "builtin/builtin.h"
#include "k32.h"
#include "unicode.h"

namespace winrun::k32 {

struct TIME_ZONE_INFORMATION {
    LONG Bias;
    WCHAR StandardName[32];
    SYSTEMTIME StandardDate;
    LONG StandardBias;
    WCHAR DaylightName[32];
    SYSTEMTIME DaylightDate;
    LONG DaylightBias;
};
static_assert(sizeof(TIME_ZONE_INFORMATION) == 172);
struct DYNAMIC_TIME_ZONE_INFORMATION : TIME_ZONE_INFORMATION {
    WCHAR TimeZoneKeyName[128];
    BOOLEAN DynamicDaylightTimeDisabled;
};
static_assert(sizeof(DYNAMIC_TIME_ZONE_INFORMATION) == 432);

namespace {
constexpr DWORD TIME_ZONE_ID_UNKNOWN = 0, TIME_ZONE_ID_STANDARD = 1, TIME_ZONE_ID_DAYLIGHT = 2,
                TIME_ZONE_ID_INVALID = 0xFFFFFFFF;
constexpr int64_t k_epoch_diff = 11644473600LL;

struct ZoneName {
    const char* iana;
    const char16_t* key;  // the registry key name; the standard name is the same unless noted
};
// Windows names of common IANA zones (Windows' own zone list, "Time Zones" registry keys).
constexpr ZoneName k_zones[] = {
    {"Europe/Berlin", u"W. Europe Standard Time"}, {"Europe/Amsterdam", u"W. Europe Standard Time"},
    {"Europe/Vienna", u"W. Europe Standard Time"}, {"Europe/Rome", u"W. Europe Standard Time"},
    {"Europe/Stockholm", u"W. Europe Standard Time"}, {"Europe/Zurich", u"W. Europe Standard Time"},
    {"Europe/Oslo", u"W. Europe Standard Time"}, {"Europe/Luxembourg", u"W. Europe Standard Time"},
    {"Europe/Paris", u"Romance Standard Time"}, {"Europe/Brussels", u"Romance Standard Time"},
    {"Europe/Madrid", u"Romance Standard Time"}, {"Europe/Copenhagen", u"Romance Standard Time"},
    {"Europe/Prague", u"Central Europe Standard Time"}, {"Europe/Budapest", u"Central Europe Standard Time"},
    {"Europe/Belgrade", u"Central Europe Standard Time"}, {"Europe/Warsaw", u"Central European Standard Time"},
    {"Europe/London", u"GMT Standard Time"}, {"Europe/Dublin", u"GMT Standard Time"},
    {"Europe/Lisbon", u"GMT Standard Time"}, {"Europe/Helsinki", u"FLE Standard Time"},
    {"Europe/Kiev", u"FLE Standard Time"}, {"Europe/Kyiv", u"FLE Standard Time"}, {"Europe/Riga", u"FLE Standard Time"},
    {"Europe/Tallinn", u"FLE Standard Time"}, {"Europe/Vilnius", u"FLE Standard Time"},
    {"Europe/Sofia", u"FLE Standard Time"}, {"Europe/Athens", u"GTB Standard Time"},
    {"Europe/Bucharest", u"GTB Standard Time"}, {"Europe/Istanbul", u"Turkey Standard Time"},
    {"Europe/Moscow", u"Russian Standard Time"},
    {"America/New_York", u"Eastern Standard Time"}, {"America/Detroit", u"Eastern Standard Time"},
    {"America/Toronto", u"Eastern Standard Time"}, {"US/Eastern", u"Eastern Standard Time"},
    {"America/Chicago", u"Central Standard Time"}, {"America/Winnipeg", u"Central Standard Time"},
    {"US/Central", u"Central Standard Time"}, {"America/Denver", u"Mountain Standard Time"},
    {"America/Edmonton", u"Mountain Standard Time"}, {"US/Mountain", u"Mountain Standard Time"},
    {"America/Phoenix", u"US Mountain Standard Time"}, {"America/Los_Angeles", u"Pacific Standard Time"},
    {"America/Vancouver", u"Pacific Standard Time"}, {"US/Pacific", u"Pacific Standard Time"},
    {"America/Anchorage", u"Alaskan Standard Time"}, {"Pacific/Honolulu", u"Hawaiian Standard Time"},
    {"America/Sao_Paulo", u"E. South America Standard Time"}, {"America/Mexico_City", u"Central Standard Time (Mexico)"},
    {"Asia/Tokyo", u"Tokyo Standard Time"}, {"Asia/Seoul", u"Korea Standard Time"},
    {"Asia/Shanghai", u"China Standard Time"}, {"Asia/Hong_Kong", u"China Standard Time"},
    {"Asia/Singapore", u"Singapore Standard Time"}, {"Asia/Kolkata", u"India Standard Time"},
    {"Asia/Calcutta", u"India Standard Time"}, {"Asia/Dubai", u"Arabian Standard Time"},
    {"Asia/Jerusalem", u"Israel Standard Time"}, {"Australia/Sydney", u"AUS Eastern Standard Time"},
    {"Australia/Melbourne", u"AUS Eastern Standard Time"}, {"Australia/Brisbane", u"E. Australia Standard Time"},
    {"Australia/Perth", u"W. Australia Standard Time"}, {"Pacific/Auckland", u"New Zealand Standard Time"},
    {"UTC", u"UTC"}, {"Etc/UTC", u"UTC"}, {"Etc/GMT", u"UTC"}, {"GMT", u"UTC"}, {"Etc/Universal", u"UTC"},
    {"Universal", u"UTC"}, {"Zulu", u"UTC"}, {"Etc/Zulu", u"UTC"},
};

// The IANA name of the zone in use: TZ (":Europe/Berlin" or "Europe/Berlin"), else the target of
// /etc/localtime; "" when unknown (a POSIX TZ rule such as "CET-1CEST" has no IANA name).
std::string iana_zone() {
    const char* tz = getenv("TZ");
    if (tz) {
        if (*tz == ':') tz++;
        if (!*tz) return "UTC";
        std::string s(tz);
        size_t p = s.find("zoneinfo/");
        return p == std::string::npos ? s : s.substr(p + 9);
    }
    char buf[512];
    ssize_t n = readlink("/etc/localtime", buf, sizeof buf - 1);
    if (n <= 0) {
        // No link: Debian keeps the name in /etc/timezone.
        FILE* f = std::fopen("/etc/timezone", "re");
        if (!f) return "UTC";
        std::string s;
        if (std::fgets(buf, sizeof buf, f)) s = buf;
        std::fclose(f);
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        return s;
    }
    buf[n] = 0;
    std::string s(buf);
    size_t p = s.find("zoneinfo/");
    return p == std::string::npos ? s : s.substr(p + 9);
}

void put_name(WCHAR* dst, std::u16string_view s) {
    size_t n = std::min<size_t>(s.size(), 31);
    std::memcpy(dst, s.data(), n * 2);
    std::memset(dst + n, 0, (32 - n) * 2);
}

long offset_at(time_t t, bool* dst = nullptr) {
    struct tm tm;
    localtime_r(&t, &tm);
    if (dst) *dst = tm.tm_isdst > 0;
    return tm.tm_gmtoff;
}

// The first second at or after `lo` whose offset differs from lo's (lo < hi, offsets differ at hi).
time_t find_transition(time_t lo, time_t hi) {
    long before = offset_at(lo);
    while (hi - lo > 1) {
        time_t mid = lo + (hi - lo) / 2;
        if (offset_at(mid) == before) lo = mid;
        else hi = mid;
    }
    return hi;
}

// A transition as Windows writes it: the wall-clock time (in the offset in force before it) as
// "the n-th weekday of the month", n = 5 for the last one.
SYSTEMTIME rule_of(time_t t, long offset_before) {
    time_t wall = t + offset_before;
    struct tm tm;
    gmtime_r(&wall, &tm);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = tm.tm_year + 1900;
    int mdays = days[tm.tm_mon] + (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    SYSTEMTIME st{};
    st.wMonth = WORD(tm.tm_mon + 1);
    st.wDayOfWeek = WORD(tm.tm_wday);
    st.wDay = WORD(tm.tm_mday + 7 > mdays ? 5 : (tm.tm_mday - 1) / 7 + 1);
    st.wHour = WORD(tm.tm_hour);
    st.wMinute = WORD(tm.tm_min);
    st.wSecond = WORD(tm.tm_sec);
    return st;
}

// Fills the zone description for a year; returns whether the zone has daylight saving time then.
bool describe_zone(int year, DYNAMIC_TIME_ZONE_INFORMATION* z) {
    std::memset(z, 0, sizeof *z);
    struct tm jan{};
    jan.tm_year = year - 1900;
    jan.tm_mday = 1;
    time_t start = timegm(&jan);
    jan.tm_year++;
    time_t end = timegm(&jan);
    long std_off = 0, dst_off = 0;
    bool have_std = false, have_dst = false;
    time_t to_dst = 0, to_std = 0;
    long prev_off = 0;
    bool prev_dst = false;
    prev_off = offset_at(start, &prev_dst);
    time_t prev = start;
    for (time_t t = start + 86400; t <= end; t += 86400) {
        bool d;
        long off = offset_at(t, &d);
        if (off != prev_off || d != prev_dst) {
            time_t tr = find_transition(prev, t);
            if (d && !prev_dst) to_dst = tr;
            else if (!d && prev_dst) to_std = tr;
        }
        if (d) have_dst = true, dst_off = off;
        else have_std = true, std_off = off;
        prev = t;
        prev_off = off;
        prev_dst = d;
    }
    if (!have_std) std_off = prev_off;
    bool dst = have_dst && have_std && to_dst && to_std;
    z->Bias = LONG(-std_off / 60);
    std::string iana = iana_zone();
    const char16_t* key = u"UTC";
    for (const ZoneName& n : k_zones)
        if (iana == n.iana) key = n.key;
    std::u16string std_name = key, dst_name = key;
    if (std_name == u"UTC") {
        std_name = dst_name = u"Coordinated Universal Time";
    } else if (size_t p = dst_name.find(u"Standard"); p != std::u16string::npos) {
        dst_name.replace(p, 8, u"Daylight");
    }
    put_name(z->StandardName, std_name);
    put_name(z->DaylightName, dst_name);
    put_name(z->TimeZoneKeyName, key);
    if (dst) {
        z->DaylightBias = LONG(-(dst_off - std_off) / 60);
        z->DaylightDate = rule_of(to_dst, std_off);
        z->StandardDate = rule_of(to_std, dst_off);
    }
    return dst;
}

DWORD current_zone(DYNAMIC_TIME_ZONE_INFORMATION* z) {
    time_t now = time(nullptr);
    struct tm tm;
    localtime_r(&now, &tm);
    if (!describe_zone(tm.tm_year + 1900, z)) return TIME_ZONE_ID_UNKNOWN;
    return tm.tm_isdst > 0 ? TIME_ZONE_ID_DAYLIGHT : TIME_ZONE_ID_STANDARD;
}

// ---- applying a TIME_ZONE_INFORMATION's rules -------------------------------------------------
int64_t seconds_of(const SYSTEMTIME& st) {  // SYSTEMTIME fields as seconds since 1970 (no zone)
    struct tm tm{};
    tm.tm_year = st.wYear - 1900;
    tm.tm_mon = st.wMonth - 1;
    tm.tm_mday = st.wDay;
    tm.tm_hour = st.wHour;
    tm.tm_min = st.wMinute;
    tm.tm_sec = st.wSecond;
    return int64_t(timegm(&tm));
}

// The wall-clock second a rule names in a year (absolute dates when wYear is set).
int64_t rule_time(const SYSTEMTIME& r, int year) {
    SYSTEMTIME st = r;
    if (r.wYear == 0) {
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int mdays = days[r.wMonth - 1] + (r.wMonth == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
        struct tm first{};
        first.tm_year = year - 1900;
        first.tm_mon = r.wMonth - 1;
        first.tm_mday = 1;
        time_t t = timegm(&first);
        gmtime_r(&t, &first);
        int day = 1 + (int(r.wDayOfWeek) - first.tm_wday + 7) % 7 + 7 * (int(r.wDay) - 1);
        while (day > mdays) day -= 7;
        st.wDay = WORD(day);
    }
    st.wYear = WORD(year);
    return seconds_of(st);
}

bool has_rules(const TIME_ZONE_INFORMATION& z) { return z.DaylightDate.wMonth != 0 && z.StandardDate.wMonth != 0; }

// Whether daylight time is in force; `t` is UTC (is_local false) or local wall time (is_local true).
bool in_daylight(const TIME_ZONE_INFORMATION& z, int64_t t, int year, bool is_local) {
    if (!has_rules(z)) return false;
    int64_t dst_start = rule_time(z.DaylightDate, year), std_start = rule_time(z.StandardDate, year);
    if (!is_local) {
        dst_start += int64_t(z.Bias + z.StandardBias) * 60;
        std_start += int64_t(z.Bias + z.DaylightBias) * 60;
    }
    // Local wall times: daylight starts at the rule's standard time and ends at the rule's daylight
    // time, both as read on the wall clock, so the rule times compare as they are.
    if (dst_start < std_start) return t >= dst_start && t < std_start;
    return !(t >= std_start && t < dst_start);  // southern hemisphere: daylight across the new year
}

}  // namespace

DWORD WINAPI GetTimeZoneInformation(TIME_ZONE_INFORMATION* tzi) {
    if (!tzi) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return TIME_ZONE_ID_INVALID;
    }
    DYNAMIC_TIME_ZONE_INFORMATION z;
    DWORD id = current_zone(&z);
    std::memcpy(tzi, &z, sizeof *tzi);
    return id;
}

DWORD WINAPI GetDynamicTimeZoneInformation(DYNAMIC_TIME_ZONE_INFORMATION* dtzi) {
    if (!dtzi) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return TIME_ZONE_ID_INVALID;
    }
    return current_zone(dtzi);
}

// Only the current zone is known by name: a dynamic zone description from the program is used as
// given (its rules apply to every year).
BOOL WINAPI GetTimeZoneInformationForYear(USHORT year, DYNAMIC_TIME_ZONE_INFORMATION* dtzi, TIME_ZONE_INFORMATION* tzi) {
    if (!tzi) return fail(ERROR_INVALID_PARAMETER);
    if (dtzi) {
        std::memcpy(tzi, dtzi, sizeof *tzi);
        return TRUE;
    }
    DYNAMIC_TIME_ZONE_INFORMATION z;
    describe_zone(year, &z);
    std::memcpy(tzi, &z, sizeof *tzi);
    return TRUE;
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME* st, FILETIME* ft);
BOOL WINAPI FileTimeToSystemTime(const FILETIME* ft, SYSTEMTIME* st);

namespace {
bool to_seconds(const SYSTEMTIME* st, int64_t* secs, WORD* ms) {
    FILETIME ft;
    if (!st || !SystemTimeToFileTime(st, &ft)) return false;
    uint64_t v = filetime_value(ft);
    *secs = int64_t(v / 10000000) - k_epoch_diff;
    *ms = WORD((v % 10000000) / 10000);
    return true;
}
BOOL from_seconds(int64_t secs, WORD ms, SYSTEMTIME* out) {
    uint64_t v = uint64_t(secs + k_epoch_diff) * 10000000ull + uint64_t(ms) * 10000;
    FILETIME ft{DWORD(v), DWORD(v >> 32)};
    return FileTimeToSystemTime(&ft, out);
}
}  // namespace

BOOL WINAPI SystemTimeToTzSpecificLocalTime(const TIME_ZONE_INFORMATION* tzi, const SYSTEMTIME* utc, SYSTEMTIME* local) {
    int64_t t;
    WORD ms;
    if (!local || !to_seconds(utc, &t, &ms)) return fail(ERROR_INVALID_PARAMETER);
    if (!tzi) {
        // The current zone: the C library knows its whole history.
        return from_seconds(t + offset_at(time_t(t)), ms, local);
    }
    bool dst = in_daylight(*tzi, t, utc->wYear, false);
    int64_t bias = int64_t(tzi->Bias) + (dst ? tzi->DaylightBias : tzi->StandardBias);
    return from_seconds(t - bias * 60, ms, local);
}

BOOL WINAPI TzSpecificLocalTimeToSystemTime(const TIME_ZONE_INFORMATION* tzi, const SYSTEMTIME* local, SYSTEMTIME* utc) {
    int64_t t;
    WORD ms;
    if (!utc || !to_seconds(local, &t, &ms)) return fail(ERROR_INVALID_PARAMETER);
    if (!tzi) {
        long off = offset_at(time_t(t));
        off = offset_at(time_t(t - off));
        return from_seconds(t - off, ms, utc);
    }
    bool dst = in_daylight(*tzi, t, local->wYear, true);
    int64_t bias = int64_t(tzi->Bias) + (dst ? tzi->DaylightBias : tzi->StandardBias);
    return from_seconds(t + bias * 60, ms, utc);
}

WR_EXPORT_PART(kernel32_timezone,
    WR_EXPORT(GetTimeZoneInformation),
    WR_EXPORT(GetDynamicTimeZoneInformation),
    WR_EXPORT(GetTimeZoneInformationForYear),
    WR_EXPORT(SystemTimeToTzSpecificLocalTime),
    WR_EXPORT(TzSpecificLocalTimeToSystemTime));

}  // namespace winrun::k32
