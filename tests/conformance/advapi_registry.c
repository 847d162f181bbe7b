// build: -ladvapi32
/* The registry API: keys, values, types, sizes, error codes, RegGetValue flags, predefined content.
 * Works under HKCU\Software\WinrunTest (removed at the start and the end).
 * With arguments it is a helper for the persistence test:
 *   advapi_registry.exe write <value>   sets HKCU\Software\WinrunTest\Persist "Value" and exits
 *   advapi_registry.exe read            prints that value
 *   advapi_registry.exe loop <n>        rewrites "Counter" n times (for the kill test) */
#include "ok.h"

#define TESTKEY "Software\\WinrunTest"

static void cleanup(void) { RegDeleteTreeA(HKEY_CURRENT_USER, TESTKEY); RegDeleteKeyA(HKEY_CURRENT_USER, TESTKEY); }

static int helper(int argc, char** argv) {
    HKEY k;
    if (RegCreateKeyExA(HKEY_CURRENT_USER, TESTKEY "\\Persist", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL)) return 10;
    if (!strcmp(argv[1], "write") && argc > 2) {
        LSTATUS r = RegSetValueExA(k, "Value", 0, REG_SZ, (const BYTE*)argv[2], (DWORD)strlen(argv[2]) + 1);
        RegCloseKey(k);
        return r ? 11 : 0;
    }
    if (!strcmp(argv[1], "read")) {
        char buf[256];
        DWORD size = sizeof(buf), type;
        LSTATUS r = RegQueryValueExA(k, "Value", NULL, &type, (BYTE*)buf, &size);
        RegCloseKey(k);
        if (r) { printf("(error %ld)\n", (long)r); return 12; }
        printf("%s\n", buf);
        return 0;
    }
    if (!strcmp(argv[1], "loop") && argc > 2) {
        int n = atoi(argv[2]);
        char buf[600];
        for (int i = 0; i < n; i++) {
            /* a value long enough that a torn write would show */
            int len = sprintf(buf, "%08d:", i);
            memset(buf + len, 'a' + i % 26, 500);
            buf[len + 500] = 0;
            if (RegSetValueExA(k, "Counter", 0, REG_SZ, (const BYTE*)buf, (DWORD)strlen(buf) + 1)) return 13;
        }
        RegCloseKey(k);
        return 0;
    }
    return 14;
}

static void test_create_open(void) {
    HKEY k, k2, k3;
    DWORD disp = 0;
    LSTATUS r;

    r = RegCreateKeyExA(HKEY_CURRENT_USER, TESTKEY "\\A\\B", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, &disp);
    ok(r == ERROR_SUCCESS, "RegCreateKeyExA: %ld\n", r);
    ok(disp == REG_CREATED_NEW_KEY, "disposition %lu\n", disp);
    RegCloseKey(k);
    r = RegCreateKeyExA(HKEY_CURRENT_USER, TESTKEY "\\a\\b", 0, NULL, 0, KEY_READ, NULL, &k, &disp);
    ok(r == ERROR_SUCCESS && disp == REG_OPENED_EXISTING_KEY, "existing key: %ld disposition %lu\n", r, disp);

    /* case-insensitive, trailing backslashes accepted, leading one refused */
    r = RegOpenKeyExA(HKEY_CURRENT_USER, "SOFTWARE\\winruntest\\a", 0, KEY_READ, &k2);
    ok(r == ERROR_SUCCESS, "case-insensitive open: %ld\n", r);
    if (!r) RegCloseKey(k2);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, TESTKEY "\\A\\\\", 0, KEY_READ, &k2);
    ok(r == ERROR_SUCCESS, "trailing backslashes: %ld\n", r);
    if (!r) RegCloseKey(k2);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, "\\" TESTKEY, 0, KEY_READ, &k2);
    ok(r == ERROR_BAD_PATHNAME, "leading backslash: %ld\n", r);

    k2 = (HKEY)0xdeadbeef;
    r = RegOpenKeyExA(HKEY_CURRENT_USER, TESTKEY "\\Missing", 0, KEY_READ, &k2);
    ok(r == ERROR_FILE_NOT_FOUND, "missing key: %ld\n", r);
    ok(k2 == NULL, "handle on failure %p\n", k2);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, TESTKEY "\\Missing", 0, KEY_READ, &k2);
    ok(r == ERROR_FILE_NOT_FOUND, "open did not create: %ld\n", r);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, TESTKEY, 0, KEY_READ, NULL);
    ok(r == ERROR_INVALID_PARAMETER, "NULL result: %ld\n", r);
    r = RegOpenKeyExA((HKEY)(ULONG_PTR)0x1234560, TESTKEY, 0, KEY_READ, &k2);
    ok(r == ERROR_INVALID_HANDLE, "bad handle: %ld\n", r);
    ok(RegCloseKey((HKEY)(ULONG_PTR)0x1234560) == ERROR_INVALID_HANDLE, "RegCloseKey of a bad handle\n");
    ok(RegCloseKey(HKEY_CURRENT_USER) == ERROR_SUCCESS, "RegCloseKey of a predefined key\n");

    /* RegOpenKey without a subkey returns the same handle */
    k3 = NULL;
    r = RegOpenKeyA(k, NULL, &k3);
    ok(r == ERROR_SUCCESS && k3 == k, "RegOpenKeyA(NULL): %ld %p %p\n", r, k3, k);
    /* only the low 32 bits of a predefined key count */
    r = RegOpenKeyA((HKEY)(ULONG_PTR)(HandleToUlong(HKEY_CURRENT_USER)), "Software", &k3);
    ok(r == ERROR_SUCCESS, "zero-extended HKEY_CURRENT_USER: %ld\n", r);
    if (!r) RegCloseKey(k3);

    /* a KEY_READ handle cannot write or create */
    SetLastError(0xdeadbeef);
    r = RegSetValueExA(k, "x", 0, REG_SZ, (const BYTE*)"1", 2);
    ok(r == ERROR_ACCESS_DENIED, "write through KEY_READ: %ld\n", r);
    ok(GetLastError() == 0xdeadbeef, "last error changed to %lu\n", GetLastError());
    r = RegCreateKeyExA(k, "New", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k2, NULL);
    ok(r == ERROR_ACCESS_DENIED, "create through KEY_READ: %ld\n", r);
    RegCloseKey(k);
}

