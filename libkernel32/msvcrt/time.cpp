// <time.h> and <sys/timeb.h>: time, clock, gmtime/localtime/mktime, asctime/ctime, strftime/wcsftime,
// the time-zone globals (_timezone, _daylight, _dstbias, _tzname) and _tzset, _ftime, _strdate.
//
// x64 msvcrt.dll has a 64-bit time_t: time/localtime/gmtime/mktime/ctime/difftime are the *64
// functions, and the *32 ones exist beside them. struct tm is nine ints (no tm_gmtoff/tm_zone).
// Valid times run from 1970-01-01 00:00:00 to 3000-12-31 23:59:59 UTC; outside that msvcrt returns
// NULL / -1 with EINVAL.
//
// Time zone: as msvcrt, TZ in the (CRT) environment wins when it has the form msvcrt parses
// ("PST8PDT", "EST5", "CET-1CEST"); daylight saving then follows msvcrt's built-in US rules. Without
// such a TZ the zone is the system's, which msvcrt reads with GetTimeZoneInformation; here that is
// the Linux zone through the C library.
#include <sys/time.h>

#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include "builtin/builtin.h"
#include "crt.h"

namespace winrun::crt {

struct WinTm {
    int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};
static_assert(sizeof(WinTm) == 36);

namespace {
constexpr int64_t MAX_TIME64 = 32535215999LL;  // 3000-12-31 23:59:59 UTC
constexpr int64_t MAX_TIME32 = 0x7FFFFFFF;

int32_t* p_timezone;  // data exports
int* p_daylight;
int32_t* p_dstbias;
char** p_tzname;  // char* _tzname[2]
char g_tzname_std[64] = "PST";
char g_tzname_dst[64] = "PDT";

std::recursive_mutex g_tz_mutex;
bool g_tz_done = false;
bool g_tz_from_env = false;  // TZ gave the zone: msvcrt's US daylight rules apply
struct timespec g_start;

thread_local WinTm t_tm;
thread_local char t_asctime[26];
thread_local char16_t t_wasctime[26];

const char* const k_days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const k_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                "July",    "August",   "September", "October", "November", "December"};

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), m 1..12.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

void to_tm(int64_t t, WinTm& tm) {
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) secs += 86400, days--;
    tm.tm_hour = int(secs / 3600);
    tm.tm_min = int(secs % 3600 / 60);
    tm.tm_sec = int(secs % 60);
    tm.tm_wday = int(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    tm.tm_year = int(y - 1900);
    tm.tm_mon = int(m - 1);
    tm.tm_mday = int(d);
    tm.tm_yday = int(days - days_from_civil(y, 1, 1));
    tm.tm_isdst = 0;
}

// Normalises the fields of tm (seconds into minutes and so on) and returns the seconds since the
// epoch the fields name when read as UTC.
int64_t fields_to_seconds(const WinTm& tm) {
    int64_t mon = tm.tm_mon, year = int64_t(tm.tm_year) + 1900;
    year += mon / 12;
    mon %= 12;
    if (mon < 0) mon += 12, year--;
    int64_t days = days_from_civil(year, unsigned(mon + 1), 1) + tm.tm_mday - 1;
    return days * 86400 + int64_t(tm.tm_hour) * 3600 + int64_t(tm.tm_min) * 60 + tm.tm_sec;
}

// The day of the year (0-based) of the n-th (1..5, 5 = last) Sunday of month m (0-based) in year y.
int nth_sunday(int64_t y, int m, int n) {
    int64_t first = days_from_civil(y, unsigned(m + 1), 1);
    int wday = int(((first % 7) + 11) % 7);
    int day = 1 + (7 - wday) % 7 + 7 * (n - 1);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = mdays[m] + (m == 1 && leap(y));
    while (day > len) day -= 7;
    return int(first - days_from_civil(y, 1, 1)) + day - 1;
}

