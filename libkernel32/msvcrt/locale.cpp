// <locale.h>: this msvcrt has the "C" locale only. setlocale accepts "C" and "" (the user's default
// locale on Windows; reported as "C" here, since every table in this CRT is the "C" one) and refuses
// other names with NULL, which programs treat as "locale not available".
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"

namespace winrun::crt {

extern int* p_mb_cur_max;  // startup.cpp (__mb_cur_max data export)

namespace {
constexpr int LC_ALL_ = 0, LC_MAX_ = 5;
unsigned* p_lc_codepage;
unsigned* p_lc_collate_cp;
uint32_t* p_lc_handle;  // LCID __lc_handle[6]: 0 for "C"

bool is_c_name(const char* s) { return !*s || !::strcmp(s, "C"); }
bool is_c_name(const char16_t* s) { return !s[0] || (s[0] == u'C' && !s[1]); }
}  // namespace

char* CDECL setlocale(int category, const char* locale) {
    static char c_name[] = "C";
    if (category < LC_ALL_ || category > LC_MAX_) return nullptr;
    if (!locale || is_c_name(locale)) return c_name;
    return nullptr;
}
char16_t* CDECL _wsetlocale(int category, const char16_t* locale) {
    static char16_t c_name[] = u"C";
    if (category < LC_ALL_ || category > LC_MAX_) return nullptr;
    if (!locale || is_c_name(locale)) return c_name;
    return nullptr;
}

// struct lconv of msvcrt.dll (Windows 7 and later also carry the wide copies of the strings).
struct Lconv {
    const char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol, *currency_symbol, *mon_decimal_point,
        *mon_thousands_sep, *mon_grouping, *positive_sign, *negative_sign;
    char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space, n_cs_precedes, n_sep_by_space, p_sign_posn,
        n_sign_posn;
    const char16_t *_W_decimal_point, *_W_thousands_sep, *_W_int_curr_symbol, *_W_currency_symbol,
        *_W_mon_decimal_point, *_W_mon_thousands_sep, *_W_positive_sign, *_W_negative_sign;
};
static_assert(sizeof(Lconv) == 152 && offsetof(Lconv, _W_decimal_point) == 88);
static Lconv g_lconv = {".", "", "", "", "", "", "", "", "", "", 127, 127, 127, 127, 127, 127, 127, 127,
                        u".", u"", u"", u"", u"", u"", u"", u""};
Lconv* CDECL localeconv() { return &g_lconv; }
int CDECL __lconv_init() { return 0; }

// The "C" locale has code page 0 in msvcrt (bytes are taken as they are).
unsigned CDECL ___lc_codepage_func() { return 0; }
unsigned CDECL ___lc_collate_cp_func() { return 0; }
uint32_t* CDECL ___lc_handle_func() { return p_lc_handle; }
int CDECL ___mb_cur_max_func() { return *p_mb_cur_max; }
int* CDECL __p___mb_cur_max() { return p_mb_cur_max; }

WR_EXPORT_PART(msvcrt_locale,
    WR_DATA("__lc_codepage", p_lc_codepage, 4), WR_DATA("__lc_collate_cp", p_lc_collate_cp, 4),
    WR_DATA("__lc_handle", p_lc_handle, 24),
    WR_EXPORT(setlocale), WR_EXPORT(_wsetlocale), WR_EXPORT(localeconv), WR_EXPORT(__lconv_init),
    WR_EXPORT(___lc_codepage_func), WR_EXPORT(___lc_collate_cp_func), WR_EXPORT(___lc_handle_func),
    WR_EXPORT(___mb_cur_max_func), WR_EXPORT(__p___mb_cur_max));

}  // namespace winrun::crt
