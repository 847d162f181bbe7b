// Time: FILETIME is 100 ns units since 1601-01-01 UTC. The performance counter runs at 10 MHz, as on
// Windows 10 (QueryPerformanceFrequency returns 10000000).
#include <ctime>

#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

namespace {
constexpr uint64_t k_epoch_diff = 11644473600ull;  // seconds from 1601 to 1970
uint64_t now_filetime() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t(ts.tv_sec) + k_epoch_diff) * 10000000ull + uint64_t(ts.tv_nsec) / 100;
}
void to_filetime(uint64_t v, FILETIME* ft) {
    ft->dwLowDateTime = DWORD(v);
    ft->dwHighDateTime = DWORD(v >> 32);
}
uint64_t from_filetime(const FILETIME* ft) { return (uint64_t(ft->dwHighDateTime) << 32) | ft->dwLowDateTime; }
void tm_to_systemtime(const struct tm& t, WORD ms, SYSTEMTIME* st) {
    st->wYear = WORD(t.tm_year + 1900);
    st->wMonth = WORD(t.tm_mon + 1);
    st->wDayOfWeek = WORD(t.tm_wday);
    st->wDay = WORD(t.tm_mday);
    st->wHour = WORD(t.tm_hour);
    st->wMinute = WORD(t.tm_min);
    st->wSecond = WORD(t.tm_sec);
    st->wMilliseconds = ms;
}
}  // namespace

FILETIME filetime_of(const struct timespec& t) {
    int64_t v = (int64_t(t.tv_sec) + int64_t(k_epoch_diff)) * 10000000 + t.tv_nsec / 100;
    if (v < 0) v = 0;  // before 1601: not representable
    return FILETIME{DWORD(uint64_t(v)), DWORD(uint64_t(v) >> 32)};
}
struct timespec timespec_of(const FILETIME& ft) {
    uint64_t v = from_filetime(&ft);
    return {time_t(v / 10000000) - time_t(k_epoch_diff), long(v % 10000000) * 100};
}
uint64_t filetime_value(const FILETIME& ft) { return from_filetime(&ft); }

void WINAPI GetSystemTimeAsFileTime(FILETIME* ft) { to_filetime(now_filetime(), ft); }
void WINAPI GetSystemTimePreciseAsFileTime(FILETIME* ft) { to_filetime(now_filetime(), ft); }

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER* c) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    c->QuadPart = LONGLONG(ts.tv_sec) * 10000000 + ts.tv_nsec / 100;
    return TRUE;
}
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER* f) {
    f->QuadPart = 10000000;
    return TRUE;
}

ULONGLONG WINAPI GetTickCount64() {
    timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return ULONGLONG(ts.tv_sec) * 1000 + ULONGLONG(ts.tv_nsec) / 1000000;
}
DWORD WINAPI GetTickCount() { return DWORD(GetTickCount64()); }

BOOL WINAPI FileTimeToSystemTime(const FILETIME* ft, SYSTEMTIME* st) {
    uint64_t v = from_filetime(ft);
    if (v >= 0x8000000000000000ull) return fail(ERROR_INVALID_PARAMETER);
    time_t secs = time_t(v / 10000000ull) - time_t(k_epoch_diff);
    struct tm t;
    if (!gmtime_r(&secs, &t)) return fail(ERROR_INVALID_PARAMETER);
    tm_to_systemtime(t, WORD((v % 10000000ull) / 10000), st);
    return TRUE;
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME* st, FILETIME* ft) {
    if (st->wMonth < 1 || st->wMonth > 12 || st->wDay < 1 || st->wDay > 31 || st->wHour > 23 || st->wMinute > 59 ||
        st->wSecond > 59 || st->wMilliseconds > 999 || st->wYear < 1601 || st->wYear > 30827)
        return fail(ERROR_INVALID_PARAMETER);
    struct tm t {};
    t.tm_year = st->wYear - 1900;
    t.tm_mon = st->wMonth - 1;
    t.tm_mday = st->wDay;
    t.tm_hour = st->wHour;
    t.tm_min = st->wMinute;
    t.tm_sec = st->wSecond;
    time_t secs = timegm(&t);
    struct tm check;
    gmtime_r(&secs, &check);
    if (check.tm_mday != st->wDay) return fail(ERROR_INVALID_PARAMETER);  // e.g. February 30
    to_filetime((uint64_t(secs + time_t(k_epoch_diff))) * 10000000ull + uint64_t(st->wMilliseconds) * 10000, ft);
    return TRUE;
}

void WINAPI GetSystemTime(SYSTEMTIME* st) {
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    FileTimeToSystemTime(&ft, st);
}

void WINAPI GetLocalTime(SYSTEMTIME* st) {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm t;
    localtime_r(&ts.tv_sec, &t);
    tm_to_systemtime(t, WORD(ts.tv_nsec / 1000000), st);
}

BOOL WINAPI FileTimeToLocalFileTime(const FILETIME* in, FILETIME* out) {
    time_t now = time(nullptr);
    struct tm t;
    localtime_r(&now, &t);
    to_filetime(from_filetime(in) + int64_t(t.tm_gmtoff) * 10000000, out);
    return TRUE;
}

BOOL WINAPI LocalFileTimeToFileTime(const FILETIME* in, FILETIME* out) {
    time_t now = time(nullptr);
    struct tm t;
    localtime_r(&now, &t);
    to_filetime(from_filetime(in) - int64_t(t.tm_gmtoff) * 10000000, out);
    return TRUE;
}

WR_EXPORT_PART(kernel32_time,
    WR_EXPORT(GetSystemTimeAsFileTime),
    WR_EXPORT(GetSystemTimePreciseAsFileTime),
    WR_EXPORT(QueryPerformanceCounter),
    WR_EXPORT(QueryPerformanceFrequency),
    WR_EXPORT(GetTickCount),
    WR_EXPORT(GetTickCount64),
    WR_EXPORT(FileTimeToSystemTime),
    WR_EXPORT(SystemTimeToFileTime),
    WR_EXPORT(GetSystemTime),
    WR_EXPORT(GetLocalTime),
    WR_EXPORT(FileTimeToLocalFileTime),
    WR_EXPORT(LocalFileTimeToFileTime));

}  // namespace winrun::k32
