/* DuplicateHandle within the process (pseudo-handle or a real handle to it): pseudo-handles become real handles, duplicates share the
 * object (a file's position, an event's state), DUPLICATE_CLOSE_SOURCE, bad handles. */
#include "ok.h"

START_TEST(k32_handle)
{
    HANDLE me = GetCurrentProcess(), t = NULL, p = NULL;
    ok(DuplicateHandle(me, GetCurrentThread(), me, &t, 0, FALSE, DUPLICATE_SAME_ACCESS), "dup of the thread pseudo-handle failed %lu\n",
       GetLastError());
    ok(t != GetCurrentThread() && GetThreadId(t) == GetCurrentThreadId(), "duplicated thread handle: id %lu, expected %lu\n",
       GetThreadId(t), GetCurrentThreadId());
    ok(WaitForSingleObject(t, 0) == WAIT_TIMEOUT, "the running thread is signaled\n");
    DWORD code = 0;
    ok(GetExitCodeThread(t, &code) && code == STILL_ACTIVE, "exit code of the running thread %lu\n", code);
    CloseHandle(t);
    ok(DuplicateHandle(me, me, me, &p, 0, FALSE, DUPLICATE_SAME_ACCESS), "dup of the process pseudo-handle failed\n");
    ok(p != me && GetProcessId(p) == GetCurrentProcessId(), "duplicated process handle: pid %lu\n", GetProcessId(p));
    CloseHandle(p);

    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL), e2 = NULL;
    ok(DuplicateHandle(me, e, me, &e2, 0, FALSE, DUPLICATE_SAME_ACCESS) && e2 != e, "dup of an event failed\n");
    SetEvent(e2);
    ok(WaitForSingleObject(e, 0) == WAIT_OBJECT_0, "the duplicate is not the same event\n");
    CloseHandle(e);
    ok(WaitForSingleObject(e2, 0) == WAIT_OBJECT_0, "closing the original must not affect the duplicate\n");

    HANDLE f = CreateFileA("k32_handle.tmp", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    DWORD n;
    WriteFile(f, "abc", 3, &n, NULL);
    HANDLE f2 = NULL;
    ok(DuplicateHandle(me, f, me, &f2, 0, FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE), "dup of a file failed\n");
    ok(SetFilePointer(f2, 0, NULL, FILE_CURRENT) == 3, "the duplicate does not share the file position\n");
    SetLastError(0xdeadbeef);
    ok(!CloseHandle(f) && GetLastError() == ERROR_INVALID_HANDLE, "DUPLICATE_CLOSE_SOURCE left the source open (%lu)\n",
       GetLastError());
    CloseHandle(f2);
    ok(GetFileAttributesA("k32_handle.tmp") == INVALID_FILE_ATTRIBUTES, "DELETE_ON_CLOSE after the last handle\n");

    /* A real handle to this process (OpenProcess of our own id) is as good as the pseudo-handle. */
    HANDLE self = OpenProcess(PROCESS_DUP_HANDLE, FALSE, GetCurrentProcessId());
    HANDLE e3 = NULL;
    ok(self != NULL, "OpenProcess(self) failed %lu\n", GetLastError());
    ok(DuplicateHandle(self, e2, self, &e3, 0, FALSE, DUPLICATE_SAME_ACCESS) && e3 != e2 && e3 != NULL,
       "dup through a real handle to this process failed %lu\n", GetLastError());
    ok(WaitForSingleObject(e3, 0) == WAIT_OBJECT_0, "the duplicate is not the same event\n");
    CloseHandle(e3);
    CloseHandle(self);

    SetLastError(0xdeadbeef);
    HANDLE x = (HANDLE)0x1;
    ok(!DuplicateHandle(me, (HANDLE)(ULONG_PTR)0x7ff0, me, &x, 0, FALSE, DUPLICATE_SAME_ACCESS) &&
       GetLastError() == ERROR_INVALID_HANDLE, "bad source handle: error %lu\n", GetLastError());
    DWORD flags = 0xdead;
    ok(GetHandleInformation(e2, &flags) && flags == 0, "flags of a plain handle: %lx\n", flags);
    ok(SetHandleInformation(e2, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT) && GetHandleInformation(e2, &flags) &&
       flags == HANDLE_FLAG_INHERIT, "HANDLE_FLAG_INHERIT: %lx\n", flags);
    SetHandleInformation(e2, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE);
    SetLastError(0xdeadbeef);
    ok(!CloseHandle(e2) && GetLastError() == ERROR_INVALID_HANDLE, "CloseHandle of a protected handle: error %lu\n",
       GetLastError());
    ok(WaitForSingleObject(e2, 0) == WAIT_OBJECT_0, "a protected handle was closed\n");
    SetHandleInformation(e2, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    ok(CloseHandle(e2), "closing after unprotecting failed\n");
    SetLastError(0xdeadbeef);
    ok(!GetHandleInformation(e2, &flags) && GetLastError() == ERROR_INVALID_HANDLE, "closed handle: %lu\n", GetLastError());
}
