/* file_basic.c: CreateFile dispositions and their last-error values, ReadFile/WriteFile, file
 * pointers and sizes, DeleteFile, CreateDirectory/RemoveDirectory, attributes, case-insensitive
 * names. Works in a fresh directory under the current one and removes it again. */
#include "ok.h"

static char dir[64];
static char path[128];

static const char* in_dir(const char* name) {
    sprintf(path, "%s\\%s", dir, name);
    return path;
}

static HANDLE create(const char* name, DWORD access, DWORD share, DWORD disposition) {
    return CreateFileA(in_dir(name), access, share, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
}

static void test_dispositions(void) {
    HANDLE h;
    DWORD n;

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_READ, 0, OPEN_EXISTING);
    ok(h == INVALID_HANDLE_VALUE, "OPEN_EXISTING of a missing file succeeded\n");
    ok(GetLastError() == ERROR_FILE_NOT_FOUND, "OPEN_EXISTING missing: expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    h = create("no_such_dir\\a.txt", GENERIC_READ, 0, OPEN_EXISTING);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND,
       "missing directory: expected ERROR_PATH_NOT_FOUND, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    h = create("no_such_dir\\a.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND,
       "CREATE_ALWAYS in a missing directory: expected ERROR_PATH_NOT_FOUND, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_WRITE, 0, TRUNCATE_EXISTING);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_NOT_FOUND,
       "TRUNCATE_EXISTING of a missing file: expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_WRITE, 0, CREATE_NEW);
    ok(h != INVALID_HANDLE_VALUE, "CREATE_NEW failed: %lu\n", GetLastError());
    ok(WriteFile(h, "hello", 5, &n, NULL) && n == 5, "WriteFile failed\n");
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_WRITE, 0, CREATE_NEW);
    ok(h == INVALID_HANDLE_VALUE, "CREATE_NEW of an existing file succeeded\n");
    ok(GetLastError() == ERROR_FILE_EXISTS, "CREATE_NEW existing: expected ERROR_FILE_EXISTS (80), got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_READ, 0, OPEN_ALWAYS);
    ok(h != INVALID_HANDLE_VALUE, "OPEN_ALWAYS of an existing file failed\n");
    ok(GetLastError() == ERROR_ALREADY_EXISTS, "OPEN_ALWAYS existing: expected ERROR_ALREADY_EXISTS (183), got %lu\n", GetLastError());
    ok(GetFileSize(h, NULL) == 5, "OPEN_ALWAYS must not truncate: size %lu\n", GetFileSize(h, NULL));
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = create("b.txt", GENERIC_WRITE, 0, OPEN_ALWAYS);
    ok(h != INVALID_HANDLE_VALUE, "OPEN_ALWAYS of a new file failed\n");
    ok(GetLastError() == 0, "OPEN_ALWAYS new file: expected last error 0, got %lu\n", GetLastError());
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = create("a.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    ok(h != INVALID_HANDLE_VALUE, "CREATE_ALWAYS of an existing file failed\n");
    ok(GetLastError() == ERROR_ALREADY_EXISTS, "CREATE_ALWAYS existing: expected ERROR_ALREADY_EXISTS (183), got %lu\n", GetLastError());
    ok(GetFileSize(h, NULL) == 0, "CREATE_ALWAYS must truncate: size %lu\n", GetFileSize(h, NULL));
    WriteFile(h, "0123456789", 10, &n, NULL);
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    h = create("c.txt", GENERIC_WRITE, 0, CREATE_ALWAYS);
    ok(h != INVALID_HANDLE_VALUE, "CREATE_ALWAYS of a new file failed\n");
    ok(GetLastError() == 0, "CREATE_ALWAYS new file: expected last error 0, got %lu\n", GetLastError());
    CloseHandle(h);

    h = create("a.txt", GENERIC_WRITE, 0, TRUNCATE_EXISTING);
    ok(h != INVALID_HANDLE_VALUE, "TRUNCATE_EXISTING failed: %lu\n", GetLastError());
    ok(GetFileSize(h, NULL) == 0, "TRUNCATE_EXISTING: size %lu\n", GetFileSize(h, NULL));
    WriteFile(h, "0123456789", 10, &n, NULL);
    CloseHandle(h);

    /* names are case-insensitive; '/' works as a separator */
    h = create("A.TXT", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    ok(h != INVALID_HANDLE_VALUE, "opening a.txt as A.TXT failed: %lu\n", GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    sprintf(path, "%s/a.txt", dir);
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "opening with '/' failed: %lu\n", GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);

    /* a new file in a directory named in another case lands in that directory; creating it again
     * in yet another spelling finds it */
    sprintf(path, "%s\\CaseDir", dir);
    ok(CreateDirectoryA(path, NULL), "CreateDirectory CaseDir failed: %lu\n", GetLastError());
    sprintf(path, "%s\\casedir\\New.txt", dir);
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "CREATE_NEW in casedir failed: %lu\n", GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    sprintf(path, "%s\\CASEDIR\\NEW.TXT", dir);
    SetLastError(0xdeadbeef);
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_FILE_EXISTS,
       "CREATE_NEW of an existing name in another case: expected ERROR_FILE_EXISTS, got %p/%lu\n", h, GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    sprintf(path, "%s\\CaseDir\\New.txt", dir);
    ok(GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES, "New.txt is not in CaseDir: %lu\n", GetLastError());
    sprintf(path, "%s\\casedir\\nEW.txt", dir);
    ok(DeleteFileA(path), "DeleteFile nEW.txt failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES && GetLastError() == ERROR_FILE_NOT_FOUND,
       "deleted file: expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());
    sprintf(path, "%s\\CASEDIR", dir);
    ok(RemoveDirectoryA(path), "RemoveDirectory CASEDIR failed: %lu\n", GetLastError());

    /* DOS device names: NUL works anywhere; no serial port on this machine */
    h = CreateFileA("nul", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "opening NUL failed: %lu\n", GetLastError());
    if (h != INVALID_HANDLE_VALUE) {
        ok(WriteFile(h, "x", 1, &n, NULL) && n == 1, "writing to NUL failed\n");
        CloseHandle(h);
    }

    /* a directory is not opened as a file without FILE_FLAG_BACKUP_SEMANTICS */
    SetLastError(0xdeadbeef);
    h = CreateFileA(dir, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED,
       "CreateFile on a directory: expected ERROR_ACCESS_DENIED, got %p/%lu\n", h, GetLastError());
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
}

static void test_read_write(void) {
    HANDLE h;
    char buf[32];
    DWORD n, high, pos;
    BOOL r;
    LARGE_INTEGER li, newpos;

    h = create("a.txt", GENERIC_READ | GENERIC_WRITE, 0, OPEN_EXISTING);
    ok(h != INVALID_HANDLE_VALUE, "open a.txt failed: %lu\n", GetLastError());
    if (h == INVALID_HANDLE_VALUE) return;
    high = 0xdeadbeef;
    ok(GetFileSize(h, &high) == 10 && high == 0, "GetFileSize: %lu high %lu\n", GetFileSize(h, &high), high);
    ok(GetFileSizeEx(h, &li) && li.QuadPart == 10, "GetFileSizeEx: %lld\n", li.QuadPart);
    ok(GetFileType(h) == FILE_TYPE_DISK, "GetFileType: %lu\n", GetFileType(h));

    n = 0xdeadbeef;
    ok(ReadFile(h, buf, 4, &n, NULL) && n == 4 && !memcmp(buf, "0123", 4), "ReadFile 4: %lu %s\n", n, wine_dbgstr_an(buf, n));
    pos = SetFilePointer(h, 0, NULL, FILE_CURRENT);
    ok(pos == 4, "SetFilePointer(0, FILE_CURRENT): expected 4, got %lu\n", pos);
    pos = SetFilePointer(h, -2, NULL, FILE_END);
    ok(pos == 8, "SetFilePointer(-2, FILE_END): expected 8, got %lu\n", pos);
    n = 0xdeadbeef;
    ok(ReadFile(h, buf, sizeof(buf), &n, NULL) && n == 2 && !memcmp(buf, "89", 2), "ReadFile to the end: %lu\n", n);
    n = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    r = ReadFile(h, buf, sizeof(buf), &n, NULL);
    ok(r && n == 0, "ReadFile at EOF: expected TRUE with 0 bytes, got %d with %lu (error %lu)\n", r, n, GetLastError());

    /* negative position */
    SetLastError(0xdeadbeef);
    pos = SetFilePointer(h, -100, NULL, FILE_BEGIN);
    ok(pos == INVALID_SET_FILE_POINTER && GetLastError() == ERROR_NEGATIVE_SEEK,
       "seek before the start: expected INVALID_SET_FILE_POINTER/ERROR_NEGATIVE_SEEK, got %lu/%lu\n", pos, GetLastError());
    ok(SetFilePointer(h, 0, NULL, FILE_CURRENT) == 10, "the failed seek moved the file pointer\n");

    /* past the end, then write: the gap reads as zeros */
    li.QuadPart = 20;
    ok(SetFilePointerEx(h, li, &newpos, FILE_BEGIN) && newpos.QuadPart == 20, "SetFilePointerEx(20): %lld\n", newpos.QuadPart);
    ok(GetFileSize(h, NULL) == 10, "seeking past the end changed the size\n");
    ok(WriteFile(h, "X", 1, &n, NULL) && n == 1, "WriteFile past the end failed\n");
    ok(GetFileSize(h, NULL) == 21, "size after writing at 20: %lu\n", GetFileSize(h, NULL));
    SetFilePointer(h, 10, NULL, FILE_BEGIN);
    ok(ReadFile(h, buf, 11, &n, NULL) && n == 11 && !memcmp(buf, "\0\0\0\0\0\0\0\0\0\0X", 11), "the gap is not zeros\n");

    /* SetEndOfFile truncates and extends */
    SetFilePointer(h, 5, NULL, FILE_BEGIN);
    ok(SetEndOfFile(h), "SetEndOfFile failed: %lu\n", GetLastError());
    ok(GetFileSize(h, NULL) == 5, "SetEndOfFile(5): size %lu\n", GetFileSize(h, NULL));
    SetFilePointer(h, 4096, NULL, FILE_BEGIN);
    ok(SetEndOfFile(h) && GetFileSize(h, NULL) == 4096, "SetEndOfFile(4096): size %lu\n", GetFileSize(h, NULL));

    /* zero-byte write succeeds */
    n = 0xdeadbeef;
    ok(WriteFile(h, "", 0, &n, NULL) && n == 0, "a zero-byte WriteFile failed or wrote %lu\n", n);
    ok(FlushFileBuffers(h), "FlushFileBuffers failed\n");
    CloseHandle(h);

    /* access rights are enforced */
    h = create("a.txt", GENERIC_WRITE, 0, OPEN_EXISTING);
    SetLastError(0xdeadbeef);
    r = ReadFile(h, buf, 1, &n, NULL);
    ok(!r && GetLastError() == ERROR_ACCESS_DENIED, "ReadFile on a write-only handle: expected ERROR_ACCESS_DENIED, got %d/%lu\n", r,
       GetLastError());
    CloseHandle(h);
    h = create("a.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    SetLastError(0xdeadbeef);
    r = WriteFile(h, "x", 1, &n, NULL);
    ok(!r && GetLastError() == ERROR_ACCESS_DENIED, "WriteFile on a read-only handle: expected ERROR_ACCESS_DENIED, got %d/%lu\n", r,
       GetLastError());
    CloseHandle(h);

    SetLastError(0xdeadbeef);
    ok(!CloseHandle((HANDLE)(ULONG_PTR)0x1234560), "CloseHandle of a bogus handle succeeded\n");
    ok(GetLastError() == ERROR_INVALID_HANDLE, "bogus handle: expected ERROR_INVALID_HANDLE, got %lu\n", GetLastError());
}

static void test_sharing(void) {
    HANDLE h, h2;
    BOOL r;
    h = create("a.txt", GENERIC_READ, 0, OPEN_EXISTING);  /* no sharing */
    ok(h != INVALID_HANDLE_VALUE, "open failed\n");
    SetLastError(0xdeadbeef);
    h2 = create("a.txt", GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
    ok(h2 == INVALID_HANDLE_VALUE && GetLastError() == ERROR_SHARING_VIOLATION,
       "second open of an unshared file: expected ERROR_SHARING_VIOLATION, got %p/%lu\n", h2, GetLastError());
    if (h2 != INVALID_HANDLE_VALUE) CloseHandle(h2);
    SetLastError(0xdeadbeef);
    r = DeleteFileA(in_dir("a.txt"));
    ok(!r && GetLastError() == ERROR_SHARING_VIOLATION,
       "DeleteFile of a file open without FILE_SHARE_DELETE: expected FALSE/ERROR_SHARING_VIOLATION, got %d/%lu\n", r, GetLastError());
    CloseHandle(h);
    if (r) CloseHandle(create("a.txt", GENERIC_WRITE, 0, CREATE_NEW));  /* it was deleted: put it back for what follows */
}

static void test_delete_and_dirs(void) {
    DWORD attr;
    HANDLE h;

    ok(DeleteFileA(in_dir("a.txt")), "DeleteFileA failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!DeleteFileA(in_dir("a.txt")), "deleting twice succeeded\n");
    ok(GetLastError() == ERROR_FILE_NOT_FOUND, "second delete: expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!DeleteFileA(in_dir("no_such_dir\\x")) && GetLastError() == ERROR_PATH_NOT_FOUND,
       "DeleteFile in a missing directory: expected ERROR_PATH_NOT_FOUND, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    attr = GetFileAttributesA(in_dir("a.txt"));
    ok(attr == INVALID_FILE_ATTRIBUTES && GetLastError() == ERROR_FILE_NOT_FOUND,
       "GetFileAttributes of a deleted file: expected INVALID_FILE_ATTRIBUTES/ERROR_FILE_NOT_FOUND, got 0x%lx/%lu\n", attr, GetLastError());
    attr = GetFileAttributesA(in_dir("b.txt"));
    ok(attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY), "b.txt attributes 0x%lx\n", attr);

    ok(CreateDirectoryA(in_dir("sub"), NULL), "CreateDirectoryA failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CreateDirectoryA(in_dir("sub"), NULL) && GetLastError() == ERROR_ALREADY_EXISTS,
       "CreateDirectory of an existing directory: expected ERROR_ALREADY_EXISTS, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CreateDirectoryA(in_dir("b.txt"), NULL) && GetLastError() == ERROR_ALREADY_EXISTS,
       "CreateDirectory over a file: expected ERROR_ALREADY_EXISTS, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CreateDirectoryA(in_dir("no_such_dir\\sub"), NULL) && GetLastError() == ERROR_PATH_NOT_FOUND,
       "CreateDirectory in a missing parent: expected ERROR_PATH_NOT_FOUND, got %lu\n", GetLastError());
    attr = GetFileAttributesA(in_dir("SUB"));
    ok(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY), "sub attributes 0x%lx\n", attr);

    h = create("sub\\f.txt", GENERIC_WRITE, 0, CREATE_NEW);
    ok(h != INVALID_HANDLE_VALUE, "creating sub\\f.txt failed\n");
    CloseHandle(h);
    SetLastError(0xdeadbeef);
    ok(!RemoveDirectoryA(in_dir("sub")) && GetLastError() == ERROR_DIR_NOT_EMPTY,
       "RemoveDirectory of a non-empty directory: expected ERROR_DIR_NOT_EMPTY (145), got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!RemoveDirectoryA(in_dir("b.txt")) && GetLastError() == ERROR_DIRECTORY,
       "RemoveDirectory of a file: expected ERROR_DIRECTORY (267), got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!DeleteFileA(in_dir("sub")) && GetLastError() == ERROR_ACCESS_DENIED,
       "DeleteFile of a directory: expected ERROR_ACCESS_DENIED, got %lu\n", GetLastError());
    ok(DeleteFileA(in_dir("sub\\f.txt")), "DeleteFile sub\\f.txt failed\n");
    ok(RemoveDirectoryA(in_dir("sub")), "RemoveDirectory failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!RemoveDirectoryA(in_dir("sub")) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "RemoveDirectory of a missing directory: expected ERROR_FILE_NOT_FOUND, got %lu\n", GetLastError());
}

START_TEST(file_basic)
{
    sprintf(dir, "file_basic_%lu.dir", GetCurrentProcessId());
    if (!ok(CreateDirectoryA(dir, NULL), "CreateDirectoryA(%s) failed: %lu\n", dir, GetLastError())) return;
    test_dispositions();
    test_read_write();
    test_sharing();
    test_delete_and_dirs();
    DeleteFileA(in_dir("a.txt"));
    DeleteFileA(in_dir("b.txt"));
    DeleteFileA(in_dir("c.txt"));
    ok(RemoveDirectoryA(dir), "removing %s failed: %lu\n", dir, GetLastError());
}