static void test_values(void) {
    HKEY k;
    LSTATUS r;
    DWORD type, size, dw;
    BYTE buf[64];
    WCHAR wbuf[32];
    static const WCHAR helloW[] = L"hello";

    r = RegCreateKeyA(HKEY_CURRENT_USER, TESTKEY "\\Values", &k);
    ok(r == ERROR_SUCCESS, "RegCreateKeyA: %ld\n", r);

    r = RegSetValueExW(k, L"Str", 0, REG_SZ, (const BYTE*)helloW, sizeof(helloW));
    ok(r == ERROR_SUCCESS, "RegSetValueExW: %ld\n", r);
    size = 0;
    type = 0;
    r = RegQueryValueExW(k, L"sTR", NULL, &type, NULL, &size);
    ok(r == ERROR_SUCCESS && type == REG_SZ && size == sizeof(helloW), "size query: %ld type %lu size %lu\n", r, type, size);
    size = 4;
    r = RegQueryValueExW(k, L"Str", NULL, &type, (BYTE*)wbuf, &size);
    ok(r == ERROR_MORE_DATA && size == sizeof(helloW), "small buffer: %ld size %lu\n", r, size);
    size = sizeof(wbuf);
    r = RegQueryValueExW(k, L"Str", NULL, &type, (BYTE*)wbuf, &size);
    ok(r == ERROR_SUCCESS && !wcscmp(wbuf, helloW), "query: %ld %s\n", r, wine_dbgstr_w(wbuf));
    /* A: converted, with the size of the ANSI string */
    size = sizeof(buf);
    r = RegQueryValueExA(k, "Str", NULL, &type, buf, &size);
    ok(r == ERROR_SUCCESS && size == 6 && !strcmp((char*)buf, "hello"), "A query: %ld size %lu\n", r, size);

    /* a string stored without its terminator gets one */
    r = RegSetValueExW(k, L"NoNul", 0, REG_SZ, (const BYTE*)helloW, 5 * sizeof(WCHAR));
    ok(r == ERROR_SUCCESS, "set: %ld\n", r);
    size = 0;
    RegQueryValueExW(k, L"NoNul", NULL, NULL, NULL, &size);
    ok(size == sizeof(helloW), "off-by-one string size %lu\n", size);
    /* an odd-sized string is kept as it is: RegQueryValueEx adds nothing, RegGetValue does */
    r = RegSetValueExW(k, L"Odd", 0, REG_SZ, (const BYTE*)"abc", 3);
    size = 0;
    RegQueryValueExW(k, L"Odd", NULL, NULL, NULL, &size);
    ok(size == 3, "odd-sized string: %lu\n", size);
    memset(buf, 0xcc, sizeof(buf));
    size = sizeof(buf);
    r = RegGetValueW(k, NULL, L"Odd", RRF_RT_REG_SZ, &type, buf, &size);
    ok(r == ERROR_SUCCESS && size >= 4 && buf[size - 1] == 0 && buf[size - 2] == 0, "RegGetValue terminates: %ld size %lu\n", r, size);

    /* zero-byte values */
    r = RegSetValueExA(k, "Empty", 0, REG_SZ, NULL, 0);
    ok(r == ERROR_SUCCESS, "zero-byte set: %ld\n", r);
    size = 10;
    r = RegQueryValueExA(k, "Empty", NULL, &type, buf, &size);
    ok(r == ERROR_SUCCESS && size == 0 && type == REG_SZ, "zero-byte value: %ld size %lu\n", r, size);
    r = RegSetValueExA(k, "Bad", 0, REG_DWORD, NULL, 4);
    ok(r == ERROR_NOACCESS, "NULL data with a size: %ld\n", r);

    /* default value */
    size = sizeof(buf);
    r = RegQueryValueExA(k, NULL, NULL, &type, buf, &size);
    ok(r == ERROR_FILE_NOT_FOUND, "unset default value: %ld\n", r);
    r = RegSetValueExA(k, "", 0, REG_SZ, (const BYTE*)"def", 4);
    ok(r == ERROR_SUCCESS, "set default: %ld\n", r);
    size = sizeof(buf);
    r = RegQueryValueExA(k, NULL, NULL, &type, buf, &size);
    ok(r == ERROR_SUCCESS && !strcmp((char*)buf, "def"), "default value: %ld\n", r);

    /* missing values */
    size = 0xdeadbeef;
    r = RegQueryValueExA(k, "Nope", NULL, &type, NULL, &size);
    ok(r == ERROR_FILE_NOT_FOUND && size == 0, "missing value: %ld size %lu\n", r, size);
    size = sizeof(buf);
    r = RegQueryValueExA(k, "Nope", NULL, &type, buf, &size);
    ok(r == ERROR_FILE_NOT_FOUND && size == sizeof(buf), "missing value with a buffer: %ld size %lu\n", r, size);

    /* DWORD, QWORD, binary; a value keeps its place when replaced */
    dw = 0x12345678;
    ok(!RegSetValueExA(k, "Dword", 0, REG_DWORD, (const BYTE*)&dw, 4), "set dword\n");
    ULONGLONG q = 0x1122334455667788ULL;
    ok(!RegSetValueExA(k, "Qword", 0, REG_QWORD, (const BYTE*)&q, 8), "set qword\n");
    ok(!RegSetValueExA(k, "Bin", 0, REG_BINARY, (const BYTE*)"\x01\x02\x03", 3), "set binary\n");
    dw = 0;
    size = 4;
    r = RegQueryValueExA(k, "DWORD", NULL, &type, (BYTE*)&dw, &size);
    ok(r == 0 && type == REG_DWORD && dw == 0x12345678, "dword: %ld type %lu %lx\n", r, type, dw);
    size = 4; /* the same variable for type and size works */
    r = RegQueryValueExA(k, "Bin", NULL, &size, buf, &size);
    ok(r == 0, "type and size in one variable: %ld\n", r);

    /* RegDeleteValue */
    ok(RegDeleteValueA(k, "bin") == ERROR_SUCCESS, "delete value\n");
    ok(RegDeleteValueA(k, "Bin") == ERROR_FILE_NOT_FOUND, "delete missing value\n");

    /* enumeration: values in creation order */
    char name[32];
    DWORD cch;
    const char* expect[] = {"Str", "NoNul", "Odd", "Empty", "", "Dword", "Qword"};
    DWORD i;
    for (i = 0;; i++) {
        cch = sizeof(name);
        r = RegEnumValueA(k, i, name, &cch, NULL, NULL, NULL, NULL);
        if (r) break;
        ok(i < 7 && !strcmp(name, expect[i]) && cch == strlen(expect[i]), "value %lu: %s\n", i, name);
    }
    ok(r == ERROR_NO_MORE_ITEMS && i == 7, "enumerated %lu values, ended with %ld\n", i, r);
    /* too small a name buffer: ERROR_MORE_DATA and the data size */
    cch = 2;
    size = 0;
    r = RegEnumValueA(k, 0, name, &cch, NULL, &type, NULL, &size);
    ok(r == ERROR_MORE_DATA && size == 6 && type == REG_SZ, "small name buffer: %ld size %lu\n", r, size);
    /* too small a data buffer (W): the name is returned */
    WCHAR wname[32];
    cch = 32;
    size = 2;
    r = RegEnumValueW(k, 0, wname, &cch, NULL, &type, (BYTE*)wbuf, &size);
    ok(r == ERROR_MORE_DATA && cch == 3 && size == sizeof(helloW), "small data buffer: %ld cch %lu size %lu\n", r, cch, size);

    DWORD nsub, maxsub, nval, maxname, maxdata;
    r = RegQueryInfoKeyA(k, NULL, NULL, NULL, &nsub, &maxsub, NULL, &nval, &maxname, &maxdata, NULL, NULL);
    ok(r == 0 && nsub == 0 && nval == 7 && maxname == 5 && maxdata == 12, "info: %ld %lu %lu %lu %lu\n", r, nsub, nval, maxname, maxdata);
    RegCloseKey(k);
}

