/* Current directory, GetFullPathName, temp/system/windows directories. */
#include "ok.h"

static void check_full(const char *in, const char *cur, const char *expect_suffix, int exact) {
    char buf[MAX_PATH];
    char *part = (char *)0x1;
    DWORD n = GetFullPathNameA(in, sizeof buf, buf, &part);
    ok(n == strlen(buf), "GetFullPathNameA(%s) returned %lu for \"%s\"\n", in, n, buf);
    if (exact) ok(!strcmp(buf, expect_suffix), "GetFullPathNameA(%s) = \"%s\", expected \"%s\"\n", in, buf, expect_suffix);
    else {
        char want[MAX_PATH];
        snprintf(want, sizeof want, "%s%s", cur, expect_suffix);
        ok(!_stricmp(buf, want), "GetFullPathNameA(%s) = \"%s\", expected \"%s\"\n", in, buf, want);
    }
}

START_TEST(k32_directory)
{
    char cur[MAX_PATH], buf[MAX_PATH];
    DWORD n = GetCurrentDirectoryA(sizeof cur, cur);
    ok(n > 2 && n == strlen(cur), "GetCurrentDirectoryA returned %lu\n", n);
    ok(cur[1] == ':' && cur[2] == '\\', "current directory \"%s\" is not a drive path\n", cur);
    ok(n <= 3 || cur[n - 1] != '\\', "current directory \"%s\" ends in a backslash\n", cur);
    /* Too small: the size needed including the terminator, buffer untouched. */
    char small[2] = {'x', 'y'};
    ok(GetCurrentDirectoryA(2, small) == n + 1, "GetCurrentDirectoryA(2) should return %lu\n", n + 1);
    ok(GetCurrentDirectoryA(0, NULL) == n + 1, "GetCurrentDirectoryA(0, NULL) should return %lu\n", n + 1);

    /* Relative paths resolve against the current directory; "." and ".." and doubled separators go. */
    check_full("abc", cur, "\\abc", 0);
    check_full("a\\b\\..\\c", cur, "\\a\\c", 0);
    check_full("a/./b//c", cur, "\\a\\b\\c", 0);
    check_full("C:\\x\\.\\y\\..\\z", NULL, "C:\\x\\z", 1);
    check_full("C:\\x\\..\\..\\..", NULL, "C:\\", 1);
    check_full("c:/dir/file. . ", NULL, "c:\\dir\\file", 1);
    check_full("C:\\dir\\", NULL, "C:\\dir\\", 1);
    check_full("\\\\?\\C:\\a\\..\\b", NULL, "\\\\?\\C:\\a\\..\\b", 1);

    char *part = NULL;
    n = GetFullPathNameA("C:\\some\\file.txt", sizeof buf, buf, &part);
    ok(part && !strcmp(part, "file.txt"), "lpFilePart = \"%s\"\n", part ? part : "(null)");
    n = GetFullPathNameA("C:\\some\\dir\\", sizeof buf, buf, &part);
    ok(part == NULL, "lpFilePart for a path ending in a backslash should be NULL, got \"%s\"\n", part ? part : "");
    n = GetFullPathNameA("C:\\some\\file.txt", 5, buf, NULL);
    ok(n == strlen("C:\\some\\file.txt") + 1, "buffer too small: returned %lu\n", n);
    WCHAR wbuf[MAX_PATH];
    n = GetFullPathNameW(L"C:\\w\\..\\v", MAX_PATH, wbuf, NULL);
    ok(n == 4 && !wcscmp(wbuf, L"C:\\v"), "GetFullPathNameW returned %lu\n", n);

    /* Into a new directory and back. */
    CreateDirectoryA("k32dir_test", NULL);
    ok(SetCurrentDirectoryA("k32dir_test"), "SetCurrentDirectoryA failed, error %lu\n", GetLastError());
    n = GetCurrentDirectoryA(sizeof buf, buf);
    ok(n == strlen(cur) + 12 && !_strnicmp(buf, cur, strlen(cur)) && !_stricmp(buf + strlen(cur), "\\k32dir_test"),
       "after SetCurrentDirectory: \"%s\"\n", buf);
    ok(SetCurrentDirectoryA(".."), "SetCurrentDirectoryA(..) failed\n");
    GetCurrentDirectoryA(sizeof buf, buf);
    ok(!_stricmp(buf, cur), "back: \"%s\", expected \"%s\"\n", buf, cur);
    ok(RemoveDirectoryA("k32dir_test"), "RemoveDirectory failed\n");
    SetLastError(0xdeadbeef);
    ok(!SetCurrentDirectoryA("k32dir_no_such_dir") && GetLastError() == ERROR_FILE_NOT_FOUND,
       "SetCurrentDirectory to a missing directory: error %lu\n", GetLastError());

    n = GetTempPathA(sizeof buf, buf);
    ok(n > 3 && n == strlen(buf) && buf[n - 1] == '\\', "GetTempPathA = \"%s\" (%lu)\n", buf, n);
    n = GetWindowsDirectoryA(buf, sizeof buf);
    ok(n == strlen(buf) && !_stricmp(buf, "C:\\windows"), "GetWindowsDirectoryA = \"%s\"\n", buf);
    n = GetSystemDirectoryA(buf, sizeof buf);
    ok(n == strlen(buf) && !_stricmp(buf, "C:\\windows\\system32"), "GetSystemDirectoryA = \"%s\"\n", buf);
    ok(GetSystemDirectoryA(buf, 3) == strlen("C:\\windows\\system32") + 1, "GetSystemDirectoryA too small\n");

    /* GetTempFileName: "<dir>\<pre><XXXX>.TMP"; unique 0 creates the file, non-zero only names it */
    {
        char name[MAX_PATH], name2[MAX_PATH];
        UINT u = GetTempFileNameA(".", "wrtest", 0x1234abcd, name);
        ok(u == 0x1234abcd, "GetTempFileNameA with a number returned %#x\n", u);
        ok(!_stricmp(name, ".\\wrtABCD.TMP"), "GetTempFileNameA name \"%s\"\n", name);
        ok(GetFileAttributesA(name) == INVALID_FILE_ATTRIBUTES, "a numbered temp name was created\n");
        u = GetTempFileNameA(".", "wr", 0, name);
        ok(u != 0 && u <= 0xFFFF, "GetTempFileNameA(0) returned %#x (%lu)\n", u, GetLastError());
        ok(GetFileAttributesA(name) != INVALID_FILE_ATTRIBUTES, "the unique temp file %s was not created\n", name);
        ok(GetTempFileNameA(".", "wr", 0, name2) && strcmp(name, name2), "a second unique name is the same: %s\n", name2);
        /* the long and the short form of an existing path are found; a missing one is not */
        n = GetLongPathNameA(name, buf, sizeof buf);
        ok(n == strlen(name) && !strcmp(buf, name), "GetLongPathNameA = %lu \"%s\"\n", n, buf);
        n = GetShortPathNameA(name, buf, sizeof buf);
        ok(n > 0 && n < sizeof buf, "GetShortPathNameA = %lu\n", n);
        ok(GetLongPathNameA(name, buf, 2) == strlen(name) + 1, "GetLongPathNameA with a small buffer\n");
        DeleteFileA(name);
        DeleteFileA(name2);
        SetLastError(0xdeadbeef);
        ok(GetLongPathNameA(name, buf, sizeof buf) == 0 && GetLastError() == ERROR_FILE_NOT_FOUND,
           "GetLongPathNameA of a missing file: %lu\n", GetLastError());
    }
}
