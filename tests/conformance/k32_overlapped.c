/* k32_overlapped.c: overlapped file I/O: offsets from the OVERLAPPED, the event, GetOverlappedResult,
 * end of file, completion packets on an associated port (and none when the event's low bit is set),
 * ReadFileEx/WriteFileEx completion routines at alertable waits, CancelIoEx with nothing pending.
 * Requests may complete at once or pend (as Windows may do either), so both paths are accepted. */
#include "ok.h"

static int routine_calls;
static DWORD routine_err, routine_bytes;
static void WINAPI on_done(DWORD err, DWORD bytes, OVERLAPPED* ov) {
    routine_calls++;
    routine_err = err;
    routine_bytes = bytes;
}

/* Waits for a request that may have pended; returns the byte count, or -1 with the error set. */
static long finish(HANDLE f, OVERLAPPED* ov, BOOL started) {
    DWORD n = 0;
    if (!started && GetLastError() != ERROR_IO_PENDING) return -1;
    if (!GetOverlappedResult(f, ov, &n, TRUE)) return -1;
    return (long)n;
}

START_TEST(k32_overlapped)
{
    char name[64], buf[64];
    HANDLE f, port, ev;
    OVERLAPPED ov, *got;
    DWORD n;
    ULONG_PTR key;
    BOOL r;

    sprintf(name, "ovl_%lu.bin", GetCurrentProcessId());
    f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_OVERLAPPED, NULL);
    ok(f != INVALID_HANDLE_VALUE, "create failed: %lu\n", GetLastError());
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);

    memset(&ov, 0, sizeof ov);
    ov.Offset = 100;
    ov.hEvent = ev;
    r = WriteFile(f, "hello overlapped", 16, NULL, &ov);
    ok(finish(f, &ov, r) == 16, "overlapped write: %lu\n", GetLastError());
    ok(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0, "the event is not set after the write\n");
    ok(GetFileSize(f, NULL) == 116, "file size %lu\n", GetFileSize(f, NULL));

    ResetEvent(ev);
    memset(&ov, 0, sizeof ov);
    ov.Offset = 106;
    ov.hEvent = ev;
    memset(buf, 0, sizeof buf);
    r = ReadFile(f, buf, sizeof buf, NULL, &ov);
    ok(finish(f, &ov, r) == 10 && !memcmp(buf, "overlapped", 10), "overlapped read: %.10s\n", buf);

    /* at the end of the file */
    memset(&ov, 0, sizeof ov);
    ov.Offset = 500;
    SetLastError(0xdeadbeef);
    r = ReadFile(f, buf, sizeof buf, NULL, &ov);
    if (!r && GetLastError() == ERROR_IO_PENDING) r = GetOverlappedResult(f, &ov, &n, TRUE);
    ok(!r && GetLastError() == ERROR_HANDLE_EOF, "read past the end: %d/%lu\n", r, GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetOverlappedResult(f, &ov, &n, TRUE) && GetLastError() == ERROR_HANDLE_EOF && n == 0,
       "GetOverlappedResult after EOF: %lu (%lu bytes)\n", GetLastError(), n);

    /* a completion port gets a packet per request */
    port = CreateIoCompletionPort(f, NULL, 7, 0);
    ok(port != NULL, "CreateIoCompletionPort failed: %lu\n", GetLastError());
    memset(&ov, 0, sizeof ov);
    r = WriteFile(f, "xyz", 3, NULL, &ov);
    ok(r || GetLastError() == ERROR_IO_PENDING, "write on an associated handle: %lu\n", GetLastError());
    got = NULL;
    ok(GetQueuedCompletionStatus(port, &n, &key, &got, 5000) && key == 7 && got == &ov && n == 3,
       "completion packet: key %llu ov %p bytes %lu (%lu)\n", (unsigned long long)key, got, n, GetLastError());
    /* the event's low bit: no packet */
    memset(&ov, 0, sizeof ov);
    ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    r = WriteFile(f, "abc", 3, NULL, &ov);
    ok(finish(f, &ov, r) == 3, "write with the low bit set\n");
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatus(port, &n, &key, &got, 100) && GetLastError() == WAIT_TIMEOUT,
       "a packet was queued although the event's low bit was set: %lu\n", GetLastError());
    CloseHandle(f);
    CloseHandle(port);

    /* completion routines */
    f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    memset(&ov, 0, sizeof ov);
    ov.Offset = 100;
    ok(ReadFileEx(f, buf, 5, &ov, on_done), "ReadFileEx failed: %lu\n", GetLastError());
    ok(routine_calls == 0, "the completion routine ran before an alertable wait\n");
    ok(SleepEx(1000, TRUE) == WAIT_IO_COMPLETION, "SleepEx did not run the completion routine\n");
    ok(routine_calls == 1 && routine_err == 0 && routine_bytes == 5 && !memcmp(buf, "hello", 5),
       "completion routine: calls %d err %lu bytes %lu\n", routine_calls, routine_err, routine_bytes);
    memset(&ov, 0, sizeof ov);
    ov.Offset = 200;
    ok(WriteFileEx(f, "tail", 4, &ov, on_done), "WriteFileEx failed: %lu\n", GetLastError());
    ok(SleepEx(1000, TRUE) == WAIT_IO_COMPLETION && routine_calls == 2 && routine_bytes == 4, "WriteFileEx routine\n");

    SetLastError(0xdeadbeef);
    ok(!CancelIoEx(f, NULL) && GetLastError() == ERROR_NOT_FOUND, "CancelIoEx with nothing pending: %lu\n", GetLastError());
    ok(CancelIo(f), "CancelIo failed: %lu\n", GetLastError());
    CloseHandle(f);
    CloseHandle(ev);
    ok(DeleteFileA(name), "DeleteFile failed: %lu\n", GetLastError());
}
