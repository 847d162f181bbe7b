/* k32_file_info.c: GetFileInformationByHandle(Ex), SetFileInformationByHandle, GetFileTime/SetFileTime,
 * GetFileAttributesEx, SetFileAttributes (read-only), GetFinalPathNameByHandle, CompareFileTime and
 * the MS-DOS date conversions. Works in a fresh directory under the current one. */
#include "ok.h"

static char dir[64];
static char path[160];

static const char* in_dir(const char* name) {
    sprintf(path, "%s\\%s", dir, name);
    return path;
}

static HANDLE make_file(const char* name, const char* data) {
    DWORD n;
    HANDLE h = CreateFileA(in_dir(name), GENERIC_READ | GENERIC_WRITE | DELETE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ok(h != INVALID_HANDLE_VALUE, "create %s failed: %lu\n", name, GetLastError());
    if (data) WriteFile(h, data, (DWORD)strlen(data), &n, NULL);
    return h;
}

static void test_by_handle(void) {
    BY_HANDLE_FILE_INFORMATION info;
    FILE_BASIC_INFO basic;
    FILE_STANDARD_INFO std;
    char name_buf[sizeof(FILE_NAME_INFO) + 520];
    FILE_NAME_INFO* name = (FILE_NAME_INFO*)name_buf;
    HANDLE h = make_file("info.txt", "hello, world");
    BOOL r;

    memset(&info, 0xcc, sizeof info);
    r = GetFileInformationByHandle(h, &info);
    ok(r, "GetFileInformationByHandle failed: %lu\n", GetLastError());
    ok(info.nFileSizeLow == 12 && info.nFileSizeHigh == 0, "size %lu/%lu\n", info.nFileSizeHigh, info.nFileSizeLow);
    ok(info.nNumberOfLinks == 1, "links %lu\n", info.nNumberOfLinks);
    ok(info.dwFileAttributes == FILE_ATTRIBUTE_ARCHIVE, "attributes %#lx\n", info.dwFileAttributes);
    ok(info.nFileIndexLow || info.nFileIndexHigh, "file index is 0\n");
    ok(CompareFileTime(&info.ftLastWriteTime, &info.ftCreationTime) >= 0, "written before created\n");

    r = GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic);
    ok(r, "FileBasicInfo failed: %lu\n", GetLastError());
    ok(basic.FileAttributes == FILE_ATTRIBUTE_ARCHIVE, "basic attributes %#lx\n", basic.FileAttributes);
    ok(basic.LastWriteTime.QuadPart == ((LONGLONG)info.ftLastWriteTime.dwHighDateTime << 32 | info.ftLastWriteTime.dwLowDateTime),
       "basic and by-handle write times differ\n");
    r = GetFileInformationByHandleEx(h, FileStandardInfo, &std, sizeof std);
    ok(r, "FileStandardInfo failed: %lu\n", GetLastError());
    ok(std.EndOfFile.QuadPart == 12 && !std.Directory && !std.DeletePending && std.NumberOfLinks == 1,
       "standard: eof %lld dir %d delete %d links %lu\n", std.EndOfFile.QuadPart, std.Directory, std.DeletePending,
       std.NumberOfLinks);
    r = GetFileInformationByHandleEx(h, FileNameInfo, name, sizeof name_buf);
    ok(r, "FileNameInfo failed: %lu\n", GetLastError());
    if (r) {
        int len = name->FileNameLength / 2;
        ok(len > 9 && name->FileName[0] == '\\' && !memcmp(name->FileName + len - 9, L"\\info.txt", 18),
           "FileNameInfo: %.*ls\n", len, name->FileName);
    }

    /* the tag and id classes, and device controls */
    {
        FILE_ATTRIBUTE_TAG_INFO tag;
        FILE_ID_INFO id;
        DWORD ret = 0xdeadbeef;
        ok(GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag, sizeof tag) &&
           tag.FileAttributes == FILE_ATTRIBUTE_ARCHIVE && tag.ReparseTag == 0,
           "FileAttributeTagInfo: attrs %#lx tag %#lx\n", tag.FileAttributes, tag.ReparseTag);
        ok(GetFileInformationByHandleEx(h, FileIdInfo, &id, sizeof id) && id.VolumeSerialNumber == info.dwVolumeSerialNumber,
           "FileIdInfo: serial %#llx, by handle %#lx\n", id.VolumeSerialNumber, info.dwVolumeSerialNumber);
        ok(DeviceIoControl(h, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &ret, NULL), "FSCTL_SET_SPARSE failed: %lu\n",
           GetLastError());
        SetLastError(0xdeadbeef);
        ok(!DeviceIoControl(h, 0x2d1400 /* IOCTL_STORAGE_QUERY_PROPERTY */, NULL, 0, NULL, 0, &ret, NULL) &&
           GetLastError() != 0xdeadbeef, "an unknown control code succeeded\n");
    }

    /* end of file through SetFileInformationByHandle */
    {
        FILE_END_OF_FILE_INFO eof;
        eof.EndOfFile.QuadPart = 5;
        ok(SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof), "FileEndOfFileInfo failed: %lu\n", GetLastError());
        ok(GetFileSize(h, NULL) == 5, "size after FileEndOfFileInfo %lu\n", GetFileSize(h, NULL));
    }
    /* delete disposition: the file goes when the handle closes */
    {
        FILE_DISPOSITION_INFO disp = {TRUE};
        ok(SetFileInformationByHandle(h, FileDispositionInfo, &disp, sizeof disp), "FileDispositionInfo failed: %lu\n", GetLastError());
        ok(GetFileAttributesA(in_dir("info.txt")) != INVALID_FILE_ATTRIBUTES, "file gone before close\n");
        CloseHandle(h);
        SetLastError(0xdeadbeef);
        ok(GetFileAttributesA(in_dir("info.txt")) == INVALID_FILE_ATTRIBUTES && GetLastError() == ERROR_FILE_NOT_FOUND,
           "file still there after close with delete disposition: %lu\n", GetLastError());
    }
}

