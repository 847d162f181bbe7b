/* crt_string.c: msvcrt's <string.h> and the string half of <wchar.h>: return values where msvcrt is
 * not glibc (strcmp/strncmp/memcmp/wcscmp give -1/0/1 on x64), case-insensitive compares in the "C"
 * locale, strtok/wcstok state, _strnset/_strrev/_strdup, the secure variants' errors, strerror
 * messages, strxfrm/strcoll in the "C" locale, multibyte conversions of code page 0. */
#include "ok.h"
#include <errno.h>
#include <wchar.h>

/* Through a volatile pointer, so that GCC cannot fold the calls with constant arguments. */
static const char* volatile vs;
static const char* S(const char* s) { vs = s; return vs; }
static const wchar_t* volatile vw;
static const wchar_t* W(const wchar_t* s) { vw = s; return vw; }

static void test_compare(void) {
    ok(strcmp(S("abc"), S("abd")) == -1, "strcmp less: %d\n", strcmp(S("abc"), S("abd")));
    ok(strcmp(S("abd"), S("abc")) == 1, "strcmp greater: %d\n", strcmp(S("abd"), S("abc")));
    ok(strcmp(S("abc"), S("abc")) == 0, "strcmp equal\n");
    ok(strcmp(S("a\xe9"), S("a")) == 1, "strcmp compares unsigned bytes: %d\n", strcmp(S("a\xe9"), S("a")));
    ok(strncmp(S("abcx"), S("abcy"), 3) == 0, "strncmp 3\n");
    ok(strncmp(S("abcx"), S("abcz"), 4) == -1, "strncmp x64 gives -1: %d\n", strncmp(S("abcx"), S("abcz"), 4));
    {
        /* GCC expands small memcmp calls inline; call msvcrt's through a pointer. */
        int (*volatile p_memcmp)(const void*, const void*, size_t) = memcmp;
        ok(p_memcmp("\x01\x02", "\x01\x05", 2) == -1, "memcmp gives -1: %d\n", p_memcmp("\x01\x02", "\x01\x05", 2));
        ok(p_memcmp("\xff", "\x01", 1) == 1, "memcmp unsigned: %d\n", p_memcmp("\xff", "\x01", 1));
    }
    ok(_stricmp(S("ABC"), S("abd")) == -1, "_stricmp: %d\n", _stricmp(S("ABC"), S("abd")));
    ok(_stricmp(S("abz"), S("ABA")) > 0, "_stricmp greater: %d\n", _stricmp(S("abz"), S("ABA")));
    ok(_stricmp(S("Hello"), S("hELLO")) == 0, "_stricmp equal\n");
    ok(_strnicmp(S("HELLOx"), S("helloy"), 5) == 0, "_strnicmp\n");
    ok(_strcmpi(S("a"), S("B")) < 0, "_strcmpi\n");
    ok(_memicmp(S("AbC"), S("aBc"), 3) == 0, "_memicmp\n");
    ok(wcscmp(W(L"abc"), W(L"abd")) == -1, "wcscmp -1: %d\n", wcscmp(W(L"abc"), W(L"abd")));
    ok(wcscmp(W(L"b"), W(L"a")) == 1, "wcscmp 1\n");
    ok(_wcsicmp(W(L"ABC"), W(L"abc")) == 0, "_wcsicmp\n");
    ok(_wcsnicmp(W(L"ABCd"), W(L"abcE"), 3) == 0, "_wcsnicmp\n");
    /* The "C" locale collates by code unit. */
    ok(strcoll(S("B"), S("a")) < 0, "strcoll is strcmp in the C locale\n");
    ok(wcscoll(W(L"B"), W(L"a")) < 0, "wcscoll is wcscmp in the C locale\n");
}

