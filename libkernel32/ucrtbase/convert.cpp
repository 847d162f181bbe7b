// ucrtbase.dll conversions that differ from msvcrt's: strtod and friends follow C99 (hexadecimal
// floating constants, "inf"/"infinity"/"nan"/"nan(...)", which msvcrt.dll does not accept); wcstok
// takes the C11 context argument; the C99 long long names are msvcrt's 64-bit functions.
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>

#include "builtin/builtin.h"
#include "ucrt.h"

namespace winrun::crt {
int64_t CDECL _strtoi64(const char* s, char** end, int base);
uint64_t CDECL _strtoui64(const char* s, char** end, int base);
int64_t CDECL _wcstoi64(const char16_t* s, char16_t** end, int base);
uint64_t CDECL _wcstoui64(const char16_t* s, char16_t** end, int base);
int64_t CDECL _atoi64(const char* s);
int64_t CDECL _wtoi64(const char16_t* s);
int64_t CDECL _abs64(int64_t v);
}  // namespace winrun::crt

namespace winrun::ucrt {

namespace {
locale_t c_locale() {
    static locale_t loc = newlocale(LC_ALL_MASK, "C", nullptr);
    return loc;
}
// The C99 parse of a narrow string in the "C" locale (glibc's strtod_l is exactly that); ERANGE
// for results that overflow or underflow to zero, as the UCRT reports them.
double parse_c99(const char* s, const char** end) {
    errno = 0;
    char* e;
    double v = ::strtod_l(s, &e, c_locale());
    if (errno == ERANGE && (std::isinf(v) || v == 0.0)) set_errno(ERANGE_);
    if (end) *end = e;
    return v;
}
// Wide input: the parse looks at ASCII only, so the characters up to the first non-ASCII unit are
// narrowed and parsed, and the end pointer is mapped back by position.
double parse_c99_wide(const char16_t* s, char16_t** end) {
    std::string narrow;
    for (const char16_t* p = s; *p && *p < 0x80; p++) narrow.push_back(char(*p));
    const char* e;
    double v = parse_c99(narrow.c_str(), &e);
    if (end) *end = const_cast<char16_t*>(s + (e - narrow.c_str()));
    return v;
}
}  // namespace

double CDECL strtod(const char* s, char** end) {
    if (!s) {
        if (end) *end = nullptr;
        return set_errno(EINVAL_), invalid_parameter(), 0.0;
    }
    const char* e;
    double v = parse_c99(s, &e);
    if (end) *end = const_cast<char*>(e);
    return v;
}
float CDECL strtof(const char* s, char** end) {
    double d = strtod(s, end);
    float f = float(d);
    if ((std::isinf(f) && !std::isinf(d)) || (f == 0.0f && d != 0.0)) set_errno(ERANGE_);
    return f;
}
double CDECL atof(const char* s) { return strtod(s, nullptr); }
double CDECL wcstod(const char16_t* s, char16_t** end) {
    if (!s) {
        if (end) *end = nullptr;
        return set_errno(EINVAL_), invalid_parameter(), 0.0;
    }
    return parse_c99_wide(s, end);
}
float CDECL wcstof(const char16_t* s, char16_t** end) {
    double d = wcstod(s, end);
    float f = float(d);
    if ((std::isinf(f) && !std::isinf(d)) || (f == 0.0f && d != 0.0)) set_errno(ERANGE_);
    return f;
}
double CDECL _wtof(const char16_t* s) { return wcstod(s, nullptr); }

// C11 wcstok: the context is the caller's; a NULL context falls back to msvcrt's per-thread one
// (the UCRT's _wcstok).
char16_t* CDECL ucrt_wcstok(char16_t* s, const char16_t* delim, char16_t** ctx) {
    return ctx ? crt::wcstok_s(s, delim, ctx) : crt::wcstok(s, delim);
}

WR_EXPORT_PART(ucrtbase_convert,
    WR_EXPORT(strtod), WR_EXPORT(strtof), WR_EXPORT(atof), WR_EXPORT(wcstod), WR_EXPORT(wcstof), WR_EXPORT(_wtof),
    WR_EXPORT_AS("wcstok", ucrt_wcstok), WR_EXPORT_AS("_wcstok", crt::wcstok),
    WR_EXPORT_AS("strtoll", crt::_strtoi64), WR_EXPORT_AS("strtoull", crt::_strtoui64),
    WR_EXPORT_AS("wcstoll", crt::_wcstoi64), WR_EXPORT_AS("wcstoull", crt::_wcstoui64),
    WR_EXPORT_AS("strtoimax", crt::_strtoi64), WR_EXPORT_AS("strtoumax", crt::_strtoui64),
    WR_EXPORT_AS("atoll", crt::_atoi64), WR_EXPORT_AS("_wtoll", crt::_wtoi64), WR_EXPORT_AS("llabs", crt::_abs64),
    WR_EXPORT_AS("imaxabs", crt::_abs64));

}  // namespace winrun::ucrt