// msvcrt's _isindst for a TZ-string zone: the US rules (from 2007: second Sunday of March to the
// first Sunday of November; before: first Sunday of April to the last Sunday of October), switching
// at 02:00 standard time in spring and 01:00 standard time in autumn. `tm` is local standard time.
bool us_dst(const WinTm& tm) {
    int64_t y = int64_t(tm.tm_year) + 1900;
    int start, end;
    if (y > 2006) {
        start = nth_sunday(y, 2, 2);
        end = nth_sunday(y, 10, 1);
    } else {
        start = nth_sunday(y, 3, 1);
        end = nth_sunday(y, 9, 5);
    }
    if (tm.tm_yday < start || tm.tm_yday > end) return false;
    if (tm.tm_yday > start && tm.tm_yday < end) return true;
    if (tm.tm_yday == start) return tm.tm_hour >= 2;
    return tm.tm_hour < 1;
}

// Parses msvcrt's TZ form: three letters, [+|-]hh[:mm[:ss]], optionally three more letters.
bool parse_tz(const char* tz, std::string& std_name, std::string& dst_name, int32_t& offset) {
    if (!tz || ::strlen(tz) < 3) return false;
    for (int i = 0; i < 3; i++)
        if (!((tz[i] | 0x20) >= 'a' && (tz[i] | 0x20) <= 'z')) return false;
    const char* p = tz + 3;
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!c_isdigit(*p)) return false;
    int32_t secs = 0;
    int h = 0;
    while (c_isdigit(*p)) h = h * 10 + (*p++ - '0');
    secs = h * 3600;
    if (*p == ':') {
        int m = 0;
        for (p++; c_isdigit(*p); p++) m = m * 10 + (*p - '0');
        secs += m * 60;
        if (*p == ':') {
            int s = 0;
            for (p++; c_isdigit(*p); p++) s = s * 10 + (*p - '0');
            secs += s;
        }
    }
    std_name.assign(tz, 3);
    dst_name = *p ? std::string(p, ::strnlen(p, 3)) : std::string();
    offset = neg ? -secs : secs;
    return true;
}

void do_tzset() {
    std::lock_guard lock(g_tz_mutex);
    std::string sn, dn;
    int32_t off;
    if (parse_tz(getenv("TZ"), sn, dn, off)) {
        g_tz_from_env = true;
        *p_timezone = off;
        *p_daylight = dn.empty() ? 0 : 1;
        *p_dstbias = -3600;
        ::strncpy(g_tzname_std, sn.c_str(), 63);
        ::strncpy(g_tzname_dst, dn.c_str(), 63);
        g_tzname_dst[63] = 0;
    } else {
        g_tz_from_env = false;
        ::tzset();
        *p_timezone = int32_t(::timezone);
        *p_daylight = ::daylight ? 1 : 0;
        *p_dstbias = -3600;
        ::strncpy(g_tzname_std, ::tzname[0] ? ::tzname[0] : "", 63);
        ::strncpy(g_tzname_dst, ::tzname[1] ? ::tzname[1] : "", 63);
    }
    g_tz_done = true;
}
void ensure_tz() {
    if (!g_tz_done) do_tzset();
}

// UTC seconds -> local broken-down time.
bool local_tm(int64_t t, WinTm& out) {
    ensure_tz();
    if (g_tz_from_env) {
        to_tm(t - *p_timezone, out);
        if (*p_daylight && us_dst(out)) {
            to_tm(t - *p_timezone - *p_dstbias, out);
            out.tm_isdst = 1;
        }
        return true;
    }
    time_t tt = time_t(t);
    struct tm g;
    if (!::localtime_r(&tt, &g)) return false;
    out = WinTm{g.tm_sec, g.tm_min, g.tm_hour, g.tm_mday, g.tm_mon, g.tm_year, g.tm_wday, g.tm_yday, g.tm_isdst > 0};
    return true;
}

