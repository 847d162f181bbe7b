/* k32_locale.c: the en-US locale as an en-US Windows 10 reports it: default LCIDs and names,
 * LCID <-> name, GetLocaleInfoA/W/Ex (strings, LOCALE_RETURN_NUMBER, size rules, unknown types),
 * the invariant locale, and GetStringTypeW/FoldStringW basics. */
#include "ok.h"

static void test_defaults(void) {
    WCHAR name[LOCALE_NAME_MAX_LENGTH];
    ok(GetUserDefaultLCID() == 0x409, "GetUserDefaultLCID: %#lx\n", GetUserDefaultLCID());
    ok(GetSystemDefaultLCID() == 0x409, "GetSystemDefaultLCID: %#lx\n", GetSystemDefaultLCID());
    ok(GetUserDefaultLangID() == 0x409 && GetSystemDefaultLangID() == 0x409, "default LANGIDs\n");
    ok(GetUserDefaultUILanguage() == 0x409 && GetSystemDefaultUILanguage() == 0x409, "UI languages\n");
    ok(GetThreadLocale() == 0x409, "GetThreadLocale: %#lx\n", GetThreadLocale());
    ok(GetUserDefaultLocaleName(name, LOCALE_NAME_MAX_LENGTH) == 6 && !wcscmp(name, L"en-US"), "GetUserDefaultLocaleName: %s\n",
       wine_dbgstr_w(name));
    ok(GetSystemDefaultLocaleName(name, LOCALE_NAME_MAX_LENGTH) == 6 && !wcscmp(name, L"en-US"), "GetSystemDefaultLocaleName\n");
    ok(IsValidLocale(0x409, LCID_SUPPORTED), "0x409 is not valid\n");
    ok(IsValidLocale(LOCALE_INVARIANT, LCID_INSTALLED), "LOCALE_INVARIANT is not valid\n");
    ok(!IsValidLocale(0x12345, LCID_SUPPORTED), "0x12345 is valid\n");
    ok(IsValidLocaleName(L"en-US") && IsValidLocaleName(L"EN-us") && IsValidLocaleName(L""), "IsValidLocaleName\n");
    ok(!IsValidLocaleName(L"xx-YY"), "xx-YY is valid\n");

    ok(SetThreadLocale(LOCALE_INVARIANT), "SetThreadLocale(invariant) failed\n");
    ok(GetThreadLocale() == LOCALE_INVARIANT, "thread locale not set: %#lx\n", GetThreadLocale());
    ok(SetThreadLocale(0x409), "SetThreadLocale(0x409) failed\n");
    SetLastError(0xdeadbeef);
    ok(!SetThreadLocale(0x12345), "SetThreadLocale(0x12345) succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "SetThreadLocale error %lu\n", GetLastError());
}

static void test_names(void) {
    WCHAR name[LOCALE_NAME_MAX_LENGTH];
    int r;
    r = LCIDToLocaleName(0x409, name, LOCALE_NAME_MAX_LENGTH, 0);
    ok(r == 6 && !wcscmp(name, L"en-US"), "LCIDToLocaleName(0x409): %d %s\n", r, wine_dbgstr_w(name));
    r = LCIDToLocaleName(LOCALE_USER_DEFAULT, name, LOCALE_NAME_MAX_LENGTH, 0);
    ok(r == 6 && !wcscmp(name, L"en-US"), "LCIDToLocaleName(USER_DEFAULT): %d %s\n", r, wine_dbgstr_w(name));
    r = LCIDToLocaleName(LOCALE_INVARIANT, name, LOCALE_NAME_MAX_LENGTH, 0);
    ok(r == 1 && !name[0], "LCIDToLocaleName(INVARIANT): %d %s\n", r, wine_dbgstr_w(name));
    ok(LCIDToLocaleName(0x409, NULL, 0, 0) == 6, "size query\n");
    SetLastError(0xdeadbeef);
    ok(!LCIDToLocaleName(0x409, name, 3, 0) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LCIDToLocaleName(0x12345, name, LOCALE_NAME_MAX_LENGTH, 0), "unknown LCID converted\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "unknown LCID error %lu\n", GetLastError());

    ok(LocaleNameToLCID(L"en-US", 0) == 0x409, "LocaleNameToLCID(en-US)\n");
    ok(LocaleNameToLCID(L"en-us", 0) == 0x409, "LocaleNameToLCID(en-us)\n");
    ok(LocaleNameToLCID(L"", 0) == LOCALE_INVARIANT, "LocaleNameToLCID(\"\"): %#lx\n", LocaleNameToLCID(L"", 0));
    ok(LocaleNameToLCID(NULL, 0) == 0x409, "LocaleNameToLCID(NULL)\n");
    SetLastError(0xdeadbeef);
    ok(!LocaleNameToLCID(L"xx-YY", 0) && GetLastError() == ERROR_INVALID_PARAMETER, "LocaleNameToLCID(xx-YY): %lu\n", GetLastError());
}

#define check_info(lcid, type, exp) check_info_(__LINE__, lcid, type, exp)
static void check_info_(int line, LCID lcid, LCTYPE type, const char* exp) {
    char buf[128];
    WCHAR wbuf[128], wexp[128];
    int r, i;
    for (i = 0; exp[i]; i++) wexp[i] = (unsigned char)exp[i];
    wexp[i] = 0;
    winetest_set_location(__FILE__, line);
    buf[0] = 0;
    r = GetLocaleInfoA(lcid, type, buf, sizeof(buf));
    winetest_ok(r == (int)strlen(exp) + 1 && !strcmp(buf, exp), "GetLocaleInfoA(%#lx, %#lx): expected %s, got %d %s\n", lcid, type,
                exp, r, buf);
    wbuf[0] = 0;
    r = GetLocaleInfoW(lcid, type | LOCALE_NOUSEROVERRIDE, wbuf, 128);
    winetest_ok(r == (int)strlen(exp) + 1 && !wcscmp(wbuf, wexp), "GetLocaleInfoW(%#lx, %#lx): expected %s, got %d %s\n", lcid,
                type, exp, r, wine_dbgstr_w(wbuf));
}

static void test_info(void) {
    WCHAR wbuf[64];
    char buf[64];
    DWORD num;
    int r;
    check_info(0x409, LOCALE_SNAME, "en-US");
    check_info(LOCALE_USER_DEFAULT, LOCALE_SISO639LANGNAME, "en");
    check_info(LOCALE_SYSTEM_DEFAULT, LOCALE_SISO3166CTRYNAME, "US");
    check_info(LOCALE_NEUTRAL, LOCALE_IDEFAULTANSICODEPAGE, "1252");
    check_info(0x409, LOCALE_IDEFAULTCODEPAGE, "437");
    check_info(0x409, LOCALE_SDECIMAL, ".");
    check_info(0x409, LOCALE_STHOUSAND, ",");
    check_info(0x409, LOCALE_SGROUPING, "3;0");
    check_info(0x409, LOCALE_SLIST, ",");
    check_info(0x409, LOCALE_SSHORTDATE, "M/d/yyyy");
    check_info(0x409, LOCALE_SLONGDATE, "dddd, MMMM d, yyyy");
    check_info(0x409, LOCALE_STIMEFORMAT, "h:mm:ss tt");
    check_info(0x409, LOCALE_SDAYNAME1, "Monday");
    check_info(0x409, LOCALE_SDAYNAME7, "Sunday");
    check_info(0x409, LOCALE_SABBREVDAYNAME3, "Wed");
    check_info(0x409, LOCALE_SMONTHNAME1, "January");
    check_info(0x409, LOCALE_SMONTHNAME12, "December");
    check_info(0x409, LOCALE_SABBREVMONTHNAME9, "Sep");
    check_info(0x409, LOCALE_S1159, "AM");
    check_info(0x409, LOCALE_S2359, "PM");
    check_info(0x409, LOCALE_SENGLANGUAGE, "English");
    check_info(0x409, LOCALE_SENGCOUNTRY, "United States");
    check_info(0x409, LOCALE_SLANGUAGE, "English (United States)");
    check_info(0x409, LOCALE_ILANGUAGE, "0409");
    check_info(0x409, LOCALE_SCURRENCY, "$");
    check_info(0x409, LOCALE_IMEASURE, "1");
    check_info(0x409, LOCALE_SINTLSYMBOL, "USD");
    check_info(LOCALE_INVARIANT, LOCALE_SNAME, "");
    check_info(LOCALE_INVARIANT, LOCALE_SSHORTDATE, "MM/dd/yyyy");
    check_info(LOCALE_INVARIANT, LOCALE_STIMEFORMAT, "HH:mm:ss");
    check_info(LOCALE_INVARIANT, LOCALE_SENGLANGUAGE, "Invariant Language");
    check_info(LOCALE_INVARIANT, LOCALE_SMONTHNAME2, "February");

    /* Size rules. */
    ok(GetLocaleInfoW(0x409, LOCALE_SDAYNAME1, NULL, 0) == 7, "size query\n");
    ok(GetLocaleInfoA(0x409, LOCALE_SDAYNAME1, NULL, 0) == 7, "size query A\n");
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoW(0x409, LOCALE_SDAYNAME1, wbuf, 3) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoA(0x409, LOCALE_SDAYNAME1, buf, 6) && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer A: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoW(0x409, 0xfffe, wbuf, 64) && GetLastError() == ERROR_INVALID_FLAGS, "unknown LCTYPE: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoW(0x12345, LOCALE_SNAME, wbuf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "unknown LCID: %lu\n",
       GetLastError());

    /* LOCALE_RETURN_NUMBER: a DWORD in the buffer; the size is in characters (2 W, 4 A). */
    num = 0;
    r = GetLocaleInfoW(0x409, LOCALE_IDEFAULTANSICODEPAGE | LOCALE_RETURN_NUMBER, (WCHAR*)&num, sizeof(num) / sizeof(WCHAR));
    ok(r == 2 && num == 1252, "RETURN_NUMBER ACP: %d %lu\n", r, num);
    num = 0;
    r = GetLocaleInfoA(0x409, LOCALE_IDEFAULTCODEPAGE | LOCALE_RETURN_NUMBER, (char*)&num, sizeof(num));
    ok(r == 4 && num == 437, "RETURN_NUMBER A OEMCP: %d %lu\n", r, num);
    num = 0;
    r = GetLocaleInfoW(0x409, LOCALE_ILANGUAGE | LOCALE_RETURN_NUMBER, (WCHAR*)&num, 2);
    ok(r == 2 && num == 0x409, "RETURN_NUMBER ILANGUAGE: %d %#lx\n", r, num);
    num = 0;
    r = GetLocaleInfoW(0x409, LOCALE_IMEASURE | LOCALE_RETURN_NUMBER, (WCHAR*)&num, 2);
    ok(r == 2 && num == 1, "RETURN_NUMBER IMEASURE: %d %lu\n", r, num);
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoW(0x409, LOCALE_SDECIMAL | LOCALE_RETURN_NUMBER, wbuf, 64) && GetLastError() == ERROR_INVALID_FLAGS,
       "RETURN_NUMBER of a string type: %lu\n", GetLastError());

    r = GetLocaleInfoEx(L"en-US", LOCALE_SENGCOUNTRY, wbuf, 64);
    ok(r == 14 && !wcscmp(wbuf, L"United States"), "GetLocaleInfoEx: %d %s\n", r, wine_dbgstr_w(wbuf));
    r = GetLocaleInfoEx(LOCALE_NAME_USER_DEFAULT, LOCALE_SNAME, wbuf, 64);
    ok(r == 6 && !wcscmp(wbuf, L"en-US"), "GetLocaleInfoEx(user default): %d %s\n", r, wine_dbgstr_w(wbuf));
    SetLastError(0xdeadbeef);
    ok(!GetLocaleInfoEx(L"xx-YY", LOCALE_SNAME, wbuf, 64) && GetLastError() == ERROR_INVALID_PARAMETER, "GetLocaleInfoEx(xx-YY)\n");
}

