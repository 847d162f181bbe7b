// Locales: LCIDs and locale names, GetLocaleInfo, the default-locale queries.
//
// winrun presents an en-US Windows 10: the user, system, thread and UI locales are all en-US
// (0x0409), and the only other locale is the invariant one (0x007F). An LCID or locale name for any
// other language fails as Windows fails for a locale it does not know (ERROR_INVALID_PARAMETER);
// no data is made up for locales winrun does not have. User overrides do not exist, so
// LOCALE_NOUSEROVERRIDE changes nothing.
#include <locale.h>
#include <wctype.h>

#include <cstring>

#include "builtin/builtin.h"
#include "locale.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD LOCALE_NOUSEROVERRIDE = 0x80000000, LOCALE_USE_CP_ACP = 0x40000000, LOCALE_RETURN_NUMBER = 0x20000000,
                LOCALE_RETURN_GENITIVE_NAMES = 0x10000000, LOCALE_ALLOW_NEUTRAL_NAMES = 0x08000000;
constexpr DWORD LCID_INSTALLED = 1, LCID_SUPPORTED = 2;

// One row per LCTYPE: the en-US value, the invariant value (nullptr: the same as en-US), and for
// the numeric types the base LOCALE_RETURN_NUMBER reads the string in (ILANGUAGE is hexadecimal).
struct LocaleRow {
    LCTYPE type;
    const char16_t* en_us;
    const char16_t* invariant;
    uint8_t number_base;  // 0: a string type
};

