// <ctype.h> and <wctype.h> in the "C" locale, the only locale this msvcrt has (see locale.cpp).
//
// msvcrt keeps two tables: _ctype (the narrow "C" table: 257 entries, [0] for EOF) that _pctype
// points one past the start of, and the wide table _pwctype points to (256 entries for U+0000 to
// U+00FF). They differ: the narrow "C" table has no _ALPHA (0x100) bit and nothing above 0x7F, the
// wide one is the Latin-1 part of Unicode with C1_ALPHA set. Beyond U+00FF the wide functions ask
// GetStringTypeW(CT_CTYPE1), which we answer from glibc's Unicode tables.
#include <locale.h>
#include <wctype.h>

#include "builtin/builtin.h"
#include "crt.h"

// glibc defines these as macros.
#undef __isascii
#undef __toascii

namespace winrun::crt {

namespace {
constexpr uint16_t C_ = CT_CONTROL, S_ = CT_SPACE, P_ = CT_PUNCT, D_ = CT_DIGIT, H_ = CT_HEX, U_ = CT_UPPER,
                   L_ = CT_LOWER;
}  // namespace

// The "C" table, as msvcrt.dll's _ctype: EOF, then bytes 0..255. '\t' has no _BLANK here and the
// letters have no 0x100 bit (isalpha tests _UPPER|_LOWER as well).
const uint16_t k_ctype_c[257] = {
    0,
    C_, C_, C_, C_, C_, C_, C_, C_, C_, S_ | C_, S_ | C_, S_ | C_, S_ | C_, S_ | C_, C_, C_,          // 00
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_,                                  // 10
    S_ | CT_BLANK, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_,                       // 20
    D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, D_ | H_, P_, P_, P_, P_, P_, P_,  // 30
    P_, U_ | H_, U_ | H_, U_ | H_, U_ | H_, U_ | H_, U_ | H_, U_, U_, U_, U_, U_, U_, U_, U_, U_,    // 40
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, P_, P_, P_, P_, P_,                                  // 50
    P_, L_ | H_, L_ | H_, L_ | H_, L_ | H_, L_ | H_, L_ | H_, L_, L_, L_, L_, L_, L_, L_, L_, L_,    // 60
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, P_, P_, P_, P_, C_,                                  // 70
    // 0x80..0xFF: nothing in the "C" locale
};

namespace {
// msvcrt.dll's wide table for U+0000..U+00FF (CT_CTYPE1 of Latin-1, with msvcrt's own deviations:
// '\t' and U+00A0 carry _BLANK, ª º are punctuation, ² ³ ¹ count as digits).
const uint16_t k_wctype[256] = {
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,  // 00
    0x0020, 0x0068, 0x0028, 0x0028, 0x0028, 0x0028, 0x0020, 0x0020,
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,  // 10
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,
    0x0048, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,  // 20
    0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,
    0x0084, 0x0084, 0x0084, 0x0084, 0x0084, 0x0084, 0x0084, 0x0084,  // 30
    0x0084, 0x0084, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,
    0x0010, 0x0181, 0x0181, 0x0181, 0x0181, 0x0181, 0x0181, 0x0101,  // 40
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101,
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101,  // 50
    0x0101, 0x0101, 0x0101, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,
    0x0010, 0x0182, 0x0182, 0x0182, 0x0182, 0x0182, 0x0182, 0x0102,  // 60
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102,
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102,  // 70
    0x0102, 0x0102, 0x0102, 0x0010, 0x0010, 0x0010, 0x0010, 0x0020,
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,  // 80
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,  // 90
    0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020, 0x0020,
    0x0048, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,  // a0
    0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,
    0x0010, 0x0010, 0x0014, 0x0014, 0x0010, 0x0010, 0x0010, 0x0010,  // b0
    0x0010, 0x0014, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010, 0x0010,
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101,  // c0
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101,
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0010,  // d0
    0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0101, 0x0102,
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102,  // e0
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102,
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0010,  // f0
    0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102, 0x0102,
};

uint16_t* g_ctype;           // the _ctype data export (257 entries inside msvcrt.dll's image)
const uint16_t** p_pctype;   // the _pctype data export
const uint16_t** p_pwctype;  // the _pwctype data export

locale_t unicode_locale() {
    static locale_t loc = [] {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
        if (!l) l = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", nullptr);
        return l;
    }();
    return loc;
}

inline int is_ctype(int c, int mask) {
    // msvcrt: -1..255 index the table; anything else is 0 while MB_CUR_MAX is 1.
    if (unsigned(c + 1) <= 256) return (*p_pctype)[c] & mask;
    return 0;
}
}  // namespace

void init_ctype() {
    for (int i = 0; i < 257; i++) g_ctype[i] = k_ctype_c[i];
    *p_pctype = g_ctype + 1;
    *p_pwctype = k_wctype;
}

uint16_t wide_ctype(char16_t c) {
    if (c < 256) return k_wctype[c];
    if (c >= 0xD800 && c <= 0xDFFF) return 0;  // lone surrogate units have no type
    locale_t l = unicode_locale();
    if (!l) return 0;
    wint_t w = c;
    uint16_t t = 0;
    if (::iswupper_l(w, l)) t |= CT_UPPER;
    if (::iswlower_l(w, l)) t |= CT_LOWER;
    if (::iswdigit_l(w, l)) t |= CT_DIGIT;
    if (::iswspace_l(w, l)) t |= CT_SPACE;
    if (::iswpunct_l(w, l)) t |= CT_PUNCT;
    if (::iswcntrl_l(w, l)) t |= CT_CONTROL;
    if (::iswblank_l(w, l)) t |= CT_BLANK;
    if (::iswxdigit_l(w, l)) t |= CT_HEX;
    if (::iswalpha_l(w, l)) t |= 0x100;  // C1_ALPHA
    if (t || ::iswprint_l(w, l)) t |= 0x200;  // C1_DEFINED
    return t;
}

// ---- narrow ----------------------------------------------------------------------------------
int CDECL _isctype(int c, int mask) { return is_ctype(c, mask); }
int CDECL isalpha(int c) { return is_ctype(c, CT_ALPHA); }
int CDECL isupper(int c) { return is_ctype(c, CT_UPPER); }
int CDECL islower(int c) { return is_ctype(c, CT_LOWER); }
int CDECL isdigit(int c) { return is_ctype(c, CT_DIGIT); }
int CDECL isxdigit(int c) { return is_ctype(c, CT_HEX); }
int CDECL isspace(int c) { return is_ctype(c, CT_SPACE); }
int CDECL ispunct(int c) { return is_ctype(c, CT_PUNCT); }
int CDECL isalnum(int c) { return is_ctype(c, CT_ALPHA | CT_DIGIT); }
int CDECL isprint(int c) { return is_ctype(c, CT_ALPHA | CT_DIGIT | CT_BLANK | CT_PUNCT); }
int CDECL isgraph(int c) { return is_ctype(c, CT_ALPHA | CT_DIGIT | CT_PUNCT); }
int CDECL iscntrl(int c) { return is_ctype(c, CT_CONTROL); }
int CDECL isleadbyte(int c) { return is_ctype(c, CT_LEADBYTE); }
int CDECL __isascii(int c) { return unsigned(c) < 0x80; }
int CDECL __toascii(int c) { return int(unsigned(c) & 0x7F); }
int CDECL __iscsym(int c) { return c < 127 && (isalnum(c) || c == '_'); }
int CDECL __iscsymf(int c) { return c < 127 && (isalpha(c) || c == '_'); }
// The "C" locale maps only A-Z / a-z; any other value comes back unchanged.
int CDECL toupper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }
int CDECL tolower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
// _toupper/_tolower do no check at all: they add or subtract 0x20 whatever c is.
int CDECL _toupper(int c) { return c - 0x20; }
int CDECL _tolower(int c) { return c + 0x20; }