static void test_string_type(void) {
    WORD t[8];
    ok(GetStringTypeW(CT_CTYPE1, L"aZ5 ,\t", 6, t), "GetStringTypeW failed\n");
    ok(t[0] == (C1_LOWER | C1_ALPHA | C1_XDIGIT | C1_DEFINED), "'a': %#x\n", t[0]);
    ok(t[1] == (C1_UPPER | C1_ALPHA | C1_DEFINED), "'Z': %#x\n", t[1]);
    ok(t[2] == (C1_DIGIT | C1_XDIGIT | C1_DEFINED), "'5': %#x\n", t[2]);
    ok(t[3] == (C1_SPACE | C1_BLANK | C1_DEFINED), "' ': %#x\n", t[3]);
    ok(t[4] == (C1_PUNCT | C1_DEFINED), "',': %#x\n", t[4]);
    ok(t[5] == (C1_SPACE | C1_BLANK | C1_CNTRL | C1_DEFINED), "tab: %#x\n", t[5]);
    ok(GetStringTypeW(CT_CTYPE1, L"\x00e9\x00c9", 2, t), "GetStringTypeW failed\n");
    ok((t[0] & (C1_LOWER | C1_ALPHA)) == (C1_LOWER | C1_ALPHA) && (t[1] & (C1_UPPER | C1_ALPHA)) == (C1_UPPER | C1_ALPHA),
       "e acute: %#x %#x\n", t[0], t[1]);
    ok(GetStringTypeW(CT_CTYPE2, L"a1", 2, t) && t[0] == C2_LEFTTORIGHT && t[1] == C2_EUROPENUMBER, "CT_CTYPE2: %u %u\n", t[0], t[1]);
    SetLastError(0xdeadbeef);
    ok(!GetStringTypeW(CT_CTYPE1, NULL, 1, t) && GetLastError() == ERROR_INVALID_PARAMETER, "NULL string: %lu\n", GetLastError());
}

