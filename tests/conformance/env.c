/* env.c: the process environment: GetEnvironmentVariableA/W sizes and errors, SetEnvironmentVariable
 * (set, replace, empty, delete), case-insensitive names, GetEnvironmentStrings block format, and
 * msvcrt's own copy of the environment (getenv does not see SetEnvironmentVariable; _putenv updates
 * both). CRT functions winrun may not have yet are looked up with GetProcAddress, so that a missing
 * one is one failed check rather than the end of the program. */
#include "ok.h"

static int cmp_ci(const char* a, const char* b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'a' && x <= 'z') x -= 32;
        if (y >= 'a' && y <= 'z') y -= 32;
        if (x != y || !x) return x - y;
    }
}
static int wcmp(const WCHAR* a, const WCHAR* b) {
    while (*a && *a == *b) a++, b++;
    return (int)*a - (int)*b;
}

static void test_GetSetA(void) {
    static const char name[] = "WinRun_Test_Var";
    static const char name_cased[] = "wINrUN_tEST_vAR";
    static const char value[] = "SomeValue";
    char buf[256];
    DWORD r;
    BOOL b;

    SetLastError(0xdeadbeef);
    b = SetEnvironmentVariableA(name, value);
    ok(b, "SetEnvironmentVariableA failed: %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA(name, NULL, 0);
    ok(r == sizeof(value), "size query: expected %u (length + NUL), got %lu\n", (unsigned)sizeof(value), r);
    ok(GetLastError() == 0xdeadbeef, "size query changed the last error to %lu\n", GetLastError());

    strcpy(buf, "foo");
    r = GetEnvironmentVariableA(name, buf, sizeof(value) - 1);
    ok(r == sizeof(value), "buffer one too small: expected %u, got %lu\n", (unsigned)sizeof(value), r);
    ok(!strcmp(buf, "foo"), "buffer too small: the buffer was changed to %s\n", wine_dbgstr_a(buf));

    strcpy(buf, "foo");
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA(name, buf, sizeof(value));
    ok(r == sizeof(value) - 1, "exact buffer: expected %u (length without NUL), got %lu\n", (unsigned)sizeof(value) - 1, r);
    ok(!strcmp(buf, value), "expected %s, got %s\n", value, wine_dbgstr_a(buf));
    ok(GetLastError() == 0xdeadbeef, "a successful GetEnvironmentVariableA changed the last error to %lu\n", GetLastError());

    strcpy(buf, "foo");
    r = GetEnvironmentVariableA(name_cased, buf, sizeof(buf));
    ok(r == sizeof(value) - 1 && !strcmp(buf, value), "names are case-insensitive: got %lu %s\n", r, wine_dbgstr_a(buf));

    /* replace */
    ok(SetEnvironmentVariableA(name_cased, "Other"), "replacing failed: %lu\n", GetLastError());
    r = GetEnvironmentVariableA(name, buf, sizeof(buf));
    ok(r == 5 && !strcmp(buf, "Other"), "after replace: expected \"Other\", got %lu %s\n", r, wine_dbgstr_a(buf));

    /* delete */
    ok(SetEnvironmentVariableA(name_cased, NULL), "deleting failed: %lu\n", GetLastError());
    strcpy(buf, "foo");
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA(name, buf, sizeof(buf));
    ok(r == 0, "deleted variable: expected 0, got %lu\n", r);
    ok(GetLastError() == ERROR_ENVVAR_NOT_FOUND, "deleted variable: expected ERROR_ENVVAR_NOT_FOUND, got %lu\n", GetLastError());
    ok(!strcmp(buf, "foo"), "not found: the buffer was changed to %s\n", wine_dbgstr_a(buf));

    /* deleting again leaves it deleted */
    SetEnvironmentVariableA(name, NULL);
    SetLastError(0xdeadbeef);
    ok(GetEnvironmentVariableA(name, NULL, 0) == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND,
       "a twice-deleted variable was found (last error %lu)\n", GetLastError());

    /* an empty value is a value (NT): 0 characters, last error untouched */
    ok(SetEnvironmentVariableA(name, ""), "setting an empty value failed: %lu\n", GetLastError());
    strcpy(buf, "foo");
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA(name, buf, sizeof(buf));
    ok(r == 0 && GetLastError() == 0xdeadbeef && !strcmp(buf, ""),
       "empty value: expected 0, last error untouched, \"\"; got %lu, %lu, %s\n", r, GetLastError(), wine_dbgstr_a(buf));
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA(name, NULL, 0);
    ok(r == 1, "empty value size query: expected 1, got %lu\n", r);
    ok(GetLastError() == 0xdeadbeef, "empty value size query changed the last error to %lu\n", GetLastError());
    SetEnvironmentVariableA(name, NULL);

    /* not found */
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA("WinRun_No_Such_Variable_42", buf, sizeof(buf));
    ok(r == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND, "missing variable: expected 0/ERROR_ENVVAR_NOT_FOUND, got %lu/%lu\n",
       r, GetLastError());
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableA("", buf, sizeof(buf));
    ok(r == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND, "empty name: expected 0/ERROR_ENVVAR_NOT_FOUND, got %lu/%lu\n", r,
       GetLastError());

    /* '=' cannot be part of a name */
    SetLastError(0xdeadbeef);
    b = SetEnvironmentVariableA("WinRun=Bad", "x");
    ok(!b, "SetEnvironmentVariableA with '=' in the name succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "'=' in the name: expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());

    /* a value with non-ASCII characters: ANSI in, ANSI out, and the wide form is the Unicode one */
    {
        WCHAR wbuf[16];
        ok(SetEnvironmentVariableA(name, "caf\xe9"), "SetEnvironmentVariableA failed\n");
        r = GetEnvironmentVariableW(L"WinRun_Test_Var", wbuf, 16);
        ok(r == 4 && !wcmp(wbuf, L"caf\x00e9"), "ANSI value read as wide: expected L\"caf\\x00e9\", got %lu %s\n", r,
           wine_dbgstr_w(wbuf));
        SetEnvironmentVariableA(name, NULL);
    }
}

static void test_GetSetW(void) {
    static const WCHAR name[] = L"WinRun_Test_VarW";
    static const WCHAR value[] = L"Wert\x00fc\x65e5";
    WCHAR buf[64];
    char abuf[64];
    DWORD r;

    ok(SetEnvironmentVariableW(name, value), "SetEnvironmentVariableW failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableW(name, NULL, 0);
    ok(r == 7, "W size query: expected 7, got %lu\n", r);
    ok(GetLastError() == 0xdeadbeef, "W size query changed the last error to %lu\n", GetLastError());
    r = GetEnvironmentVariableW(name, buf, 6);
    ok(r == 7, "W buffer too small: expected 7, got %lu\n", r);
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableW(L"WINRUN_TEST_VARW", buf, 64);
    ok(r == 6 && !wcmp(buf, value), "W: expected %s, got %lu %s\n", wine_dbgstr_w(value), r, wine_dbgstr_w(buf));
    ok(GetLastError() == 0xdeadbeef, "a successful GetEnvironmentVariableW changed the last error to %lu\n", GetLastError());
    /* read back in ANSI: characters outside 1252 become '?' */
    r = GetEnvironmentVariableA("WinRun_Test_VarW", abuf, sizeof(abuf));
    ok(r == 6 && !strcmp(abuf, "Wert\xfc?"), "A view of a wide value: expected \"Wert\\xfc?\", got %lu %s\n", r,
       wine_dbgstr_a(abuf));
    ok(SetEnvironmentVariableW(name, NULL), "SetEnvironmentVariableW delete failed\n");
    SetLastError(0xdeadbeef);
    r = GetEnvironmentVariableW(name, buf, 64);
    ok(r == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND, "W deleted: expected 0/203, got %lu/%lu\n", r, GetLastError());
}

static int has_eq(const WCHAR* p) {
    for (; *p; p++)
        if (*p == '=') return 1;
    return 0;
}

static void test_block(void) {
    WCHAR *env1, *env2, *p;
    char *envA, *q;
    int found = 0, entries = 0, well_formed = 1;

    ok(SetEnvironmentVariableW(L"WinRun_Block_Test", L"bval"), "SetEnvironmentVariableW failed\n");
    env1 = GetEnvironmentStringsW();
    env2 = GetEnvironmentStringsW();
    ok(env1 != NULL, "GetEnvironmentStringsW returned NULL\n");
    if (!env1) return;
    ok(env1 != env2, "GetEnvironmentStringsW returned the same block twice (expected a fresh copy each time)\n");
    /* "NAME=value\0NAME=value\0...\0" */
    for (p = env1; *p; p += wcslen(p) + 1) {
        entries++;
        if (!has_eq(p + 1)) {  /* (an entry may start with '=', like "=C:=C:\dir") */
            well_formed = 0;
            trace("entry without '=': %s\n", wine_dbgstr_w(p));
        }
        if (!wcmp(p, L"WinRun_Block_Test=bval")) found++;
    }
    ok(entries > 0, "the environment block is empty\n");
    ok(well_formed, "the block has entries without '='\n");
    ok(found == 1, "\"WinRun_Block_Test=bval\" found %d times in the block, expected once\n", found);
    ok(FreeEnvironmentStringsW(env1), "FreeEnvironmentStringsW failed\n");
    if (env2) FreeEnvironmentStringsW(env2);

    /* mingw's headers bind GetEnvironmentStringsA to kernel32's older export name "GetEnvironmentStrings";
     * Windows exports both. (Looked up by name so that a missing one does not end the test.) */
    {
        char* (WINAPI * pGetEnvironmentStrings)(void) =
            (void*)GetProcAddress(GetModuleHandleA("kernel32.dll"), "GetEnvironmentStrings");
        void* pA = (void*)GetProcAddress(GetModuleHandleA("kernel32.dll"), "GetEnvironmentStringsA");
        ok(pGetEnvironmentStrings != NULL, "kernel32.dll does not export GetEnvironmentStrings\n");
        ok(pA != NULL, "kernel32.dll does not export GetEnvironmentStringsA\n");
        if (!pGetEnvironmentStrings) pGetEnvironmentStrings = pA;
        if (!pGetEnvironmentStrings) return;
        envA = pGetEnvironmentStrings();
    }
    ok(envA != NULL, "GetEnvironmentStringsA returned NULL\n");
    found = 0;
    if (envA) {
        for (q = envA; *q; q += strlen(q) + 1)
            if (!strcmp(q, "WinRun_Block_Test=bval")) found++;
        ok(found == 1, "ANSI block: the variable was found %d times, expected once\n", found);
        ok(FreeEnvironmentStringsA(envA), "FreeEnvironmentStringsA failed\n");
    }
    SetEnvironmentVariableW(L"WinRun_Block_Test", NULL);
}

static void test_predefined(void) {
    char sysroot[MAX_PATH], windir[MAX_PATH];
    DWORD r = GetEnvironmentVariableA("SystemRoot", sysroot, sizeof(sysroot));
    DWORD w = GetWindowsDirectoryA(windir, sizeof(windir));
    ok(r > 0 && r < sizeof(sysroot), "SystemRoot is not set (%lu)\n", r);
    ok(w > 0 && w < sizeof(windir), "GetWindowsDirectoryA failed (%lu)\n", w);
    ok(!cmp_ci(sysroot, windir), "%%SystemRoot%% %s differs from GetWindowsDirectory %s\n", sysroot, windir);
    r = GetEnvironmentVariableA("PATH", NULL, 0);
    ok(r > 0, "PATH is not set\n");
}

/* msvcrt keeps its own copy of the environment, taken at start-up. */
static void test_crt_copy(void) {
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    char* (__cdecl * p_getenv)(const char*) = NULL;
    int (__cdecl * p_putenv)(const char*) = NULL;
    wchar_t* (__cdecl * p_wgetenv)(const wchar_t*) = NULL;
    char buf[64];
    DWORD r;

    ok(crt != NULL, "msvcrt.dll is not loaded\n");
    if (!crt) return;
    p_getenv = (void*)GetProcAddress(crt, "getenv");
    p_putenv = (void*)GetProcAddress(crt, "_putenv");
    p_wgetenv = (void*)GetProcAddress(crt, "_wgetenv");
    ok(p_getenv != NULL, "msvcrt.dll does not export getenv\n");
    ok(p_putenv != NULL, "msvcrt.dll does not export _putenv\n");
    ok(p_wgetenv != NULL, "msvcrt.dll does not export _wgetenv\n");

    if (p_getenv) {
        char* path = p_getenv("PATH");
        char* path_lower = p_getenv("path");
        ok(path != NULL, "getenv(\"PATH\") returned NULL\n");
        ok(path_lower == path, "getenv is case-insensitive on Windows: getenv(\"path\") %p, getenv(\"PATH\") %p\n", path_lower, path);
        ok(p_getenv("WinRun_No_Such_Variable_42") == NULL, "getenv of a missing variable is not NULL\n");

        ok(SetEnvironmentVariableA("WinRun_Crt_Test", "k32"), "SetEnvironmentVariableA failed\n");
        ok(p_getenv("WinRun_Crt_Test") == NULL,
           "getenv sees a variable set by SetEnvironmentVariableA (%s): msvcrt's copy must not change\n",
           wine_dbgstr_a(p_getenv("WinRun_Crt_Test")));
        SetEnvironmentVariableA("WinRun_Crt_Test", NULL);
    }
    if (p_putenv) {
        ok(p_putenv("WinRun_Crt_Put=crt") == 0, "_putenv failed\n");
        r = GetEnvironmentVariableA("WinRun_Crt_Put", buf, sizeof(buf));
        ok(r == 3 && !strcmp(buf, "crt"), "_putenv does not update the process environment: got %lu %s\n", r, wine_dbgstr_a(buf));
        if (p_getenv) {
            char* v = p_getenv("WinRun_Crt_Put");
            ok(v && !strcmp(v, "crt"), "getenv after _putenv: expected \"crt\", got %s\n", wine_dbgstr_a(v));
        }
        if (p_wgetenv) {
            wchar_t* v = p_wgetenv(L"WinRun_Crt_Put");
            ok(v && !wcmp(v, L"crt"), "_wgetenv after _putenv: expected L\"crt\", got %s\n", wine_dbgstr_w(v));
        }
        ok(p_putenv("WinRun_Crt_Put=") == 0, "_putenv delete failed\n");  /* "NAME=" deletes */
        SetLastError(0xdeadbeef);
        r = GetEnvironmentVariableA("WinRun_Crt_Put", buf, sizeof(buf));
        ok(r == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND, "_putenv(\"NAME=\") did not delete the variable (%lu)\n", r);
        if (p_getenv) ok(p_getenv("WinRun_Crt_Put") == NULL, "getenv still sees a variable deleted by _putenv\n");
    }
}

static void test_expand(void) {
    DWORD (WINAPI * pExpandA)(const char*, char*, DWORD) =
        (void*)GetProcAddress(GetModuleHandleA("kernel32.dll"), "ExpandEnvironmentStringsA");
    char buf[128];
    DWORD r;
    ok(pExpandA != NULL, "kernel32.dll does not export ExpandEnvironmentStringsA\n");
    if (!pExpandA) return;
    SetEnvironmentVariableA("WinRunTVar", "WINE");
    r = pExpandA("%WinRunTVar% x %NotAnEnvVarWinRun%", buf, sizeof(buf));
    ok(r == strlen("WINE x %NotAnEnvVarWinRun%") + 1 && !strcmp(buf, "WINE x %NotAnEnvVarWinRun%"),
       "ExpandEnvironmentStringsA: got %lu %s\n", r, wine_dbgstr_a(buf));
    SetEnvironmentVariableA("WinRunTVar", NULL);
}

START_TEST(env)
{
    test_GetSetA();
    test_GetSetW();
    test_block();
    test_predefined();
    test_crt_copy();
    test_expand();
}
