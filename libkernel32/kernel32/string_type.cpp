// Character types and folding: GetStringType(Ex)(A/W), FoldString(A/W).
// CT_CTYPE1 comes from glibc's Unicode tables (under C.UTF-8) with ASCII fixed as Windows has it;
// CT_CTYPE2 (bidi category) and CT_CTYPE3 are derived from the same classification and a few
// Unicode block ranges: exact for ASCII and Latin text, approximate elsewhere.
#include <locale.h>
#include <wctype.h>

#include <cstring>

#include "builtin/builtin.h"
#include "locale.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD CT_CTYPE1 = 1, CT_CTYPE2 = 2, CT_CTYPE3 = 4;
constexpr WORD C1_UPPER = 0x1, C1_LOWER = 0x2, C1_DIGIT = 0x4, C1_SPACE = 0x8, C1_PUNCT = 0x10, C1_CNTRL = 0x20,
               C1_BLANK = 0x40, C1_XDIGIT = 0x80, C1_ALPHA = 0x100, C1_DEFINED = 0x200;
constexpr WORD C2_LEFTTORIGHT = 1, C2_RIGHTTOLEFT = 2, C2_EUROPENUMBER = 3, C2_EUROPESEPARATOR = 4,
               C2_EUROPETERMINATOR = 5, C2_ARABICNUMBER = 6, C2_COMMONSEPARATOR = 7, C2_BLOCKSEPARATOR = 8,
               C2_SEGMENTSEPARATOR = 9, C2_WHITESPACE = 10, C2_OTHERNEUTRAL = 11, C2_NOTAPPLICABLE = 0;
constexpr WORD C3_NONSPACING = 0x1, C3_DIACRITIC = 0x2, C3_SYMBOL = 0x8, C3_KATAKANA = 0x10, C3_HIRAGANA = 0x20,
               C3_HALFWIDTH = 0x40, C3_FULLWIDTH = 0x80, C3_IDEOGRAPH = 0x100, C3_HIGHSURROGATE = 0x800,
               C3_LOWSURROGATE = 0x1000, C3_ALPHA = 0x8000;

locale_t unicode_ctype() {
    static locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    return l;
}