static void test_fold(void) {
    WCHAR buf[16];
    int r = FoldStringW(MAP_FOLDDIGITS, L"\x0661\x00b2" L"3", -1, buf, 16);
    ok(r == 4 && !wcscmp(buf, L"123"), "MAP_FOLDDIGITS: %d %s\n", r, wine_dbgstr_w(buf));
    r = FoldStringW(MAP_EXPAND_LIGATURES, L"\x00e6x", 2, buf, 16);
    ok(r == 3 && !memcmp(buf, L"aex", 6), "MAP_EXPAND_LIGATURES: %d %s\n", r, wine_dbgstr_wn(buf, r));
    r = FoldStringW(MAP_COMPOSITE, L"\x00e9", 1, buf, 16);
    ok(r == 2 && buf[0] == 'e' && buf[1] == 0x301, "MAP_COMPOSITE: %d %s\n", r, wine_dbgstr_wn(buf, r));
    r = FoldStringW(MAP_PRECOMPOSED, L"e\x0301", 2, buf, 16);
    ok(r == 1 && buf[0] == 0xe9, "MAP_PRECOMPOSED: %d %s\n", r, wine_dbgstr_wn(buf, r));
    SetLastError(0xdeadbeef);
    ok(!FoldStringW(MAP_PRECOMPOSED | MAP_COMPOSITE, L"a", 1, buf, 16) && GetLastError() == ERROR_INVALID_FLAGS, "bad flags: %lu\n",
       GetLastError());
}

START_TEST(k32_locale)
{
    test_defaults();
    test_names();
    test_info();
    test_string_type();
    test_fold();
}
