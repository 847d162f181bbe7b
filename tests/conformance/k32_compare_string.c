/* k32_compare_string.c: CompareString(A/W/Ex/Ordinal), lstrcmp(i), LCMapString: the Windows
 * linguistic order for Latin text (word sort: hyphen and apostrophe weigh least; lower case before
 * upper case; punctuation before digits before letters), flags, lengths, errors, and sort keys
 * that order like CompareString. Cases marked "(Wine)" are facts recorded by Wine's locale tests. */
#include "ok.h"

#define check_cmp(flags, a, b, exp) check_cmp_(__LINE__, flags, a, b, exp)
static void check_cmp_(int line, DWORD flags, const char* a, const char* b, int exp) {
    int r;
    SetLastError(0xdeadbeef);
    r = CompareStringA(LOCALE_USER_DEFAULT, flags, a, -1, b, -1);
    winetest_set_location(__FILE__, line);
    winetest_ok(r == exp, "CompareStringA(%#lx, %s, %s): expected %d, got %d (error %lu)\n", flags, a, b, exp, r, GetLastError());
}

static void test_order(void) {
    check_cmp(0, "coop", "co-op", CSTR_LESS_THAN);
    check_cmp(0, "co-op", "coop", CSTR_GREATER_THAN);
    check_cmp(0, "co-op", "coopa", CSTR_LESS_THAN);     /* the hyphen weighs only at the last level */
    check_cmp(0, "its", "it's", CSTR_LESS_THAN);
    check_cmp(0, "a", "B", CSTR_LESS_THAN);
    check_cmp(0, "A", "b", CSTR_LESS_THAN);
    check_cmp(0, "a", "A", CSTR_LESS_THAN);             /* lower case first */
    check_cmp(NORM_IGNORECASE, "a", "A", CSTR_EQUAL);
    check_cmp(NORM_IGNORECASE, "a", "B", CSTR_LESS_THAN);
    check_cmp(0, "AAA", "aaa", CSTR_GREATER_THAN);      /* (Wine) */
    check_cmp(0, "AAA", "aab", CSTR_LESS_THAN);         /* (Wine) */
    check_cmp(0, "aB", "Aab", CSTR_GREATER_THAN);       /* (Wine) */
    check_cmp(0, "EndDialog", "_Property", CSTR_GREATER_THAN); /* (Wine) */
    check_cmp(0, "r", "\\", CSTR_GREATER_THAN);         /* (Wine) */
    check_cmp(0, ".AAA", "Aab", CSTR_LESS_THAN);        /* (Wine) */
    check_cmp(0, "3.5", "4.0", CSTR_LESS_THAN);
    check_cmp(0, "9", "a", CSTR_LESS_THAN);             /* digits before letters */
    check_cmp(0, "!", "0", CSTR_LESS_THAN);             /* punctuation before digits */
    check_cmp(0, " ", "!", CSTR_LESS_THAN);
    check_cmp(0, "-o", "/m", CSTR_GREATER_THAN);        /* (Wine) word sort: the hyphen is ignored */
    check_cmp(SORT_STRINGSORT, "-o", "/m", CSTR_LESS_THAN); /* (Wine) string sort: a symbol */
    check_cmp(0, "'o", "/m", CSTR_GREATER_THAN);        /* (Wine) */
    check_cmp(SORT_STRINGSORT, "'o", "/m", CSTR_LESS_THAN); /* (Wine) */
    check_cmp(0, "'", "-", CSTR_LESS_THAN);             /* (Wine) */
    check_cmp(0, "`o", "/m", CSTR_GREATER_THAN);        /* (Wine) */
    check_cmp(0, "`o", "-m", CSTR_LESS_THAN);           /* (Wine) */
    check_cmp(SORT_STRINGSORT, "`o", "-m", CSTR_GREATER_THAN); /* (Wine) */
    check_cmp(NORM_IGNORECASE, "#", ".", CSTR_LESS_THAN);      /* (Wine) */
    check_cmp(NORM_IGNORECASE, "_", ".", CSTR_GREATER_THAN);   /* (Wine) */
    check_cmp(NORM_IGNORESYMBOLS, "a.b", "ab", CSTR_EQUAL);
    check_cmp(NORM_IGNORESYMBOLS, "a b!", "AB", CSTR_LESS_THAN);
    check_cmp(NORM_IGNORESYMBOLS | NORM_IGNORECASE, "a b!", "AB", CSTR_EQUAL);
    check_cmp(0, "Salut", "Salute", CSTR_LESS_THAN);
    check_cmp(0, "", "a", CSTR_LESS_THAN);
    check_cmp(0, "resume", "r\xe9sum\xe9", CSTR_LESS_THAN); /* the diacritic is a second-level difference */
    check_cmp(0, "r\xe9sum\xe9", "resumes", CSTR_LESS_THAN);
    check_cmp(NORM_IGNORENONSPACE, "resume", "r\xe9sum\xe9", CSTR_EQUAL);
}

