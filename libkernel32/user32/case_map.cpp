#include "case_map.h"

#include <locale.h>
#include <wctype.h>

namespace winrun::nls {

namespace {
locale_t unicode_locale() {
    static locale_t loc = [] {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
        if (!l) l = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", nullptr);
        return l;
    }();
    return loc;
}
bool surrogate(char16_t c) { return c >= 0xD800 && c <= 0xDFFF; }
}  // namespace

char16_t to_upper16(char16_t c) {
    if (c < 0x80) return c >= 'a' && c <= 'z' ? char16_t(c - 32) : c;
    locale_t l = unicode_locale();
    if (!l || surrogate(c)) return c;
    wint_t u = ::towupper_l(c, l);
    return u <= 0xFFFF ? char16_t(u) : c;  // a mapping outside the BMP cannot be one unit
}

char16_t to_lower16(char16_t c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? char16_t(c + 32) : c;
    locale_t l = unicode_locale();
    if (!l || surrogate(c)) return c;
    wint_t u = ::towlower_l(c, l);
    return u <= 0xFFFF ? char16_t(u) : c;
}

bool is_alpha16(char16_t c) {
    if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
    locale_t l = unicode_locale();
    return l && !surrogate(c) && ::iswalpha_l(c, l);
}

bool is_digit16(char16_t c) {
    if (c < 0x80) return c >= '0' && c <= '9';
    locale_t l = unicode_locale();
    return l && !surrogate(c) && ::iswdigit_l(c, l);
}

bool is_upper16(char16_t c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z';
    locale_t l = unicode_locale();
    return l && !surrogate(c) && ::iswupper_l(c, l);
}

bool is_lower16(char16_t c) {
    if (c < 0x80) return c >= 'a' && c <= 'z';
    locale_t l = unicode_locale();
    return l && !surrogate(c) && ::iswlower_l(c, l);
}

}  // namespace winrun::nls