// Local broken-down time -> UTC seconds (mktime); the fields are normalised in place on success.
int64_t make_time(WinTm* tm, bool local, int64_t max) {
    if (!tm) return set_errno(EINVAL_), -1;
    int64_t t;
    WinTm norm;
    if (!local) {
        t = fields_to_seconds(*tm);
        if (t < 0 || t > max) return set_errno(EINVAL_), -1;
        to_tm(t, norm);
    } else if (ensure_tz(), g_tz_from_env) {
        t = fields_to_seconds(*tm) + *p_timezone;
        WinTm probe;
        to_tm(t - *p_timezone, probe);
        bool dst = tm->tm_isdst > 0 || (tm->tm_isdst < 0 && *p_daylight && us_dst(probe));
        if (dst) t += *p_dstbias;
        if (t < 0 || t > max) return set_errno(EINVAL_), -1;
        local_tm(t, norm);
    } else {
        struct tm g {};
        g.tm_sec = tm->tm_sec;
        g.tm_min = tm->tm_min;
        g.tm_hour = tm->tm_hour;
        g.tm_mday = tm->tm_mday;
        g.tm_mon = tm->tm_mon;
        g.tm_year = tm->tm_year;
        g.tm_isdst = tm->tm_isdst;
        time_t r = ::mktime(&g);
        t = int64_t(r);
        if (t < 0 || t > max) return set_errno(EINVAL_), -1;
        norm = WinTm{g.tm_sec, g.tm_min, g.tm_hour, g.tm_mday, g.tm_mon, g.tm_year, g.tm_wday, g.tm_yday, g.tm_isdst > 0};
    }
    *tm = norm;
    return t;
}

int64_t now_seconds() {
    struct timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec);
}

bool valid_tm(const WinTm* tm) {
    return tm && tm->tm_sec >= 0 && tm->tm_sec <= 59 && tm->tm_min >= 0 && tm->tm_min <= 59 && tm->tm_hour >= 0 &&
           tm->tm_hour <= 23 && tm->tm_mday >= 1 && tm->tm_mday <= 31 && tm->tm_mon >= 0 && tm->tm_mon <= 11 &&
           tm->tm_wday >= 0 && tm->tm_wday <= 6 && tm->tm_yday >= 0 && tm->tm_yday <= 365 && tm->tm_year >= 0;
}

// "Thu Jan  1 00:00:00 1970\n"
std::string asctime_text(const WinTm* tm) {
    char buf[64];
    ::snprintf(buf, sizeof buf, "%.3s %.3s%3d %02d:%02d:%02d %d\n", k_days[tm->tm_wday], k_months[tm->tm_mon],
               tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900);
    return buf;
}
}  // namespace

void init_timezone_data();
void init_time() {
    ::clock_gettime(CLOCK_MONOTONIC, &g_start);
    init_timezone_data();
}

// ---- current time --------------------------------------------------------------------------------------
int64_t CDECL _time64(int64_t* out) {
    int64_t t = now_seconds();
    if (out) *out = t;
    return t;
}
int32_t CDECL _time32(int32_t* out) {
    int64_t t = now_seconds();
    if (out) *out = int32_t(t);
    return int32_t(t);
}
// clock(): milliseconds of wall time since the process started (msvcrt does not count CPU time).
int32_t CDECL clock() {
    struct timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int32_t((ts.tv_sec - g_start.tv_sec) * 1000 + (ts.tv_nsec - g_start.tv_nsec) / 1000000);
}
double CDECL _difftime64(int64_t t1, int64_t t0) { return double(t1 - t0); }
double CDECL _difftime32(int32_t t1, int32_t t0) { return double(int64_t(t1) - int64_t(t0)); }