WORD ctype1(char16_t c) {
    if (c < 0x80) {
        WORD t = C1_DEFINED;
        if (c < 0x20 || c == 0x7F) t |= C1_CNTRL;
        if ((c >= 9 && c <= 13) || c == ' ') t |= C1_SPACE;
        if (c == 9 || c == ' ') t |= C1_BLANK;
        if (c >= '0' && c <= '9') t |= C1_DIGIT | C1_XDIGIT;
        if (c >= 'A' && c <= 'Z') t |= C1_UPPER | C1_ALPHA;
        if (c >= 'a' && c <= 'z') t |= C1_LOWER | C1_ALPHA;
        if ((c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')) t |= C1_XDIGIT;
        if (c > ' ' && c < 0x7F && !(t & (C1_ALPHA | C1_DIGIT))) t |= C1_PUNCT;
        return t;
    }
    if (c >= 0xD800 && c <= 0xDFFF) return 0;
    locale_t l = unicode_ctype();
    if (!l) return 0;
    WORD t = 0;
    if (::iswupper_l(c, l)) t |= C1_UPPER;
    if (::iswlower_l(c, l)) t |= C1_LOWER;
    if (::iswspace_l(c, l) || c == 0xA0) t |= C1_SPACE;
    if (::iswblank_l(c, l) || c == 0xA0) t |= C1_BLANK;
    if (::iswpunct_l(c, l) && !::iswalpha_l(c, l)) t |= C1_PUNCT;
    if (::iswcntrl_l(c, l)) t |= C1_CNTRL;
    if (::iswalpha_l(c, l)) t |= C1_ALPHA;
    if (t || ::iswprint_l(c, l)) t |= C1_DEFINED;
    return t;
}

WORD ctype2(char16_t c) {
    if (c < 0x80) {
        if (c >= '0' && c <= '9') return C2_EUROPENUMBER;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return C2_LEFTTORIGHT;
        if (c == '+' || c == '-') return C2_EUROPESEPARATOR;
        if (c == '#' || c == '$' || c == '%') return C2_EUROPETERMINATOR;
        if (c == ',' || c == '.' || c == '/' || c == ':') return C2_COMMONSEPARATOR;
        if (c == '\n' || c == '\r' || (c >= 0x1C && c <= 0x1E)) return C2_BLOCKSEPARATOR;
        if (c == '\t' || c == 0x0B || c == 0x1F) return C2_SEGMENTSEPARATOR;
        if (c == ' ' || c == 0x0C) return C2_WHITESPACE;
        if (c < 0x20 || c == 0x7F) return C2_NOTAPPLICABLE;
        return C2_OTHERNEUTRAL;
    }
    if ((c >= 0x0590 && c <= 0x05FF) || (c >= 0xFB1D && c <= 0xFB4F)) return C2_RIGHTTOLEFT;  // Hebrew
    if (c >= 0x0660 && c <= 0x0669) return C2_ARABICNUMBER;
    if ((c >= 0x0600 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
        return C2_RIGHTTOLEFT;  // Arabic, Syriac, Thaana, NKo ...
    if (c >= 0x80 && c <= 0x9F) return C2_NOTAPPLICABLE;
    if (c == 0xA0) return C2_COMMONSEPARATOR;
    if (c == 0xB2 || c == 0xB3 || c == 0xB9) return C2_EUROPENUMBER;
    if (c == 0xA2 || c == 0xA3 || c == 0xA4 || c == 0xA5 || c == 0xB0 || c == 0xB1) return C2_EUROPETERMINATOR;
    WORD t = ctype1(c);
    if (t & C1_ALPHA) return C2_LEFTTORIGHT;
    if (t & C1_SPACE) return C2_WHITESPACE;
    if (!(t & C1_DEFINED)) return C2_NOTAPPLICABLE;
    return C2_OTHERNEUTRAL;
}

WORD ctype3(char16_t c) {
    if (c >= 0xD800 && c <= 0xDBFF) return C3_HIGHSURROGATE;
    if (c >= 0xDC00 && c <= 0xDFFF) return C3_LOWSURROGATE;
    WORD t = 0;
    if (c >= 0x300 && c <= 0x36F) t |= C3_NONSPACING | C3_DIACRITIC;
    if (c >= 0x3041 && c <= 0x309F) t |= C3_HIRAGANA;
    if ((c >= 0x30A0 && c <= 0x30FF) || (c >= 0xFF66 && c <= 0xFF9F)) t |= C3_KATAKANA;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF))
        t |= C3_IDEOGRAPH;
    if ((c >= 0xFF01 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || c == 0x3000) t |= C3_FULLWIDTH;
    if ((c >= 0xFF61 && c <= 0xFFDC) || (c >= 0xFFE8 && c <= 0xFFEE)) t |= C3_HALFWIDTH;
    WORD t1 = ctype1(c);
    if (t1 & C1_ALPHA) t |= C3_ALPHA;
    if ((t1 & C1_PUNCT) && !(t & C3_NONSPACING)) t |= C3_SYMBOL;
    return t;
}

BOOL string_type(DWORD type, std::u16string_view s, WORD* out) {
    WORD (*fn)(char16_t) = type == CT_CTYPE1 ? ctype1 : type == CT_CTYPE2 ? ctype2 : type == CT_CTYPE3 ? ctype3 : nullptr;
    if (!fn) return fail(ERROR_INVALID_FLAGS);
    for (size_t i = 0; i < s.size(); i++) out[i] = fn(s[i]);
    return TRUE;
}
}  // namespace

// A count of -1 includes the terminating NUL, as on Windows.
BOOL WINAPI GetStringTypeW(DWORD type, LPCWSTR src, INT count, WORD* types) {
    if (!src || !types || count == 0 || count < -1) return fail(ERROR_INVALID_PARAMETER);
    size_t n = count < 0 ? wcslen16(src) + 1 : size_t(count);
    return string_type(type, std::u16string_view(src, n), types);
}

BOOL WINAPI GetStringTypeExW(LCID lcid, DWORD type, LPCWSTR src, INT count, WORD* types) {
    (void)lcid;  // the locale is ignored by the Unicode form
    return GetStringTypeW(type, src, count, types);
}

// The ANSI form: one type per byte of the ANSI code page (1252 is single-byte).
BOOL WINAPI GetStringTypeA(LCID lcid, DWORD type, LPCSTR src, INT count, WORD* types) {
    if (!src || !types || count == 0 || count < -1) return fail(ERROR_INVALID_PARAMETER);
    if (!locale_of(lcid)) return fail(ERROR_INVALID_PARAMETER);
    size_t n = count < 0 ? std::strlen(src) + 1 : size_t(count);
    std::u16string w = ansi_to_wide(src, n);
    return string_type(type, w, types);
}
BOOL WINAPI GetStringTypeExA(LCID lcid, DWORD type, LPCSTR src, INT count, WORD* types) {
    return GetStringTypeA(lcid, type, src, count, types);
}

// ---- FoldString -----------------------------------------------------------------------------
namespace {
constexpr DWORD MAP_FOLDCZONE = 0x10, MAP_PRECOMPOSED = 0x20, MAP_COMPOSITE = 0x40, MAP_FOLDDIGITS = 0x80,
                MAP_EXPAND_LIGATURES = 0x2000;

// The decimal digit value of a Unicode digit (Nd blocks of the BMP, superscripts, subscripts), or -1.
int digit_value(char16_t c) {
    static const char16_t zeros[] = {0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66,
                                     0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040,
                                     0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0,
                                     0x1C40, 0x1C50, 0x2080, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xAA50, 0xABF0, 0xFF10};
    for (char16_t z : zeros)
        if (c >= z && c <= z + 9) return c - z;
    if (c == 0xB9) return 1;
    if (c == 0xB2 || c == 0xB3) return c - 0xB0;
    if (c == 0x2070) return 0;
    if (c >= 0x2074 && c <= 0x2079) return c - 0x2070;
    return -1;
}

std::u16string fold(DWORD flags, std::u16string_view s) {
    std::u16string out;
    for (size_t i = 0; i < s.size(); i++) {
        char16_t c = s[i];
        if (flags & MAP_FOLDDIGITS) {
            int d = digit_value(c);
            if (d >= 0) c = char16_t(u'0' + d);
        }
        if ((flags & MAP_FOLDCZONE) && c >= 0xFF01 && c <= 0xFF5E) c = char16_t(c - 0xFEE0);  // fullwidth ASCII
        if (flags & MAP_EXPAND_LIGATURES) {
            const char16_t* e = nullptr;
            switch (c) {
            case 0xC6: e = u"AE"; break;
            case 0xE6: e = u"ae"; break;
            case 0x152: e = u"OE"; break;
            case 0x153: e = u"oe"; break;
            case 0xDF: e = u"ss"; break;
            case 0x132: e = u"IJ"; break;
            case 0x133: e = u"ij"; break;
            case 0xFB00: e = u"ff"; break;
            case 0xFB01: e = u"fi"; break;
            case 0xFB02: e = u"fl"; break;
            case 0xFB03: e = u"ffi"; break;
            case 0xFB04: e = u"ffl"; break;
            default: break;
            }
            if (e) {
                out += e;
                continue;
            }
        }
        char16_t base, m1, m2;
        if ((flags & MAP_COMPOSITE) && latin_decompose(c, base, m1, m2)) {
            out.push_back(base);
            out.push_back(m1);
            if (m2) out.push_back(m2);
            continue;
        }
        if ((flags & MAP_PRECOMPOSED) && c >= 0x300 && c <= 0x36F && !out.empty()) {
            // Compose the previous character with this mark when a precomposed Latin letter exists.
            char16_t prev = out.back();
            bool done = false;
            for (char16_t p = 0xC0; p <= 0x24F && !done; p++)
                if (latin_decompose(p, base, m1, m2) && !m2 && base == prev && m1 == c) {
                    out.back() = p;
                    done = true;
                }
            for (char16_t p = 0x1E00; p <= 0x1EFF && !done; p++)
                if (latin_decompose(p, base, m1, m2) && !m2 && base == prev && m1 == c) {
                    out.back() = p;
                    done = true;
                }
            if (done) continue;
        }
        out.push_back(c);
    }
    return out;
}
}  // namespace

INT WINAPI FoldStringW(DWORD flags, LPCWSTR src, INT srclen, LPWSTR dst, INT dstlen) {
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst) || (dst && dst == src)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    constexpr DWORD known = MAP_FOLDCZONE | MAP_PRECOMPOSED | MAP_COMPOSITE | MAP_FOLDDIGITS | MAP_EXPAND_LIGATURES;
    if (!flags || (flags & ~known) || (flags & MAP_PRECOMPOSED && flags & MAP_COMPOSITE) ||
        (flags & MAP_EXPAND_LIGATURES && flags & (MAP_PRECOMPOSED | MAP_COMPOSITE))) {
        set_last_error(ERROR_INVALID_FLAGS);
        return 0;
    }
    std::u16string_view s = srclen < 0 ? std::u16string_view(src, wcslen16(src) + 1) : std::u16string_view(src, size_t(srclen));
    std::u16string r = fold(flags, s);
    if (dstlen == 0) return INT(r.size());
    if (r.size() > size_t(dstlen)) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(dst, r.data(), r.size() * 2);
    return INT(r.size());
}

INT WINAPI FoldStringA(DWORD flags, LPCSTR src, INT srclen, LPSTR dst, INT dstlen) {
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    std::u16string w = srclen < 0 ? ansi_to_wide(src, std::strlen(src) + 1) : ansi_to_wide(src, size_t(srclen));
    std::u16string wr(w.size() * 3 + 4, 0);
    INT n = FoldStringW(flags, w.data(), INT(w.size()), wr.data(), INT(wr.size()));
    if (!n) return 0;
    std::string a = wide_to_ansi(std::u16string_view(wr.data(), size_t(n)));
    if (dstlen == 0) return INT(a.size());
    if (a.size() > size_t(dstlen)) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(dst, a.data(), a.size());
    return INT(a.size());
}

WR_EXPORT_PART(kernel32_string_type,
    WR_EXPORT(GetStringTypeW),
    WR_EXPORT(GetStringTypeExW),
    WR_EXPORT(GetStringTypeA),
    WR_EXPORT(GetStringTypeExA),
    WR_EXPORT(FoldStringW),
    WR_EXPORT(FoldStringA));

}  // namespace winrun::k32
