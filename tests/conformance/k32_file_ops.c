/* k32_file_ops.c: CopyFile(Ex), MoveFile(Ex), ReplaceFile and byte-range locks (LockFile(Ex),
 * UnlockFile(Ex)), with the last-error values Windows gives. Works in a fresh directory. */
#include "ok.h"

static char dir[64];
static char pbuf[4][160];
static int pnext;

static const char* in_dir(const char* name) {
    char* p = pbuf[pnext++ & 3];
    sprintf(p, "%s\\%s", dir, name);
    return p;
}

static void write_file(const char* name, const char* data) {
    DWORD n;
    HANDLE h = CreateFileA(in_dir(name), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "create %s: %lu\n", name, GetLastError());
    WriteFile(h, data, (DWORD)strlen(data), &n, NULL);
    CloseHandle(h);
}

static int file_is(const char* name, const char* data) {
    char buf[256];
    DWORD n = 0;
    HANDLE h = CreateFileA(in_dir(name), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return 0;
    ReadFile(h, buf, sizeof buf, &n, NULL);
    CloseHandle(h);
    return n == strlen(data) && !memcmp(buf, data, n);
}

static int calls;
static DWORD WINAPI cancel_progress(LARGE_INTEGER total, LARGE_INTEGER done, LARGE_INTEGER ssize, LARGE_INTEGER sdone,
                                    DWORD stream, DWORD reason, HANDLE src, HANDLE dst, void* data) {
    calls++;
    return PROGRESS_CANCEL;
}

static void test_copy(void) {
    FILETIME t1, t2;
    WIN32_FILE_ATTRIBUTE_DATA a1, a2;
    SYSTEMTIME st = {2010, 6, 0, 15, 12, 0, 0, 0};
    HANDLE h;

    write_file("src.txt", "copy me");
    h = CreateFileA(in_dir("src.txt"), GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    SystemTimeToFileTime(&st, &t1);
    SetFileTime(h, NULL, NULL, &t1);
    CloseHandle(h);

    ok(CopyFileA(in_dir("src.txt"), in_dir("dst.txt"), TRUE), "CopyFile failed: %lu\n", GetLastError());
    ok(file_is("dst.txt", "copy me"), "copied data differs\n");
    GetFileAttributesExA(in_dir("src.txt"), GetFileExInfoStandard, &a1);
    GetFileAttributesExA(in_dir("dst.txt"), GetFileExInfoStandard, &a2);
    t2 = a2.ftLastWriteTime;
    ok(CompareFileTime(&t1, &t2) == 0, "the copy did not keep the last write time\n");
    SetLastError(0xdeadbeef);
    ok(!CopyFileA(in_dir("src.txt"), in_dir("dst.txt"), TRUE) && GetLastError() == ERROR_FILE_EXISTS,
       "CopyFile onto an existing file with bFailIfExists: %lu\n", GetLastError());
    write_file("src.txt", "second");
    ok(CopyFileA(in_dir("src.txt"), in_dir("dst.txt"), FALSE), "CopyFile overwrite failed: %lu\n", GetLastError());
    ok(file_is("dst.txt", "second"), "overwritten copy differs\n");
    SetLastError(0xdeadbeef);
    ok(!CopyFileA(in_dir("none.txt"), in_dir("x.txt"), FALSE) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "CopyFile of a missing file: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CopyFileA(in_dir("src.txt"), in_dir("nodir\\x.txt"), FALSE) && GetLastError() == ERROR_PATH_NOT_FOUND,
       "CopyFile into a missing directory: %lu\n", GetLastError());

    /* a read-only target is not overwritten */
    SetFileAttributesA(in_dir("dst.txt"), FILE_ATTRIBUTE_READONLY);
    SetLastError(0xdeadbeef);
    ok(!CopyFileA(in_dir("src.txt"), in_dir("dst.txt"), FALSE) && GetLastError() == ERROR_ACCESS_DENIED,
       "CopyFile onto a read-only file: %lu\n", GetLastError());
    SetFileAttributesA(in_dir("dst.txt"), FILE_ATTRIBUTE_NORMAL);

    /* a cancelled CopyFileEx leaves no target */
    SetLastError(0xdeadbeef);
    ok(!CopyFileExA(in_dir("src.txt"), in_dir("cancel.txt"), cancel_progress, NULL, NULL, 0) &&
       GetLastError() == ERROR_REQUEST_ABORTED, "cancelled CopyFileEx: %lu\n", GetLastError());
    ok(calls >= 1, "progress routine not called\n");
    ok(GetFileAttributesA(in_dir("cancel.txt")) == INVALID_FILE_ATTRIBUTES, "cancelled copy left a file\n");
    ok(CopyFileExA(in_dir("src.txt"), in_dir("dst.txt"), NULL, NULL, NULL, 0), "CopyFileEx failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CopyFileExA(in_dir("src.txt"), in_dir("dst.txt"), NULL, NULL, NULL, COPY_FILE_FAIL_IF_EXISTS) &&
       GetLastError() == ERROR_FILE_EXISTS, "CopyFileEx COPY_FILE_FAIL_IF_EXISTS: %lu\n", GetLastError());
    DeleteFileA(in_dir("src.txt"));
    DeleteFileA(in_dir("dst.txt"));
}

static void test_move(void) {
    HANDLE h;
    write_file("a.txt", "A");
    write_file("b.txt", "B");
    SetLastError(0xdeadbeef);
    ok(!MoveFileA(in_dir("a.txt"), in_dir("b.txt")) && GetLastError() == ERROR_ALREADY_EXISTS,
       "MoveFile onto an existing file: %lu\n", GetLastError());
    ok(MoveFileExA(in_dir("a.txt"), in_dir("b.txt"), MOVEFILE_REPLACE_EXISTING), "MoveFileEx replace failed: %lu\n",
       GetLastError());
    ok(file_is("b.txt", "A") && GetFileAttributesA(in_dir("a.txt")) == INVALID_FILE_ATTRIBUTES, "replace result\n");
    ok(MoveFileA(in_dir("b.txt"), in_dir("c.txt")), "MoveFile rename failed: %lu\n", GetLastError());
    ok(file_is("c.txt", "A"), "renamed file differs\n");
    SetLastError(0xdeadbeef);
    ok(!MoveFileA(in_dir("none.txt"), in_dir("d.txt")) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "MoveFile of a missing file: %lu\n", GetLastError());

    /* a file open without FILE_SHARE_DELETE cannot move */
    h = CreateFileA(in_dir("c.txt"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    SetLastError(0xdeadbeef);
    ok(!MoveFileA(in_dir("c.txt"), in_dir("d.txt")) && GetLastError() == ERROR_SHARING_VIOLATION,
       "moving a file open without FILE_SHARE_DELETE: %lu\n", GetLastError());
    CloseHandle(h);
    h = CreateFileA(in_dir("c.txt"), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    ok(MoveFileA(in_dir("c.txt"), in_dir("d.txt")), "moving a file open with FILE_SHARE_DELETE failed: %lu\n", GetLastError());
    CloseHandle(h);

    /* directories move with their contents; an existing directory is never replaced */
    ok(CreateDirectoryA(in_dir("sub"), NULL), "CreateDirectory sub\n");
    ok(MoveFileA(in_dir("d.txt"), in_dir("sub\\d.txt")), "move into sub failed: %lu\n", GetLastError());
    ok(MoveFileA(in_dir("sub"), in_dir("sub2")), "directory move failed: %lu\n", GetLastError());
    ok(file_is("sub2\\d.txt", "A"), "file did not move with its directory\n");
    ok(CreateDirectoryA(in_dir("sub3"), NULL), "CreateDirectory sub3\n");
    SetLastError(0xdeadbeef);
    ok(!MoveFileExA(in_dir("sub2"), in_dir("sub3"), MOVEFILE_REPLACE_EXISTING) && GetLastError() == ERROR_ACCESS_DENIED,
       "replacing a directory: %lu\n", GetLastError());
    DeleteFileA(in_dir("sub2\\d.txt"));
    RemoveDirectoryA(in_dir("sub2"));
    RemoveDirectoryA(in_dir("sub3"));
}

static void test_replace(void) {
    write_file("old.txt", "old");
    write_file("new.txt", "new");
    ok(ReplaceFileA(in_dir("old.txt"), in_dir("new.txt"), in_dir("backup.txt"), 0, NULL, NULL), "ReplaceFile failed: %lu\n",
       GetLastError());
    ok(file_is("old.txt", "new") && file_is("backup.txt", "old"), "ReplaceFile result\n");
    ok(GetFileAttributesA(in_dir("new.txt")) == INVALID_FILE_ATTRIBUTES, "replacement still there\n");
    DeleteFileA(in_dir("old.txt"));
    DeleteFileA(in_dir("backup.txt"));
}

static void test_locks(void) {
    OVERLAPPED ov;
    HANDLE h1, h2;
    write_file("lock.txt", "0123456789abcdefghij");
    h1 = CreateFileA(in_dir("lock.txt"), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    h2 = CreateFileA(in_dir("lock.txt"), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(h1 != INVALID_HANDLE_VALUE && h2 != INVALID_HANDLE_VALUE, "opens failed\n");

    ok(LockFile(h1, 0, 0, 10, 0), "LockFile failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LockFile(h2, 5, 0, 10, 0) && GetLastError() == ERROR_LOCK_VIOLATION, "overlapping lock through another handle: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LockFile(h1, 5, 0, 2, 0) && GetLastError() == ERROR_LOCK_VIOLATION, "overlapping lock through the same handle: %lu\n",
       GetLastError());
    ok(LockFile(h2, 10, 0, 10, 0), "adjacent lock failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!UnlockFile(h1, 0, 0, 5, 0) && GetLastError() == ERROR_NOT_LOCKED, "unlocking part of a lock: %lu\n", GetLastError());
    ok(UnlockFile(h1, 0, 0, 10, 0), "UnlockFile failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!UnlockFile(h1, 0, 0, 10, 0) && GetLastError() == ERROR_NOT_LOCKED, "unlocking twice: %lu\n", GetLastError());
    ok(LockFile(h1, 5, 0, 2, 0), "lock after unlock failed: %lu\n", GetLastError());
    ok(UnlockFile(h1, 5, 0, 2, 0), "unlock\n");
    ok(UnlockFile(h2, 10, 0, 10, 0), "unlock h2\n");

    /* shared locks share; an exclusive one waits or fails */
    memset(&ov, 0, sizeof ov);
    ov.Offset = 100;
    ok(LockFileEx(h1, LOCKFILE_FAIL_IMMEDIATELY, 0, 50, 0, &ov), "shared LockFileEx h1 failed: %lu\n", GetLastError());
    ok(LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY, 0, 50, 0, &ov), "shared LockFileEx h2 failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK, 0, 10, 0, &ov) &&
       GetLastError() == ERROR_LOCK_VIOLATION, "exclusive over shared: %lu\n", GetLastError());
    ok(UnlockFileEx(h1, 0, 50, 0, &ov), "UnlockFileEx h1 failed: %lu\n", GetLastError());
    ok(UnlockFileEx(h2, 0, 50, 0, &ov), "UnlockFileEx h2 failed: %lu\n", GetLastError());
    ok(LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK, 0, 10, 0, &ov), "exclusive after unlock: %lu\n",
       GetLastError());
    /* a lock beyond the end of the file is fine; locks go away with the handle */
    ov.Offset = 0x10000000;
    ok(LockFileEx(h1, LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK, 0, 10, 0, &ov), "lock past EOF: %lu\n", GetLastError());
    CloseHandle(h2);
    ov.Offset = 100;
    ok(LockFileEx(h1, LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK, 0, 10, 0, &ov),
       "lock of a range whose owner closed: %lu\n", GetLastError());
    CloseHandle(h1);
    DeleteFileA(in_dir("lock.txt"));
}

static void test_links(void) {
    BY_HANDLE_FILE_INFORMATION info;
    WIN32_FIND_DATAA fd;
    HANDLE h;
    DWORD attrs;
    write_file("target.txt", "linked");
    ok(CreateHardLinkA(in_dir("hard.txt"), in_dir("target.txt"), NULL), "CreateHardLink failed: %lu\n", GetLastError());
    h = CreateFileA(in_dir("target.txt"), GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(GetFileInformationByHandle(h, &info) && info.nNumberOfLinks == 2, "links: %lu\n", info.nNumberOfLinks);
    CloseHandle(h);
    ok(file_is("hard.txt", "linked"), "the hard link does not show the data\n");
    SetLastError(0xdeadbeef);
    ok(!CreateHardLinkA(in_dir("hard.txt"), in_dir("target.txt"), NULL) && GetLastError() == ERROR_ALREADY_EXISTS,
       "a hard link over an existing name: %lu\n", GetLastError());
    ok(DeleteFileA(in_dir("hard.txt")), "deleting the hard link failed\n");

    /* symbolic links need a privilege or developer mode on Windows: skip when refused */
    if (!CreateSymbolicLinkA(in_dir("sym.txt"), "target.txt", 0)) {
        skip("CreateSymbolicLink refused (%lu): no symbolic-link privilege\n", GetLastError());
        DeleteFileA(in_dir("target.txt"));
        return;
    }
    attrs = GetFileAttributesA(in_dir("sym.txt"));
    ok(attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_REPARSE_POINT), "symbolic link attributes %#lx\n", attrs);
    ok(!(GetFileAttributesA(in_dir("target.txt")) & FILE_ATTRIBUTE_REPARSE_POINT), "the target is a reparse point\n");
    ok(file_is("sym.txt", "linked"), "reading through the symbolic link\n");
    h = FindFirstFileA(in_dir("sym.txt"), &fd);
    ok(h != INVALID_HANDLE_VALUE && (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
       fd.dwReserved0 == IO_REPARSE_TAG_SYMLINK, "FindFirstFile on the link: attrs %#lx tag %#lx\n", fd.dwFileAttributes,
       fd.dwReserved0);
    if (h != INVALID_HANDLE_VALUE) FindClose(h);
    ok(DeleteFileA(in_dir("sym.txt")), "deleting the link failed: %lu\n", GetLastError());
    ok(file_is("target.txt", "linked"), "deleting the link removed the target\n");
    DeleteFileA(in_dir("target.txt"));
}

/* Child mode: "share-child open|delete <path>": exits with the last error of the attempt (0 = it worked). */
static int share_child(const char* what, const char* file) {
    if (!strcmp(what, "delete")) return DeleteFileA(file) ? 0 : (int)GetLastError();
    {
        HANDLE h = CreateFileA(file, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, 0, NULL);
        if (h == INVALID_HANDLE_VALUE) return (int)GetLastError();
        CloseHandle(h);
        return 0;
    }
}

static DWORD run_child(const char* what, const char* file) {
    char cmd[MAX_PATH + 200], self[MAX_PATH];
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    DWORD code = 0xdeadbeef;
    GetModuleFileNameA(NULL, self, sizeof self);
    sprintf(cmd, "\"%s\" share-child %s %s", self, what, file);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 0xdeadbeef;
    WaitForSingleObject(pi.hProcess, 10000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

/* Sharing modes hold between processes too. */
static void test_share_across_processes(void) {
    const char* file = in_dir("shared.txt");
    HANDLE h;
    write_file("shared.txt", "data");
    h = CreateFileA(file, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ok(h != INVALID_HANDLE_VALUE, "exclusive open failed: %lu\n", GetLastError());
    ok(run_child("open", file) == ERROR_SHARING_VIOLATION, "another process opened a file held with share 0: %lu\n",
       run_child("open", file));
    CloseHandle(h);
    ok(run_child("open", file) == 0, "another process could not open the file after it was closed\n");
    h = CreateFileA(file, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(run_child("open", file) == 0, "another process could not share a file opened with FILE_SHARE_READ|WRITE\n");
    ok(run_child("delete", file) == ERROR_SHARING_VIOLATION, "another process deleted a file open without FILE_SHARE_DELETE\n");
    CloseHandle(h);
    ok(run_child("delete", file) == 0, "another process could not delete the closed file\n");
}

START_TEST(k32_file_ops)
{
    if (winetest_argc > 3 && !strcmp(winetest_argv[1], "share-child")) exit(share_child(winetest_argv[2], winetest_argv[3]));
    sprintf(dir, "fops_%lu", GetCurrentProcessId());
    ok(CreateDirectoryA(dir, NULL), "CreateDirectory failed: %lu\n", GetLastError());
    test_copy();
    test_move();
    test_replace();
    test_locks();
    test_share_across_processes();
    test_links();
    ok(RemoveDirectoryA(dir), "RemoveDirectory failed: %lu\n", GetLastError());
}
