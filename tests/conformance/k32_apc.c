/* User APCs and alertable waits: QueueUserAPC, SleepEx, WaitForSingleObjectEx /
 * WaitForMultipleObjectsEx with bAlertable, SignalObjectAndWait. APCs run only in an alertable wait,
 * all of them in FIFO order, and the wait returns WAIT_IO_COMPLETION; a signaled object wins over a
 * queued APC; a non-alertable wait leaves APCs queued. */
#include "ok.h"

static int order[16], norder;
static DWORD apc_thread_id;

static void CALLBACK record(ULONG_PTR data) {
    if (norder < 16) order[norder++] = (int)data;
    apc_thread_id = GetCurrentThreadId();
}

static void CALLBACK requeue(ULONG_PTR data) {
    record(data);
    /* An APC queued by an APC runs in the same alertable wait. */
    QueueUserAPC(record, GetCurrentThread(), data + 1);
}

static HANDLE ready, stop;
static volatile LONG worker_result = -1;
static volatile LONG remote_apc_ran;

static void CALLBACK remote_apc(ULONG_PTR data) { InterlockedIncrement(&remote_apc_ran); }

static DWORD WINAPI alertable_worker(void *p) {
    SetEvent(ready);
    /* Sleeps alertably until an APC arrives (never reaches the 10 s limit). */
    worker_result = SleepEx(10000, TRUE);
    return remote_apc_ran == 1 ? 0 : 1;
}

static DWORD WINAPI busy_worker(void *p) {
    SetEvent(ready);
    /* Not alertable: the APC must wait for the SleepEx below. */
    WaitForSingleObject(stop, INFINITE);
    if (remote_apc_ran != 0) return 1;
    DWORD r = SleepEx(0, TRUE);
    return r == WAIT_IO_COMPLETION && remote_apc_ran == 1 ? 0 : 2;
}

static DWORD WINAPI wfmo_worker(void *p) {
    HANDLE h[2] = {stop, stop};
    SetEvent(ready);
    return WaitForMultipleObjectsEx(1, h, FALSE, 10000, TRUE);
}

