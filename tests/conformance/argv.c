/* argv.c: the program's arguments as msvcrt gives them (narrow argv in the ANSI code page, wide
 * argv exact), and the command line they were parsed from.
 *
 * Run with no arguments (CTest) it checks only what it can check alone. loader_cli.sh runs it with
 * tricky arguments and compares the dump this program prints:
 *     argc=N
 *     A<i>:<bytes of argv[i] in hex>
 *     W<i>:<UTF-16 code units of the wide argv[i], 4 hex digits each>
 * stdout is switched to binary mode so the lines end in LF only. */
#include "ok.h"
#include <fcntl.h>
#include <io.h>

/* msvcrt's wide counterpart of __getmainargs; a narrow main() program only has __wargv once it
 * has been called (on Windows __wargv is NULL until then). */
typedef struct { int newmode; } startupinfo_t;
__declspec(dllimport) int __cdecl __wgetmainargs(int* argc, wchar_t*** argv, wchar_t*** envp, int glob, startupinfo_t* si);
__declspec(dllimport) extern char* _acmdln; /* msvcrt data export: the narrow command line */

/* msvcrt.dll's command-line splitting rules (the pre-2008 VC runtime msvcrt.dll still uses):
 * argv[0] ends at the first blank, or is the text between quotes with no escapes;
 * 2n backslashes + quote -> n backslashes and the quote toggles quoting;
 * 2n+1 backslashes + quote -> n backslashes and a literal quote; other backslashes are literal;
 * inside quotes "" is a literal quote (and quoting ends). */
static int split_w(const WCHAR* p, WCHAR out[][256], int max) {
    int n = 0, len = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"' && len < 255) out[n][len++] = *p++;
        if (*p == '"') p++;
    } else {
        while (*p && *p != ' ' && *p != '\t' && len < 255) out[n][len++] = *p++;
    }
    out[n++][len] = 0;
    for (;;) {
        int inquote = 0;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || n >= max) break;
        len = 0;
        for (;;) {
            int copy = 1, slashes = 0;
            while (*p == '\\') { p++; slashes++; }
            if (*p == '"') {
                if (slashes % 2 == 0) {
                    if (inquote && p[1] == '"') p++;
                    else copy = 0;
                    inquote = !inquote;
                }
                slashes /= 2;
            }
            while (slashes-- > 0 && len < 255) out[n][len++] = '\\';
            if (!*p || (!inquote && (*p == ' ' || *p == '\t'))) break;
            if (copy && len < 255) out[n][len++] = *p;
            p++;
        }
        out[n++][len] = 0;
    }
    return n;
}

static WCHAR parsed[64][256];

/* Local helpers, so that this test depends only on the CRT functions it is about. */
static int ascii_stricmp(const char* a, const char* b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y || !x) return x - y;
    }
}
static int wcscmp_(const WCHAR* a, const WCHAR* b) {
    while (*a && *a == *b) a++, b++;
    return (int)*a - (int)*b;
}

START_TEST(argv)
{
    int wargc = -1, i;
    wchar_t** wargv = NULL;
    wchar_t** wenv = NULL;
    startupinfo_t si = {0};
    const WCHAR* cmdw;
    const char* cmda;
    int n;

    ok(__argc == winetest_argc, "__argc: expected %d (main's argc), got %d\n", winetest_argc, __argc);
    /* (mingw's start-up code gives main() a copy of __argv: compare the strings, not the pointers) */
    for (i = 0; i < __argc && i < winetest_argc; i++)
        ok(!strcmp(__argv[i], winetest_argv[i]), "__argv[%d] %s differs from main's argv[%d] %s\n", i,
           wine_dbgstr_a(__argv[i]), i, wine_dbgstr_a(winetest_argv[i]));
    ok(winetest_argc >= 1 && winetest_argv[winetest_argc] == NULL, "argv[argc] is not NULL\n");

    ok(__wgetmainargs(&wargc, &wargv, &wenv, 0, &si) == 0, "__wgetmainargs failed\n");
    ok(wargc == winetest_argc, "wide argc: expected %d, got %d\n", winetest_argc, wargc);
    ok(wargv != NULL && wargv[wargc] == NULL, "wide argv[argc] is not NULL\n");
    ok(__wargv == wargv, "__wargv: expected %p (from __wgetmainargs), got %p\n", wargv, __wargv);
    if (!wargv || wargc != winetest_argc) return;

    /* argv[0] names this program. */
    {
        const char* a0 = winetest_argv[0];
        size_t l = strlen(a0);
        ok((l >= 8 && !ascii_stricmp(a0 + l - 8, "argv.exe")) || (l >= 4 && !ascii_stricmp(a0 + l - 4, "argv")),
           "argv[0] %s does not name argv(.exe)\n", wine_dbgstr_a(a0));
    }

    /* The narrow arguments are the wide ones in the ANSI code page. */
    for (i = 0; i < wargc; i++) {
        char conv[1024];
        int r = WideCharToMultiByte(CP_ACP, 0, wargv[i], -1, conv, sizeof(conv), NULL, NULL);
        ok(r > 0 && !strcmp(conv, winetest_argv[i]), "argv[%d]: narrow %s is not the ANSI form %s of wide %s\n", i,
           wine_dbgstr_a(winetest_argv[i]), wine_dbgstr_a(conv), wine_dbgstr_w(wargv[i]));
    }

    /* GetCommandLineW round-trips: splitting it gives the wide argv. */
    cmdw = GetCommandLineW();
    ok(cmdw != NULL && cmdw[0] != 0, "GetCommandLineW returned an empty line\n");
    n = split_w(cmdw, parsed, 64);
    ok(n == wargc, "GetCommandLineW %s splits into %d arguments, argc is %d\n", wine_dbgstr_w(cmdw), n, wargc);
    for (i = 0; i < n && i < wargc; i++)
        ok(!wcscmp_(parsed[i], wargv[i]), "GetCommandLineW argument %d: split %s, argv has %s\n", i,
           wine_dbgstr_w(parsed[i]), wine_dbgstr_w(wargv[i]));

    /* GetCommandLineA is the ANSI form of GetCommandLineW, and msvcrt's _acmdln is that line. */
    cmda = GetCommandLineA();
    {
        static char conv[4096];
        WideCharToMultiByte(CP_ACP, 0, cmdw, -1, conv, sizeof(conv), NULL, NULL);
        ok(!strcmp(conv, cmda), "GetCommandLineA %s is not the ANSI form %s of GetCommandLineW\n", wine_dbgstr_a(cmda),
           wine_dbgstr_a(conv));
        ok(_acmdln != NULL && !strcmp(_acmdln, cmda), "_acmdln %s differs from GetCommandLineA %s\n",
           wine_dbgstr_a(_acmdln), wine_dbgstr_a(cmda));
        ok(GetCommandLineW() == cmdw, "GetCommandLineW returned a different pointer the second time\n");
    }

    /* The dump loader_cli.sh compares. */
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
    printf("argc=%d\n", wargc);
    for (i = 0; i < wargc; i++) {
        const unsigned char* s = (const unsigned char*)winetest_argv[i];
        const wchar_t* w = wargv[i];
        printf("A%d:", i);
        for (; *s; s++) printf("%02x", *s);
        printf("\nW%d:", i);
        for (; *w; w++) printf("%04x", (unsigned)*w);
        printf("\n");
    }
    fflush(stdout);
}