const uint16_t* CDECL __pctype_func() { return *p_pctype; }
const uint16_t** CDECL __p__pctype() { return p_pctype; }
const uint16_t* CDECL __pwctype_func() { return *p_pwctype; }
const uint16_t** CDECL __p__pwctype() { return p_pwctype; }

// ---- wide (wint_t is 16 bits on Windows; WEOF is 0xFFFF) --------------------------------------------
int CDECL iswctype(char16_t c, uint16_t mask) {
    if (c == 0xFFFF) return 0;
    return wide_ctype(c) & mask;
}
int CDECL iswalpha(char16_t c) { return iswctype(c, CT_ALPHA); }
int CDECL iswupper(char16_t c) { return iswctype(c, CT_UPPER); }
int CDECL iswlower(char16_t c) { return iswctype(c, CT_LOWER); }
int CDECL iswdigit(char16_t c) { return iswctype(c, CT_DIGIT); }
int CDECL iswxdigit(char16_t c) { return iswctype(c, CT_HEX); }
int CDECL iswspace(char16_t c) { return iswctype(c, CT_SPACE); }
int CDECL iswpunct(char16_t c) { return iswctype(c, CT_PUNCT); }
int CDECL iswalnum(char16_t c) { return iswctype(c, CT_ALPHA | CT_DIGIT); }
int CDECL iswprint(char16_t c) { return iswctype(c, CT_ALPHA | CT_DIGIT | CT_BLANK | CT_PUNCT); }
int CDECL iswgraph(char16_t c) { return iswctype(c, CT_ALPHA | CT_DIGIT | CT_PUNCT); }
int CDECL iswcntrl(char16_t c) { return iswctype(c, CT_CONTROL); }
int CDECL iswascii(char16_t c) { return c < 0x80; }
int CDECL __iswcsym(char16_t c) { return iswalnum(c) || c == '_'; }
int CDECL __iswcsymf(char16_t c) { return iswalpha(c) || c == '_'; }
// In the "C" locale msvcrt's towupper/towlower map only ASCII letters (no LCMapString call).
char16_t CDECL towupper(char16_t c) { return c >= 'a' && c <= 'z' ? char16_t(c - 'a' + 'A') : c; }
char16_t CDECL towlower(char16_t c) { return c >= 'A' && c <= 'Z' ? char16_t(c - 'A' + 'a') : c; }