// Values as an en-US Windows 10 (and its invariant locale) reports them with no user overrides.
constexpr LocaleRow k_rows[] = {
    {0x0001, u"0409", u"007f", 16},                                          // LOCALE_ILANGUAGE
    {0x0002, u"English (United States)", u"Invariant Language (Invariant Country)", 0},  // LOCALE_SLANGUAGE
    {0x0003, u"ENU", u"IVL", 0},                                             // LOCALE_SABBREVLANGNAME
    {0x0004, u"English", u"Invariant Language", 0},                          // LOCALE_SNATIVELANGNAME
    {0x0005, u"1", nullptr, 10},                                             // LOCALE_ICOUNTRY
    {0x0006, u"United States", u"Invariant Country", 0},                     // LOCALE_SCOUNTRY
    {0x0007, u"USA", u"IVC", 0},                                             // LOCALE_SABBREVCTRYNAME
    {0x0008, u"United States", u"Invariant Country", 0},                     // LOCALE_SNATIVECTRYNAME
    {0x0009, u"0409", u"007f", 16},                                          // LOCALE_IDEFAULTLANGUAGE
    {0x000A, u"1", nullptr, 10},                                             // LOCALE_IDEFAULTCOUNTRY
    {0x000B, u"437", nullptr, 10},                                           // LOCALE_IDEFAULTCODEPAGE (OEM)
    {0x000C, u",", nullptr, 0},                                              // LOCALE_SLIST
    {0x000D, u"1", u"0", 10},                                                // LOCALE_IMEASURE (1: U.S.)
    {0x000E, u".", nullptr, 0},                                              // LOCALE_SDECIMAL
    {0x000F, u",", nullptr, 0},                                              // LOCALE_STHOUSAND
    {0x0010, u"3;0", nullptr, 0},                                            // LOCALE_SGROUPING
    {0x0011, u"2", nullptr, 10},                                             // LOCALE_IDIGITS
    {0x0012, u"1", nullptr, 10},                                             // LOCALE_ILZERO
    {0x0013, u"0123456789", nullptr, 0},                                     // LOCALE_SNATIVEDIGITS
    {0x0014, u"$", u"\u00A4", 0},                                            // LOCALE_SCURRENCY
    {0x0015, u"USD", u"XDR", 0},                                             // LOCALE_SINTLSYMBOL
    {0x0016, u".", nullptr, 0},                                              // LOCALE_SMONDECIMALSEP
    {0x0017, u",", nullptr, 0},                                              // LOCALE_SMONTHOUSANDSEP
    {0x0018, u"3;0", nullptr, 0},                                            // LOCALE_SMONGROUPING
    {0x0019, u"2", nullptr, 10},                                             // LOCALE_ICURRDIGITS
    {0x001A, u"2", nullptr, 10},                                             // LOCALE_IINTLCURRDIGITS
    {0x001B, u"0", nullptr, 10},                                             // LOCALE_ICURRENCY
    {0x001D, u"/", nullptr, 0},                                              // LOCALE_SDATE
    {0x001E, u":", nullptr, 0},                                              // LOCALE_STIME
    {0x001F, u"M/d/yyyy", u"MM/dd/yyyy", 0},                                 // LOCALE_SSHORTDATE
    {0x0020, u"dddd, MMMM d, yyyy", u"dddd, dd MMMM yyyy", 0},               // LOCALE_SLONGDATE
    {0x0021, u"0", nullptr, 10},                                             // LOCALE_IDATE
    {0x0022, u"0", u"1", 10},                                                // LOCALE_ILDATE
    {0x0023, u"0", u"1", 10},                                                // LOCALE_ITIME (0: 12-hour)
    {0x0024, u"1", nullptr, 10},                                             // LOCALE_ICENTURY
    {0x0025, u"0", u"1", 10},                                                // LOCALE_ITLZERO
    {0x0026, u"0", u"1", 10},                                                // LOCALE_IDAYLZERO
    {0x0027, u"0", u"1", 10},                                                // LOCALE_IMONLZERO
    {0x0028, u"AM", nullptr, 0},                                             // LOCALE_S1159
    {0x0029, u"PM", nullptr, 0},                                             // LOCALE_S2359
    {0x002A, u"Monday", nullptr, 0},                                         // LOCALE_SDAYNAME1..7
    {0x002B, u"Tuesday", nullptr, 0},
    {0x002C, u"Wednesday", nullptr, 0},
    {0x002D, u"Thursday", nullptr, 0},
    {0x002E, u"Friday", nullptr, 0},
    {0x002F, u"Saturday", nullptr, 0},
    {0x0030, u"Sunday", nullptr, 0},
    {0x0031, u"Mon", nullptr, 0},                                            // LOCALE_SABBREVDAYNAME1..7
    {0x0032, u"Tue", nullptr, 0},
    {0x0033, u"Wed", nullptr, 0},
    {0x0034, u"Thu", nullptr, 0},
    {0x0035, u"Fri", nullptr, 0},
    {0x0036, u"Sat", nullptr, 0},
    {0x0037, u"Sun", nullptr, 0},
    {0x0038, u"January", nullptr, 0},                                        // LOCALE_SMONTHNAME1..12
    {0x0039, u"February", nullptr, 0},
    {0x003A, u"March", nullptr, 0},
    {0x003B, u"April", nullptr, 0},
    {0x003C, u"May", nullptr, 0},
    {0x003D, u"June", nullptr, 0},
    {0x003E, u"July", nullptr, 0},
    {0x003F, u"August", nullptr, 0},
    {0x0040, u"September", nullptr, 0},
    {0x0041, u"October", nullptr, 0},
    {0x0042, u"November", nullptr, 0},
    {0x0043, u"December", nullptr, 0},
    {0x0044, u"Jan", nullptr, 0},                                            // LOCALE_SABBREVMONTHNAME1..12
    {0x0045, u"Feb", nullptr, 0},
    {0x0046, u"Mar", nullptr, 0},
    {0x0047, u"Apr", nullptr, 0},
    {0x0048, u"May", nullptr, 0},
    {0x0049, u"Jun", nullptr, 0},
    {0x004A, u"Jul", nullptr, 0},
    {0x004B, u"Aug", nullptr, 0},
    {0x004C, u"Sep", nullptr, 0},
    {0x004D, u"Oct", nullptr, 0},
    {0x004E, u"Nov", nullptr, 0},
    {0x004F, u"Dec", nullptr, 0},
    {0x0050, u"", u"+", 0},                                                  // LOCALE_SPOSITIVESIGN
    {0x0051, u"-", nullptr, 0},                                              // LOCALE_SNEGATIVESIGN
    {0x0059, u"en", u"iv", 0},                                               // LOCALE_SISO639LANGNAME
    {0x005A, u"US", u"IV", 0},                                               // LOCALE_SISO3166CTRYNAME
    {0x005C, u"en-US", u"", 0},                                              // LOCALE_SNAME
    {0x0060, u"Mo", nullptr, 0},                                             // LOCALE_SSHORTESTDAYNAME1..7
    {0x0061, u"Tu", nullptr, 0},
    {0x0062, u"We", nullptr, 0},
    {0x0063, u"Th", nullptr, 0},
    {0x0064, u"Fr", nullptr, 0},
    {0x0065, u"Sa", nullptr, 0},
    {0x0066, u"Su", nullptr, 0},
    {0x0067, u"eng", u"ivl", 0},                                             // LOCALE_SISO639LANGNAME2
    {0x0068, u"USA", u"IVC", 0},                                             // LOCALE_SISO3166CTRYNAME2
    {0x0069, u"NaN", nullptr, 0},                                            // LOCALE_SNAN
    {0x006A, u"Infinity", nullptr, 0},                                       // LOCALE_SPOSINFINITY
    {0x006B, u"-Infinity", nullptr, 0},                                      // LOCALE_SNEGINFINITY
    {0x006F, u"English", u"Invariant Language", 0},                          // LOCALE_SLOCALIZEDLANGUAGENAME
    {0x0072, u"English (United States)", u"Invariant Language (Invariant Country)", 0},  // LOCALE_SENGLISHDISPLAYNAME
    {0x0073, u"English (United States)", u"Invariant Language (Invariant Country)", 0},  // LOCALE_SNATIVEDISPLAYNAME
    {0x0076, u"%", nullptr, 0},                                              // LOCALE_SPERCENT
    {0x0079, u"h:mm tt", u"HH:mm", 0},                                       // LOCALE_SSHORTTIME
    {0x1001, u"English", u"Invariant Language", 0},                          // LOCALE_SENGLANGUAGE
    {0x1002, u"United States", u"Invariant Country", 0},                     // LOCALE_SENGCOUNTRY
    {0x1003, u"h:mm:ss tt", u"HH:mm:ss", 0},                                 // LOCALE_STIMEFORMAT
    {0x1004, u"1252", nullptr, 10},                                          // LOCALE_IDEFAULTANSICODEPAGE
    {0x1005, u"0", nullptr, 10},                                             // LOCALE_ITIMEMARKPOSN
    {0x1006, u"MMMM yyyy", u"yyyy MMMM", 0},                                 // LOCALE_SYEARMONTH
    {0x1007, u"US Dollar", u"International Monetary Fund", 0},               // LOCALE_SENGCURRNAME
    {0x1008, u"US Dollar", u"International Monetary Fund", 0},               // LOCALE_SNATIVECURRNAME
    {0x1009, u"1", nullptr, 10},                                             // LOCALE_ICALENDARTYPE (Gregorian)
    {0x100A, u"1", u"9", 10},                                                // LOCALE_IPAPERSIZE (1: letter, 9: A4)
    {0x100B, u"0", nullptr, 10},                                             // LOCALE_IOPTIONALCALENDAR
    {0x100C, u"6", u"0", 10},                                                // LOCALE_IFIRSTDAYOFWEEK (6: Sunday)
    {0x100D, u"0", nullptr, 10},                                             // LOCALE_IFIRSTWEEKOFYEAR
    {0x100E, u"", nullptr, 0},                                               // LOCALE_SMONTHNAME13
    {0x100F, u"", nullptr, 0},                                               // LOCALE_SABBREVMONTHNAME13
    {0x1010, u"1", nullptr, 10},                                             // LOCALE_INEGNUMBER
    {0x1011, u"10000", nullptr, 10},                                         // LOCALE_IDEFAULTMACCODEPAGE
    {0x1012, u"037", nullptr, 10},                                           // LOCALE_IDEFAULTEBCDICCODEPAGE
};