static void test_get_value(void) {
    HKEY k;
    DWORD type, size, dw;
    ULONGLONG q[2];
    char buf[300];
    LSTATUS r;

    RegCreateKeyA(HKEY_CURRENT_USER, TESTKEY "\\Get", &k);
    dw = 0x12345678;
    RegSetValueExA(k, "DW", 0, REG_DWORD, (const BYTE*)&dw, 4);
    RegSetValueExA(k, "Bin4", 0, REG_BINARY, (const BYTE*)&dw, 4);
    q[0] = 0x8765432112345678ULL;
    RegSetValueExA(k, "Bin8", 0, REG_BINARY, (const BYTE*)q, 8);
    SetEnvironmentVariableA("WINRUN_REG_TEST", "expanded");
    RegSetValueExA(k, "Exp", 0, REG_EXPAND_SZ, (const BYTE*)"x%WINRUN_REG_TEST%y", 20);

    r = RegGetValueA(k, NULL, "DW", RRF_RT_REG_DWORD, &type, &dw, NULL);
    ok(r == ERROR_INVALID_PARAMETER, "data without size: %ld\n", r);
    r = RegGetValueA(k, NULL, "DW", 0, &type, NULL, NULL);
    ok(r == ERROR_INVALID_PARAMETER, "no type flags: %ld\n", r);
    r = RegGetValueA(HKEY_CURRENT_USER, TESTKEY "\\Get", "DW", RRF_RT_REG_DWORD, NULL, NULL, NULL);
    ok(r == ERROR_SUCCESS, "through a subkey: %ld\n", r);

    dw = 0xdeadbeef;
    size = 4;
    r = RegGetValueA(k, NULL, "DW", RRF_RT_REG_BINARY, &type, &dw, &size);
    ok(r == ERROR_UNSUPPORTED_TYPE && type == REG_DWORD && size == 4, "filtered out: %ld type %lu size %lu\n", r, type, size);
    dw = 0xdeadbeef;
    size = 4;
    r = RegGetValueA(k, NULL, "DW", RRF_RT_REG_SZ | RRF_ZEROONFAILURE, &type, &dw, &size);
    ok(r == ERROR_UNSUPPORTED_TYPE && dw == 0, "RRF_ZEROONFAILURE: %ld %lx\n", r, dw);
    size = 4;
    r = RegGetValueA(k, NULL, "Bin4", RRF_RT_DWORD, &type, &dw, &size);
    ok(r == ERROR_SUCCESS && type == REG_BINARY && dw == 0x12345678, "4-byte binary as RRF_RT_DWORD: %ld\n", r);
    size = sizeof(q);
    r = RegGetValueA(k, NULL, "Bin8", RRF_RT_DWORD, &type, q, &size);
    ok(r == ERROR_DATATYPE_MISMATCH && size == 8, "8-byte binary as RRF_RT_DWORD: %ld size %lu\n", r, size);
    size = sizeof(q);
    r = RegGetValueA(k, NULL, "Bin8", RRF_RT_QWORD, &type, q, &size);
    ok(r == ERROR_SUCCESS && size == 8, "8-byte binary as RRF_RT_QWORD: %ld\n", r);
    dw = 0xdeadbeef;
    size = 4;
    r = RegGetValueA(k, NULL, "Bin8", RRF_RT_REG_BINARY, &type, &dw, &size);
    ok(r == ERROR_MORE_DATA && size == 8 && dw == 0xdeadbeef, "small buffer: %ld size %lu\n", r, size);

    size = sizeof(buf);
    r = RegGetValueA(k, NULL, "Exp", RRF_RT_REG_SZ, &type, buf, &size);
    ok(r == ERROR_SUCCESS && type == REG_SZ && !strcmp(buf, "xexpandedy") && size == 11, "expanded: %ld %s size %lu\n", r, buf, size);
    size = sizeof(buf);
    r = RegGetValueA(k, NULL, "Exp", RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, &type, buf, &size);
    ok(r == ERROR_SUCCESS && type == REG_EXPAND_SZ && !strcmp(buf, "x%WINRUN_REG_TEST%y"), "not expanded: %ld %s\n", r, buf);
    r = RegGetValueA(k, NULL, "Exp", RRF_RT_REG_SZ | RRF_NOEXPAND, NULL, NULL, NULL);
    ok(r == ERROR_UNSUPPORTED_TYPE, "REG_EXPAND_SZ as REG_SZ with RRF_NOEXPAND: %ld\n", r);
    r = RegGetValueA(k, NULL, "Exp", RRF_RT_REG_EXPAND_SZ, NULL, NULL, NULL);
    ok(r == ERROR_INVALID_PARAMETER || r == ERROR_UNSUPPORTED_TYPE, "RRF_RT_REG_EXPAND_SZ alone: %ld\n", r);
    r = RegGetValueA(k, NULL, "Missing", RRF_RT_ANY, NULL, NULL, NULL);
    ok(r == ERROR_FILE_NOT_FOUND, "missing: %ld\n", r);
    RegCloseKey(k);
}