// ---- conversions ---------------------------------------------------------------------------------------
WinTm* CDECL _gmtime64(const int64_t* t) {
    if (!t || *t < 0 || *t > MAX_TIME64) return set_errno(EINVAL_), nullptr;
    to_tm(*t, t_tm);
    return &t_tm;
}
WinTm* CDECL _gmtime32(const int32_t* t) {
    if (!t || *t < 0) return set_errno(EINVAL_), nullptr;
    int64_t v = *t;
    return _gmtime64(&v);
}
WinTm* CDECL _localtime64(const int64_t* t) {
    if (!t || *t < 0 || *t > MAX_TIME64) return set_errno(EINVAL_), nullptr;
    if (!local_tm(*t, t_tm)) return set_errno(EINVAL_), nullptr;
    return &t_tm;
}
WinTm* CDECL _localtime32(const int32_t* t) {
    if (!t || *t < 0) return set_errno(EINVAL_), nullptr;
    int64_t v = *t;
    return _localtime64(&v);
}
int CDECL _gmtime64_s(WinTm* out, const int64_t* t) {
    if (!out || !t || *t < 0 || *t > MAX_TIME64) {
        if (out) std::memset(out, 0xFF, sizeof *out);
        return set_errno(EINVAL_), EINVAL_;
    }
    to_tm(*t, *out);
    return 0;
}
int CDECL _localtime64_s(WinTm* out, const int64_t* t) {
    if (!out || !t || *t < 0 || *t > MAX_TIME64) {
        if (out) std::memset(out, 0xFF, sizeof *out);
        return set_errno(EINVAL_), EINVAL_;
    }
    return local_tm(*t, *out) ? 0 : (set_errno(EINVAL_), EINVAL_);
}
int64_t CDECL _mktime64(WinTm* tm) { return make_time(tm, true, MAX_TIME64); }
int32_t CDECL _mktime32(WinTm* tm) {
    WinTm copy = tm ? *tm : WinTm{};
    int64_t t = make_time(tm ? &copy : nullptr, true, MAX_TIME32);
    if (t >= 0 && tm) *tm = copy;
    return int32_t(t);
}
int64_t CDECL _mkgmtime64(WinTm* tm) { return make_time(tm, false, MAX_TIME64); }
int32_t CDECL _mkgmtime32(WinTm* tm) { return int32_t(make_time(tm, false, MAX_TIME32)); }

char* CDECL asctime(const WinTm* tm) {
    if (!valid_tm(tm)) return set_errno(EINVAL_), nullptr;
    std::string s = asctime_text(tm);
    std::memcpy(t_asctime, s.c_str(), std::min<size_t>(s.size() + 1, sizeof t_asctime));
    t_asctime[25] = 0;
    return t_asctime;
}
char16_t* CDECL _wasctime(const WinTm* tm) {
    if (!valid_tm(tm)) return set_errno(EINVAL_), nullptr;
    std::string s = asctime_text(tm);
    size_t i = 0;
    for (; i < s.size() && i < 25; i++) t_wasctime[i] = char16_t(s[i]);
    t_wasctime[i] = 0;
    return t_wasctime;
}
char* CDECL _ctime64(const int64_t* t) {
    WinTm* tm = _localtime64(t);
    return tm ? asctime(tm) : nullptr;
}
char* CDECL _ctime32(const int32_t* t) {
    WinTm* tm = _localtime32(t);
    return tm ? asctime(tm) : nullptr;
}
char16_t* CDECL _wctime64(const int64_t* t) {
    WinTm* tm = _localtime64(t);
    return tm ? _wasctime(tm) : nullptr;
}
char16_t* CDECL _wctime32(const int32_t* t) {
    WinTm* tm = _localtime32(t);
    return tm ? _wasctime(tm) : nullptr;
}

// ---- time zone ---------------------------------------------------------------------------------------------
void CDECL _tzset() { do_tzset(); }
int* CDECL __daylight() { return p_daylight; }
int32_t* CDECL __timezone() { return p_timezone; }
int32_t* CDECL __dstbias() { return p_dstbias; }
char** CDECL __tzname() { return p_tzname; }
int CDECL _get_timezone(int32_t* v) {
    if (!v) return set_errno(EINVAL_), EINVAL_;
    *v = *p_timezone;
    return 0;
}
int CDECL _get_daylight(int* v) {
    if (!v) return set_errno(EINVAL_), EINVAL_;
    *v = *p_daylight;
    return 0;
}
int CDECL _get_dstbias(int32_t* v) {
    if (!v) return set_errno(EINVAL_), EINVAL_;
    *v = *p_dstbias;
    return 0;
}