const LocaleRow* find_row(LCTYPE type) {
    for (const LocaleRow& r : k_rows)
        if (r.type == type) return &r;
    return nullptr;
}

bool equals_ci(std::u16string_view a, std::u16string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++)
        if (downcase16(a[i]) != downcase16(b[i])) return false;
    return true;
}

locale_t unicode_ctype() {
    static locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    return l;
}

LCID thread_lcid() {
    LCID l = current_teb()->CurrentLocale;
    return l ? l : LCID_EN_US;
}
}  // namespace

char16_t upcase16(char16_t c) {
    if (c < 0x80) return c >= 'a' && c <= 'z' ? char16_t(c - 32) : c;
    if (c >= 0xD800 && c <= 0xDFFF) return c;
    locale_t l = unicode_ctype();
    if (!l) return c;
    wint_t u = ::towupper_l(c, l);
    return u <= 0xFFFF ? char16_t(u) : c;
}
char16_t downcase16(char16_t c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? char16_t(c + 32) : c;
    if (c >= 0xD800 && c <= 0xDFFF) return c;
    locale_t l = unicode_ctype();
    if (!l) return c;
    wint_t u = ::towlower_l(c, l);
    return u <= 0xFFFF ? char16_t(u) : c;
}

std::optional<Locale> locale_of(LCID lcid) {
    switch (lcid) {
    case 0x0000:  // LOCALE_NEUTRAL
    case 0x0400:  // LOCALE_USER_DEFAULT
    case 0x0800:  // LOCALE_SYSTEM_DEFAULT
    case 0x0C00:  // LOCALE_CUSTOM_DEFAULT
    case 0x1400:  // LOCALE_CUSTOM_UI_DEFAULT
    case LCID_EN_US:
        return Locale::EnUS;
    case LCID_INVARIANT:
        return Locale::Invariant;
    default:
        return std::nullopt;
    }
}