WR_EXPORT_PART(msvcrt_ctype,
    WR_DATA("_ctype", g_ctype, sizeof(uint16_t) * 257), WR_DATA("_pctype", p_pctype, 8),
    WR_DATA("_pwctype", p_pwctype, 8),
    WR_EXPORT(_isctype), WR_EXPORT(isalpha), WR_EXPORT(isupper), WR_EXPORT(islower), WR_EXPORT(isdigit),
    WR_EXPORT(isxdigit), WR_EXPORT(isspace), WR_EXPORT(ispunct), WR_EXPORT(isalnum), WR_EXPORT(isprint),
    WR_EXPORT(isgraph), WR_EXPORT(iscntrl), WR_EXPORT(isleadbyte), WR_EXPORT(__isascii),
    WR_EXPORT(__toascii), WR_EXPORT(__iscsym), WR_EXPORT(__iscsymf), WR_EXPORT(toupper), WR_EXPORT(tolower),
    WR_EXPORT(_toupper), WR_EXPORT(_tolower), WR_EXPORT(__pctype_func), WR_EXPORT(__p__pctype),
    WR_EXPORT(__pwctype_func), WR_EXPORT(__p__pwctype), WR_EXPORT(iswctype), WR_EXPORT_AS("is_wctype", iswctype),
    WR_EXPORT(iswalpha), WR_EXPORT(iswupper), WR_EXPORT(iswlower), WR_EXPORT(iswdigit), WR_EXPORT(iswxdigit),
    WR_EXPORT(iswspace), WR_EXPORT(iswpunct), WR_EXPORT(iswalnum), WR_EXPORT(iswprint), WR_EXPORT(iswgraph),
    WR_EXPORT(iswcntrl), WR_EXPORT(iswascii), WR_EXPORT(__iswcsym), WR_EXPORT(__iswcsymf),
    WR_EXPORT(towupper), WR_EXPORT(towlower));

}  // namespace winrun::crt