static void test_times(void) {
    SYSTEMTIME st = {2001, 2, 0, 3, 4, 5, 6, 0};
    FILETIME ft, got_write, got_access, got_create;
    WIN32_FILE_ATTRIBUTE_DATA data;
    HANDLE h = make_file("times.txt", "x"), ro;
    WORD date, time;

    SystemTimeToFileTime(&st, &ft);
    ok(SetFileTime(h, NULL, &ft, &ft), "SetFileTime failed: %lu\n", GetLastError());
    ok(GetFileTime(h, &got_create, &got_access, &got_write), "GetFileTime failed: %lu\n", GetLastError());
    ok(CompareFileTime(&got_write, &ft) == 0, "write time %08lx%08lx, expected %08lx%08lx\n", got_write.dwHighDateTime,
       got_write.dwLowDateTime, ft.dwHighDateTime, ft.dwLowDateTime);
    ok(CompareFileTime(&got_access, &ft) == 0, "access time not set\n");
    CloseHandle(h);
    ok(GetFileAttributesExA(in_dir("times.txt"), GetFileExInfoStandard, &data), "GetFileAttributesEx failed: %lu\n", GetLastError());
    ok(CompareFileTime(&data.ftLastWriteTime, &ft) == 0, "GetFileAttributesEx write time differs\n");
    ok(data.nFileSizeLow == 1 && data.dwFileAttributes == FILE_ATTRIBUTE_ARCHIVE, "size %lu attrs %#lx\n",
       data.nFileSizeLow, data.dwFileAttributes);
    SetLastError(0xdeadbeef);
    ok(!GetFileAttributesExA(in_dir("none.txt"), GetFileExInfoStandard, &data) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "GetFileAttributesEx of a missing file: %lu\n", GetLastError());

    /* a handle without write access cannot set times */
    ro = CreateFileA(in_dir("times.txt"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    SetLastError(0xdeadbeef);
    ok(!SetFileTime(ro, NULL, NULL, &ft) && GetLastError() == ERROR_ACCESS_DENIED,
       "SetFileTime on a read-only handle: %lu\n", GetLastError());
    CloseHandle(ro);

    /* MS-DOS dates: 2001-02-03 04:05:06 */
    ok(FileTimeToDosDateTime(&ft, &date, &time), "FileTimeToDosDateTime failed: %lu\n", GetLastError());
    ok(date == ((21 << 9) | (2 << 5) | 3) && time == ((4 << 11) | (5 << 5) | 3), "dos date %#x time %#x\n", date, time);
    ok(DosDateTimeToFileTime(date, time, &got_write), "DosDateTimeToFileTime failed: %lu\n", GetLastError());
    ok(CompareFileTime(&got_write, &ft) == 0, "DOS round trip differs\n");
    {
        FILETIME later = ft;
        later.dwHighDateTime++;
        ok(CompareFileTime(&ft, &later) == -1 && CompareFileTime(&later, &ft) == 1, "CompareFileTime order\n");
    }
    ok(DeleteFileA(in_dir("times.txt")), "DeleteFile failed: %lu\n", GetLastError());
}

static void test_readonly(void) {
    HANDLE h = make_file("ro.txt", "data");
    CloseHandle(h);
    ok(SetFileAttributesA(in_dir("ro.txt"), FILE_ATTRIBUTE_READONLY), "SetFileAttributes failed: %lu\n", GetLastError());
    ok(GetFileAttributesA(in_dir("ro.txt")) == (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_ARCHIVE), "attributes %#lx\n",
       GetFileAttributesA(in_dir("ro.txt")));
    SetLastError(0xdeadbeef);
    h = CreateFileA(in_dir("ro.txt"), GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED, "writing a read-only file: %p/%lu\n", h,
       GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    SetLastError(0xdeadbeef);
    ok(!DeleteFileA(in_dir("ro.txt")) && GetLastError() == ERROR_ACCESS_DENIED, "deleting a read-only file: %lu\n",
       GetLastError());
    h = CreateFileA(in_dir("ro.txt"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "reading a read-only file failed: %lu\n", GetLastError());
    CloseHandle(h);
    ok(SetFileAttributesA(in_dir("ro.txt"), FILE_ATTRIBUTE_NORMAL), "clearing read-only failed: %lu\n", GetLastError());
    ok(DeleteFileA(in_dir("ro.txt")), "DeleteFile after clearing read-only failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!SetFileAttributesA(in_dir("ro.txt"), FILE_ATTRIBUTE_NORMAL) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "SetFileAttributes of a missing file: %lu\n", GetLastError());
}

static void test_final_path(void) {
    WCHAR buf[MAX_PATH];
    DWORD n, need;
    HANDLE h = make_file("final.txt", NULL);
    n = GetFinalPathNameByHandleW(h, buf, MAX_PATH, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    ok(n > 14 && n < MAX_PATH, "GetFinalPathNameByHandleW returned %lu (%lu)\n", n, GetLastError());
    if (n > 14 && n < MAX_PATH) {
        ok(!memcmp(buf, L"\\\\?\\", 8) && buf[5] == ':' && !wcscmp(buf + n - 10, L"\\final.txt"), "final path %ls\n", buf);
        need = GetFinalPathNameByHandleW(h, buf, 3, VOLUME_NAME_DOS);
        ok(need == n + 1, "too small a buffer: returned %lu, expected %lu\n", need, n + 1);
    }
    {
        char abuf[MAX_PATH];
        DWORD na = GetFinalPathNameByHandleA(h, abuf, MAX_PATH, VOLUME_NAME_DOS);
        ok(na > 14 && !strcmp(abuf + na - 10, "\\final.txt"), "GetFinalPathNameByHandleA: %lu %s\n", na, abuf);
    }
    n = GetFinalPathNameByHandleW(h, buf, MAX_PATH, VOLUME_NAME_NONE);
    ok(n > 10 && buf[0] == '\\' && buf[1] != '\\' && !wcscmp(buf + n - 10, L"\\final.txt"), "VOLUME_NAME_NONE: %ls\n", buf);
    CloseHandle(h);
    DeleteFileA(in_dir("final.txt"));
}

/* Directory listings through GetFileInformationByHandleEx (what Go's os.ReadDir uses). */
static void test_directory_listing(void) {
    char sub[128];
    HANDLE h, f;
    int round, seen_dot = 0, seen_a = 0, seen_b = 0, entries = 0;
    static char buf[4096];
    BOOL r;
    sprintf(sub, "%s\\lst", dir);
    CreateDirectoryA(sub, NULL);
    f = CreateFileA(in_dir("lst\\a.txt"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CloseHandle(f);
    f = CreateFileA(in_dir("lst\\bb.txt"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(f, "12345", 5, (DWORD*)&round, NULL);
    CloseHandle(f);
    h = CreateFileA(sub, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    ok(h != INVALID_HANDLE_VALUE, "opening the directory failed: %lu\n", GetLastError());
    for (round = 0;; round++) {
        FILE_ID_BOTH_DIR_INFO* e = (FILE_ID_BOTH_DIR_INFO*)buf;
        r = GetFileInformationByHandleEx(h, round ? FileIdBothDirectoryInfo : FileIdBothDirectoryRestartInfo, buf, 200);
        if (!r) break;
        for (;;) {
            int len = e->FileNameLength / 2;
            entries++;
            if (len == 1 && e->FileName[0] == '.') seen_dot = 1;
            if (len == 5 && !memcmp(e->FileName, L"a.txt", 10)) seen_a = 1;
            if (len == 6 && !memcmp(e->FileName, L"bb.txt", 12)) {
                seen_b = 1;
                ok(e->EndOfFile.QuadPart == 5 && !(e->FileAttributes & FILE_ATTRIBUTE_DIRECTORY), "bb.txt: size %lld attrs %#lx\n",
                   e->EndOfFile.QuadPart, e->FileAttributes);
            }
            if (!e->NextEntryOffset) break;
            ok(e->NextEntryOffset % 8 == 0, "entries not 8-byte aligned: %lu\n", e->NextEntryOffset);
            e = (FILE_ID_BOTH_DIR_INFO*)((char*)e + e->NextEntryOffset);
        }
    }
    ok(GetLastError() == ERROR_NO_MORE_FILES, "end of the listing: %lu\n", GetLastError());
    ok(seen_dot && seen_a && seen_b && entries == 4, "listing: . %d a %d bb %d, %d entries\n", seen_dot, seen_a, seen_b, entries);
    /* the restart form starts over */
    r = GetFileInformationByHandleEx(h, FileFullDirectoryRestartInfo, buf, sizeof buf);
    ok(r && ((FILE_FULL_DIR_INFO*)buf)->FileNameLength > 0, "FileFullDirectoryRestartInfo failed: %lu\n", GetLastError());
    CloseHandle(h);
    DeleteFileA(in_dir("lst\\a.txt"));
    DeleteFileA(in_dir("lst\\bb.txt"));
    RemoveDirectoryA(sub);
}

START_TEST(k32_file_info)
{
    sprintf(dir, "finfo_%lu", GetCurrentProcessId());
    ok(CreateDirectoryA(dir, NULL), "CreateDirectory failed: %lu\n", GetLastError());
    test_by_handle();
    test_times();
    test_readonly();
    test_final_path();
    test_directory_listing();
    ok(RemoveDirectoryA(dir), "RemoveDirectory failed: %lu\n", GetLastError());
}
