// wsprintf / wvsprintf: USER32's own small formatter, not the C runtime's. It knows
// %[-][#][0][width][.precision][h|l|I64]type with types c C d i u x X p s S and nothing else: no
// floating point, no '*' width; an unknown type character is copied as it is. The output is cut
// at 1024 characters (1023 and the terminator), as Windows does.
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "kernel32/k32.h"
#include "msvcrt/format.h"
#include "unicode.h"

namespace winrun::user32 {
using namespace winrun::win;
using crt::WinArgs;

namespace {

constexpr size_t k_max_out = 1024;

// Formats into UTF-16 (the narrow functions convert at the end); `wide` says which strings %s
// and %c take: wide ones in wsprintfW, narrow ones in wsprintfA (%S / %C the other kind).
std::u16string format(const char16_t* fmt, WinArgs& args, bool wide) {
    std::u16string out;
    for (const char16_t* p = fmt; *p && out.size() < k_max_out; p++) {
        if (*p != u'%') {
            out += *p;
            continue;
        }
        const char16_t* start = p++;
        if (*p == u'%') {
            out += u'%';
            continue;
        }
        bool left = false, alt = false, zero = false;
        for (;; p++) {
            if (*p == u'-') left = true;
            else if (*p == u'#') alt = true;
            else if (*p == u'0') zero = true;
            else break;
        }
        size_t width = 0, prec = 0;
        bool has_prec = false;
        while (*p >= u'0' && *p <= u'9') width = width * 10 + size_t(*p++ - u'0');
        if (*p == u'.') {
            has_prec = true;
            p++;
            while (*p >= u'0' && *p <= u'9') prec = prec * 10 + size_t(*p++ - u'0');
        }
        int size = 0;  // -1 h, 1 l, 2 I64
        if (*p == u'h') size = -1, p++;
        else if (*p == u'l') size = 1, p++;
        else if (p[0] == u'I' && p[1] == u'6' && p[2] == u'4') size = 2, p += 3;
        if (!*p) {
            out.append(start, p);
            break;
        }
        std::u16string field;
        bool numeric = false;
        switch (*p) {
        case u'c':
        case u'C': {
            bool w = size == 1 || (size == 0 && ((*p == u'c') == wide));
            uint64_t v = args.next();
            field = w ? std::u16string(1, char16_t(v)) : k32::ansi_to_wide(reinterpret_cast<const char*>(&v), 1);
            break;
        }
        case u's':
        case u'S': {
            bool w = size == 1 || (size == 0 && ((*p == u's') == wide));
            const void* s = reinterpret_cast<const void*>(args.next());
            if (!s) field = u"(null)";
            else if (w) field = wview(static_cast<const char16_t*>(s));
            else field = k32::ansi_to_wide(static_cast<const char*>(s));
            if (has_prec && field.size() > prec) field.resize(prec);
            break;
        }
        case u'd':
        case u'i':
        case u'u':
        case u'x':
        case u'X':
        case u'p': {
            numeric = true;
            uint64_t raw = args.next();
            bool is_signed = *p == u'd' || *p == u'i';
            uint64_t mag;
            bool neg = false;
            if (*p == u'p') {
                mag = raw;
            } else if (size == 2) {
                mag = raw;
                if (is_signed && int64_t(raw) < 0) neg = true, mag = uint64_t(-int64_t(raw));
            } else if (size == -1) {
                mag = uint16_t(raw);
                if (is_signed && int16_t(raw) < 0) neg = true, mag = uint64_t(-int64_t(int16_t(raw)));
            } else {
                mag = uint32_t(raw);
                if (is_signed && int32_t(raw) < 0) neg = true, mag = uint64_t(-int64_t(int32_t(raw)));
            }
            const char* digits = *p == u'x' ? "0123456789abcdef" : "0123456789ABCDEF";
            unsigned base = (*p == u'x' || *p == u'X' || *p == u'p') ? 16 : 10;
            std::u16string num;
            do {
                num.insert(num.begin(), char16_t(digits[mag % base]));
                mag /= base;
            } while (mag);
            if (*p == u'p') {
                num.insert(0, 16 - std::min<size_t>(16, num.size()), u'0');  // all 16 digits, upper case
            } else {
                if (has_prec && num.size() < prec) num.insert(0, prec - num.size(), u'0');
                if (has_prec && prec == 0 && num == u"0") num.clear();
            }
            std::u16string prefix;
            if (neg) prefix = u"-";
            else if (alt && base == 16 && *p != u'p' && raw) prefix = *p == u'X' ? u"0X" : u"0x";
            if (zero && !left && !has_prec && width > prefix.size() + num.size())
                num.insert(0, width - prefix.size() - num.size(), u'0');
            field = prefix + num;
            break;
        }
        default:
            // Not a wsprintf type: the character itself is output.
            out += *p;
            continue;
        }
        (void)numeric;
        if (field.size() < width) {
            std::u16string pad(width - field.size(), u' ');
            field = left ? field + pad : pad + field;
        }
        out += field;
    }
    if (out.size() > k_max_out - 1) out.resize(k_max_out - 1);
    return out;
}

}  // namespace

INT WINAPI wvsprintfW(LPWSTR buf, LPCWSTR fmt, __builtin_ms_va_list ap) {
    if (!buf || !fmt) return -1;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    std::u16string s = format(fmt, a, true);
    std::memcpy(buf, s.c_str(), (s.size() + 1) * 2);
    return INT(s.size());
}

INT WINAPI wvsprintfA(LPSTR buf, LPCSTR fmt, __builtin_ms_va_list ap) {
    if (!buf || !fmt) return -1;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    std::string s = k32::wide_to_ansi(format(k32::ansi_to_wide(fmt).c_str(), a, false));
    if (s.size() > k_max_out - 1) s.resize(k_max_out - 1);
    std::memcpy(buf, s.c_str(), s.size() + 1);
    return INT(s.size());
}

INT WINAPI wsprintfW(LPWSTR buf, LPCWSTR fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    INT r = wvsprintfW(buf, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

INT WINAPI wsprintfA(LPSTR buf, LPCSTR fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    INT r = wvsprintfA(buf, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

WR_EXPORT_PART(user32_wsprintf,
    WR_EXPORT(wsprintfA),
    WR_EXPORT(wsprintfW),
    WR_EXPORT(wvsprintfA),
    WR_EXPORT(wvsprintfW));

}  // namespace winrun::user32