START_TEST(k32_apc)
{
    ok(SleepEx(0, TRUE) == 0, "SleepEx with nothing queued\n");
    DWORD t0 = GetTickCount();
    ok(SleepEx(30, TRUE) == 0, "SleepEx(30) should time out with 0\n");
    ok(GetTickCount() - t0 >= 20, "SleepEx(30) returned after %lu ms\n", GetTickCount() - t0);

    /* Queued to self; runs at the next alertable wait, not before. */
    ok(QueueUserAPC(record, GetCurrentThread(), 1), "QueueUserAPC failed: %lu\n", GetLastError());
    ok(QueueUserAPC(record, GetCurrentThread(), 2), "QueueUserAPC failed\n");
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ok(WaitForSingleObject(e, 10) == WAIT_TIMEOUT, "non-alertable wait\n");
    ok(WaitForSingleObjectEx(e, 10, FALSE) == WAIT_TIMEOUT, "non-alertable Ex wait\n");
    Sleep(1);
    ok(SleepEx(0, FALSE) == 0, "non-alertable SleepEx\n");
    ok(norder == 0, "%d APCs ran outside an alertable wait\n", norder);
    ok(SleepEx(INFINITE, TRUE) == WAIT_IO_COMPLETION, "SleepEx did not return WAIT_IO_COMPLETION\n");
    ok(norder == 2 && order[0] == 1 && order[1] == 2, "APCs ran %d times (%d, %d)\n", norder, order[0], order[1]);
    ok(apc_thread_id == GetCurrentThreadId(), "the APC ran on thread %lu\n", apc_thread_id);
    ok(SleepEx(0, TRUE) == 0, "the queue was not emptied\n");

    /* An APC queued by an APC also runs before the wait returns. */
    norder = 0;
    QueueUserAPC(requeue, GetCurrentThread(), 10);
    ok(WaitForSingleObjectEx(e, INFINITE, TRUE) == WAIT_IO_COMPLETION, "WaitForSingleObjectEx alertable\n");
    ok(norder == 2 && order[0] == 10 && order[1] == 11, "nested APC: %d ran\n", norder);

    /* A signaled object is taken first; the APC stays queued. */
    norder = 0;
    SetEvent(e);
    QueueUserAPC(record, GetCurrentThread(), 5);
    ok(WaitForSingleObjectEx(e, 0, TRUE) == WAIT_OBJECT_0, "signaled object should win over the APC\n");
    ok(norder == 0, "the APC ran although the object was signaled\n");
    HANDLE two[2] = {e, e};
    ok(WaitForMultipleObjectsEx(1, two, FALSE, 1000, TRUE) == WAIT_IO_COMPLETION && norder == 1,
       "WaitForMultipleObjectsEx alertable: %d ran\n", norder);

    /* SignalObjectAndWait: signals, then waits alertably. */
    HANDLE s = CreateSemaphoreA(NULL, 0, 1, NULL);
    ok(SignalObjectAndWait(s, e, 0, FALSE) == WAIT_TIMEOUT, "SignalObjectAndWait should time out\n");
    ok(WaitForSingleObject(s, 0) == WAIT_OBJECT_0, "the semaphore was not released\n");
    ok(SignalObjectAndWait(e, e, 0, FALSE) == WAIT_OBJECT_0, "signal and wait on the same event\n");
    norder = 0;
    QueueUserAPC(record, GetCurrentThread(), 7);
    ok(SignalObjectAndWait(s, e, INFINITE, TRUE) == WAIT_IO_COMPLETION && norder == 1, "alertable SignalObjectAndWait\n");
    SetLastError(0xdeadbeef);
    ok(SignalObjectAndWait(s, e, 0, FALSE) == WAIT_FAILED && GetLastError() == ERROR_TOO_MANY_POSTS,
       "semaphore over its maximum: error %lu\n", GetLastError());
    HANDLE mx = CreateMutexA(NULL, FALSE, NULL);
    SetLastError(0xdeadbeef);
    ok(SignalObjectAndWait(mx, e, 0, FALSE) == WAIT_FAILED && GetLastError() == ERROR_NOT_OWNER,
       "unowned mutex: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(SignalObjectAndWait((HANDLE)(ULONG_PTR)0x7ff0, e, 0, FALSE) == WAIT_FAILED && GetLastError() == ERROR_INVALID_HANDLE,
       "bad handle: error %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    ok(!QueueUserAPC(record, (HANDLE)(ULONG_PTR)0x7ff0, 0) && GetLastError() == ERROR_INVALID_HANDLE,
       "QueueUserAPC to a bad handle: error %lu\n", GetLastError());

    /* Another thread sleeping alertably is interrupted. */
    ready = CreateEventA(NULL, FALSE, FALSE, NULL);
    stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t = CreateThread(NULL, 0, alertable_worker, NULL, 0, NULL);
    WaitForSingleObject(ready, INFINITE);
    Sleep(30);
    t0 = GetTickCount();
    ok(QueueUserAPC(remote_apc, t, 0), "QueueUserAPC to a thread failed\n");
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "the alertable sleeper was not interrupted\n");
    ok(GetTickCount() - t0 < 2000, "interrupting took %lu ms\n", GetTickCount() - t0);
    DWORD code = 99;
    GetExitCodeThread(t, &code);
    ok(code == 0 && worker_result == WAIT_IO_COMPLETION, "worker: exit %lu, SleepEx %ld\n", code, worker_result);
    CloseHandle(t);

    /* A thread in a non-alertable wait keeps the APC until its next alertable wait. */
    remote_apc_ran = 0;
    t = CreateThread(NULL, 0, busy_worker, NULL, 0, NULL);
    WaitForSingleObject(ready, INFINITE);
    ok(QueueUserAPC(remote_apc, t, 0), "QueueUserAPC failed\n");
    Sleep(50);
    ok(remote_apc_ran == 0, "the APC ran during a non-alertable wait\n");
    SetEvent(stop);
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "busy worker did not end\n");
    GetExitCodeThread(t, &code);
    ok(code == 0, "busy worker: exit %lu\n", code);
    CloseHandle(t);

    /* WaitForMultipleObjectsEx in another thread is interrupted by an APC. */
    ResetEvent(stop);
    remote_apc_ran = 0;
    t = CreateThread(NULL, 0, wfmo_worker, NULL, 0, NULL);
    WaitForSingleObject(ready, INFINITE);
    Sleep(20);
    QueueUserAPC(remote_apc, t, 0);
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "WFMO worker did not end\n");
    GetExitCodeThread(t, &code);
    ok(code == WAIT_IO_COMPLETION && remote_apc_ran == 1, "WFMO worker returned %lu, APC ran %ld\n", code, remote_apc_ran);

    /* An ended thread takes no more APCs. */
    SetLastError(0xdeadbeef);
    ok(!QueueUserAPC(remote_apc, t, 0), "QueueUserAPC to an ended thread succeeded\n");
    CloseHandle(t);
    CloseHandle(e);
    CloseHandle(s);
    CloseHandle(mx);
}
