/* Events, semaphores, mutexes, waits and critical sections (single-threaded behaviour; the
 * multi-threaded tests come with CreateThread). */
#include "ok.h"

START_TEST(k32_sync)
{
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ok(e != NULL, "CreateEvent failed\n");
    ok(WaitForSingleObject(e, 0) == WAIT_TIMEOUT, "unsignaled event did not time out\n");
    ok(SetEvent(e), "SetEvent failed\n");
    ok(WaitForSingleObject(e, 0) == WAIT_OBJECT_0, "signaled event not acquired\n");
    ok(WaitForSingleObject(e, 0) == WAIT_TIMEOUT, "auto-reset event stayed signaled\n");
    DWORD t0 = GetTickCount();
    ok(WaitForSingleObject(e, 60) == WAIT_TIMEOUT, "timed wait did not time out\n");
    DWORD dt = GetTickCount() - t0;
    ok(dt >= 40 && dt < 2000, "a 60 ms wait took %lu ms\n", dt);

    HANDLE m = CreateEventA(NULL, TRUE, TRUE, NULL);
    ok(WaitForSingleObject(m, 0) == WAIT_OBJECT_0 && WaitForSingleObject(m, 0) == WAIT_OBJECT_0,
       "manual-reset event must stay signaled\n");
    ok(ResetEvent(m) && WaitForSingleObject(m, 0) == WAIT_TIMEOUT, "ResetEvent did not reset\n");

    /* Wait-any returns the lowest signaled index; wait-all needs all. */
    HANDLE both[2] = {e, m};
    SetEvent(m);
    ok(WaitForMultipleObjects(2, both, FALSE, 0) == WAIT_OBJECT_0 + 1, "wait-any should pick index 1\n");
    ok(WaitForMultipleObjects(2, both, TRUE, 0) == WAIT_TIMEOUT, "wait-all with one unsignaled should time out\n");
    SetEvent(e);
    ok(WaitForMultipleObjects(2, both, TRUE, 0) == WAIT_OBJECT_0, "wait-all with both signaled failed\n");
    ok(WaitForSingleObject(e, 0) == WAIT_TIMEOUT, "wait-all must consume the auto-reset event\n");
    HANDLE dup2[2] = {m, m};
    SetLastError(0xdeadbeef);
    ok(WaitForMultipleObjects(2, dup2, TRUE, 0) == WAIT_FAILED && GetLastError() == ERROR_INVALID_PARAMETER,
       "the same object twice in a wait-all: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(WaitForSingleObject((HANDLE)(ULONG_PTR)0x7ff0, 0) == WAIT_FAILED && GetLastError() == ERROR_INVALID_HANDLE,
       "bad handle: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(WaitForMultipleObjects(0, both, FALSE, 0) == WAIT_FAILED && GetLastError() == ERROR_INVALID_PARAMETER,
       "zero handles: error %lu\n", GetLastError());

    /* Semaphores. */
    HANDLE s = CreateSemaphoreA(NULL, 1, 2, NULL);
    ok(WaitForSingleObject(s, 0) == WAIT_OBJECT_0 && WaitForSingleObject(s, 0) == WAIT_TIMEOUT, "semaphore count 1\n");
    LONG prev = -1;
    ok(ReleaseSemaphore(s, 2, &prev) && prev == 0, "ReleaseSemaphore(2): prev %ld\n", prev);
    SetLastError(0xdeadbeef);
    prev = -5;
    ok(!ReleaseSemaphore(s, 1, &prev) && GetLastError() == ERROR_TOO_MANY_POSTS, "over the maximum: error %lu\n",
       GetLastError());
    ok(prev == -5, "a failed ReleaseSemaphore must not write the previous count (%ld)\n", prev);
    SetLastError(0xdeadbeef);
    ok(CreateSemaphoreA(NULL, 3, 2, NULL) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
       "initial > maximum: error %lu\n", GetLastError());

    /* Mutexes are recursive for their owner. */
    HANDLE mx = CreateMutexA(NULL, TRUE, NULL);
    ok(WaitForSingleObject(mx, 0) == WAIT_OBJECT_0, "owner could not re-acquire its mutex\n");
    ok(ReleaseMutex(mx) && ReleaseMutex(mx), "two releases failed\n");
    SetLastError(0xdeadbeef);
    ok(!ReleaseMutex(mx) && GetLastError() == ERROR_NOT_OWNER, "release of an unowned mutex: error %lu\n", GetLastError());

    /* Named objects: a second create opens the same object. */
    HANDLE n1 = CreateEventA(NULL, TRUE, FALSE, "winrun_k32_sync_event");
    ok(n1 && GetLastError() == 0, "first named create: error %lu\n", GetLastError());
    HANDLE n2 = CreateEventA(NULL, TRUE, FALSE, "winrun_k32_sync_event");
    ok(n2 && n2 != n1 && GetLastError() == ERROR_ALREADY_EXISTS, "second named create: error %lu\n", GetLastError());
    SetEvent(n1);
    ok(WaitForSingleObject(n2, 0) == WAIT_OBJECT_0, "the two handles are not the same event\n");
    SetLastError(0xdeadbeef);
    ok(CreateSemaphoreA(NULL, 0, 1, "winrun_k32_sync_event") == NULL && GetLastError() == ERROR_INVALID_HANDLE,
       "a name of another kind: error %lu\n", GetLastError());

    /* Critical sections. */
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    ok(cs.LockCount == -1 && cs.RecursionCount == 0, "fresh critical section: LockCount %ld\n", cs.LockCount);
    EnterCriticalSection(&cs);
    ok(TryEnterCriticalSection(&cs), "TryEnter by the owner failed\n");
    ok(cs.RecursionCount == 2 && (DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId(),
       "RecursionCount %ld, owner %p\n", cs.RecursionCount, cs.OwningThread);
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    ok(cs.RecursionCount == 0 && cs.OwningThread == NULL, "released: RecursionCount %ld\n", cs.RecursionCount);
    DeleteCriticalSection(&cs);

    CloseHandle(e);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(mx);
    CloseHandle(n1);
    CloseHandle(n2);
}
