/* I/O completion ports: posting and dequeuing packets, timeouts, GetQueuedCompletionStatusEx with
 * several entries and alertable waits, worker threads, closing the port under a waiting thread, and
 * associating a file handle. */
#include "ok.h"

static HANDLE port;
static volatile LONG64 worker_sum;
static volatile LONG worker_packets;

static DWORD WINAPI worker(void *p) {
    for (;;) {
        DWORD bytes;
        ULONG_PTR key;
        OVERLAPPED *ov;
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 10000)) return 1;
        if (key == 0) return 0;  /* quit packet */
        InterlockedAdd64(&worker_sum, bytes);
        InterlockedIncrement(&worker_packets);
    }
}

static HANDLE closing_port;
static DWORD WINAPI close_waiter(void *p) {
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED *ov = (OVERLAPPED *)1;
    SetLastError(0xdeadbeef);
    BOOL r = GetQueuedCompletionStatus(closing_port, &bytes, &key, &ov, 10000);
    if (r || ov != NULL) return 1;
    return GetLastError();
}

static void CALLBACK apc(ULONG_PTR p) {}

START_TEST(k32_iocp)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *ov = (OVERLAPPED *)1, o1, o2;

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    ok(port != NULL, "CreateIoCompletionPort failed: %lu\n", GetLastError());

    /* Timeouts: FALSE, WAIT_TIMEOUT, *lpOverlapped = NULL. */
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0) && GetLastError() == WAIT_TIMEOUT,
       "empty port: error %lu\n", GetLastError());
    ok(ov == NULL, "lpOverlapped not cleared on timeout: %p\n", ov);
    DWORD t0 = GetTickCount();
    ok(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 50) && GetLastError() == WAIT_TIMEOUT, "timed wait\n");
    DWORD dt = GetTickCount() - t0;
    ok(dt >= 30 && dt < 2000, "a 50 ms wait took %lu ms\n", dt);

    /* Packets come out in order, with their values. */
    ok(PostQueuedCompletionStatus(port, 11, 0x1234, &o1), "Post failed: %lu\n", GetLastError());
    ok(PostQueuedCompletionStatus(port, 22, 0x5678, &o2), "Post failed\n");
    ok(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0), "Get failed: %lu\n", GetLastError());
    ok(bytes == 11 && key == 0x1234 && ov == &o1, "first packet: %lu %llx %p\n", bytes, (unsigned long long)key, ov);
    ok(GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE), "Get failed\n");
    ok(bytes == 22 && key == 0x5678 && ov == &o2, "second packet: %lu %llx %p\n", bytes, (unsigned long long)key, ov);
    ok(PostQueuedCompletionStatus(port, 0, 0, NULL), "Post with NULL overlapped failed\n");
    ov = (OVERLAPPED *)1;
    ok(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0) && ov == NULL, "NULL overlapped packet\n");

    /* GetQueuedCompletionStatusEx takes up to ulCount packets at once. */
    OVERLAPPED_ENTRY entries[4];
    ULONG removed = 99;
    for (int i = 1; i <= 3; i++) PostQueuedCompletionStatus(port, i * 100, i, NULL);
    ok(GetQueuedCompletionStatusEx(port, entries, 2, &removed, 0, FALSE) && removed == 2, "Ex removed %lu\n", removed);
    ok(entries[0].lpCompletionKey == 1 && entries[0].dwNumberOfBytesTransferred == 100 &&
       entries[1].lpCompletionKey == 2 && entries[1].dwNumberOfBytesTransferred == 200, "Ex entries wrong\n");
    ok(GetQueuedCompletionStatusEx(port, entries, 4, &removed, 0, FALSE) && removed == 1 &&
       entries[0].lpCompletionKey == 3, "Ex: the rest: removed %lu\n", removed);
    removed = 99;
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatusEx(port, entries, 4, &removed, 10, FALSE) && GetLastError() == WAIT_TIMEOUT,
       "Ex timeout: error %lu\n", GetLastError());
    ok(removed == 0, "Ex timeout: removed %lu\n", removed);
    QueueUserAPC(apc, GetCurrentThread(), 0);
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatusEx(port, entries, 4, &removed, 1000, TRUE) && GetLastError() == WAIT_IO_COMPLETION,
       "Ex alertable: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatusEx(port, entries, 0, &removed, 0, FALSE) && GetLastError() == ERROR_INVALID_PARAMETER,
       "Ex with 0 entries: error %lu\n", GetLastError());

    /* Worker threads share the packets: each is dequeued exactly once. */
    HANDLE t[4];
    for (int i = 0; i < 4; i++) t[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    LONG64 expect = 0;
    for (int i = 1; i <= 4000; i++) {
        PostQueuedCompletionStatus(port, i, 1, NULL);
        expect += i;
    }
    for (int i = 0; i < 4; i++) PostQueuedCompletionStatus(port, 0, 0, NULL);
    ok(WaitForMultipleObjects(4, t, TRUE, 20000) == WAIT_OBJECT_0, "workers did not finish\n");
    ok(worker_packets == 4000 && worker_sum == expect, "workers got %ld packets, sum %lld\n", worker_packets,
       (long long)worker_sum);
    for (int i = 0; i < 4; i++) {
        DWORD code = 99;
        GetExitCodeThread(t[i], &code);
        ok(code == 0, "worker %d exit %lu\n", i, code);
        CloseHandle(t[i]);
    }

    /* Closing the port releases a waiting thread with ERROR_ABANDONED_WAIT_0. */
    closing_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    HANDLE w = CreateThread(NULL, 0, close_waiter, NULL, 0, NULL);
    Sleep(50);
    ok(CloseHandle(closing_port), "CloseHandle of the port failed\n");
    ok(WaitForSingleObject(w, 5000) == WAIT_OBJECT_0, "the waiter was not released\n");
    DWORD code = 0;
    GetExitCodeThread(w, &code);
    ok(code == ERROR_ABANDONED_WAIT_0, "waiter got %lu, expected ERROR_ABANDONED_WAIT_0\n", code);
    CloseHandle(w);
    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatus(closing_port, &bytes, &key, &ov, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "closed port: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!PostQueuedCompletionStatus(closing_port, 0, 0, NULL) && GetLastError() == ERROR_INVALID_HANDLE,
       "post to a closed port: error %lu\n", GetLastError());

    /* Associating a file: a new port, or the existing one (its handle comes back). */
    const char *path = "k32_iocp.tmp";
    HANDLE f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ok(f != INVALID_HANDLE_VALUE, "CreateFile failed: %lu\n", GetLastError());
    ok(CreateIoCompletionPort(f, port, 0x42, 0) == port, "associating with an existing port\n");
    HANDLE f2 = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    HANDLE p2 = CreateIoCompletionPort(f2, NULL, 7, 0);
    ok(p2 != NULL && p2 != port, "a new port for a file: %p\n", p2);
    ok(PostQueuedCompletionStatus(p2, 1, 2, NULL) && GetQueuedCompletionStatus(p2, &bytes, &key, &ov, 0) && key == 2,
       "the file's new port does not work\n");
    SetLastError(0xdeadbeef);
    ok(CreateIoCompletionPort((HANDLE)(ULONG_PTR)0x7ff0, NULL, 0, 0) == NULL && GetLastError() == ERROR_INVALID_HANDLE,
       "bad file handle: error %lu\n", GetLastError());
    CloseHandle(f2);
    CloseHandle(f);
    CloseHandle(p2);

    SetLastError(0xdeadbeef);
    ok(!GetQueuedCompletionStatus((HANDLE)(ULONG_PTR)0x7ff0, &bytes, &key, &ov, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "bad port handle: error %lu\n", GetLastError());
    ok(CloseHandle(port), "CloseHandle failed\n");
}