void init_timezone_data() {
    // msvcrt's values before the first _tzset: Pacific time.
    *p_timezone = 28800;
    *p_daylight = 1;
    *p_dstbias = -3600;
    p_tzname[0] = g_tzname_std;
    p_tzname[1] = g_tzname_dst;
}

// ---- _ftime, _strdate, _strtime -------------------------------------------------------------------------
struct TimeB64 {
    int64_t time;
    uint16_t millitm;
    int16_t timezone;
    int16_t dstflag;
};
static_assert(sizeof(TimeB64) == 16);
struct TimeB32 {
    int32_t time;
    uint16_t millitm;
    int16_t timezone;
    int16_t dstflag;
};
static_assert(sizeof(TimeB32) == 12);

void CDECL _ftime64(TimeB64* tb) {
    if (!tb) {
        set_errno(EINVAL_);
        return;
    }
    ensure_tz();
    struct timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    WinTm tm{};
    local_tm(int64_t(ts.tv_sec), tm);
    tb->time = int64_t(ts.tv_sec);
    tb->millitm = uint16_t(ts.tv_nsec / 1000000);
    tb->timezone = int16_t(*p_timezone / 60);
    tb->dstflag = int16_t(tm.tm_isdst > 0);
}
void CDECL _ftime32(TimeB32* tb) {
    if (!tb) {
        set_errno(EINVAL_);
        return;
    }
    TimeB64 t;
    _ftime64(&t);
    tb->time = int32_t(t.time);
    tb->millitm = t.millitm;
    tb->timezone = t.timezone;
    tb->dstflag = t.dstflag;
}
template <typename C>
C* put_ascii(C* out, const char* s) {
    size_t i = 0;
    for (; s[i]; i++) out[i] = C(s[i]);
    out[i] = 0;
    return out;
}
char* CDECL _strdate(char* buf) {
    WinTm tm{};
    local_tm(now_seconds(), tm);
    char s[40];
    ::snprintf(s, sizeof s, "%02d/%02d/%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_year % 100);
    return put_ascii(buf, s);
}
char* CDECL _strtime(char* buf) {
    WinTm tm{};
    local_tm(now_seconds(), tm);
    char s[40];
    ::snprintf(s, sizeof s, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    return put_ascii(buf, s);
}
char16_t* CDECL _wstrdate(char16_t* buf) {
    char s[40];
    return put_ascii(buf, _strdate(s));
}
char16_t* CDECL _wstrtime(char16_t* buf) {
    char s[40];
    return put_ascii(buf, _strtime(s));
}

// ---- strftime -----------------------------------------------------------------------------------------
// The "C" locale: %c = "%m/%d/%y %H:%M:%S", %x = "%m/%d/%y", %X = "%H:%M:%S", %#x = "Tuesday, March
// 14, 1995", %#c = long date then time; '#' drops leading zeros of numbers. %z and %Z both give the
// time-zone name (msvcrt has no numeric %z). A field out of range or an unknown letter is an invalid
// parameter (EINVAL, result 0); a result that does not fit gives 0 and ERANGE. The buffer is emptied
// in both cases.
namespace {
template <typename C>
struct Out {
    std::basic_string<C> s;
    void text(const char* t) {
        for (; *t; t++) s.push_back(C(static_cast<unsigned char>(*t)));
    }
    void num(int v, int width, bool alt) {
        char b[24];
        if (alt) ::snprintf(b, sizeof b, "%d", v);
        else ::snprintf(b, sizeof b, "%0*d", width, v);
        text(b);
    }
};

// Week of the year with weeks starting on `first` (0 = Sunday, 1 = Monday).
int week_number(const WinTm* tm, int first) {
    int wday = (tm->tm_wday - first + 7) % 7;
    return (tm->tm_yday - wday + 7) / 7;
}

template <typename C>
bool format_time(Out<C>& o, const C* fmt, const WinTm* tm) {
    for (const C* p = fmt; *p; p++) {
        if (*p != '%') {
            o.s.push_back(*p);
            continue;
        }
        p++;
        bool alt = false;
        if (*p == '#') {
            alt = true;
            p++;
        }
        switch (*p) {
        case 'a':
        case 'A':
            if (tm->tm_wday < 0 || tm->tm_wday > 6) return false;
            if (*p == 'A') o.text(k_days[tm->tm_wday]);
            else o.s.append({C(k_days[tm->tm_wday][0]), C(k_days[tm->tm_wday][1]), C(k_days[tm->tm_wday][2])});
            break;
        case 'b':
        case 'h':
        case 'B':
            if (tm->tm_mon < 0 || tm->tm_mon > 11) return false;
            if (*p == 'B') o.text(k_months[tm->tm_mon]);
            else o.s.append({C(k_months[tm->tm_mon][0]), C(k_months[tm->tm_mon][1]), C(k_months[tm->tm_mon][2])});
            break;
        case 'c':
        case 'x':
            if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_year < -1900)
                return false;
            if (alt) {
                if (tm->tm_wday < 0 || tm->tm_wday > 6) return false;
                o.text(k_days[tm->tm_wday]);
                o.text(", ");
                o.text(k_months[tm->tm_mon]);
                o.text(" ");
                o.num(tm->tm_mday, 2, false);
                o.text(", ");
                o.num(tm->tm_year + 1900, 4, false);
            } else {
                o.num(tm->tm_mon + 1, 2, false);
                o.text("/");
                o.num(tm->tm_mday, 2, false);
                o.text("/");
                o.num(((tm->tm_year % 100) + 100) % 100, 2, false);
            }
            if (*p == 'x') break;
            o.text(" ");
            [[fallthrough]];
        case 'X':
            if (tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 ||
                tm->tm_sec > 59)
                return false;
            o.num(tm->tm_hour, 2, false);
            o.text(":");
            o.num(tm->tm_min, 2, false);
            o.text(":");
            o.num(tm->tm_sec, 2, false);
            break;
        case 'd':
            if (tm->tm_mday < 1 || tm->tm_mday > 31) return false;
            o.num(tm->tm_mday, 2, alt);
            break;
        case 'H':
            if (tm->tm_hour < 0 || tm->tm_hour > 23) return false;
            o.num(tm->tm_hour, 2, alt);
            break;
        case 'I':
            if (tm->tm_hour < 0 || tm->tm_hour > 23) return false;
            o.num(tm->tm_hour % 12 ? tm->tm_hour % 12 : 12, 2, alt);
            break;
        case 'j':
            if (tm->tm_yday < 0 || tm->tm_yday > 365) return false;
            o.num(tm->tm_yday + 1, 3, alt);
            break;
        case 'm':
            if (tm->tm_mon < 0 || tm->tm_mon > 11) return false;
            o.num(tm->tm_mon + 1, 2, alt);
            break;
        case 'M':
            if (tm->tm_min < 0 || tm->tm_min > 59) return false;
            o.num(tm->tm_min, 2, alt);
            break;
        case 'p':
            if (tm->tm_hour < 0 || tm->tm_hour > 23) return false;
            o.text(tm->tm_hour < 12 ? "AM" : "PM");
            break;
        case 'S':
            if (tm->tm_sec < 0 || tm->tm_sec > 59) return false;
            o.num(tm->tm_sec, 2, alt);
            break;
        case 'U':
        case 'W':
            if (tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_yday < 0 || tm->tm_yday > 365) return false;
            o.num(week_number(tm, *p == 'U' ? 0 : 1), 2, alt);
            break;
        case 'w':
            if (tm->tm_wday < 0 || tm->tm_wday > 6) return false;
            o.num(tm->tm_wday, 1, alt);
            break;
        case 'y':
            if (tm->tm_year < -1900 || tm->tm_year > 8099) return false;
            o.num(((tm->tm_year % 100) + 100) % 100, 2, alt);
            break;
        case 'Y':
            if (tm->tm_year < -1900 || tm->tm_year > 8099) return false;
            o.num(tm->tm_year + 1900, 4, alt);
            break;
        case 'z':
        case 'Z':
            ensure_tz();
            o.text(tm->tm_isdst > 0 ? g_tzname_dst : g_tzname_std);
            break;
        case '%':
            o.s.push_back('%');
            break;
        default:
            return false;
        }
    }
    return true;
}

template <typename C>
size_t strftime_impl(C* buf, size_t max, const C* fmt, const WinTm* tm) {
    if (!buf || !max || !fmt || !tm) {
        if (buf && max) buf[0] = 0;
        set_errno(EINVAL_);
        return 0;
    }
    Out<C> o;
    if (!format_time(o, fmt, tm)) {
        buf[0] = 0;
        set_errno(EINVAL_);
        return 0;
    }
    if (o.s.size() >= max) {
        buf[0] = 0;
        set_errno(ERANGE_);
        return 0;
    }
    std::memcpy(buf, o.s.c_str(), (o.s.size() + 1) * sizeof(C));
    return o.s.size();
}
}  // namespace

size_t CDECL strftime(char* buf, size_t max, const char* fmt, const WinTm* tm) {
    return strftime_impl(buf, max, fmt, tm);
}
size_t CDECL wcsftime(char16_t* buf, size_t max, const char16_t* fmt, const WinTm* tm) {
    return strftime_impl(buf, max, fmt, tm);
}

WR_EXPORT_PART(msvcrt_time,
    WR_DATA("_timezone", p_timezone, 4), WR_DATA("_daylight", p_daylight, 4), WR_DATA("_dstbias", p_dstbias, 4),
    WR_DATA("_tzname", p_tzname, 16),
    WR_EXPORT(_time64), WR_EXPORT_AS("time", _time64), WR_EXPORT(_time32), WR_EXPORT(clock), WR_EXPORT(_difftime64),
    WR_EXPORT_AS("difftime", _difftime64), WR_EXPORT(_difftime32), WR_EXPORT(_gmtime64),
    WR_EXPORT_AS("gmtime", _gmtime64), WR_EXPORT(_gmtime32), WR_EXPORT(_localtime64),
    WR_EXPORT_AS("localtime", _localtime64), WR_EXPORT(_localtime32), WR_EXPORT(_gmtime64_s),
    WR_EXPORT(_localtime64_s), WR_EXPORT(_mktime64), WR_EXPORT_AS("mktime", _mktime64), WR_EXPORT(_mktime32),
    WR_EXPORT(_mkgmtime64), WR_EXPORT_AS("_mkgmtime", _mkgmtime64), WR_EXPORT(_mkgmtime32), WR_EXPORT(asctime),
    WR_EXPORT(_wasctime), WR_EXPORT(_ctime64), WR_EXPORT_AS("ctime", _ctime64), WR_EXPORT(_ctime32),
    WR_EXPORT(_wctime64), WR_EXPORT_AS("_wctime", _wctime64), WR_EXPORT(_wctime32), WR_EXPORT(_tzset),
    WR_EXPORT(__daylight), WR_EXPORT(__timezone), WR_EXPORT(__dstbias), WR_EXPORT(__tzname),
    WR_EXPORT_AS("__p__daylight", __daylight), WR_EXPORT_AS("__p__timezone", __timezone),
    WR_EXPORT_AS("__p__dstbias", __dstbias), WR_EXPORT_AS("__p__tzname", __tzname), WR_EXPORT(_get_timezone),
    WR_EXPORT(_get_daylight), WR_EXPORT(_get_dstbias), WR_EXPORT(_ftime64), WR_EXPORT_AS("_ftime", _ftime64),
    WR_EXPORT(_ftime32), WR_EXPORT(_strdate), WR_EXPORT(_strtime), WR_EXPORT(_wstrdate), WR_EXPORT(_wstrtime),
    WR_EXPORT(strftime), WR_EXPORT(wcsftime));

}  // namespace winrun::crt