static void test_copy_and_search(void) {
    char buf[32], *p;
    wchar_t wbuf[32];

    strcpy(buf, "hello");
    ok(strlen(buf) == 5, "strlen\n");
    strcat(buf, " world");
    ok(!strcmp(buf, "hello world"), "strcat: %s\n", buf);
    ok(strchr(buf, 'o') == buf + 4, "strchr\n");
    ok(strrchr(buf, 'o') == buf + 7, "strrchr\n");
    ok(strchr(buf, 0) == buf + 11, "strchr finds the terminator\n");
    ok(strstr(buf, "wor") == buf + 6, "strstr\n");
    ok(strspn("aabbc", "ab") == 4, "strspn\n");
    ok(strcspn("xyzab", "ab") == 3, "strcspn\n");
    p = strpbrk(buf, "wd");
    ok(p == buf + 6, "strpbrk\n");
    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "ab", 5);
    ok(!memcmp(buf, "ab\0\0\0x", 6), "strncpy pads with NULs\n");

    strcpy(buf, "abcdef");
    ok(_strrev(buf) == buf && !strcmp(buf, "fedcba"), "_strrev: %s\n", buf);
    strcpy(buf, "abcdef");
    p = _strnset(buf, '*', 3);
    ok(!strcmp(buf, "***def"), "_strnset: %s\n", buf);
    strcpy(buf, "abc");
    ok(_strset(buf, 'z') == buf && !strcmp(buf, "zzz"), "_strset\n");
    strcpy(buf, "MiXeD 123");
    ok(!strcmp(_strlwr(buf), "mixed 123"), "_strlwr: %s\n", buf);
    ok(!strcmp(_strupr(buf), "MIXED 123"), "_strupr: %s\n", buf);
    p = _strdup("dup");
    ok(p && !strcmp(p, "dup"), "_strdup\n");
    free(p);
    ok(_strdup(NULL) == NULL, "_strdup(NULL)\n");

    wcscpy(wbuf, L"abc");
    wcscat(wbuf, L"def");
    ok(!wcscmp(wbuf, L"abcdef") && wcslen(wbuf) == 6, "wcscpy/wcscat\n");
    ok(wcschr(wbuf, L'd') == wbuf + 3, "wcschr\n");
    ok(wcsrchr(L"abab", L'b') != NULL, "wcsrchr\n");
    ok(wcsstr(wbuf, L"cd") == wbuf + 2, "wcsstr\n");
    ok(wcsspn(L"aab", L"a") == 2 && wcscspn(L"xxa", L"a") == 2, "wcsspn/wcscspn\n");
    ok(!wcscmp(_wcsupr(wbuf), L"ABCDEF"), "_wcsupr\n");
    ok(!wcscmp(_wcslwr(wbuf), L"abcdef"), "_wcslwr\n");
    ok(!wcscmp(_wcsrev(wbuf), L"fedcba"), "_wcsrev\n");
    wchar_t* wd = _wcsdup(L"wide");
    ok(wd && !wcscmp(wd, L"wide"), "_wcsdup\n");
    free(wd);
    wcsncpy(wbuf, L"xy", 4);
    ok(wbuf[0] == 'x' && wbuf[2] == 0 && wbuf[3] == 0, "wcsncpy pads\n");
}

static void test_tokens(void) {
    char s[] = "  one,two;;three ";
    char* t = strtok(s, " ,;");
    ok(t && !strcmp(t, "one"), "strtok 1: %s\n", t);
    t = strtok(NULL, " ,;");
    ok(t && !strcmp(t, "two"), "strtok 2: %s\n", t);
    t = strtok(NULL, " ,;");
    ok(t && !strcmp(t, "three"), "strtok 3: %s\n", t);
    ok(strtok(NULL, " ,;") == NULL, "strtok end\n");
    ok(strtok(NULL, " ,;") == NULL, "strtok stays at the end\n");

    wchar_t w[] = L"a b";
    wchar_t* wt = wcstok(w, L" ");  /* msvcrt's wcstok: two arguments */
    ok(wt && !wcscmp(wt, L"a"), "wcstok 1\n");
    wt = wcstok(NULL, L" ");
    ok(wt && !wcscmp(wt, L"b"), "wcstok 2\n");

    char s2[] = "x:y";
    char* ctx = NULL;
    t = strtok_s(s2, ":", &ctx);
    ok(t && !strcmp(t, "x") && ctx && !strcmp(ctx, "y"), "strtok_s\n");
}

