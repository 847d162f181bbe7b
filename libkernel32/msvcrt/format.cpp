// Formatting engine behind msvcrt.dll's printf and scanf families.
//
// The behaviour reproduced here is that of the Windows system msvcrt.dll (Vista and later), as
// observed by black-box conformance tests (Wine's dlls/msvcrt/tests/printf.c and scanf.c record
// what native msvcrt.dll returns) and Microsoft's format-specification documentation. Where the
// system DLL differs from glibc or from the UCRT, the system DLL wins; each such place carries a
// comment naming the quirk.
#include "msvcrt/format.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <string>
#include <cstdlib>
#include <cstring>
#include <locale.h>
#include <vector>

namespace winrun::crt {

namespace {

std::atomic<bool> g_count_output{false};  // msvcrt.dll since Vista: %n disabled by default
std::atomic<unsigned> g_output_format{0};

// msvcrt clamps integer and floating precisions to its internal MAXPRECISION (512): "%.600f" prints
// 512 fraction digits, "%.600d" 512 digits.
constexpr int kMaxPrecision = 512;

uint32_t unit(char c) { return static_cast<unsigned char>(c); }
uint32_t unit(char16_t c) { return c; }

// ---------------------------------------------------------------------------------------------
// printf
// ---------------------------------------------------------------------------------------------

// What differs between the two DLLs' printf (see format.h); msvcrt's defaults.
struct Flavor {
    bool ucrt = false;
    bool two_digit_exp = false;
    bool legacy_wide = true;
    bool msvcrt_nonfinite = true;
};

struct Spec {
    bool left = false, plus = false, space = false, alt = false, zero = false;
    int64_t width = 0;
    int precision = -1;
    bool h = false;    // 'h' / 'hh' (msvcrt: both mean short)
    bool hh = false;   // 'hh' in the UCRT: char
    bool l = false;    // single 'l' (32-bit long; wide for strings/chars)
    bool w = false;    // 'w' (wide for strings/chars)
    bool i64 = false;  // ll, I64, I, j, z, t
    char type = 0;
};

template <typename CharT>
class Sink {
public:
    explicit Sink(std::basic_string<CharT>& s) : s_(s), start_(s.size()) {}
    void put(uint32_t c) { s_.push_back(static_cast<CharT>(c)); }
    // Bytes are widened by value: the C locale maps byte b to WCHAR b.
    void put_bytes(const char* p, size_t n) {
        if constexpr (sizeof(CharT) == 1) {
            s_.append(p, n);
        } else {
            for (size_t i = 0; i < n; ++i) s_.push_back(static_cast<unsigned char>(p[i]));
        }
    }
    void put_units(const CharT* p, size_t n) { s_.append(p, n); }
    void fill(char c, int64_t n) {
        if (n > 0) s_.append(static_cast<size_t>(n), static_cast<CharT>(c));
    }
    int64_t written() const { return static_cast<int64_t>(s_.size() - start_); }

private:
    std::basic_string<CharT>& s_;
    size_t start_;
};

// Pads a [prefix][body] field to the spec's width: spaces on the left (default), zeros between
// prefix and body ('0' flag), or spaces on the right ('-' flag, which overrides '0').
template <typename CharT, typename WritePrefix, typename WriteBody>
void emit_padded(Sink<CharT>& o, const Spec& s, size_t prefix_len, size_t body_len, WritePrefix write_prefix,
                 WriteBody write_body) {
    const int64_t pad = s.width - static_cast<int64_t>(prefix_len + body_len);
    if (!s.left && !s.zero) o.fill(' ', pad);
    write_prefix();
    if (!s.left && s.zero) o.fill('0', pad);
    write_body();
    if (s.left) o.fill(' ', pad);
}

template <typename CharT>
void emit_ascii(Sink<CharT>& o, const Spec& s, const char* prefix, size_t prefix_len, const char* body,
                size_t body_len) {
    emit_padded(
        o, s, prefix_len, body_len, [&] { o.put_bytes(prefix, prefix_len); }, [&] { o.put_bytes(body, body_len); });
}

// ---- integers --------------------------------------------------------------------------------

template <typename CharT>
void format_integer(Sink<CharT>& o, Spec s, uint64_t raw) {
    const char t = s.type;
    const bool is_signed = (t == 'd' || t == 'i');
    uint64_t mag;
    bool negative = false;
    // msvcrt: 'l' is 32 bits (LLP64); 'h' and 'hh' both truncate to short; ll/I64/I/j/z/t are 64.
    if (s.i64) {
        mag = raw;
        if (is_signed && static_cast<int64_t>(raw) < 0) {
            negative = true;
            mag = 0 - raw;
        }
    } else if (s.hh) {
        if (is_signed) {
            const int64_t v = static_cast<int8_t>(static_cast<uint8_t>(raw));
            negative = v < 0;
            mag = static_cast<uint64_t>(negative ? -v : v);
        } else {
            mag = raw & 0xFFu;
        }
    } else if (s.h) {
        if (is_signed) {
            const int64_t v = static_cast<int16_t>(static_cast<uint16_t>(raw));
            negative = v < 0;
            mag = static_cast<uint64_t>(negative ? -v : v);
        } else {
            mag = raw & 0xFFFFu;
        }
    } else {
        if (is_signed) {
            const int64_t v = static_cast<int32_t>(static_cast<uint32_t>(raw));
            negative = v < 0;
            mag = static_cast<uint64_t>(negative ? -v : v);
        } else {
            mag = raw & 0xFFFFFFFFu;
        }
    }

    unsigned base = 10;
    if (t == 'o') base = 8;
    if (t == 'x' || t == 'X' || t == 'p') base = 16;
    const char* digits = (t == 'X' || t == 'p') ? "0123456789ABCDEF" : "0123456789abcdef";

    int precision = s.precision;
    if (precision < 0) {
        precision = 1;
    } else {
        s.zero = false;  // an explicit precision turns the '0' flag off
        precision = std::min(precision, kMaxPrecision);
    }

    char buf[kMaxPrecision + 32];
    char* const end = buf + sizeof buf;
    char* p = end;
    const bool nonzero = mag != 0;
    while (mag != 0) {
        *--p = digits[mag % base];
        mag /= base;
    }
    while (end - p < precision) *--p = '0';
    // '#' with 'o': a leading zero is forced unless the digits already start with one (so "%#o" of 0
    // prints "0", and "%#.0o" of 0 too).
    if (t == 'o' && s.alt && (p == end || *p != '0')) *--p = '0';

    char prefix[3];
    size_t prefix_len = 0;
    if (is_signed) {
        if (negative)
            prefix[prefix_len++] = '-';
        else if (s.plus)
            prefix[prefix_len++] = '+';
        else if (s.space)
            prefix[prefix_len++] = ' ';
    }
    // '#' with x/X/p: "0x"/"0X" prefix, dropped when the value is zero.
    if ((t == 'x' || t == 'X' || t == 'p') && s.alt && nonzero) {
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = (t == 'x') ? 'x' : 'X';
    }
    emit_ascii(o, s, prefix, prefix_len, p, static_cast<size_t>(end - p));
}

// ---- floating point --------------------------------------------------------------------------

// msvcrt's decimal mantissa of a double (what its internal _fltout produces): at most 17
// significant digits, `decpt` = position of the decimal point relative to the first digit.
// Non-finite values get the digit strings "1#INF", "1#IND", "1#QNAN", "1#SNAN" with decpt 1, and
// are then pushed through the very same rounding/padding as digits -- which is what makes
// msvcrt print "1.#INF00", "1.#J" for "%.2f", "1.$" for "%.1f", and so on.
struct Mantissa {
    char d[24];
    int len = 0;
    int decpt = 1;
    bool negative = false;
    bool special = false;
};

void decompose(double v, Mantissa& m) {
    const uint64_t bits = std::bit_cast<uint64_t>(v);
    m.negative = (bits >> 63) != 0;
    const unsigned exp = static_cast<unsigned>((bits >> 52) & 0x7FF);
    const uint64_t frac = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0x7FF) {
        const char* s;
        if (frac == 0)
            s = "1#INF";
        else if (bits == 0xFFF8000000000000ull)  // the x87/SSE "indefinite" default NaN
            s = "1#IND";
        else if (frac & (uint64_t{1} << 51))
            s = "1#QNAN";
        else
            s = "1#SNAN";
        m.len = static_cast<int>(std::strlen(s));
        std::memcpy(m.d, s, static_cast<size_t>(m.len));
        m.decpt = 1;
        m.special = true;
        return;
    }
    if ((bits << 1) == 0) {  // +-0: a single "0" digit before the point (so %e prints e+000)
        m.d[0] = '0';
        m.len = 1;
        m.decpt = 1;
        return;
    }
    // msvcrt generates only 17 significant digits and pads with zeros after them: "%.30f" of 1/3
    // is 0.333333333333333310000000000000. to_chars gives them correctly rounded.
    char buf[40];
    const double mag = m.negative ? -v : v;
    const auto res = std::to_chars(buf, buf + sizeof buf, mag, std::chars_format::scientific, 16);
    const char* p = buf;
    int n = 0;
    while (p < res.ptr && *p != 'e') {
        if (*p >= '0' && *p <= '9') m.d[n++] = *p;
        ++p;
    }
    int exp10 = 0;
    if (p < res.ptr) std::from_chars(p + (p[1] == '+' ? 2 : 1), res.ptr, exp10);
    while (n > 1 && m.d[n - 1] == '0') --n;
    m.len = n;
    m.decpt = exp10 + 1;
}

// Produces exactly `n` digits of the mantissa, rounding the digit *string* half-up (msvcrt's
// _fptostr: look at the next character, >= '5' rounds up; ties go away from zero, so "%.0f" of 0.5
// is "1" and of 2.5 is "3"). Past the mantissa the digits are '0'. A carry out of the first digit
// yields n+1 digits and bumps `decpt`. Returns the digit count.
int make_digits(const Mantissa& m, int n, char* out, int& decpt) {
    if (n < 0) return 0;
    for (int i = 0; i < n; ++i) out[i] = i < m.len ? m.d[i] : '0';
    int count = n;
    if (n < m.len && m.d[n] >= '5') {
        int i = n - 1;
        while (i >= 0 && out[i] == '9') out[i--] = '0';
        if (i >= 0) {
            ++out[i];  // on "1#INF" this is what turns 'I' into 'J' and '#' into '$'
        } else {
            std::memmove(out + 1, out, static_cast<size_t>(n));
            out[0] = '1';
            ++count;
            ++decpt;
        }
    }
    return count;
}

// Exponent with msvcrt's minimum of three digits ("1e+020"), or two under _TWO_DIGIT_EXPONENT.
size_t put_exponent(char* out, char letter, int exp, int min_digits) {
    size_t n = 0;
    out[n++] = letter;
    out[n++] = exp < 0 ? '-' : '+';
    unsigned mag = static_cast<unsigned>(exp < 0 ? -exp : exp);
    char tmp[12];
    int len = 0;
    do {
        tmp[len++] = static_cast<char>('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    for (int i = len; i < min_digits; ++i) out[n++] = '0';
    while (len > 0) out[n++] = tmp[--len];
    return n;
}

// Hexadecimal floating output. msvcrt prints all 13 fraction digits by default
// ("0x1.0000000000000p+0"), rounds by looking only at the next hex digit (>= 8 rounds up), and
// writes the binary exponent without padding.
size_t hex_float_body(double v, const Spec& s, int precision, char* body) {
    const bool upper = s.type == 'A';
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const uint64_t bits = std::bit_cast<uint64_t>(v);
    const unsigned exp = static_cast<unsigned>((bits >> 52) & 0x7FF);
    const uint64_t frac = bits & ((uint64_t{1} << 52) - 1);
    int lead = exp == 0 ? 0 : 1;
    const int e2 = exp == 0 ? (frac != 0 ? -1022 : 0) : static_cast<int>(exp) - 1023;
    int nib[13];
    for (int i = 0; i < 13; ++i) nib[i] = static_cast<int>((frac >> (48 - 4 * i)) & 0xF);
    const int p = precision < 0 ? 13 : precision;
    if (p < 13 && nib[p] >= 8) {
        int i = p - 1;
        while (i >= 0 && nib[i] == 15) nib[i--] = 0;
        if (i >= 0)
            ++nib[i];
        else
            ++lead;
    }
    size_t n = 0;
    body[n++] = static_cast<char>('0' + lead);
    if (p > 0 || s.alt) body[n++] = '.';
    for (int i = 0; i < p; ++i) body[n++] = i < 13 ? digits[nib[i]] : '0';
    n += put_exponent(body + n, upper ? 'P' : 'p', e2, 1);
    return n;
}

template <typename CharT>
void format_float(Sink<CharT>& o, const Spec& s, double v, bool two_digit_exp) {
    Mantissa m;
    decompose(v, m);
    const char t = s.type;
    const bool upper = (t == 'E' || t == 'G' || t == 'A');
    const char lower_t = static_cast<char>(t | 0x20);
    const int exp_digits = two_digit_exp ? 2 : 3;
    int precision = std::min(s.precision, kMaxPrecision);

    char prefix[4];
    size_t prefix_len = 0;
    if (m.negative)  // also for -0.0 and negative NaNs: "-0.000000", "-1.#IND00", "-1.#QNAN0"
        prefix[prefix_len++] = '-';
    else if (s.plus)
        prefix[prefix_len++] = '+';
    else if (s.space)
        prefix[prefix_len++] = ' ';

    // Largest body: 310 integer digits + '.' + 512 fraction digits + exponent.
    char body[kMaxPrecision + 400];
    char digits[kMaxPrecision + 400];
    size_t n = 0;

    if (lower_t == 'a') {
        // The "0x" belongs to the prefix so that '0' padding goes between it and the digits.
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = upper ? 'X' : 'x';
        if (!m.special) {
            n = hex_float_body(v, s, precision, body);
        } else {
            // Non-finite %a: the "1#INF" digits padded to the precision (13 by default), "p+0".
            const int p = precision < 0 ? 13 : precision;
            int decpt = 1;
            const int cnt = std::min(make_digits(m, p + 1, digits, decpt), p + 1);
            body[n++] = digits[0];
            if (p > 0 || s.alt) body[n++] = '.';
            std::memcpy(body + n, digits + 1, static_cast<size_t>(cnt - 1));
            n += static_cast<size_t>(cnt - 1);
            n += put_exponent(body + n, upper ? 'P' : 'p', 0, 1);
        }
    } else if (lower_t == 'f') {
        if (precision < 0) precision = 6;
        int decpt = m.decpt;
        const int cnt = make_digits(m, precision + decpt, digits, decpt);
        if (decpt > 0) {
            std::memcpy(body, digits, static_cast<size_t>(decpt));
            n = static_cast<size_t>(decpt);
        } else {
            body[n++] = '0';
        }
        if (precision > 0 || s.alt) body[n++] = '.';
        for (int i = 0; i < precision; ++i) {
            const int idx = decpt + i;
            body[n++] = (idx >= 0 && idx < cnt) ? digits[idx] : '0';
        }
    } else if (lower_t == 'e') {
        if (precision < 0) precision = 6;
        int decpt = m.decpt;
        make_digits(m, precision + 1, digits, decpt);  // a carry adds only a trailing '0': ignore it
        body[n++] = digits[0];
        if (precision > 0 || s.alt) body[n++] = '.';
        std::memcpy(body + n, digits + 1, static_cast<size_t>(precision));
        n += static_cast<size_t>(precision);
        n += put_exponent(body + n, upper ? 'E' : 'e', decpt - 1, exp_digits);
    } else {  // 'g'
        const int p = precision < 0 ? 6 : (precision == 0 ? 1 : precision);
        int decpt = m.decpt;
        make_digits(m, p, digits, decpt);  // round to p significant digits first
        const int x = decpt - 1;           // exponent after rounding
        size_t frac_start;
        bool exp_style = x < -4 || x >= p;
        if (exp_style) {
            body[n++] = digits[0];
            body[n++] = '.';
            frac_start = n;
            std::memcpy(body + n, digits + 1, static_cast<size_t>(p - 1));
            n += static_cast<size_t>(p - 1);
        } else {
            if (decpt > 0) {
                std::memcpy(body, digits, static_cast<size_t>(decpt));
                n = static_cast<size_t>(decpt);
            } else {
                body[n++] = '0';
            }
            body[n++] = '.';
            frac_start = n;
            const int decimals = p - 1 - x;
            for (int i = 0; i < decimals; ++i) {
                const int idx = decpt + i;
                body[n++] = (idx >= 0 && idx < p) ? digits[idx] : '0';
            }
        }
        if (!s.alt) {  // %g crops trailing zeros (and a bare point) unless '#'
            while (n > frac_start && body[n - 1] == '0') --n;
            if (n == frac_start) --n;
        }
        if (exp_style) n += put_exponent(body + n, upper ? 'E' : 'e', x, exp_digits);
    }
    emit_ascii(o, s, prefix, prefix_len, body, n);
}

// The UCRT's %e/%f/%g: the exact decimal value, correctly rounded (glibc's conversion does exactly
// that in the default rounding mode), exponents of at least two digits (three with
// LEGACY_THREE_DIGIT_EXPONENTS), and its own spelling of infinities and NaNs. %a stays msvcrt's.
template <typename CharT>
void format_float_ucrt(Sink<CharT>& o, const Spec& s, double v, const Flavor& fl) {
    const char t = s.type;
    const char lower_t = static_cast<char>(t | 0x20);
    const uint64_t bits = std::bit_cast<uint64_t>(v);
    if (lower_t == 'a' || (!std::isfinite(v) && fl.msvcrt_nonfinite)) {
        Spec ms = s;
        if (t == 'F') ms.type = 'f';
        format_float(o, ms, v, fl.two_digit_exp);
        return;
    }
    const bool upper = (t == 'E' || t == 'G' || t == 'F');
    const bool negative = (bits >> 63) != 0;
    char prefix[2];
    size_t prefix_len = 0;
    if (negative) prefix[prefix_len++] = '-';
    else if (s.plus) prefix[prefix_len++] = '+';
    else if (s.space) prefix[prefix_len++] = ' ';
    if (!std::isfinite(v)) {
        const char* word;
        if (std::isinf(v)) word = upper ? "INF" : "inf";
        else if (bits == 0xFFF8000000000000ull) word = upper ? "NAN(IND)" : "nan(ind)";  // the default NaN
        else if (!(bits & (uint64_t{1} << 51))) word = upper ? "NAN(SNAN)" : "nan(snan)";
        else word = upper ? "NAN" : "nan";
        Spec ns = s;
        ns.zero = false;  // never zero-padded
        emit_ascii(o, ns, prefix, prefix_len, word, std::strlen(word));
        return;
    }
    const int precision = s.precision < 0 ? 6 : std::min(s.precision, 100000);
    char conv[8];
    size_t c = 0;
    conv[c++] = '%';
    if (s.alt) conv[c++] = '#';
    conv[c++] = '.';
    conv[c++] = '*';
    conv[c++] = lower_t;
    conv[c] = 0;
    const double mag = negative ? -v : v;
    const int need = std::snprintf(nullptr, 0, conv, precision, mag);
    std::string body(static_cast<size_t>(need) + 1, '\0');
    std::snprintf(body.data(), body.size(), conv, precision, mag);
    body.resize(static_cast<size_t>(need));
    const size_t e = body.find('e');
    if (e != std::string::npos) {
        // glibc writes "e+05"; the legacy option wants three digits.
        if (!fl.two_digit_exp && body.size() - e - 2 < 3) body.insert(e + 2, 3 - (body.size() - e - 2), '0');
        if (upper) body[e] = 'E';
    }
    emit_ascii(o, s, prefix, prefix_len, body.data(), body.size());
}

// ---- characters and strings ------------------------------------------------------------------

// Legacy msvcrt rule: %s/%c are the function's own width, %S/%C the other one; 'w' or a single 'l'
// forces wide, 'h' forces narrow ('w'/'l' win over 'h'; "ll" does not count as 'l').
// UCRT without LEGACY_WIDE_SPECIFIERS (C99): %s/%c are narrow in both families, %S/%C wide.
bool arg_is_wide(const Spec& s, bool api_wide, bool legacy_wide) {
    if (s.w || s.l) return true;
    if (s.h) return false;
    const bool swapped = (s.type == 'S' || s.type == 'C');
    return (api_wide && legacy_wide) != swapped;
}

template <typename CharT>
void emit_units(Sink<CharT>& o, const Spec& s, const CharT* p, size_t n) {
    emit_padded(o, s, 0, n, [] {}, [&] { o.put_units(p, n); });
}

// Returns -1 when a wide string cannot be converted for narrow output.
template <typename CharT>
int format_string(Sink<CharT>& o, const Spec& s, uint64_t ptr_bits, bool wide_arg) {
    const size_t limit = s.precision < 0 ? SIZE_MAX : static_cast<size_t>(s.precision);
    if (ptr_bits == 0) {
        // NULL prints "(null)" for narrow and wide strings alike, still subject to the precision.
        static constexpr char kNull[] = "(null)";
        const size_t n = std::min<size_t>(6, limit);
        emit_padded(o, s, 0, n, [] {}, [&] { o.put_bytes(kNull, n); });
        return 0;
    }
    if (wide_arg) {
        const auto* ws = reinterpret_cast<const char16_t*>(ptr_bits);
        size_t n = 0;
        while (n < limit && ws[n] != 0) ++n;
        if constexpr (sizeof(CharT) == 1) {
            // Narrow output converts through the C locale, where WCHARs above 0xFF have no
            // single-byte form: msvcrt then fails the whole call with -1 (sprintf("%S", L"\x3042")).
            for (size_t i = 0; i < n; ++i)
                if (ws[i] > 0xFF) return -1;
            emit_padded(o, s, 0, n, [] {}, [&] {
                for (size_t i = 0; i < n; ++i) o.put(ws[i]);
            });
        } else {
            emit_units(o, s, ws, n);
        }
    } else {
        const auto* ns = reinterpret_cast<const char*>(ptr_bits);
        size_t n = 0;
        while (n < limit && ns[n] != 0) ++n;
        emit_padded(o, s, 0, n, [] {}, [&] { o.put_bytes(ns, n); });
    }
    return 0;
}

// %Z: a counted ANSI_STRING (or UNICODE_STRING with 'w'/'l'): USHORT Length (bytes) at offset 0,
// the buffer pointer at offset 8 on x64. A NULL structure or buffer prints "(null)".
template <typename CharT>
int format_counted_string(Sink<CharT>& o, Spec s, uint64_t ptr_bits) {
    const bool wide = s.w || s.l;
    uint64_t buffer = 0;
    uint16_t length = 0;
    if (ptr_bits != 0) {
        const auto* base = reinterpret_cast<const unsigned char*>(ptr_bits);
        std::memcpy(&length, base, sizeof length);
        std::memcpy(&buffer, base + 8, sizeof buffer);
    }
    if (buffer == 0) return format_string(o, s, 0, false);
    size_t count = wide ? length / 2u : length;
    if (s.precision >= 0) count = std::min(count, static_cast<size_t>(s.precision));
    s.precision = -1;
    if (wide) {
        const auto* ws = reinterpret_cast<const char16_t*>(buffer);
        if constexpr (sizeof(CharT) == 1) {
            for (size_t i = 0; i < count; ++i)
                if (ws[i] > 0xFF) return -1;
            emit_padded(o, s, 0, count, [] {}, [&] {
                for (size_t i = 0; i < count; ++i) o.put(ws[i]);
            });
        } else {
            emit_units(o, s, ws, count);
        }
    } else {
        const auto* ns = reinterpret_cast<const char*>(buffer);
        emit_padded(o, s, 0, count, [] {}, [&] { o.put_bytes(ns, count); });
    }
    return 0;
}

template <typename CharT>
void format_char(Sink<CharT>& o, const Spec& s, uint64_t raw, bool wide_arg) {
    uint32_t ch;
    if (wide_arg) {
        ch = static_cast<uint16_t>(raw);
        // A WCHAR with no C-locale single-byte form prints nothing at all -- no padding, no error
        // (sprintf("a%Cb", 0x3042) gives "ab" and returns 2).
        if (sizeof(CharT) == 1 && ch > 0xFF) return;
    } else {
        ch = static_cast<unsigned char>(raw);  // msvcrt keeps the low byte: "%c" of 0x158 is 'X'
    }
    emit_padded(o, s, 0, 1, [] {}, [&] { o.put(ch); });
}

// ---- the directive parser --------------------------------------------------------------------
//
// msvcrt parses a directive with a small state machine (after '%': flags, width, '.', precision,
// size prefixes, type). A character that is not acceptable in the current state abandons the
// directive and is printed literally, and ordinary text resumes after it. That single rule gives
// all of msvcrt's observable behaviour on odd formats: "%%" prints '%', "%b" prints "b",
// "%_1I64d" prints "_1I64d", "%w-s" prints "-s", "%5*d" prints "*d", "%l%d" prints "%d". A
// directive cut short by the end of the format prints nothing ("%3h" -> ""). Unlike the UCRT this
// is not an invalid-parameter error: the system DLL just carries on.

enum class State { percent, flag, width, dot, precision, size };

enum class CharClass { other, percent, dot, star, zero, digit, flag, size, type };

CharClass classify(uint32_t c) {
    switch (c) {
    case '%': return CharClass::percent;
    case '.': return CharClass::dot;
    case '*': return CharClass::star;
    case '0': return CharClass::zero;
    case ' ': case '+': case '-': case '#': return CharClass::flag;
    // F and N (far/near) and L are accepted and ignored ("%Ls" prints a narrow string, "%F" prints
    // nothing). z/t/j are C99 prefixes the modern system DLL accepts.
    case 'h': case 'l': case 'w': case 'L': case 'F': case 'N': case 'I': case 'z': case 't': case 'j':
        return CharClass::size;
    // No %F conversion and no %hh-as-char in msvcrt. %Z prints counted (ANSI/UNICODE_STRING) strings.
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': case 'c': case 'C': case 's': case 'S':
    case 'p': case 'n': case 'e': case 'E': case 'f': case 'g': case 'G': case 'a': case 'A': case 'Z':
        return CharClass::type;
    default:
        if (c >= '1' && c <= '9') return CharClass::digit;
        return CharClass::other;
    }
}

template <typename CharT>
bool is_int_type(CharT c) {
    switch (unit(c)) {
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': return true;
    default: return false;
    }
}

// Consumes one size prefix at `p` (which points at a size-class character). Returns false when the
// prefix is not acceptable here ('I', 'z' or 't' not followed by what they need); the caller then
// prints the prefix letter literally.
template <typename CharT>
bool parse_size(const CharT*& p, Spec& s, bool ucrt) {
    switch (unit(*p)) {
    case 'h':
        if (ucrt && unit(p[1]) == 'h') {
            s.hh = true;
            p += 2;
            return true;
        }
        s.h = true;
        ++p;
        return true;
    case 'l':
        if (unit(p[1]) == 'l') {  // "ll": 64-bit (msvcrt.dll since Vista)
            s.i64 = true;
            p += 2;
        } else {
            s.l = true;
            ++p;
        }
        return true;
    case 'w': s.w = true; ++p; return true;
    case 'j': s.i64 = true; ++p; return true;
    case 'I':
        // I64 / I32 explicit; a bare 'I' is pointer-sized (64-bit) but only directly before an
        // integer conversion: "%Iq" prints "Iq", "%I0d" prints "I0d", "%Ihd" prints "Ihd".
        if (unit(p[1]) == '6' && unit(p[2]) == '4') {
            s.i64 = true;
            p += 3;
            return true;
        }
        if (unit(p[1]) == '3' && unit(p[2]) == '2') {
            s.i64 = false;
            p += 3;
            return true;
        }
        if (is_int_type(p[1])) {
            s.i64 = true;
            ++p;
            return true;
        }
        return false;
    case 'z': case 't':
        // size_t/ptrdiff_t: accepted only before an integer conversion ("%zx" works, "%z" prints "z").
        if (is_int_type(p[1])) {
            s.i64 = true;
            ++p;
            return true;
        }
        return false;
    default:  // L, F, N: accepted, no effect (long double is double on Windows)
        ++p;
        return true;
    }
}

int64_t clamp_accumulate(int64_t value, uint32_t digit) {
    const int64_t v = value * 10 + static_cast<int64_t>(digit);
    return std::clamp<int64_t>(v, -INT_MAX, INT_MAX);
}

template <typename CharT>
int printf_impl(std::basic_string<CharT>& str, const CharT* fmt, WinArgs& args, const Flavor& fl) {
    constexpr bool kWideApi = sizeof(CharT) == 2;
    Sink<CharT> o(str);
    const bool two_digit_exp = fl.two_digit_exp;
    {
        size_t len = 0;
        while (fmt[len]) ++len;
        str.reserve(str.size() + len + 32);
    }

    const CharT* p = fmt;
    while (*p) {
        const CharT* q = p;
        while (*q && unit(*q) != '%') ++q;
        if (q != p) {
            o.put_units(p, static_cast<size_t>(q - p));
            p = q;
            if (!*p) break;
        }
        ++p;  // past '%'

        Spec s;
        State st = State::percent;
        for (;;) {
            const uint32_t c = unit(*p);
            if (c == 0) return static_cast<int>(o.written());  // truncated directive prints nothing
            CharClass cls = classify(c);
            if (fl.ucrt && c == 'F') cls = CharClass::type;  // msvcrt: a size prefix; UCRT: upper-case %f
            bool accepted = true;

            if (cls == CharClass::type) {
                s.type = static_cast<char>(c);
                ++p;
                int r = 0;
                switch (s.type) {
                case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
                    format_integer(o, s, args.next());
                    break;
                case 'p':
                    // %p: the pointer as 16 upper-case hex digits, no "0x" unless '#' (then "0X").
                    s.i64 = true;
                    s.precision = 16;
                    format_integer(o, s, args.next());
                    break;
                case 'c': case 'C':
                    format_char(o, s, args.next(), arg_is_wide(s, kWideApi, fl.legacy_wide));
                    break;
                case 's': case 'S':
                    r = format_string(o, s, args.next(), arg_is_wide(s, kWideApi, fl.legacy_wide));
                    break;
                case 'Z':
                    r = format_counted_string(o, s, args.next());
                    break;
                case 'n': {
                    // The system msvcrt.dll has %n disabled unless _set_printf_count_output(1):
                    // the invalid-parameter handler runs and the call returns -1, writing nothing.
                    if (!g_count_output.load(std::memory_order_relaxed)) return -1;
                    auto* dst = reinterpret_cast<unsigned char*>(args.next());
                    const int64_t count = o.written();
                    if (s.h) {
                        const auto v = static_cast<int16_t>(count);
                        std::memcpy(dst, &v, sizeof v);
                    } else if (s.i64) {
                        std::memcpy(dst, &count, sizeof count);
                    } else {
                        const auto v = static_cast<int32_t>(count);
                        std::memcpy(dst, &v, sizeof v);
                    }
                    break;
                }
                default:  // e E f g G a A (L changes nothing: long double is double)
                    if (fl.ucrt) format_float_ucrt(o, s, args.next_double(), fl);
                    else format_float(o, s, args.next_double(), two_digit_exp);
                    break;
                }
                if (r < 0) return -1;
                if (o.written() > INT_MAX) return -1;
                break;  // directive done
            }

            if (cls == CharClass::size) {
                if (!parse_size(p, s, fl.ucrt)) {
                    accepted = false;
                } else {
                    st = State::size;
                    continue;
                }
            } else {
                switch (st) {
                case State::percent:
                case State::flag:
                    if (cls == CharClass::flag || cls == CharClass::zero) {
                        if (c == '-') s.left = true;
                        else if (c == '+') s.plus = true;
                        else if (c == ' ') s.space = true;
                        else if (c == '#') s.alt = true;
                        else s.zero = true;
                        st = State::flag;
                    } else if (cls == CharClass::digit) {
                        s.width = c - '0';
                        st = State::width;
                    } else if (cls == CharClass::star) {
                        // "*" takes an int; a negative width means left-justify. Digits after it
                        // keep accumulating onto that value: "%*1d" with 1 is width 11.
                        const auto v = static_cast<int32_t>(static_cast<uint32_t>(args.next()));
                        if (v < 0) s.left = true;
                        s.width = v < 0 ? -static_cast<int64_t>(v) : v;
                        st = State::width;
                    } else if (cls == CharClass::dot) {
                        s.precision = 0;
                        st = State::dot;
                    } else {
                        accepted = false;
                    }
                    break;
                case State::width:
                    if (cls == CharClass::zero || cls == CharClass::digit) {
                        s.width = clamp_accumulate(s.width, c - '0');
                    } else if (cls == CharClass::dot) {
                        s.precision = 0;
                        st = State::dot;
                    } else {
                        accepted = false;
                    }
                    break;
                case State::dot:
                    if (cls == CharClass::zero || cls == CharClass::digit) {
                        s.precision = static_cast<int>(c - '0');
                        st = State::precision;
                    } else if (cls == CharClass::star) {
                        const auto v = static_cast<int32_t>(static_cast<uint32_t>(args.next()));
                        s.precision = v < 0 ? -1 : v;  // negative precision = none
                        st = State::precision;
                    } else {
                        accepted = false;
                    }
                    break;
                case State::precision:
                    if (cls == CharClass::zero || cls == CharClass::digit)
                        s.precision = static_cast<int>(clamp_accumulate(s.precision, c - '0'));
                    else
                        accepted = false;
                    break;
                case State::size:
                    accepted = false;
                    break;
                }
                if (accepted) {
                    ++p;
                    continue;
                }
            }
            // Not acceptable here: abandon the directive, print this character literally.
            o.put(c);
            ++p;
            break;
        }
    }
    if (o.written() > INT_MAX) return -1;
    return static_cast<int>(o.written());
}

// ---------------------------------------------------------------------------------------------
// scanf
// ---------------------------------------------------------------------------------------------

// One character of lookahead over a ScanSource, counting consumed characters for %n.
class Reader {
public:
    explicit Reader(ScanSource& in) : in_(in) {}
    int peek() {
        if (la_ == kNone) {
            la_ = in_.get();
            if (la_ >= 0) any_ = true;
        }
        return la_;
    }
    void take() {  // consume the peeked character
        if (la_ >= 0) {
            ++consumed_;
            la_ = kNone;
        }
    }
    void finish() {  // give the unconsumed lookahead back to the source
        if (la_ >= 0) in_.unget(la_);
        la_ = kNone;
    }
    int64_t consumed() const { return consumed_; }
    bool any() const { return any_; }

private:
    static constexpr int kNone = -2;
    ScanSource& in_;
    int la_ = kNone;
    int64_t consumed_ = 0;
    bool any_ = false;
};

// msvcrt's C-locale isspace: space, \t \n \v \f \r.
bool is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int digit_value(int c, int base) {
    int d;
    if (c >= '0' && c <= '9')
        d = c - '0';
    else if (c >= 'a' && c <= 'z')
        d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z')
        d = c - 'A' + 10;
    else
        return -1;
    return d < base ? d : -1;
}

void store_bytes(uint64_t ptr, uint64_t value, size_t size) {
    auto* dst = reinterpret_cast<unsigned char*>(ptr);
    // x86-64 is little-endian: the low `size` bytes of the value.
    std::memcpy(dst, &value, size);
}

locale_t c_locale() {
    static locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
    return loc;
}

struct ScanSpec {
    bool suppress = false;
    int64_t width = 0;  // 0 = no limit
    int h = 0;          // number of 'h': 1 = short; "hh" stores a full int in msvcrt
    bool l = false, big_l = false, w = false, i64 = false;
};

bool scan_arg_is_wide(const ScanSpec& s, uint32_t type, bool api_wide) {
    if (s.w || s.l) return true;
    if (s.h) return false;
    const bool swapped = (type == 'S' || type == 'C');
    return api_wide != swapped;
}

// Stores one scanned character into a narrow or wide destination. Narrow destinations fed from a
// wide source get '?' for WCHARs with no C-locale single-byte form.
void store_char(uint64_t dst, size_t index, int c, bool wide_dest) {
    if (wide_dest) {
        const auto v = static_cast<char16_t>(c);
        std::memcpy(reinterpret_cast<unsigned char*>(dst) + 2 * index, &v, 2);
    } else {
        const auto v = static_cast<char>(c > 0xFF ? '?' : c);
        std::memcpy(reinterpret_cast<unsigned char*>(dst) + index, &v, 1);
    }
}

// Character set of a %[...] directive, over bytes (narrow) or WCHARs (wide).
class CharSet {
public:
    explicit CharSet(bool wide) : bits_(wide ? 1024 : 4, 0) {}
    void add_range(uint32_t lo, uint32_t hi) {
        if (lo > hi) std::swap(lo, hi);  // "%[z-a]" is the same as "%[a-z]"
        const uint32_t limit = static_cast<uint32_t>(bits_.size() * 64);
        for (uint32_t c = lo; c <= hi && c < limit; ++c) bits_[c >> 6] |= uint64_t{1} << (c & 63);
    }
    bool contains(int c) const {
        const auto u = static_cast<uint32_t>(c);
        return u < bits_.size() * 64 && (bits_[u >> 6] >> (u & 63) & 1) != 0;
    }

private:
    std::vector<uint64_t> bits_;
};

template <typename CharT>
int scan_impl(ScanSource& source, const CharT* fmt, WinArgs& args) {
    constexpr bool kWideApi = sizeof(CharT) == 2;
    Reader in(source);
    int assigned = 0;
    int completed = 0;  // conversions that matched, assigned or suppressed (%n excluded)
    bool input_failure = false;

    const CharT* f = fmt;
    while (*f) {
        const uint32_t fc = unit(*f);
        if (is_space(static_cast<int>(fc))) {
            // Whitespace in the format matches any amount (including none) of input whitespace.
            while (in.peek() >= 0 && is_space(in.peek())) in.take();
            ++f;
            continue;
        }
        if (fc != '%') {
            const int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            if (static_cast<uint32_t>(c) != fc) break;
            in.take();
            ++f;
            continue;
        }

        ++f;  // past '%'
        ScanSpec s;
        if (unit(*f) == '*') {
            s.suppress = true;
            ++f;
        }
        // Width digits and size prefixes may interleave in msvcrt: "%h02d" reads 2 digits into a
        // short, "%2h0d" has width 20.
        for (;;) {
            const uint32_t c = unit(*f);
            if (c >= '0' && c <= '9') {
                s.width = std::min<int64_t>(s.width * 10 + (c - '0'), INT_MAX);
            } else if (c == 'h') {
                ++s.h;
            } else if (c == 'l') {
                if (unit(f[1]) == 'l') {
                    s.i64 = true;
                    ++f;
                } else {
                    s.l = true;
                }
            } else if (c == 'L') {
                s.big_l = true;
            } else if (c == 'w') {
                s.w = true;
            } else if (c == 'I') {
                if (unit(f[1]) == '6' && unit(f[2]) == '4') {
                    s.i64 = true;
                    f += 2;
                } else if (unit(f[1]) == '3' && unit(f[2]) == '2') {
                    s.i64 = false;
                    f += 2;
                } else {
                    s.i64 = true;  // bare 'I': pointer-sized
                }
            } else if (c == 'j' || c == 'z' || c == 't') {
                s.i64 = true;
            } else if (c == 'F' || c == 'N') {
                // far/near pointer prefixes: accepted, no effect
            } else {
                break;
            }
            ++f;
        }
        const uint32_t type = unit(*f);
        if (type == 0) break;
        ++f;
        int64_t remaining = s.width > 0 ? s.width : INT64_MAX;

        bool ok = false;
        switch (type) {
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': case 'P': {
            while (in.peek() >= 0 && is_space(in.peek())) in.take();
            int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            bool negative = false;
            bool consumed_any = false;
            // A sign is accepted for every integer conversion, unsigned ones and %p included.
            if (c == '-' || c == '+') {
                negative = c == '-';
                in.take();
                consumed_any = true;
                --remaining;
                c = in.peek();
            }
            int base = 10;
            if (type == 'o') base = 8;
            if (type == 'x' || type == 'X' || type == 'p' || type == 'P') base = 16;
            if (type == 'i') base = 0;
            bool seen_digit = false;
            // %p takes plain hex digits: "0x46F173" reads as 0 (the scan stops at 'x').
            if (remaining > 0 && c == '0' && type != 'p' && type != 'P') {
                in.take();
                consumed_any = true;
                --remaining;
                seen_digit = true;
                c = in.peek();
                if (remaining > 0 && (c == 'x' || c == 'X') && (base == 0 || base == 16)) {
                    base = 16;
                    in.take();
                    --remaining;
                    seen_digit = false;  // "0x" alone is not a number
                    c = in.peek();
                } else if (base == 0) {
                    base = 8;
                }
            }
            if (base == 0) base = 10;
            uint64_t value = 0;  // wraps modulo 2^64 on overflow, then truncates on store
            int d;
            while (remaining > 0 && c >= 0 && (d = digit_value(c, base)) >= 0) {
                value = value * static_cast<unsigned>(base) + static_cast<unsigned>(d);
                seen_digit = true;
                in.take();
                consumed_any = true;
                --remaining;
                c = in.peek();
            }
            if (!seen_digit) {
                if (!consumed_any && c < 0) input_failure = true;
                break;
            }
            ok = true;
            if (!s.suppress) {
                const uint64_t v = negative ? 0 - value : value;
                size_t size = 4;
                if (type == 'p' || type == 'P' || s.i64)
                    size = 8;
                else if (s.h == 1)  // "hh" is not char in msvcrt: it stores a full int
                    size = 2;
                store_bytes(args.next(), v, size);
            }
            break;
        }
        case 'e': case 'E': case 'f': case 'g': case 'G': {
            while (in.peek() >= 0 && is_space(in.peek())) in.take();
            int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            // msvcrt reads [sign] digits [. digits] [e [sign] digits]; no inf/nan/hex forms.
            std::string text;
            int mantissa_digits = 0;
            auto take_into = [&](int ch) {
                text.push_back(static_cast<char>(ch));
                in.take();
                --remaining;
                c = in.peek();
            };
            if (c == '-' || c == '+') take_into(c);
            while (remaining > 0 && c >= '0' && c <= '9') {
                take_into(c);
                ++mantissa_digits;
            }
            if (remaining > 0 && c == '.') {
                take_into(c);
                while (remaining > 0 && c >= '0' && c <= '9') {
                    take_into(c);
                    ++mantissa_digits;
                }
            }
            if (mantissa_digits == 0) {
                if (text.empty() && c < 0) input_failure = true;
                break;
            }
            if (remaining > 0 && (c == 'e' || c == 'E')) {
                take_into(c);
                if (remaining > 0 && (c == '+' || c == '-')) take_into(c);
                while (remaining > 0 && c >= '0' && c <= '9') take_into(c);
            }
            ok = true;
            if (!s.suppress) {
                // %f stores a float, %lf / %Lf (long double == double) / %llf a double.
                const uint64_t dst = args.next();
                if (s.l || s.big_l || s.i64) {
                    const double v = strtod_l(text.c_str(), nullptr, c_locale());
                    std::memcpy(reinterpret_cast<void*>(dst), &v, sizeof v);
                } else {
                    const float v = strtof_l(text.c_str(), nullptr, c_locale());
                    std::memcpy(reinterpret_cast<void*>(dst), &v, sizeof v);
                }
            }
            break;
        }
        case 's': case 'S': {
            while (in.peek() >= 0 && is_space(in.peek())) in.take();
            int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            const bool wide = scan_arg_is_wide(s, type, kWideApi);
            const uint64_t dst = s.suppress ? 0 : args.next();
            size_t n = 0;
            while (remaining > 0 && c >= 0 && !is_space(c)) {
                if (dst) store_char(dst, n, c, wide);
                ++n;
                in.take();
                --remaining;
                c = in.peek();
            }
            if (dst) store_char(dst, n, 0, wide);
            ok = true;
            break;
        }
        case 'c': case 'C': {
            // No whitespace skipping; the width is the exact count (default 1), no terminator.
            int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            const bool wide = scan_arg_is_wide(s, type, kWideApi);
            const uint64_t dst = s.suppress ? 0 : args.next();
            if (s.width == 0) remaining = 1;
            size_t n = 0;
            while (remaining > 0 && c >= 0) {
                if (dst) store_char(dst, n, c, wide);
                ++n;
                in.take();
                --remaining;
                c = in.peek();
            }
            ok = true;
            break;
        }
        case '[': {
            CharSet set(kWideApi);
            bool invert = false;
            if (unit(*f) == '^') {
                invert = true;
                ++f;
            }
            if (unit(*f) == ']') {  // a leading ']' is a member, not the end
                set.add_range(']', ']');
                ++f;
            }
            // '-' makes a range between its neighbours ("%[z-a]" == "%[a-z]"); at the start, at
            // the end, or right after a range it is a literal ("%[1-2-4]" is {1,2,-,4}).
            bool have_prev = false;
            uint32_t prev = 0;
            while (*f && unit(*f) != ']') {
                const uint32_t c = unit(*f);
                if (c == '-' && have_prev && f[1] && unit(f[1]) != ']') {
                    set.add_range(prev, unit(f[1]));
                    have_prev = false;
                    f += 2;
                    continue;
                }
                set.add_range(c, c);
                prev = c;
                have_prev = true;
                ++f;
            }
            if (!*f) goto done;  // unterminated set: stop scanning
            ++f;                 // past ']'
            int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            const bool wide = s.w || s.l ? true : (s.h ? false : kWideApi);
            const uint64_t dst = s.suppress ? 0 : args.next();
            size_t n = 0;
            while (remaining > 0 && c >= 0 && set.contains(c) != invert) {
                if (dst) store_char(dst, n, c, wide);
                ++n;
                in.take();
                --remaining;
                c = in.peek();
            }
            if (n == 0) break;
            if (dst) store_char(dst, n, 0, wide);
            ok = true;
            break;
        }
        case 'n': {
            // Characters consumed so far; not a conversion, never counted in the return value.
            if (!s.suppress) {
                const int64_t count = in.consumed();
                size_t size = 4;
                if (s.i64)
                    size = 8;
                else if (s.h == 1)
                    size = 2;
                store_bytes(args.next(), static_cast<uint64_t>(count), size);
            }
            continue;
        }
        default: {
            // '%' followed by a character with no meaning (including "%%") matches that character
            // literally, after skipping input whitespace: "%\"" matches '"'.
            while (in.peek() >= 0 && is_space(in.peek())) in.take();
            const int c = in.peek();
            if (c < 0) {
                input_failure = true;
                break;
            }
            if (static_cast<uint32_t>(c) == type) {
                in.take();
                continue;
            }
            break;
        }
        }
        if (!ok) break;
        ++completed;
        if (!s.suppress) ++assigned;
    }
done:
    in.finish();
    if (input_failure && completed == 0) {
        // Input ended before the first conversion: EOF. The wide functions only report EOF for an
        // input that was empty from the start; otherwise msvcrt's swscanf returns 0 here
        // (swscanf(L" \t\n", L"%s", buf) == 0 while sscanf(" \t\n", "%s", buf) == EOF).
        if (kWideApi && in.any()) return 0;
        return -1;
    }
    return assigned;
}

}  // namespace

// A NULL format is an invalid parameter in msvcrt: -1 (EINVAL), nothing produced or read.
namespace {
Flavor msvcrt_flavor() {
    Flavor f;
    f.two_digit_exp = (g_output_format.load(std::memory_order_relaxed) & kTwoDigitExponent) != 0;
    return f;
}
Flavor ucrt_flavor(uint64_t options) {
    Flavor f;
    f.ucrt = true;
    f.two_digit_exp = !(options & kUcrtLegacyThreeDigitExponents);
    f.legacy_wide = (options & kUcrtLegacyWideSpecifiers) != 0;
    f.msvcrt_nonfinite = (options & kUcrtLegacyMsvcrtCompatibility) != 0;
    return f;
}
}  // namespace

int format_printf(std::string& out, const char* fmt, WinArgs& args) {
    return fmt ? printf_impl(out, fmt, args, msvcrt_flavor()) : -1;
}

int format_wprintf(std::u16string& out, const char16_t* fmt, WinArgs& args) {
    return fmt ? printf_impl(out, fmt, args, msvcrt_flavor()) : -1;
}

int format_printf_ucrt(std::string& out, const char* fmt, WinArgs& args, uint64_t options) {
    return fmt ? printf_impl(out, fmt, args, ucrt_flavor(options)) : -1;
}

int format_wprintf_ucrt(std::u16string& out, const char16_t* fmt, WinArgs& args, uint64_t options) {
    return fmt ? printf_impl(out, fmt, args, ucrt_flavor(options)) : -1;
}

int scan_format(ScanSource& in, const char* fmt, WinArgs& args) { return fmt ? scan_impl(in, fmt, args) : -1; }

int scan_wformat(ScanSource& in, const char16_t* fmt, WinArgs& args) {
    return fmt ? scan_impl(in, fmt, args) : -1;
}

bool set_printf_count_output(bool enable) { return g_count_output.exchange(enable); }

bool get_printf_count_output() { return g_count_output.load(); }

unsigned set_output_format(unsigned format) { return g_output_format.exchange(format); }

unsigned get_output_format() { return g_output_format.load(); }

}  // namespace winrun::crt
