// Linguistic comparison and mapping: CompareString(Ex), CompareStringOrdinal, lstrcmp(i),
// LCMapString(Ex).
//
// The linguistic order is a multi-level sort key built per string (our own approximation of the
// Windows "word sort" for Latin text; both CompareString and LCMAP_SORTKEY use the same key, so a
// memcmp of two keys always agrees with CompareString):
//   level 1  base characters: (control characters and NUL are ignored here) whitespace, then
//            punctuation and symbols in the Windows order of ASCII ("!\"#$%&()*,./:;?@[\\]^_`{|}~"
//            then "+<=>"), other symbols, digits, Latin letters a..z (an accented letter weighs as
//            its base letter; æ œ ß ĳ expand to two letters), then other letters by lower-case
//            code point. In the default word sort the hyphen and the apostrophe have no weight here;
//            SORT_STRINGSORT makes them symbols that sort before the other punctuation.
//   level 2  diacritics (combining marks, also decomposed from precomposed Latin letters, so
//            "A\u0301" equals "\u00C1"); dropped by NORM_IGNORENONSPACE / LINGUISTIC_IGNOREDIACRITIC
//   level 3  case (lower before upper) and width; dropped by NORM_IGNORECASE / LINGUISTIC_IGNORECASE
//   level 4  the word-sort hyphens/apostrophes and control characters, by position ("coop" <
//            "co-op")
// Limits: no contractions or locale tailoring, diacritics order by code point (grave before acute),
// non-Latin scripts order by code point, SORT_DIGITSASNUMBERS compares digit runs by value and
// ignores their leading zeros, and the key bytes are not Windows' own sort-key bytes.
#include <cstring>

#include "builtin/builtin.h"
#include "locale.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD NORM_IGNORECASE = 0x1, NORM_IGNORENONSPACE = 0x2, NORM_IGNORESYMBOLS = 0x4,
                SORT_DIGITSASNUMBERS = 0x8, LINGUISTIC_IGNORECASE = 0x10, LINGUISTIC_IGNOREDIACRITIC = 0x20,
                SORT_STRINGSORT = 0x1000, NORM_IGNOREKANATYPE = 0x10000, NORM_IGNOREWIDTH = 0x20000,
                NORM_LINGUISTIC_CASING = 0x08000000, LOCALE_USE_CP_ACP = 0x40000000;
constexpr DWORD LCMAP_LOWERCASE = 0x100, LCMAP_UPPERCASE = 0x200, LCMAP_TITLECASE = 0x300, LCMAP_SORTKEY = 0x400,
                LCMAP_BYTEREV = 0x800, LCMAP_HIRAGANA = 0x100000, LCMAP_KATAKANA = 0x200000,
                LCMAP_HALFWIDTH = 0x400000, LCMAP_FULLWIDTH = 0x800000, LCMAP_LINGUISTIC_CASING = 0x1000000,
                LCMAP_SIMPLIFIED_CHINESE = 0x2000000, LCMAP_TRADITIONAL_CHINESE = 0x4000000;
constexpr DWORD k_compare_flags = NORM_IGNORECASE | NORM_IGNORENONSPACE | NORM_IGNORESYMBOLS | SORT_DIGITSASNUMBERS |
                                  LINGUISTIC_IGNORECASE | LINGUISTIC_IGNOREDIACRITIC | SORT_STRINGSORT |
                                  NORM_IGNOREKANATYPE | NORM_IGNOREWIDTH | NORM_LINGUISTIC_CASING | LOCALE_USE_CP_ACP;
constexpr int CSTR_LESS_THAN = 1, CSTR_EQUAL = 2, CSTR_GREATER_THAN = 3;

struct Decomp {
    char16_t cp;
    char base;
    char16_t mark1, mark2;
};
constexpr Decomp k_decomp[] = {
#include "latin_decomposition.inc"
};