static void test_enum_delete(void) {
    HKEY k, sub;
    LSTATUS r;
    char name[64];
    DWORD cch, i;
    FILETIME ft;

    RegCreateKeyA(HKEY_CURRENT_USER, TESTKEY "\\Enum", &k);
    RegCreateKeyA(k, "zeta", &sub); RegCloseKey(sub);
    RegCreateKeyA(k, "Alpha", &sub); RegCloseKey(sub);
    RegCreateKeyA(k, "mid\\deep", &sub); RegCloseKey(sub);
    /* subkeys come sorted, case-insensitively, with their spelling kept */
    const char* expect[] = {"Alpha", "mid", "zeta"};
    for (i = 0;; i++) {
        cch = sizeof(name);
        r = RegEnumKeyExA(k, i, name, &cch, NULL, NULL, NULL, &ft);
        if (r) break;
        ok(i < 3 && !strcmp(name, expect[i]) && cch == strlen(name), "subkey %lu: %s\n", i, name);
    }
    ok(r == ERROR_NO_MORE_ITEMS && i == 3, "enumerated %lu, ended with %ld\n", i, r);
    cch = 3;
    ok(RegEnumKeyExA(k, 0, name, &cch, NULL, NULL, NULL, NULL) == ERROR_MORE_DATA, "small buffer\n");

    /* a key with subkeys is not deleted by RegDeleteKey */
    r = RegDeleteKeyA(k, "mid");
    ok(r == ERROR_ACCESS_DENIED, "RegDeleteKey of a key with subkeys: %ld\n", r);
    r = RegDeleteKeyA(k, "missing");
    ok(r == ERROR_FILE_NOT_FOUND, "RegDeleteKey of a missing key: %ld\n", r);

    /* a handle to a deleted key */
    RegOpenKeyExA(k, "zeta", 0, KEY_ALL_ACCESS, &sub);
    ok(RegDeleteKeyA(k, "ZETA") == ERROR_SUCCESS, "delete zeta\n");
    r = RegSetValueExA(sub, "v", 0, REG_SZ, (const BYTE*)"1", 2);
    ok(r == ERROR_KEY_DELETED, "write to a deleted key: %ld\n", r);
    cch = sizeof(name);
    r = RegEnumKeyExA(sub, 0, name, &cch, NULL, NULL, NULL, NULL);
    ok(r == ERROR_KEY_DELETED, "enumerate a deleted key: %ld\n", r);
    /* re-created with the same name: the old handle still names the deleted key */
    HKEY again;
    RegCreateKeyA(k, "zeta", &again);
    r = RegSetValueExA(sub, "v", 0, REG_SZ, (const BYTE*)"1", 2);
    ok(r == ERROR_KEY_DELETED, "write through the old handle after re-creation: %ld\n", r);
    RegCloseKey(again);
    RegCloseKey(sub);

    r = RegDeleteKeyExA(k, "zeta", KEY_WOW64_64KEY, 0);
    ok(r == ERROR_SUCCESS, "RegDeleteKeyExA: %ld\n", r);
    r = RegDeleteTreeA(k, "mid");
    ok(r == ERROR_SUCCESS, "RegDeleteTree: %ld\n", r);
    r = RegOpenKeyExA(k, "mid", 0, KEY_READ, &sub);
    ok(r == ERROR_FILE_NOT_FOUND, "after RegDeleteTree: %ld\n", r);
    RegSetValueExA(k, "v", 0, REG_SZ, (const BYTE*)"1", 2);
    r = RegDeleteTreeA(k, NULL);
    DWORD nsub = 9, nval = 9;
    RegQueryInfoKeyA(k, NULL, NULL, NULL, &nsub, NULL, NULL, &nval, NULL, NULL, NULL, NULL);
    ok(r == ERROR_SUCCESS && nsub == 0 && nval == 0, "RegDeleteTree(NULL): %ld %lu %lu\n", r, nsub, nval);
    ok(RegFlushKey(k) == ERROR_SUCCESS, "RegFlushKey\n");
    RegCloseKey(k);
}

