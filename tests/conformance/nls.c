/* nls.c: code page conversions: MultiByteToWideChar/WideCharToMultiByte with CP_ACP (1252),
 * CP_OEMCP (437), CP_UTF8 and explicit code pages; size rules (-1 counts the NUL, a 0 size asks
 * for the size, a too small buffer fails with ERROR_INSUFFICIENT_BUFFER); invalid input flags;
 * the default character; GetACP/GetOEMCP/GetCPInfo. Expects a Windows with the en-US defaults
 * (ANSI 1252, OEM 437), which is what winrun presents. */
#include "ok.h"

static int wcmpn(const WCHAR* a, const WCHAR* b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 1;
    return 0;
}

#define check_mb2wc(cp, flags, src, srclen, exp) check_mb2wc_(__LINE__, cp, flags, src, srclen, exp, sizeof(exp) / sizeof(WCHAR) - 1)
static void check_mb2wc_(int line, UINT cp, DWORD flags, const char* src, int srclen, const WCHAR* exp, int explen) {
    WCHAR buf[64];
    int r;
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(cp, flags, src, srclen, buf, 64);
    winetest_set_location(__FILE__, line);
    winetest_ok(r == explen && !wcmpn(buf, exp, explen), "MultiByteToWideChar(%u, %s): expected %s, got %d %s (error %lu)\n", cp,
                wine_dbgstr_an(src, srclen < 0 ? -1 : srclen), wine_dbgstr_wn(exp, explen), r, wine_dbgstr_wn(buf, r > 0 ? r : 0),
                GetLastError());
}

#define check_wc2mb(cp, src, srclen, exp, exp_used) check_wc2mb_(__LINE__, cp, src, srclen, exp, sizeof(exp) - 1, exp_used)
static void check_wc2mb_(int line, UINT cp, const WCHAR* src, int srclen, const char* exp, int explen, int exp_used) {
    char buf[64];
    BOOL used = 0xcc;
    int r;
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(cp, 0, src, srclen, buf, 64, NULL, cp == CP_UTF8 ? NULL : &used);
    winetest_set_location(__FILE__, line);
    winetest_ok(r == explen && !memcmp(buf, exp, explen), "WideCharToMultiByte(%u, %s): expected %s, got %d %s (error %lu)\n", cp,
                wine_dbgstr_wn(src, srclen), wine_dbgstr_an(exp, explen), r, wine_dbgstr_an(buf, r > 0 ? r : 0), GetLastError());
    if (cp != CP_UTF8)
        winetest_ok(used == exp_used, "WideCharToMultiByte(%u, %s): lpUsedDefaultChar expected %d, got %d\n", cp,
                    wine_dbgstr_wn(src, srclen), exp_used, used);
}

static void test_code_pages(void) {
    CPINFO info;
    ok(GetACP() == 1252, "GetACP: expected 1252, got %u\n", GetACP());
    ok(GetOEMCP() == 437, "GetOEMCP: expected 437, got %u\n", GetOEMCP());
    ok(IsValidCodePage(1252) && IsValidCodePage(437) && IsValidCodePage(CP_UTF8), "1252/437/65001 are not all valid\n");
    ok(!IsValidCodePage(12345), "code page 12345 is valid\n");

    memset(&info, 0xcc, sizeof(info));
    ok(GetCPInfo(1252, &info), "GetCPInfo(1252) failed\n");
    ok(info.MaxCharSize == 1, "1252 MaxCharSize: expected 1, got %u\n", info.MaxCharSize);
    ok(info.DefaultChar[0] == '?' && info.DefaultChar[1] == 0, "1252 DefaultChar: expected \"?\", got %02x %02x\n",
       info.DefaultChar[0], info.DefaultChar[1]);
    ok(info.LeadByte[0] == 0 && info.LeadByte[1] == 0, "1252 has lead bytes %02x %02x\n", info.LeadByte[0], info.LeadByte[1]);
    memset(&info, 0xcc, sizeof(info));
    ok(GetCPInfo(CP_ACP, &info) && info.MaxCharSize == 1, "GetCPInfo(CP_ACP) failed or MaxCharSize %u\n", info.MaxCharSize);
    memset(&info, 0xcc, sizeof(info));
    ok(GetCPInfo(437, &info) && info.MaxCharSize == 1, "GetCPInfo(437) failed or MaxCharSize %u\n", info.MaxCharSize);
    memset(&info, 0xcc, sizeof(info));
    ok(GetCPInfo(CP_UTF8, &info), "GetCPInfo(CP_UTF8) failed\n");
    ok(info.MaxCharSize == 4, "UTF-8 MaxCharSize: expected 4, got %u\n", info.MaxCharSize);
    memset(&info, 0xcc, sizeof(info));
    ok(GetCPInfo(932, &info), "GetCPInfo(932) failed: %lu\n", GetLastError());
    ok(info.MaxCharSize == 2, "932 MaxCharSize: expected 2, got %u\n", info.MaxCharSize);
    ok(info.LeadByte[0] == 0x81 && info.LeadByte[1] == 0x9f && info.LeadByte[2] == 0xe0 && info.LeadByte[3] == 0xfc &&
       info.LeadByte[4] == 0,
       "932 LeadByte ranges: expected 81-9f e0-fc, got %02x-%02x %02x-%02x\n", info.LeadByte[0], info.LeadByte[1],
       info.LeadByte[2], info.LeadByte[3]);
    SetLastError(0xdeadbeef);
    ok(!GetCPInfo(12345, &info), "GetCPInfo(12345) succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "GetCPInfo(12345): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());
    ok(IsDBCSLeadByteEx(932, 0x82) && !IsDBCSLeadByteEx(932, 0x41) && !IsDBCSLeadByte(0x82),
       "IsDBCSLeadByte(Ex) wrong for 932/1252\n");
}

