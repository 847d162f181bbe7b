/* FindFirstFile/FindNextFile/FindClose: DOS wildcards, NTFS order, "." and "..", attributes, sizes,
 * and the errors (no match, no directory, end of list). */
#include "ok.h"

static int list(const char *spec, char names[][64], int max, WIN32_FIND_DATAA *first) {
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(spec, &fd);
    if (h == INVALID_HANDLE_VALUE) return -1;
    if (first) *first = fd;
    int n = 0;
    do {
        if (n < max) strcpy(names[n], fd.cFileName);
        n++;
    } while (FindNextFileA(h, &fd));
    ok(GetLastError() == ERROR_NO_MORE_FILES, "end of %s: error %lu\n", spec, GetLastError());
    ok(FindClose(h), "FindClose failed\n");
    return n;
}

static void make(const char *name, const char *data) {
    HANDLE h = CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD w;
    WriteFile(h, data, (DWORD)strlen(data), &w, NULL);
    CloseHandle(h);
}

START_TEST(k32_find)
{
    char names[16][64];
    CreateDirectoryA("k32find", NULL);
    make("k32find\\b.TXT", "bb");
    make("k32find\\a.txt", "hello");
    make("k32find\\Makefile", "");
    make("k32find\\c.tar.gz", "");
    CreateDirectoryA("k32find\\sub", NULL);

    int n = list("k32find\\*", names, 16, NULL);
    static const char *all[] = {".", "..", "a.txt", "b.TXT", "c.tar.gz", "Makefile", "sub"};
    ok(n == 7, "k32find\\*: %d entries\n", n);
    for (int i = 0; i < 7 && i < n; i++) ok(!strcmp(names[i], all[i]), "entry %d: %s, expected %s\n", i, names[i], all[i]);

    ok(list("k32find\\*.*", names, 16, NULL) == 7, "*.* must match names without a dot too\n");
    n = list("k32find\\*.txt", names, 16, NULL);
    ok(n == 2 && !strcmp(names[0], "a.txt") && !strcmp(names[1], "b.TXT"), "*.txt (case-insensitive): %d\n", n);
    n = list("k32find\\?.TXT", names, 16, NULL);
    ok(n == 2, "?.TXT: %d\n", n);
    n = list("k32find\\*.gz", names, 16, NULL);
    ok(n == 1 && !strcmp(names[0], "c.tar.gz"), "*.gz: %d\n", n);

    WIN32_FIND_DATAA fd;
    n = list("k32find\\A.TXT", names, 16, &fd);
    ok(n == 1 && !strcmp(fd.cFileName, "a.txt"), "exact name, other case: %d %s\n", n, fd.cFileName);
    ok(fd.nFileSizeLow == 5 && fd.nFileSizeHigh == 0, "size %lu\n", fd.nFileSizeLow);
    ok((fd.dwFileAttributes & FILE_ATTRIBUTE_ARCHIVE) && !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY),
       "file attributes %lx\n", fd.dwFileAttributes);
    ok(fd.ftLastWriteTime.dwHighDateTime != 0, "no write time\n");
    list("k32find\\sub", names, 16, &fd);
    ok(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY, "directory attributes %lx\n", fd.dwFileAttributes);

    SetLastError(0xdeadbeef);
    ok(FindFirstFileA("k32find\\nomatch*", &fd) == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND,
       "no match: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(FindFirstFileA("k32find_nodir\\*", &fd) == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND,
       "no directory: error %lu\n", GetLastError());

    WIN32_FIND_DATAW fw;
    HANDLE h = FindFirstFileW(L"k32find\\*.txt", &fw);
    ok(h != INVALID_HANDLE_VALUE && !wcscmp(fw.cFileName, L"a.txt"), "FindFirstFileW\n");
    ok(FindNextFileW(h, &fw) && !wcscmp(fw.cFileName, L"b.TXT"), "FindNextFileW\n");
    FindClose(h);
    SetLastError(0xdeadbeef);
    ok(!FindClose((HANDLE)(ULONG_PTR)0x7ff0) && GetLastError() == ERROR_INVALID_HANDLE, "FindClose of a bad handle\n");

    DeleteFileA("k32find\\a.txt");
    DeleteFileA("k32find\\b.TXT");
    DeleteFileA("k32find\\Makefile");
    DeleteFileA("k32find\\c.tar.gz");
    RemoveDirectoryA("k32find\\sub");
    ok(RemoveDirectoryA("k32find"), "cleanup\n");
}