static void test_predefined(void) {
    char buf[64];
    DWORD size, dw, type;
    LSTATUS r;
    HKEY k;

    size = sizeof(buf);
    r = RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild", RRF_RT_REG_SZ,
                     &type, buf, &size);
    ok(r == ERROR_SUCCESS && !strcmp(buf, "19045"), "CurrentBuild: %ld %s\n", r, buf);
    size = sizeof(buf);
    r = RegGetValueA(HKEY_LOCAL_MACHINE, "Software\\Microsoft\\Windows NT\\CurrentVersion", "ProductName", RRF_RT_REG_SZ,
                     &type, buf, &size);
    ok(r == ERROR_SUCCESS && !strncmp(buf, "Windows 10", 10), "ProductName: %ld %s\n", r, buf);
    size = 4;
    r = RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentMajorVersionNumber",
                     RRF_RT_REG_DWORD, &type, &dw, &size);
    ok(r == ERROR_SUCCESS && dw == 10, "CurrentMajorVersionNumber: %ld %lu\n", r, dw);
    size = sizeof(buf);
    r = RegGetValueA(HKEY_LOCAL_MACHINE, "System\\CurrentControlSet\\Control\\Nls\\CodePage", "ACP", RRF_RT_REG_SZ, &type,
                     buf, &size);
    ok(r == ERROR_SUCCESS && !strcmp(buf, "1252"), "ACP: %ld %s\n", r, buf);
    size = sizeof(buf);
    r = RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion", "ProgramFilesDir", RRF_RT_REG_SZ,
                     &type, buf, &size);
    ok(r == ERROR_SUCCESS && !strcmp(buf + 1, ":\\Program Files"), "ProgramFilesDir: %ld %s\n", r, buf);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, "Environment", 0, KEY_READ, &k);
    ok(r == ERROR_SUCCESS, "HKCU\\Environment: %ld\n", r);
    if (!r) RegCloseKey(k);
    r = RegOpenKeyExA(HKEY_CURRENT_USER, "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders", 0, KEY_READ, &k);
    ok(r == ERROR_SUCCESS, "Shell Folders: %ld\n", r);
    if (!r) RegCloseKey(k);
    r = RegOpenKeyExA(HKEY_CLASSES_ROOT, NULL, 0, KEY_READ, &k);
    ok(r == ERROR_SUCCESS, "HKEY_CLASSES_ROOT: %ld\n", r);
    if (!r) RegCloseKey(k);
    /* a hive root cannot be deleted */
    r = RegDeleteKeyA(HKEY_CURRENT_USER, "");
    ok(r != ERROR_SUCCESS, "deleting HKEY_CURRENT_USER succeeded\n");
}

START_TEST(advapi_registry)
{
    if (winetest_argc > 1) {  /* a helper run: no summary line, just the exit code */
        int rc = helper(winetest_argc, winetest_argv);
        fflush(stdout);
        ExitProcess(rc);
    }
    cleanup();
    test_create_open();
    test_values();
    test_get_value();
    test_enum_delete();
    test_predefined();
    cleanup();
    HKEY k;
    ok(RegOpenKeyExA(HKEY_CURRENT_USER, TESTKEY, 0, KEY_READ, &k) == ERROR_FILE_NOT_FOUND, "cleanup left the key\n");
}