static void test_lengths_and_errors(void) {
    static const WCHAR a_acute[] = {0xc1, 'B', 'C', 0};
    static const WCHAR a_comb[] = {'A', 0x301, 'B', 'C', 0};
    int r;
    ok(CompareStringA(LOCALE_USER_DEFAULT, 0, "a", 1, "a\0\0", 4) == CSTR_EQUAL, "NULs have no weight (Wine)\n");
    ok(CompareStringA(LOCALE_USER_DEFAULT, 0, "a", 1, "a\0x", 4) == CSTR_LESS_THAN, "a vs a\\0x (Wine)\n");
    ok(CompareStringA(LOCALE_USER_DEFAULT, 0, "a-", 3, "a\0", 3) == CSTR_GREATER_THAN, "a- vs a\\0 (Wine)\n");
    ok(CompareStringA(LOCALE_USER_DEFAULT, 0, "a\0b", -1, "a", -1) == CSTR_EQUAL, "-1 stops at the NUL\n");
    ok(CompareStringA(LOCALE_USER_DEFAULT, NORM_IGNORECASE, "Salut", 5, "saLuT", -1) == CSTR_EQUAL, "explicit length\n");
    ok(CompareStringA(LOCALE_USER_DEFAULT, NORM_IGNORECASE, "haha", -1, "hoho", 0) == CSTR_GREATER_THAN, "empty string\n");
    ok(CompareStringW(LOCALE_USER_DEFAULT, 0, a_acute, -1, a_comb, -1) == CSTR_EQUAL, "precomposed vs combining (Wine)\n");
    ok(CompareStringW(LOCALE_USER_DEFAULT, 0, L"ABC", -1, a_acute, -1) == CSTR_LESS_THAN, "ABC vs \\xc1BC (Wine)\n");
    ok(CompareStringW(LOCALE_USER_DEFAULT, SORT_DIGITSASNUMBERS, L"file9", -1, L"file10", -1) == CSTR_LESS_THAN,
       "SORT_DIGITSASNUMBERS\n");
    ok(CompareStringW(LOCALE_USER_DEFAULT, 0, L"file9", -1, L"file10", -1) == CSTR_GREATER_THAN, "digits as characters\n");
    ok(CompareStringEx(L"en-US", NORM_IGNORECASE, L"abc", -1, L"ABC", -1, NULL, NULL, 0) == CSTR_EQUAL, "CompareStringEx\n");
    ok(CompareStringEx(LOCALE_NAME_INVARIANT, LINGUISTIC_IGNORECASE, L"abc", -1, L"ABD", -1, NULL, NULL, 0) == CSTR_LESS_THAN,
       "CompareStringEx invariant\n");

    SetLastError(0xdeadbeef);
    r = CompareStringA(LOCALE_USER_DEFAULT, SORT_DIGITSASNUMBERS, "NULL", -1, "NULL", -1);
    ok(r == 0 && GetLastError() == ERROR_INVALID_FLAGS, "A with SORT_DIGITSASNUMBERS (Wine): %d %lu\n", r, GetLastError());
    SetLastError(0xdeadbeef);
    r = CompareStringW(LOCALE_USER_DEFAULT, 0x10000000, L"a", -1, L"a", -1);
    ok(r == 0 && GetLastError() == ERROR_INVALID_FLAGS, "unknown flag: %d %lu\n", r, GetLastError());
    SetLastError(0xdeadbeef);
    r = CompareStringW(LOCALE_USER_DEFAULT, 0, NULL, -1, L"a", -1);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "NULL string: %d %lu\n", r, GetLastError());
    SetLastError(0xdeadbeef);
    r = CompareStringW(0x12345, 0, L"a", -1, L"a", -1);
    ok(r == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "unknown locale: %d %lu\n", r, GetLastError());

    ok(CompareStringOrdinal(L"a", -1, L"B", -1, FALSE) == CSTR_GREATER_THAN, "ordinal: 'a' > 'B'\n");
    ok(CompareStringOrdinal(L"a", -1, L"B", -1, TRUE) == CSTR_LESS_THAN, "ordinal ignore case\n");
    ok(CompareStringOrdinal(L"abc", 2, L"ABX", 2, TRUE) == CSTR_EQUAL, "ordinal lengths\n");
    ok(CompareStringOrdinal(L"\x00e9", -1, L"\x00c9", -1, TRUE) == CSTR_EQUAL, "ordinal ignore case e acute\n");
    ok(CompareStringOrdinal(L"ab", -1, L"abc", -1, FALSE) == CSTR_LESS_THAN, "ordinal prefix\n");

    ok(lstrcmpA("a", "B") < 0 && lstrcmpA("B", "a") > 0 && lstrcmpA("a", "a") == 0, "lstrcmpA\n");
    ok(lstrcmpA("a", "A") < 0, "lstrcmpA(a, A) = %d\n", lstrcmpA("a", "A"));
    ok(lstrcmpiA("a", "A") == 0 && lstrcmpiW(L"abc", L"ABD") < 0, "lstrcmpi\n");
    ok(lstrcmpiA("#", ".") == -1, "lstrcmpiA(#, .) (Wine)\n");
    ok(lstrcmpA(NULL, NULL) == 0 && lstrcmpA("", NULL) == 1 && lstrcmpA(NULL, "") == -1, "lstrcmpA NULLs (Wine)\n");
    ok(lstrcmpW(L"co-op", L"coop") == 1, "lstrcmpW(co-op, coop)\n");
}

