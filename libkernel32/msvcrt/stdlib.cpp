// <stdlib.h>: number parsing and formatting (strtol family, strtod, atoi, _itoa family), sorting and
// searching (qsort, bsearch, _lfind), integer helpers and rand.
//
// `long` is 32 bits on Windows: strtol/strtoul/atol/labs/_ltoa work on int32_t/uint32_t here.
#include <locale.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"
#include "unicode.h"

namespace winrun::crt {

namespace {
// ---- integer parsing ------------------------------------------------------------------------------
template <typename C>
bool is_space(C c) {
    if constexpr (sizeof(C) == 1) return c_isspace(static_cast<unsigned char>(c));
    else return c != 0xFFFF && (wide_ctype(c) & CT_SPACE);
}

int digit_of(unsigned c) {
    if (c >= '0' && c <= '9') return int(c - '0');
    if (c >= 'a' && c <= 'z') return int(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z') return int(c - 'A' + 10);
    return 99;
}

// msvcrt's _strtoi64_l: whitespace, sign, "0x" for base 0/16, base 0 -> 8 or 10, then digits. The
// result saturates at INT64_MIN/INT64_MAX with ERANGE. *end is the original string when no digit
// was read. An invalid base is an invalid parameter: EINVAL, 0, *end untouched.
// What both parsers share: leading white space, a sign, and the base (a "0x" prefix for 0 or 16,
// octal for a leading 0 with base 0). Returns where the digits start.
template <typename C>
const C* number_prefix(const C* s, int& base, bool& neg) {
    while (is_space(*s)) s++;
    neg = false;
    if (*s == '-') neg = true, s++;
    else if (*s == '+') s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (base == 0) base = *s == '0' ? 8 : 10;
    return s;
}

template <typename C>
int64_t parse_i64(const C* s, C** end, int base, bool& range) {
    range = false;
    if (!s || base < 0 || base == 1 || base > 36) {
        set_errno(EINVAL_);
        return 0;
    }
    const C* start = s;
    bool neg;
    s = number_prefix(s, base, neg);
    int64_t v = 0;
    bool got = false;
    for (;; s++) {
        int d = digit_of(unsigned(*s));
        if (d >= base) break;
        got = true;
        if (!neg) {
            if (v > (INT64_MAX - d) / base) v = INT64_MAX, range = true;
            else v = v * base + d;
        } else {
            if (v < (INT64_MIN + d) / base) v = INT64_MIN, range = true;
            else v = v * base - d;
        }
    }
    if (range) set_errno(ERANGE_);
    if (end) *end = const_cast<C*>(got ? s : start);
    return v;
}

template <typename C>
uint64_t parse_u64(const C* s, C** end, int base) {
    if (!s || base < 0 || base == 1 || base > 36) {
        set_errno(EINVAL_);
        return 0;
    }
    const C* start = s;
    bool neg;
    s = number_prefix(s, base, neg);
    uint64_t v = 0;
    bool got = false;
    for (;; s++) {
        int d = digit_of(unsigned(*s));
        if (d >= base) break;
        got = true;
        if (v > (UINT64_MAX - unsigned(d)) / unsigned(base)) {
            v = UINT64_MAX;
            set_errno(ERANGE_);
        } else {
            v = v * unsigned(base) + unsigned(d);
        }
    }
    if (end) *end = const_cast<C*>(got ? s : start);
    return neg ? 0 - v : v;
}

template <typename C>
int32_t to_long(const C* s, C** end, int base) {
    bool range;
    int64_t v = parse_i64(s, end, base, range);
    if (v > INT32_MAX) return set_errno(ERANGE_), INT32_MAX;
    if (v < INT32_MIN) return set_errno(ERANGE_), INT32_MIN;
    return int32_t(v);
}

// strtoul goes through the signed 64-bit parse: a magnitude above ULONG_MAX gives ULONG_MAX, a
// negative number below -ULONG_MAX gives 1 (both with ERANGE); other negatives wrap modulo 2^32.
template <typename C>
uint32_t to_ulong(const C* s, C** end, int base) {
    bool range;
    int64_t v = parse_i64(s, end, base, range);
    if (v > int64_t(UINT32_MAX)) return set_errno(ERANGE_), UINT32_MAX;
    if (v < -int64_t(UINT32_MAX)) return set_errno(ERANGE_), 1u;
    return uint32_t(v);
}

// ---- floating point parsing ----------------------------------------------------------------------------
locale_t c_numeric_locale() {
    static locale_t l = newlocale(LC_ALL_MASK, "C", nullptr);
    return l;
}

// msvcrt's strtod: decimal only (no "inf", "nan" or hex forms in msvcrt.dll), '.' as the decimal
// point, and a Fortran-style 'd'/'D' accepted as the exponent letter. It clears errno first, sets
// ERANGE on overflow (+-HUGE_VAL) and on underflow to zero, not for subnormal results.
template <typename C>
double parse_double(const C* s, C** end) {
    *errno_location() = 0;
    if (!s) {
        set_errno(EINVAL_);
        if (end) *end = nullptr;
        return 0;
    }
    const C* p = s;
    while (is_space(*p)) p++;
    std::string text;
    if (*p == '-' || *p == '+') text.push_back(char(*p++));
    bool digit = false, nonzero = false;
    for (; *p >= '0' && *p <= '9'; p++) {
        text.push_back(char(*p));
        digit = true;
        nonzero |= *p != '0';
    }
    if (*p == '.') {
        text.push_back('.');
        for (p++; *p >= '0' && *p <= '9'; p++) {
            text.push_back(char(*p));
            digit = true;
            nonzero |= *p != '0';
        }
    }
    if (!digit) {
        if (end) *end = const_cast<C*>(s);
        return 0.0;
    }
    if (*p == 'e' || *p == 'E' || *p == 'd' || *p == 'D') {
        const C* q = p + 1;
        std::string e = "e";
        if (*q == '-' || *q == '+') e.push_back(char(*q++));
        if (*q >= '0' && *q <= '9') {
            while (*q >= '0' && *q <= '9') e.push_back(char(*q++));
            text += e;
            p = q;
        }
    }
    if (end) *end = const_cast<C*>(p);
    int saved = errno;
    double v = ::strtod_l(text.c_str(), nullptr, c_numeric_locale());
    errno = saved;
    if (std::isinf(v) || (v == 0.0 && nonzero)) set_errno(ERANGE_);
    return v;
}

// ---- integer formatting -------------------------------------------------------------------------------
// The _itoa family: lower-case digits; a '-' only for radix 10 (other radixes show the two's
// complement bits of the value at its own width).
template <typename C>
C* format_int(uint64_t magnitude, bool neg, C* out, int radix) {
    if (!out) return out;
    if (radix < 2 || radix > 36) {
        out[0] = 0;
        set_errno(EINVAL_);
        return out;
    }
    C buf[72];
    int n = 0;
    do {
        int d = int(magnitude % unsigned(radix));
        magnitude /= unsigned(radix);
        buf[n++] = C(d < 10 ? '0' + d : 'a' + d - 10);
    } while (magnitude);
    C* p = out;
    if (neg) *p++ = '-';
    while (n) *p++ = buf[--n];
    *p = 0;
    return out;
}
template <typename C>
C* format_signed(int64_t v, int bits, C* out, int radix) {
    if (radix == 10 && v < 0) return format_int(uint64_t(0) - uint64_t(v), true, out, radix);
    uint64_t u = bits == 64 ? uint64_t(v) : uint64_t(uint32_t(v));
    return format_int(u, false, out, radix);
}
// _itoa_s and friends: EINVAL for bad arguments, ERANGE when the buffer is too small (emptied).
template <typename C>
int format_s(int64_t v, bool is_signed, int bits, C* out, size_t size, int radix) {
    if (!out || !size) return set_errno(EINVAL_), EINVAL_;
    if (radix < 2 || radix > 36) {
        out[0] = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    C tmp[72];
    if (is_signed) format_signed(v, bits, tmp, radix);
    else format_int(bits == 64 ? uint64_t(v) : uint64_t(uint32_t(v)), false, tmp, radix);
    size_t len = 0;
    while (tmp[len]) len++;
    if (len + 1 > size) {
        out[0] = 0;
        return set_errno(ERANGE_), ERANGE_;
    }
    std::memcpy(out, tmp, (len + 1) * sizeof(C));
    return 0;
}

thread_local uint32_t t_rand_seed = 1;  // msvcrt keeps the seed per thread
}  // namespace

// ---- exported: parsing -------------------------------------------------------------------------------
int32_t CDECL strtol(const char* s, char** end, int base) { return to_long(s, end, base); }
uint32_t CDECL strtoul(const char* s, char** end, int base) { return to_ulong(s, end, base); }
int64_t CDECL _strtoi64(const char* s, char** end, int base) {
    bool range;
    return parse_i64(s, end, base, range);
}
uint64_t CDECL _strtoui64(const char* s, char** end, int base) { return parse_u64(s, end, base); }
int32_t CDECL wcstol(const char16_t* s, char16_t** end, int base) { return to_long(s, end, base); }
uint32_t CDECL wcstoul(const char16_t* s, char16_t** end, int base) { return to_ulong(s, end, base); }
int64_t CDECL _wcstoi64(const char16_t* s, char16_t** end, int base) {
    bool range;
    return parse_i64(s, end, base, range);
}
uint64_t CDECL _wcstoui64(const char16_t* s, char16_t** end, int base) { return parse_u64(s, end, base); }

// msvcrt.dll's atoi is the old one: no overflow check (the value wraps), no errno.
int CDECL atoi(const char* s) {
    if (!s) return 0;
    while (c_isspace(static_cast<unsigned char>(*s))) s++;
    bool neg = false;
    if (*s == '+') s++;
    else if (*s == '-') neg = true, s++;
    uint32_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) v = v * 10 + uint32_t(*s - '0');
    return int(neg ? 0 - v : v);
}
int32_t CDECL atol(const char* s) { return atoi(s); }
int64_t CDECL _atoi64(const char* s) { return _strtoi64(s, nullptr, 10); }
double CDECL strtod(const char* s, char** end) { return parse_double(s, end); }
double CDECL atof(const char* s) { return parse_double(s, static_cast<char**>(nullptr)); }
double CDECL wcstod(const char16_t* s, char16_t** end) { return parse_double(s, end); }
double CDECL _wtof(const char16_t* s) { return parse_double(s, static_cast<char16_t**>(nullptr)); }
int CDECL _wtoi(const char16_t* s) {
    bool range;
    int64_t v = parse_i64(s, static_cast<char16_t**>(nullptr), 10, range);
    if (v > INT_MAX) return set_errno(ERANGE_), INT_MAX;
    if (v < INT_MIN) return set_errno(ERANGE_), INT_MIN;
    return int(v);
}
int32_t CDECL _wtol(const char16_t* s) { return _wtoi(s); }
int64_t CDECL _wtoi64(const char16_t* s) { return _wcstoi64(s, nullptr, 10); }

// _atodbl/_atoflt-style helpers are not exported; _atoldbl needs the 80-bit type: not provided.

// ---- exported: formatting ----------------------------------------------------------------------------
char* CDECL _itoa(int v, char* s, int radix) { return format_signed(v, 32, s, radix); }
char* CDECL _ltoa(int32_t v, char* s, int radix) { return format_signed(v, 32, s, radix); }
char* CDECL _ultoa(uint32_t v, char* s, int radix) { return format_int(v, false, s, radix); }
char* CDECL _i64toa(int64_t v, char* s, int radix) { return format_signed(v, 64, s, radix); }
char* CDECL _ui64toa(uint64_t v, char* s, int radix) { return format_int(v, false, s, radix); }
char16_t* CDECL _itow(int v, char16_t* s, int radix) { return format_signed(v, 32, s, radix); }
char16_t* CDECL _ltow(int32_t v, char16_t* s, int radix) { return format_signed(v, 32, s, radix); }
char16_t* CDECL _ultow(uint32_t v, char16_t* s, int radix) { return format_int(v, false, s, radix); }
char16_t* CDECL _i64tow(int64_t v, char16_t* s, int radix) { return format_signed(v, 64, s, radix); }
char16_t* CDECL _ui64tow(uint64_t v, char16_t* s, int radix) { return format_int(v, false, s, radix); }
int CDECL _itoa_s(int v, char* s, size_t n, int radix) { return format_s(v, true, 32, s, n, radix); }
int CDECL _ltoa_s(int32_t v, char* s, size_t n, int radix) { return format_s(v, true, 32, s, n, radix); }
int CDECL _ultoa_s(uint32_t v, char* s, size_t n, int radix) { return format_s(v, false, 32, s, n, radix); }
int CDECL _i64toa_s(int64_t v, char* s, size_t n, int radix) { return format_s(v, true, 64, s, n, radix); }
int CDECL _ui64toa_s(uint64_t v, char* s, size_t n, int radix) {
    return format_s(int64_t(v), false, 64, s, n, radix);
}
int CDECL _itow_s(int v, char16_t* s, size_t n, int radix) { return format_s(v, true, 32, s, n, radix); }
int CDECL _ltow_s(int32_t v, char16_t* s, size_t n, int radix) { return format_s(v, true, 32, s, n, radix); }
int CDECL _ultow_s(uint32_t v, char16_t* s, size_t n, int radix) { return format_s(v, false, 32, s, n, radix); }
int CDECL _i64tow_s(int64_t v, char16_t* s, size_t n, int radix) { return format_s(v, true, 64, s, n, radix); }
int CDECL _ui64tow_s(uint64_t v, char16_t* s, size_t n, int radix) {
    return format_s(int64_t(v), false, 64, s, n, radix);
}

// ---- sorting and searching -------------------------------------------------------------------------------
using CompareFn = int(CDECL*)(const void*, const void*);
using CompareCtxFn = int(CDECL*)(void*, const void*, const void*);

namespace {
void swap_bytes(char* a, char* b, size_t n) {
    if (a == b) return;
    while (n--) std::swap(*a++, *b++);
}

// msvcrt's qsort is the Visual C++ one, and the order it leaves equal elements in is part of what
// programs print: a median-of-three quicksort with an explicit stack that continues with the smaller
// partition, and a selection sort ("shortsort", largest to the end) for ranges of 8 or fewer.
// The comparisons below are made in the same order as there.
template <typename Cmp>
void shortsort(char* lo, char* hi, size_t w, Cmp cmp) {
    while (hi > lo) {
        char* max = lo;
        for (char* p = lo + w; p <= hi; p += w)
            if (cmp(p, max) > 0) max = p;
        swap_bytes(max, hi, w);
        hi -= w;
    }
}

template <typename Cmp>
void vc_qsort(void* base, size_t num, size_t w, Cmp cmp) {
    if (num < 2 || !w) return;
    constexpr size_t CUTOFF = 8;
    char* lostk[8 * sizeof(void*)];
    char* histk[8 * sizeof(void*)];
    int sp = 0;
    char* lo = static_cast<char*>(base);
    char* hi = lo + w * (num - 1);
    for (;;) {
        size_t size = size_t(hi - lo) / w + 1;
        if (size <= CUTOFF) {
            shortsort(lo, hi, w, cmp);
        } else {
            char* mid = lo + (size / 2) * w;
            if (cmp(lo, mid) > 0) swap_bytes(lo, mid, w);
            if (cmp(lo, hi) > 0) swap_bytes(lo, hi, w);
            if (cmp(mid, hi) > 0) swap_bytes(mid, hi, w);
            char* loguy = lo;
            char* higuy = hi;
            for (;;) {
                if (mid > loguy) {
                    do loguy += w;
                    while (loguy < mid && cmp(loguy, mid) <= 0);
                }
                if (mid <= loguy) {
                    do loguy += w;
                    while (loguy <= hi && cmp(loguy, mid) <= 0);
                }
                do higuy -= w;
                while (higuy > mid && cmp(higuy, mid) > 0);
                if (higuy < loguy) break;
                swap_bytes(loguy, higuy, w);
                if (mid == higuy) mid = loguy;
            }
            higuy += w;
            if (mid < higuy) {
                do higuy -= w;
                while (higuy > mid && cmp(higuy, mid) == 0);
            }
            if (mid >= higuy) {
                do higuy -= w;
                while (higuy > lo && cmp(higuy, mid) == 0);
            }
            if (higuy - lo >= hi - loguy) {
                if (lo < higuy) lostk[sp] = lo, histk[sp] = higuy, sp++;
                if (loguy < hi) {
                    lo = loguy;
                    continue;
                }
            } else {
                if (loguy < hi) lostk[sp] = loguy, histk[sp] = hi, sp++;
                if (lo < higuy) {
                    hi = higuy;
                    continue;
                }
            }
        }
        if (--sp < 0) return;
        lo = lostk[sp];
        hi = histk[sp];
    }
}
}  // namespace

void CDECL qsort(void* base, size_t num, size_t w, CompareFn cmp) {
    if ((!base && num) || !w || !cmp) {
        set_errno(EINVAL_);
        return;
    }
    vc_qsort(base, num, w, [cmp](const void* a, const void* b) { return cmp(a, b); });
}
void CDECL qsort_s(void* base, size_t num, size_t w, CompareCtxFn cmp, void* ctx) {
    if ((!base && num) || !w || !cmp) {
        set_errno(EINVAL_);
        return;
    }
    vc_qsort(base, num, w, [cmp, ctx](const void* a, const void* b) { return cmp(ctx, a, b); });
}

// Visual C++'s bsearch: which of several equal elements it returns follows from this probing.
void* CDECL bsearch(const void* key, const void* base, size_t num, size_t w, CompareFn cmp) {
    if (!num) return nullptr;
    if (!base || !w || !cmp) {
        set_errno(EINVAL_);
        return nullptr;
    }
    const char* lo = static_cast<const char*>(base);
    const char* hi = lo + (num - 1) * w;
    while (lo <= hi) {
        size_t half = num / 2;
        if (half) {
            const char* mid = lo + (num & 1 ? half : half - 1) * w;
            int r = cmp(key, mid);
            if (!r) return const_cast<char*>(mid);
            if (r < 0) {
                hi = mid - w;
                num = num & 1 ? half : half - 1;
            } else {
                lo = mid + w;
                num = half;
            }
        } else if (num) {
            return cmp(key, lo) ? nullptr : const_cast<char*>(lo);
        } else {
            break;
        }
    }
    return nullptr;
}

void* CDECL _lfind(const void* key, const void* base, unsigned* num, unsigned w, CompareFn cmp) {
    const char* p = static_cast<const char*>(base);
    for (unsigned i = 0; i < *num; i++, p += w)
        if (!cmp(key, p)) return const_cast<char*>(p);
    return nullptr;
}
void* CDECL _lsearch(const void* key, void* base, unsigned* num, unsigned w, CompareFn cmp) {
    if (void* r = _lfind(key, base, num, w, cmp)) return r;
    char* p = static_cast<char*>(base) + size_t(*num) * w;
    ::memcpy(p, key, w);
    (*num)++;
    return p;
}

// ---- integers -----------------------------------------------------------------------------------
struct DivT {
    int quot, rem;
};
struct LDivT {
    int32_t quot, rem;
};
int CDECL abs(int v) { return v < 0 ? -v : v; }
int32_t CDECL labs(int32_t v) { return v < 0 ? -v : v; }
int64_t CDECL _abs64(int64_t v) { return v < 0 ? -v : v; }
DivT CDECL div(int a, int b) { return DivT{a / b, a % b}; }
LDivT CDECL ldiv(int32_t a, int32_t b) { return LDivT{a / b, a % b}; }
unsigned CDECL _rotl(unsigned v, int s) { return std::rotl(v, s & 31); }
unsigned CDECL _rotr(unsigned v, int s) { return std::rotr(v, s & 31); }
uint32_t CDECL _lrotl(uint32_t v, int s) { return std::rotl(v, s & 31); }
uint32_t CDECL _lrotr(uint32_t v, int s) { return std::rotr(v, s & 31); }
uint64_t CDECL _rotl64(uint64_t v, int s) { return std::rotl(v, s & 63); }
uint64_t CDECL _rotr64(uint64_t v, int s) { return std::rotr(v, s & 63); }

// msvcrt's rand: the Visual C++ LCG on a per-thread seed (starting at 1), 15 bits out.
void CDECL srand(unsigned seed) { t_rand_seed = seed; }
int CDECL rand() {
    t_rand_seed = t_rand_seed * 214013u + 2531011u;
    return int((t_rand_seed >> 16) & 0x7FFF);
}

WR_EXPORT_PART(msvcrt_stdlib,
    WR_EXPORT(strtol), WR_EXPORT(strtoul), WR_EXPORT(_strtoi64), WR_EXPORT(_strtoui64), WR_EXPORT(wcstol),
    WR_EXPORT(wcstoul), WR_EXPORT(_wcstoi64), WR_EXPORT(_wcstoui64), WR_EXPORT(atoi), WR_EXPORT(atol),
    WR_EXPORT(_atoi64), WR_EXPORT(strtod), WR_EXPORT(atof), WR_EXPORT(wcstod), WR_EXPORT(_wtof), WR_EXPORT(_wtoi),
    WR_EXPORT(_wtol), WR_EXPORT(_wtoi64),
    WR_EXPORT(_itoa), WR_EXPORT(_ltoa), WR_EXPORT(_ultoa), WR_EXPORT(_i64toa), WR_EXPORT(_ui64toa), WR_EXPORT(_itow),
    WR_EXPORT(_ltow), WR_EXPORT(_ultow), WR_EXPORT(_i64tow), WR_EXPORT(_ui64tow), WR_EXPORT(_itoa_s),
    WR_EXPORT(_ltoa_s), WR_EXPORT(_ultoa_s), WR_EXPORT(_i64toa_s), WR_EXPORT(_ui64toa_s), WR_EXPORT(_itow_s),
    WR_EXPORT(_ltow_s), WR_EXPORT(_ultow_s), WR_EXPORT(_i64tow_s), WR_EXPORT(_ui64tow_s),
    WR_EXPORT(qsort), WR_EXPORT(qsort_s), WR_EXPORT(bsearch), WR_EXPORT(_lfind), WR_EXPORT(_lsearch),
    WR_EXPORT(abs), WR_EXPORT(labs), WR_EXPORT(_abs64), WR_EXPORT(div), WR_EXPORT(ldiv), WR_EXPORT(_rotl),
    WR_EXPORT(_rotr), WR_EXPORT(_lrotl), WR_EXPORT(_lrotr), WR_EXPORT(_rotl64), WR_EXPORT(_rotr64),
    WR_EXPORT(srand), WR_EXPORT(rand));

}  // namespace winrun::crt
