// build: -luser32
/* USER32's text helpers: CharUpper/CharLower (string and character forms), the Buff variants,
 * CharNext/CharPrev, IsChar*, wsprintf. */
#include "ok.h"

static void test_case(void) {
    WCHAR w[16];
    char a[16];
    wcscpy(w, L"Hello \x00e9\x00ff!");
    ok(CharUpperW(w) == w && !wcscmp(w, L"HELLO \x00c9\x0178!"), "CharUpperW: %s\n", wine_dbgstr_w(w));
    ok(CharLowerW(w) == w && !wcscmp(w, L"hello \x00e9\x00ff!"), "CharLowerW: %s\n", wine_dbgstr_w(w));
    ok((ULONG_PTR)CharUpperW((LPWSTR)(ULONG_PTR)'a') == 'A', "CharUpperW of a character\n");
    ok((ULONG_PTR)CharLowerW((LPWSTR)(ULONG_PTR)0x00c9) == 0x00e9, "CharLowerW of a character\n");
    ok((ULONG_PTR)CharUpperA((LPSTR)(ULONG_PTR)'q') == 'Q', "CharUpperA of a character\n");
    strcpy(a, "MiXeD 123");
    ok(CharUpperA(a) == a && !strcmp(a, "MIXED 123"), "CharUpperA: %s\n", a);
    ok(CharLowerA(a) == a && !strcmp(a, "mixed 123"), "CharLowerA: %s\n", a);
    strcpy(a, "abcdef");
    ok(CharUpperBuffA(a, 3) == 3 && !strcmp(a, "ABCdef"), "CharUpperBuffA: %s\n", a);
    wcscpy(w, L"ABCDEF");
    ok(CharLowerBuffW(w, 2) == 2 && !wcscmp(w, L"abCDEF"), "CharLowerBuffW: %s\n", wine_dbgstr_w(w));
    if (GetACP() == 1252) {
        strcpy(a, "caf\xe9");
        CharUpperA(a);
        ok(!strcmp(a, "CAF\xc9"), "CharUpperA in code page 1252: %s\n", wine_dbgstr_a(a));
    } else skip("ANSI code page is %u\n", GetACP());
}

static void test_next_prev(void) {
    const char* s = "ab";
    ok(CharNextA(s) == s + 1 && CharNextA(s + 2) == s + 2, "CharNextA\n");
    ok(CharPrevA(s, s + 2) == s + 1 && CharPrevA(s, s) == s, "CharPrevA\n");
    ok(CharPrevExA(CP_ACP, s, s + 1, 0) == s, "CharPrevExA\n");
    ok(CharNextExA(CP_ACP, s, 0) == s + 1, "CharNextExA\n");
    const WCHAR* w = L"xy";
    ok(CharNextW(w) == w + 1 && CharNextW(w + 2) == w + 2, "CharNextW\n");
    ok(CharPrevW(w, w + 1) == w && CharPrevW(w, w) == w, "CharPrevW\n");
}

static void test_classes(void) {
    ok(IsCharAlphaW('a') && IsCharAlphaW(0x00e9) && !IsCharAlphaW('1') && !IsCharAlphaW(' '), "IsCharAlphaW\n");
    ok(IsCharAlphaNumericW('1') && IsCharAlphaNumericW('Z') && !IsCharAlphaNumericW('-'), "IsCharAlphaNumericW\n");
    ok(IsCharUpperW('Q') && !IsCharUpperW('q') && IsCharLowerW('q') && !IsCharLowerW('1'), "IsCharUpper/LowerW\n");
    ok(IsCharAlphaA('b') && !IsCharAlphaA('.') && IsCharAlphaNumericA('7'), "IsCharAlphaA\n");
}

static void test_wsprintf(void) {
    char a[1100];
    WCHAR w[64];
    int n = wsprintfA(a, "%d|%5d|%-4d|%05u|%x|%#X|%s|%S|%c", -12, 34, 5, 42u, 255u, 255u, "str", L"wide", 'c');
    ok(!strcmp(a, "-12|   34|5   |00042|ff|0XFF|str|wide|c") && n == (int)strlen(a), "wsprintfA: %s (%d)\n", a, n);
    n = wsprintfW(w, L"%s-%S-%ld-%.2s-%3c-%hd", L"w", "n", -123456789L, L"abc", L'z', 70000);
    ok(!wcscmp(w, L"w-n--123456789-ab-  z-4464") && n == (int)wcslen(w), "wsprintfW: %s (%d)\n", wine_dbgstr_w(w), n);
    wsprintfA(a, "%p", (void*)0x1234);
    ok(!strcmp(a, "0000000000001234"), "%%p: %s\n", a);
    wsprintfA(a, "%s", (char*)NULL);
    ok(!strcmp(a, "(null)"), "NULL string: %s\n", a);
    /* output is limited to 1024 characters including the terminator */
    char big[1500];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    n = wsprintfA(a, "%s", big);
    ok(n == 1023 && strlen(a) == 1023, "long output: %d\n", n);
}

START_TEST(user32_text)
{
    test_case();
    test_next_prev();
    test_classes();
    test_wsprintf();
}