static void test_mb2wc(void) {
    WCHAR buf[16];
    int r;

    /* 1252: the C1 range has Windows' characters; the five undefined bytes map to the same C1 code points */
    check_mb2wc(CP_ACP, 0, "\x80\xe9\x9f", 3, L"\x20ac\x00e9\x0178");
    check_mb2wc(1252, 0, "\x81\x8d\x8f\x90\x9d", 5, L"\x0081\x008d\x008f\x0090\x009d");
    check_mb2wc(1252, 0, "\x85\x96\x99", 3, L"\x2026\x2013\x2122");
    /* 437: box drawing and accents; control bytes stay control characters without MB_USEGLYPHCHARS */
    check_mb2wc(CP_OEMCP, 0, "\x80\x82\xb0\xc9\xe1", 5, L"\x00c7\x00e9\x2591\x2554\x00df");
    check_mb2wc(437, 0, "\x01\x7f", 2, L"\x0001\x007f");
    /* Known gap: MB_USEGLYPHCHARS needs the OEM glyph mapping, which iconv does not provide. */
    {
        WCHAR buf[8];
        int r = MultiByteToWideChar(437, MB_USEGLYPHCHARS, "\x01\x7f", 2, buf, 8);
        todo_winrun(r == 2 && buf[0] == 0x263a && buf[1] == 0x2302, "MB_USEGLYPHCHARS: got %d %04x %04x\n", r, buf[0], buf[1]);
    }
    /* 932 (Shift-JIS) */
    check_mb2wc(932, 0, "\x93\xfa\x96\x7b\x41", 5, L"\x65e5\x672c\x0041");
    /* UTF-8, including a 4-byte sequence (a surrogate pair) */
    check_mb2wc(CP_UTF8, 0, "h\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80", 10, L"h\x00e9\x65e5\xd83d\xde00");
    /* invalid UTF-8 becomes U+FFFD */
    check_mb2wc(CP_UTF8, 0, "a\xff" "b", 3, L"a\xfffd" L"b");

    /* -1 counts the NUL */
    r = MultiByteToWideChar(CP_ACP, 0, "abc", -1, buf, 16);
    ok(r == 4 && buf[3] == 0, "srclen -1: expected 4 with a NUL, got %d\n", r);
    /* a size query */
    r = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9", -1, NULL, 0);
    ok(r == 3, "size query: expected 3, got %d\n", r);
    r = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9", 3, NULL, 0);
    ok(r == 2, "size query without NUL: expected 2, got %d\n", r);
    /* too small */
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_ACP, 0, "abcdef", -1, buf, 3);
    ok(r == 0, "too small buffer: expected 0, got %d\n", r);
    ok(GetLastError() == ERROR_INSUFFICIENT_BUFFER, "too small: expected ERROR_INSUFFICIENT_BUFFER, got %lu\n", GetLastError());
    /* MB_ERR_INVALID_CHARS */
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xff", 2, buf, 16);
    ok(r == 0, "MB_ERR_INVALID_CHARS with invalid UTF-8: expected 0, got %d\n", r);
    ok(GetLastError() == ERROR_NO_UNICODE_TRANSLATION, "invalid UTF-8: expected ERROR_NO_UNICODE_TRANSLATION, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xc3", 2, buf, 16);
    ok(r == 0 && GetLastError() == ERROR_NO_UNICODE_TRANSLATION, "truncated UTF-8 sequence: expected 0/1113, got %d/%lu\n", r,
       GetLastError());
    /* bad parameters */
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(12345, 0, "a", 1, buf, 16);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "unknown code page: expected 0/ERROR_INVALID_PARAMETER, got %d/%lu\n", r,
       GetLastError());
    {   /* source and destination are the same buffer */
        char same[16] = "abc";
        SetLastError(0xdeadbeef);
        r = MultiByteToWideChar(CP_ACP, 0, same, 3, (WCHAR*)same, 8);
        ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "src == dst: expected 0/ERROR_INVALID_PARAMETER, got %d/%lu\n", r,
           GetLastError());
    }
    SetLastError(0xdeadbeef);
    r = MultiByteToWideChar(CP_ACP, 0, NULL, 3, buf, 16);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "NULL source: expected 0/ERROR_INVALID_PARAMETER, got %d/%lu\n", r,
       GetLastError());
    r = MultiByteToWideChar(CP_ACP, 0, "abc", 0, buf, 16);
    ok(r == 0, "empty source (length 0): expected 0, got %d\n", r);
}