// Primary categories (the first byte of every level-1 token).
constexpr uint8_t CAT_SYMBOL = 2, CAT_DIGIT = 3, CAT_LATIN = 4, CAT_LETTER = 5;
// Pseudo diacritics (after the 112 combining marks U+0300..U+036F) for letters that have no
// canonical decomposition but sort with a base letter.
constexpr int MARK_STROKE = 113, MARK_DOTLESS = 114, MARK_SUPERSCRIPT = 115, MARK_LIGATURE = 116, MARK_SHARP = 117,
              MARK_SPACE = 118;

// ASCII punctuation and symbols in the order Windows sorts them.
constexpr std::u16string_view k_symbol_order = u"\t\n\v\f\r '-!\"#$%&()*,./:;?@[\\]^_`{|}~+<=>";

bool is_combining(char16_t c) { return c >= 0x300 && c <= 0x36F; }

struct Key {
    std::string l1, l2, l3, l4;
    int tokens = 0;
    DWORD flags;

    explicit Key(DWORD f) : flags(f) {}

    static void put_digits(std::string& out, uint32_t v, int n) {  // base 254, each byte >= 2
        char d[4];
        for (int i = n - 1; i >= 0; i--) {
            d[i] = char(2 + v % 254);
            v /= 254;
        }
        out.append(d, size_t(n));
    }
    void primary(uint8_t cat, uint32_t weight, int mark, bool upper, bool wide = false) {
        l1.push_back(char(cat));
        put_digits(l1, weight, 3);
        l2.push_back(char(std::min(255, 2 + mark)));
        l3.push_back(char(2 + (upper ? 1 : 0) + (wide ? 2 : 0)));
        tokens++;
    }
    void add_mark(int mark) {  // a combining mark adds to the diacritic weight of the previous token
        if (l2.empty()) return;
        int v = static_cast<uint8_t>(l2.back()) + mark;
        l2.back() = char(std::min(255, v));
    }
    void special(uint32_t weight) {
        put_digits(l4, uint32_t(tokens), 2);
        put_digits(l4, weight, 2);
    }
    std::string finish() {
        auto trim = [](std::string& s) {
            while (!s.empty() && s.back() == 2) s.pop_back();
        };
        trim(l2);
        trim(l3);
        std::string k = l1;
        k.push_back(1);
        if (!(flags & (NORM_IGNORENONSPACE | LINGUISTIC_IGNOREDIACRITIC))) k += l2;
        k.push_back(1);
        if (!(flags & (NORM_IGNORECASE | LINGUISTIC_IGNORECASE))) k += l3;
        k.push_back(1);
        k += l4;
        k.push_back(0);
        return k;
    }
};

void add_latin(Key& k, char16_t lower_base, int mark, bool upper, bool wide = false) {
    k.primary(CAT_LATIN, uint32_t(lower_base - 'a'), mark, upper, wide);
}
void add_symbol(Key& k, char16_t c, int mark = 0, bool wide = false) {
    if (k.flags & NORM_IGNORESYMBOLS) return;
    size_t i = k_symbol_order.find(c);
    k.primary(CAT_SYMBOL, i != std::u16string_view::npos ? uint32_t(i) : 100 + uint32_t(c), mark, false, wide);
}
}  // namespace

bool latin_decompose(char16_t c, char16_t& base, char16_t& mark1, char16_t& mark2) {
    if (c < 0xC0) return false;
    size_t lo = 0, hi = sizeof k_decomp / sizeof k_decomp[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (k_decomp[mid].cp < c) lo = mid + 1;
        else hi = mid;
    }
    if (lo == sizeof k_decomp / sizeof k_decomp[0] || k_decomp[lo].cp != c) return false;
    base = char16_t(k_decomp[lo].base);
    mark1 = k_decomp[lo].mark1;
    mark2 = k_decomp[lo].mark2;
    return true;
}

