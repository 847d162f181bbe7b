/* msvcrt's secure conversions mbstowcs_s / wcstombs_s in the "C" locale (bytes are Latin-1). Called
 * through GetProcAddress: mingw's headers only declare them with the secure API switched on. */
#include "ok.h"

typedef int(__cdecl *mbstowcs_s_t)(size_t *, wchar_t *, size_t, const char *, size_t);
typedef int(__cdecl *wcstombs_s_t)(size_t *, char *, size_t, const wchar_t *, size_t);

START_TEST(crt_mbcs)
{
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    mbstowcs_s_t p_mbstowcs_s = (mbstowcs_s_t)GetProcAddress(crt, "mbstowcs_s");
    wcstombs_s_t p_wcstombs_s = (wcstombs_s_t)GetProcAddress(crt, "wcstombs_s");
    ok(p_mbstowcs_s && p_wcstombs_s, "msvcrt lacks mbstowcs_s/wcstombs_s\n");
    if (!p_mbstowcs_s || !p_wcstombs_s) return;

    wchar_t w[8];
    size_t done = 99;
    ok(p_mbstowcs_s(&done, w, 8, "ab\xe9", _TRUNCATE) == 0 && done == 4 && !wcscmp(w, L"ab\x00e9"),
       "mbstowcs_s: done %u\n", (unsigned)done);
    done = 99;
    ok(p_mbstowcs_s(&done, NULL, 0, "abcd", _TRUNCATE) == 0 && done == 5, "size query: done %u\n", (unsigned)done);
    w[0] = L'x';
    ok(p_mbstowcs_s(&done, w, 3, "abcd", 4) == ERANGE && w[0] == 0, "too small: expected ERANGE and an empty string\n");
    done = 99;
    ok(p_mbstowcs_s(&done, w, 3, "abcd", _TRUNCATE) == STRUNCATE && !wcscmp(w, L"ab") && done == 3,
       "_TRUNCATE: done %u\n", (unsigned)done);
    ok(p_mbstowcs_s(&done, w, 8, NULL, 1) == EINVAL, "NULL source: expected EINVAL\n");

    char c[8];
    done = 99;
    ok(p_wcstombs_s(&done, c, 8, L"ab\x00e9", _TRUNCATE) == 0 && done == 4 && !strcmp(c, "ab\xe9"),
       "wcstombs_s: done %u\n", (unsigned)done);
    c[0] = 'x';
    done = 99;
    /* Documented: a character without a mapping gives EILSEQ, an empty string and *pReturnValue 0. */
    ok(p_wcstombs_s(&done, c, 8, L"a\x0100", _TRUNCATE) == EILSEQ && c[0] == 0 && done == 0,
       "unconvertible character: done %u\n", (unsigned)done);
    done = 99;
    ok(p_wcstombs_s(&done, c, 3, L"abcd", _TRUNCATE) == STRUNCATE && !strcmp(c, "ab") && done == 3,
       "wcstombs_s _TRUNCATE: done %u\n", (unsigned)done);
}