static const char* words[] = {"coop", "co-op", "Co-op", "COOP", "cooper", "a", "A", "b", "B", "ab", "a b", "a-b", "10", "9",
                              "!bang", "#hash", "_under", "zebra", "\xe9t\xe9", "ete", "Ete", "\xc9t\xe9", "it's", "its",
                              "Zulu", "\xe6on", "aeon"};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void test_sort_keys(void) {
    static DWORD flag_sets[] = {0, NORM_IGNORECASE, SORT_STRINGSORT, NORM_IGNORESYMBOLS, NORM_IGNORENONSPACE | NORM_IGNORECASE};
    unsigned char keys[NWORDS][128];
    int lens[NWORDS];
    unsigned f, i, j;
    for (f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
        DWORD flags = flag_sets[f];
        for (i = 0; i < NWORDS; i++) {
            lens[i] = LCMapStringA(LOCALE_USER_DEFAULT, LCMAP_SORTKEY | flags, words[i], -1, (char*)keys[i], 128);
            ok(lens[i] > 0 && keys[i][lens[i] - 1] == 0, "sort key of %s: %d\n", words[i], lens[i]);
            ok(LCMapStringA(LOCALE_USER_DEFAULT, LCMAP_SORTKEY | flags, words[i], -1, NULL, 0) == lens[i], "sort key size query\n");
        }
        for (i = 0; i < NWORDS; i++)
            for (j = 0; j < NWORDS; j++) {
                int c = CompareStringA(LOCALE_USER_DEFAULT, flags, words[i], -1, words[j], -1);
                int m = strcmp((const char*)keys[i], (const char*)keys[j]);
                int k = m < 0 ? CSTR_LESS_THAN : m > 0 ? CSTR_GREATER_THAN : CSTR_EQUAL;
                ok(c == k, "flags %#lx: %s vs %s: CompareString %d, sort keys %d\n", flags, words[i], words[j], c, k);
            }
    }
}

static void test_lcmap(void) {
    WCHAR buf[64];
    char abuf[64];
    int r;
    r = LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, L"abc\x00e9\x00ff", -1, buf, 64);
    ok(r == 6 && !wcscmp(buf, L"ABC\x00c9\x0178"), "LCMAP_UPPERCASE: %d %s\n", r, wine_dbgstr_w(buf));
    r = LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_LOWERCASE, L"ABC\x00c9", 4, buf, 64);
    ok(r == 4 && !memcmp(buf, L"abc\x00e9", 8), "LCMAP_LOWERCASE: %d %s\n", r, wine_dbgstr_wn(buf, r));
    r = LCMapStringA(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, "abc\xe9", -1, abuf, 64);
    ok(r == 5 && !strcmp(abuf, "ABC\xc9"), "LCMapStringA upper: %d %s\n", r, abuf);
    r = LCMapStringEx(L"en-US", LCMAP_LOWERCASE | LCMAP_LINGUISTIC_CASING, L"HELLO", -1, buf, 64, NULL, NULL, 0);
    ok(r == 6 && !wcscmp(buf, L"hello"), "LCMapStringEx: %d %s\n", r, wine_dbgstr_w(buf));
    ok(LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, L"abc", -1, NULL, 0) == 4, "size query\n");
    SetLastError(0xdeadbeef);
    ok(!LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, L"abc", -1, buf, 2) && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "small buffer: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_SORTKEY | LCMAP_UPPERCASE, L"abc", -1, buf, 64) &&
           GetLastError() == ERROR_INVALID_FLAGS, "SORTKEY | UPPERCASE: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, L"abc", 0, buf, 64) && GetLastError() == ERROR_INVALID_PARAMETER,
       "zero length: %lu\n", GetLastError());
    wcscpy(buf, L"in place");
    r = LCMapStringW(LOCALE_USER_DEFAULT, LCMAP_UPPERCASE, buf, -1, buf, 64);
    ok(r == 9 && !wcscmp(buf, L"IN PLACE"), "in place: %d %s\n", r, wine_dbgstr_w(buf));
    r = LCMapStringW(LOCALE_USER_DEFAULT, NORM_IGNORESYMBOLS, L"a.b c!", -1, buf, 64);
    ok(r == 4 && !wcscmp(buf, L"abc"), "NORM_IGNORESYMBOLS: %d %s\n", r, wine_dbgstr_w(buf));
}

START_TEST(k32_compare_string)
{
    test_order();
    test_lengths_and_errors();
    test_sort_keys();
    test_lcmap();
}