std::string sort_key(std::u16string_view s, DWORD flags) {
    Key k(flags);
    const bool string_sort = flags & SORT_STRINGSORT;
    for (size_t i = 0; i < s.size(); i++) {
        char16_t c = s[i];
        bool wide = false;
        if (c >= 0xFF01 && c <= 0xFF5E) {  // fullwidth ASCII: the ASCII character, wide at level 3
            c = char16_t(c - 0xFEE0);
            wide = !(flags & NORM_IGNOREWIDTH);
        } else if (c == 0x3000) {
            c = u' ';
            wide = !(flags & NORM_IGNOREWIDTH);
        }
        if (c == 0) continue;  // NUL has no weight at any level
        if (is_combining(c)) {
            k.add_mark(int(c - 0x2FF));
            continue;
        }
        if ((c == u'\'' || c == u'-' || c == 0x2019 || c == 0xAD) && !string_sort) {
            if (!(flags & NORM_IGNORESYMBOLS)) k.special(c == u'\'' ? 2 : c == u'-' ? 3 : 4 + c);
            continue;
        }
        if ((c < 0x20 && !(c >= 9 && c <= 13)) || (c >= 0x7F && c <= 0x9F)) {
            k.special(0x100 + c);  // control characters: ignored at the first three levels
            continue;
        }
        if (c >= u'0' && c <= u'9') {
            if (flags & SORT_DIGITSASNUMBERS) {
                size_t j = i;
                while (j < s.size() && s[j] >= u'0' && s[j] <= u'9') j++;
                size_t start = i;
                while (start + 1 < j && s[start] == u'0') start++;
                size_t n = std::min<size_t>(j - start, 250);
                k.l1.push_back(char(CAT_DIGIT));
                k.l1.push_back(char(2 + n));
                for (size_t d = start; d < start + n; d++) k.l1.push_back(char(2 + (s[d] - u'0')));
                k.l2.push_back(2);
                k.l3.push_back(2);
                k.tokens++;
                i = j - 1;
            } else {
                k.primary(CAT_DIGIT, uint32_t(c - u'0'), 0, false, wide);
            }
            continue;
        }
        if (c == 0xB9 || c == 0xB2 || c == 0xB3) {  // superscript one, two, three
            k.primary(CAT_DIGIT, c == 0xB9 ? 1 : c == 0xB2 ? 2 : 3, MARK_SUPERSCRIPT, false);
            continue;
        }
        if ((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')) {
            add_latin(k, char16_t(c | 0x20), 0, c <= u'Z', wide);
            continue;
        }
        if (c < 0x80) {
            add_symbol(k, c, 0, wide);
            continue;
        }
        char16_t base, m1, m2;
        if (latin_decompose(c, base, m1, m2)) {
            add_latin(k, char16_t(base | 0x20), int(m1 - 0x2FF) + (m2 ? int(m2 - 0x2FF) : 0), base <= u'Z');
            continue;
        }
        switch (c) {
        case 0xC6: case 0xE6:  // Æ æ
            add_latin(k, u'a', MARK_LIGATURE, c == 0xC6);
            add_latin(k, u'e', 0, c == 0xC6);
            continue;
        case 0x152: case 0x153:  // Œ œ
            add_latin(k, u'o', MARK_LIGATURE, c == 0x152);
            add_latin(k, u'e', 0, c == 0x152);
            continue;
        case 0x132: case 0x133:  // Ĳ ĳ
            add_latin(k, u'i', MARK_LIGATURE, c == 0x132);
            add_latin(k, u'j', 0, c == 0x132);
            continue;
        case 0xDF:  // ß
            add_latin(k, u's', MARK_SHARP, false);
            add_latin(k, u's', 0, false);
            continue;
        case 0xD8: case 0xF8: add_latin(k, u'o', MARK_STROKE, c == 0xD8); continue;    // Ø ø
        case 0x110: case 0x111: add_latin(k, u'd', MARK_STROKE, c == 0x110); continue;  // Đ đ
        case 0xD0: case 0xF0: add_latin(k, u'd', MARK_STROKE + 10, c == 0xD0); continue;  // Ð ð
        case 0x141: case 0x142: add_latin(k, u'l', MARK_STROKE, c == 0x141); continue;  // Ł ł
        case 0x126: case 0x127: add_latin(k, u'h', MARK_STROKE, c == 0x126); continue;  // Ħ ħ
        case 0x166: case 0x167: add_latin(k, u't', MARK_STROKE, c == 0x166); continue;  // Ŧ ŧ
        case 0x131: add_latin(k, u'i', MARK_DOTLESS, false); continue;                   // ı
        case 0xDE: case 0xFE: k.primary(CAT_LATIN, 26, 0, c == 0xDE); continue;          // Þ þ after z
        case 0xA0: add_symbol(k, u' ', MARK_SPACE); continue;                             // no-break space
        default: break;
        }
        if (c >= 0xD800 && c <= 0xDFFF) {  // surrogates: by code unit, after everything else
            k.primary(CAT_LETTER, 0x10000 + c, 0, false);
            continue;
        }
        char16_t lower = downcase16(c);
        if (lower != c || upcase16(c) != c) {
            k.primary(CAT_LETTER, lower, 0, lower != c);
            continue;
        }
        // Uncased characters: letters (CJK, Hebrew ...) by code point, the rest are symbols.
        // Letters have a C1_ALPHA type; everything in the General Punctuation, currency and
        // symbol blocks is a symbol.
        bool symbol = (c >= 0xA1 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
                      (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF01 && c <= 0xFF65);
        if (symbol) add_symbol(k, c);
        else k.primary(CAT_LETTER, c, 0, false);
    }
    return k.finish();
}

namespace {
int compare_keys(std::u16string_view a, std::u16string_view b, DWORD flags) {
    // Fast path: identical strings are equal at every level.
    if (a == b) return CSTR_EQUAL;
    int r = sort_key(a, flags).compare(sort_key(b, flags));
    return r < 0 ? CSTR_LESS_THAN : r > 0 ? CSTR_GREATER_THAN : CSTR_EQUAL;
}

std::u16string_view view_of(LPCWSTR s, int n) { return n < 0 ? wview(s) : std::u16string_view(s, size_t(n)); }

int compare_w(std::optional<Locale> l, DWORD flags, LPCWSTR s1, int n1, LPCWSTR s2, int n2) {
    if (!s1 || !s2) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & ~k_compare_flags) {
        set_last_error(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (!l) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return compare_keys(view_of(s1, n1), view_of(s2, n2), flags);
}
}  // namespace

INT WINAPI CompareStringW(LCID lcid, DWORD flags, LPCWSTR s1, INT n1, LPCWSTR s2, INT n2) {
    return compare_w(locale_of(lcid), flags, s1, n1, s2, n2);
}

INT WINAPI CompareStringEx(LPCWSTR name, DWORD flags, LPCWSTR s1, INT n1, LPCWSTR s2, INT n2, void* version,
                           void* reserved, LONG_PTR param) {
    (void)version;
    if (reserved || param) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return compare_w(locale_of_name(name), flags, s1, n1, s2, n2);
}

INT WINAPI CompareStringA(LCID lcid, DWORD flags, LPCSTR s1, INT n1, LPCSTR s2, INT n2) {
    if (!s1 || !s2) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    // SORT_DIGITSASNUMBERS exists only for the Unicode forms.
    if (flags & (~k_compare_flags | SORT_DIGITSASNUMBERS)) {
        set_last_error(ERROR_INVALID_FLAGS);
        return 0;
    }
    std::u16string w1 = ansi_to_wide(s1, n1 < 0 ? std::strlen(s1) : size_t(n1));
    std::u16string w2 = ansi_to_wide(s2, n2 < 0 ? std::strlen(s2) : size_t(n2));
    return compare_w(locale_of(lcid), flags, w1.data(), int(w1.size()), w2.data(), int(w2.size()));
}

// Code-unit order; with ignore_case both sides are upper-cased first (simple case mapping), as
// Windows' ordinal comparison does.
INT WINAPI CompareStringOrdinal(LPCWSTR s1, INT n1, LPCWSTR s2, INT n2, BOOL ignore_case) {
    if (!s1 || !s2) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    std::u16string_view a = view_of(s1, n1), b = view_of(s2, n2);
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; i++) {
        char16_t x = a[i], y = b[i];
        if (ignore_case) {
            x = upcase16(x);
            y = upcase16(y);
        }
        if (x != y) return x < y ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
    }
    return a.size() < b.size() ? CSTR_LESS_THAN : a.size() > b.size() ? CSTR_GREATER_THAN : CSTR_EQUAL;
}

// lstrcmp: the linguistic comparison of the user locale, -1/0/1; NULL sorts before everything.
namespace {
template <typename C>
int lstrcmp_common(const C* a, const C* b, DWORD flags) {
    if (!a || !b) return a ? 1 : b ? -1 : 0;
    int r;
    if constexpr (sizeof(C) == 1) r = CompareStringA(0x0400, flags, a, -1, b, -1);
    else r = CompareStringW(0x0400, flags, a, -1, b, -1);
    return r ? r - 2 : 0;
}
}  // namespace
INT WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b) { return lstrcmp_common(a, b, 0); }
INT WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b) { return lstrcmp_common(a, b, NORM_IGNORECASE); }
INT WINAPI lstrcmpA(LPCSTR a, LPCSTR b) { return lstrcmp_common(a, b, 0); }
INT WINAPI lstrcmpiA(LPCSTR a, LPCSTR b) { return lstrcmp_common(a, b, NORM_IGNORECASE); }