static void test_secure(void) {
    char buf[4];
    errno = 0;
    ok(strcpy_s(buf, sizeof(buf), "abc") == 0 && !strcmp(buf, "abc"), "strcpy_s fits\n");
    ok(strcpy_s(buf, sizeof(buf), "abcd") == ERANGE && buf[0] == 0, "strcpy_s too long: ERANGE, emptied\n");
    ok(errno == ERANGE, "strcpy_s errno %d\n", errno);
    errno = 0;
    ok(strcpy_s(NULL, 4, "a") == EINVAL && errno == EINVAL, "strcpy_s NULL dest\n");
    strcpy(buf, "a");
    ok(strcat_s(buf, sizeof(buf), "bc") == 0 && !strcmp(buf, "abc"), "strcat_s\n");
    ok(strncpy_s(buf, sizeof(buf), "abcdef", _TRUNCATE) == STRUNCATE && !strcmp(buf, "abc"), "strncpy_s _TRUNCATE\n");
}

static void test_strerror(void) {
    ok(!strcmp(strerror(ENOENT), "No such file or directory"), "strerror(ENOENT): %s\n", strerror(ENOENT));
    ok(!strcmp(strerror(EINVAL), "Invalid argument"), "strerror(EINVAL): %s\n", strerror(EINVAL));
    ok(!strcmp(strerror(ENOMEM), "Not enough space"), "msvcrt's ENOMEM text: %s\n", strerror(ENOMEM));
    ok(!strcmp(strerror(1000), "Unknown error"), "strerror(1000): %s\n", strerror(1000));
    {
        char** volatile list = _sys_errlist;
        ok(!strcmp(list[EACCES], "Permission denied"), "_sys_errlist\n");
    }
    ok(_sys_nerr == 43, "_sys_nerr %d\n", _sys_nerr);
    errno = EBADF;
    ok(!strcmp(_strerror("pfx"), "pfx: Bad file descriptor\n"), "_strerror: %s\n", _strerror("pfx"));
}

static void test_xfrm(void) {
    char buf[8];
    wchar_t wbuf[8];
    ok(strxfrm(buf, "abc", sizeof(buf)) == 3 && !strcmp(buf, "abc"), "strxfrm copies in the C locale\n");
    ok(strxfrm(NULL, "abcdef", 0) == 6, "strxfrm size query\n");
    ok(wcsxfrm(wbuf, L"ab", 8) == 2 && !wcscmp(wbuf, L"ab"), "wcsxfrm\n");
}

static void test_multibyte(void) {
    wchar_t w[8];
    char c[8];
    int n;
    ok(MB_CUR_MAX == 1, "MB_CUR_MAX %d\n", (int)MB_CUR_MAX);
    ok(mbtowc(w, "\xe9", 1) == 1 && w[0] == 0xe9, "code page 0: bytes are Latin-1: %04x\n", w[0]);
    ok(mbtowc(w, "", 1) == 0 && w[0] == 0, "mbtowc NUL\n");
    ok(mblen("x", 1) == 1 && mblen("", 1) == 0 && mblen(NULL, 0) == 0, "mblen\n");
    ok(wctomb(c, 0xe9) == 1 && (unsigned char)c[0] == 0xe9, "wctomb Latin-1\n");
    errno = 0;
    ok(wctomb(c, 0x20ac) == -1 && errno == EILSEQ, "wctomb of a character above 0xFF: EILSEQ (%d)\n", errno);
    ok(mbstowcs(w, "ab\xff", 8) == 3 && w[2] == 0xff && w[3] == 0, "mbstowcs\n");
    ok(mbstowcs(NULL, "abcd", 0) == 4, "mbstowcs length\n");
    ok(wcstombs(c, L"xy", 8) == 2 && !strcmp(c, "xy"), "wcstombs\n");
    errno = 0;
    n = (int)wcstombs(c, L"a\x20ac", 8);
    ok(n == -1 && errno == EILSEQ, "wcstombs fails on U+20AC: %d %d\n", n, errno);
}

START_TEST(crt_string)
{
    test_compare();
    test_copy_and_search();
    test_tokens();
    test_secure();
    test_strerror();
    test_xfrm();
    test_multibyte();
}