static void test_wc2mb(void) {
    char buf[16];
    BOOL used;
    int r;

    check_wc2mb(CP_ACP, L"\x20ac\x00e9", 2, "\x80\xe9", 0);
    check_wc2mb(1252, L"a\x65e5", 2, "a?", 1);            /* not in 1252: the default character */
    check_wc2mb(1252, L"\x0100\x0107", 2, "Ac", 0);       /* best fit: A-macron -> A, c-acute -> c (no default used) */
    check_wc2mb(CP_OEMCP, L"\x00c7\x2591\x00e9", 3, "\x80\xb0\x82", 0);
    check_wc2mb(932, L"\x65e5\x672c", 2, "\x93\xfa\x96\x7b", 0);
    check_wc2mb(CP_UTF8, L"h\x00e9\x65e5\xd83d\xde00", 5, "h\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80", 0);
    check_wc2mb(CP_UTF8, L"a\xd800" L"b", 3, "a\xef\xbf\xbd" "b", 0);  /* a lone surrogate becomes U+FFFD */

    /* WC_NO_BEST_FIT_CHARS: no best fit, the default character instead */
    used = FALSE;
    r = WideCharToMultiByte(1252, WC_NO_BEST_FIT_CHARS, L"\x0100", 1, buf, 16, NULL, &used);
    ok(r == 1 && buf[0] == '?' && used, "WC_NO_BEST_FIT_CHARS: expected \"?\" and used, got %d %s %d\n", r, wine_dbgstr_an(buf, r), used);

    /* lpDefaultChar */
    used = FALSE;
    r = WideCharToMultiByte(1252, 0, L"x\x65e5", 2, buf, 16, "#", &used);
    ok(r == 2 && !memcmp(buf, "x#", 2) && used, "lpDefaultChar \"#\": expected \"x#\" and used, got %d %s %d\n", r,
       wine_dbgstr_an(buf, r), used);

    /* UTF-8 does not take lpDefaultChar / lpUsedDefaultChar */
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, 0, L"a", 1, buf, 16, NULL, &used);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "CP_UTF8 with lpUsedDefaultChar: expected 0/ERROR_INVALID_PARAMETER, got %d/%lu\n",
       r, GetLastError());

    /* WC_ERR_INVALID_CHARS with a lone surrogate */
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, L"a\xd800", 2, buf, 16, NULL, NULL);
    ok(r == 0 && GetLastError() == ERROR_NO_UNICODE_TRANSLATION,
       "WC_ERR_INVALID_CHARS with a lone surrogate: expected 0/ERROR_NO_UNICODE_TRANSLATION, got %d/%lu\n", r, GetLastError());

    /* sizes */
    r = WideCharToMultiByte(CP_ACP, 0, L"abc", -1, buf, 16, NULL, NULL);
    ok(r == 4 && buf[3] == 0, "srclen -1: expected 4 with a NUL, got %d\n", r);
    r = WideCharToMultiByte(CP_UTF8, 0, L"\x65e5\x672c", -1, NULL, 0, NULL, NULL);
    ok(r == 7, "UTF-8 size query: expected 7, got %d\n", r);
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(CP_UTF8, 0, L"\x65e5\x672c", -1, buf, 4, NULL, NULL);
    ok(r == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "too small: expected 0/ERROR_INSUFFICIENT_BUFFER, got %d/%lu\n", r,
       GetLastError());
    SetLastError(0xdeadbeef);
    r = WideCharToMultiByte(12345, 0, L"a", 1, buf, 16, NULL, NULL);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "unknown code page: expected 0/ERROR_INVALID_PARAMETER, got %d/%lu\n", r,
       GetLastError());
}

START_TEST(nls)
{
    test_code_pages();
    test_mb2wc();
    test_wc2mb();
}