// ---- LCMapString ----------------------------------------------------------------------------
namespace {
bool is_symbol_char(char16_t c) {
    std::string k = sort_key(std::u16string_view(&c, 1), 0);
    return static_cast<uint8_t>(k[0]) == CAT_SYMBOL || c == u'\'' || c == u'-';
}

// The mapped string, or nullopt with the last error set. SORTKEY is handled by the callers.
std::optional<std::u16string> lcmap(DWORD flags, std::u16string_view src) {
    constexpr DWORD unsupported = LCMAP_HIRAGANA | LCMAP_KATAKANA | LCMAP_HALFWIDTH | LCMAP_FULLWIDTH |
                                  LCMAP_SIMPLIFIED_CHINESE | LCMAP_TRADITIONAL_CHINESE;
    constexpr DWORD allowed = LCMAP_LOWERCASE | LCMAP_UPPERCASE | LCMAP_BYTEREV | LCMAP_LINGUISTIC_CASING |
                              NORM_IGNORESYMBOLS | NORM_IGNORENONSPACE | NORM_IGNOREWIDTH | NORM_IGNOREKANATYPE |
                              LOCALE_USE_CP_ACP;
    // Kana and width conversions and Chinese script mapping are not implemented: they fail as an
    // unknown flag would, never silently return the input.
    if ((flags & unsupported) || (flags & ~allowed) || !(flags & ~(LOCALE_USE_CP_ACP | LCMAP_LINGUISTIC_CASING)) ||
        ((flags & LCMAP_LINGUISTIC_CASING) && !(flags & (LCMAP_LOWERCASE | LCMAP_UPPERCASE)))) {
        set_last_error(ERROR_INVALID_FLAGS);
        return std::nullopt;
    }
    std::u16string out;
    out.reserve(src.size());
    DWORD casing = flags & LCMAP_TITLECASE;
    bool word_start = true;
    for (char16_t c : src) {
        if ((flags & NORM_IGNORESYMBOLS) && is_symbol_char(c)) continue;
        if ((flags & NORM_IGNORENONSPACE) && is_combining(c)) continue;
        bool letter = downcase16(c) != c || upcase16(c) != c;
        if (casing == LCMAP_LOWERCASE) c = downcase16(c);
        else if (casing == LCMAP_UPPERCASE) c = upcase16(c);
        else if (casing == LCMAP_TITLECASE) c = word_start ? upcase16(c) : downcase16(c);
        word_start = !letter;
        out.push_back(c);
    }
    if (flags & LCMAP_BYTEREV)
        for (char16_t& c : out) c = char16_t((c >> 8) | (c << 8));
    return out;
}

INT lcmap_w(std::optional<Locale> l, DWORD flags, LPCWSTR src, INT srclen, LPWSTR dst, INT dstlen) {
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!l) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    std::u16string_view s = srclen < 0 ? std::u16string_view(src, wcslen16(src) + 1) : std::u16string_view(src, size_t(srclen));
    if (flags & LCMAP_SORTKEY) {
        if (flags & ~(k_compare_flags | LCMAP_SORTKEY) || (flags & SORT_DIGITSASNUMBERS)) {
            set_last_error(ERROR_INVALID_FLAGS);
            return 0;
        }
        std::string key = sort_key(s, flags);
        // cchDest counts bytes for a sort key.
        if (dstlen == 0) return INT(key.size());
        if (key.size() > size_t(dstlen)) {
            set_last_error(ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        std::memcpy(dst, key.data(), key.size());
        return INT(key.size());
    }
    auto r = lcmap(flags, s);
    if (!r) return 0;
    if (dstlen == 0) return INT(r->size());
    if (r->size() > size_t(dstlen)) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memmove(dst, r->data(), r->size() * 2);  // dst may be src (in-place case mapping)
    return INT(r->size());
}
}  // namespace

INT WINAPI LCMapStringW(LCID lcid, DWORD flags, LPCWSTR src, INT srclen, LPWSTR dst, INT dstlen) {
    return lcmap_w(locale_of(lcid), flags, src, srclen, dst, dstlen);
}

INT WINAPI LCMapStringEx(LPCWSTR name, DWORD flags, LPCWSTR src, INT srclen, LPWSTR dst, INT dstlen, void* version,
                         void* reserved, LONG_PTR handle) {
    (void)version;
    (void)reserved;
    (void)handle;
    return lcmap_w(locale_of_name(name), flags, src, srclen, dst, dstlen);
}

INT WINAPI LCMapStringA(LCID lcid, DWORD flags, LPCSTR src, INT srclen, LPSTR dst, INT dstlen) {
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    std::u16string w = srclen < 0 ? ansi_to_wide(src, std::strlen(src) + 1) : ansi_to_wide(src, size_t(srclen));
    if (flags & LCMAP_SORTKEY)
        return lcmap_w(locale_of(lcid), flags, w.data(), INT(w.size()), reinterpret_cast<LPWSTR>(dst), dstlen);
    if (!locale_of(lcid)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    auto r = lcmap(flags, w);
    if (!r) return 0;
    std::string a = wide_to_ansi(*r);
    if (dstlen == 0) return INT(a.size());
    if (a.size() > size_t(dstlen)) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memmove(dst, a.data(), a.size());
    return INT(a.size());
}

WR_EXPORT_PART(kernel32_compare_string,
    WR_EXPORT(CompareStringW),
    WR_EXPORT(CompareStringA),
    WR_EXPORT(CompareStringEx),
    WR_EXPORT(CompareStringOrdinal),
    WR_EXPORT(lstrcmpW),
    WR_EXPORT(lstrcmpiW),
    WR_EXPORT(lstrcmpA),
    WR_EXPORT(lstrcmpiA),
    WR_EXPORT(LCMapStringW),
    WR_EXPORT(LCMapStringA),
    WR_EXPORT(LCMapStringEx));

}  // namespace winrun::k32