std::optional<Locale> locale_of_name(const char16_t* name) {
    if (!name) return Locale::EnUS;  // LOCALE_NAME_USER_DEFAULT
    std::u16string_view n = wview(name);
    if (n.empty()) return Locale::Invariant;  // LOCALE_NAME_INVARIANT
    if (equals_ci(n, u"en-US") || n == u"!x-sys-default-locale") return Locale::EnUS;
    return std::nullopt;
}

LCID lcid_of(Locale l) { return l == Locale::EnUS ? LCID_EN_US : LCID_INVARIANT; }

std::optional<std::u16string> locale_string(Locale l, LCTYPE type, std::optional<DWORD>* number) {
    const LocaleRow* r = find_row(type);
    if (!r) return std::nullopt;
    const char16_t* s = l == Locale::Invariant && r->invariant ? r->invariant : r->en_us;
    if (number) {
        if (r->number_base) {
            DWORD v = 0;
            for (const char16_t* p = s; *p; p++)
                v = v * r->number_base + DWORD(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
            *number = v;
        } else {
            *number = std::nullopt;
        }
    }
    return std::u16string(s);
}

int copy_result(std::u16string_view s, LPWSTR buf, int len) {
    int need = int(s.size()) + 1;
    if (len == 0) return need;
    if (need > len) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(buf, s.data(), s.size() * 2);
    buf[s.size()] = 0;
    return need;
}

int copy_result_a(std::u16string_view s, LPSTR buf, int len) {
    std::string a = wide_to_ansi(s);
    int need = int(a.size()) + 1;
    if (len == 0) return need;
    if (need > len) {
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    std::memcpy(buf, a.c_str(), a.size() + 1);
    return need;
}

// ---- default locales ------------------------------------------------------------------------
LCID WINAPI GetUserDefaultLCID() { return LCID_EN_US; }
LCID WINAPI GetSystemDefaultLCID() { return LCID_EN_US; }
LANGID WINAPI GetUserDefaultLangID() { return LANGID(LCID_EN_US); }
LANGID WINAPI GetSystemDefaultLangID() { return LANGID(LCID_EN_US); }
LANGID WINAPI GetUserDefaultUILanguage() { return LANGID(LCID_EN_US); }
LANGID WINAPI GetSystemDefaultUILanguage() { return LANGID(LCID_EN_US); }
LCID WINAPI GetThreadLocale() { return thread_lcid(); }

BOOL WINAPI SetThreadLocale(LCID lcid) {
    auto l = locale_of(lcid);
    if (!l) return fail(ERROR_INVALID_PARAMETER);
    current_teb()->CurrentLocale = lcid_of(*l);
    return TRUE;
}

LANGID WINAPI GetThreadUILanguage() { return LANGID(LCID_EN_US); }

// The default aliases become the locale they stand for; anything else is returned unchanged.
LCID WINAPI ConvertDefaultLocale(LCID lcid) {
    switch (lcid) {
    case 0x0000: case 0x0400: case 0x0800: case 0x0C00: case 0x1400: return LCID_EN_US;
    default: return lcid;
    }
}

INT WINAPI GetUserDefaultLocaleName(LPWSTR buf, INT len) {
    if (!buf && len) return fail(ERROR_INVALID_PARAMETER);
    return copy_result(u"en-US", buf, len);
}
INT WINAPI GetSystemDefaultLocaleName(LPWSTR buf, INT len) {
    if (!buf && len) return fail(ERROR_INVALID_PARAMETER);
    return copy_result(u"en-US", buf, len);
}

// The aliases themselves (LOCALE_USER_DEFAULT ...) are not locales a program can enumerate, and
// IsValidLocale says so.
BOOL WINAPI IsValidLocale(LCID lcid, DWORD flags) {
    (void)flags;  // LCID_INSTALLED / LCID_SUPPORTED: both locales are installed
    if (lcid == 0 || lcid == 0x0400 || lcid == 0x0800) return FALSE;
    return locale_of(lcid).has_value();
}

BOOL WINAPI IsValidLocaleName(LPCWSTR name) { return name && locale_of_name(name).has_value(); }

INT WINAPI LCIDToLocaleName(LCID lcid, LPWSTR name, INT len, DWORD flags) {
    if (flags & ~LOCALE_ALLOW_NEUTRAL_NAMES) return fail(ERROR_INVALID_FLAGS);
    if (len < 0 || (!name && len)) return fail(ERROR_INVALID_PARAMETER);
    auto l = locale_of(lcid);
    if (!l) return fail(ERROR_INVALID_PARAMETER);
    return copy_result(*l == Locale::EnUS ? u"en-US" : u"", name, len);
}

LCID WINAPI LocaleNameToLCID(LPCWSTR name, DWORD flags) {
    if (flags & ~LOCALE_ALLOW_NEUTRAL_NAMES) return fail(ERROR_INVALID_FLAGS);
    auto l = locale_of_name(name);
    if (!l) return fail(ERROR_INVALID_PARAMETER);
    return lcid_of(*l);
}

// ---- GetLocaleInfo --------------------------------------------------------------------------
namespace {
// Shared by the W, A and Ex forms; `ansi` selects the A form's units (bytes, ANSI code page).
int get_locale_info(std::optional<Locale> l, LCTYPE lctype, void* buf, int len, bool ansi) {
    if (len < 0 || (!buf && len)) return fail(ERROR_INVALID_PARAMETER);
    if (!l) return fail(ERROR_INVALID_PARAMETER);
    LCTYPE type = lctype & ~(LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP | LOCALE_RETURN_NUMBER |
                             LOCALE_RETURN_GENITIVE_NAMES | LOCALE_ALLOW_NEUTRAL_NAMES);
    // en-US has no genitive month names: the nominative ones are returned (documented fallback).
    std::optional<DWORD> number;
    auto s = locale_string(*l, type, &number);
    if (!s) return fail(ERROR_INVALID_FLAGS);
    if (lctype & LOCALE_RETURN_NUMBER) {
        if (!number) return fail(ERROR_INVALID_FLAGS);
        int need = ansi ? int(sizeof(DWORD)) : int(sizeof(DWORD) / sizeof(WCHAR));
        if (len == 0) return need;
        if (len < need) return fail(ERROR_INSUFFICIENT_BUFFER);
        DWORD v = *number;
        std::memcpy(buf, &v, sizeof v);
        return need;
    }
    return ansi ? copy_result_a(*s, static_cast<LPSTR>(buf), len) : copy_result(*s, static_cast<LPWSTR>(buf), len);
}
}  // namespace

INT WINAPI GetLocaleInfoW(LCID lcid, LCTYPE type, LPWSTR buf, INT len) { return get_locale_info(locale_of(lcid), type, buf, len, false); }
INT WINAPI GetLocaleInfoA(LCID lcid, LCTYPE type, LPSTR buf, INT len) { return get_locale_info(locale_of(lcid), type, buf, len, true); }
INT WINAPI GetLocaleInfoEx(LPCWSTR name, LCTYPE type, LPWSTR buf, INT len) {
    return get_locale_info(locale_of_name(name), type, buf, len, false);
}

WR_EXPORT_PART(kernel32_locale,
    WR_EXPORT(GetUserDefaultLCID),
    WR_EXPORT(GetSystemDefaultLCID),
    WR_EXPORT(GetUserDefaultLangID),
    WR_EXPORT(GetSystemDefaultLangID),
    WR_EXPORT(GetUserDefaultUILanguage),
    WR_EXPORT(GetSystemDefaultUILanguage),
    WR_EXPORT(GetThreadLocale),
    WR_EXPORT(SetThreadLocale),
    WR_EXPORT(GetThreadUILanguage),
    WR_EXPORT(ConvertDefaultLocale),
    WR_EXPORT(GetUserDefaultLocaleName),
    WR_EXPORT(GetSystemDefaultLocaleName),
    WR_EXPORT(IsValidLocale),
    WR_EXPORT(IsValidLocaleName),
    WR_EXPORT(LCIDToLocaleName),
    WR_EXPORT(LocaleNameToLCID),
    WR_EXPORT(GetLocaleInfoW),
    WR_EXPORT(GetLocaleInfoA),
    WR_EXPORT(GetLocaleInfoEx));

}  // namespace winrun::k32
