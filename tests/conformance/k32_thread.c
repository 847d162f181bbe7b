/* Threads: CreateThread, exit codes, waits on threads, ExitThread, CREATE_SUSPENDED + ResumeThread,
 * per-thread TLS slots and last-error values, critical-section contention, event ping-pong. */
#include "ok.h"

static CRITICAL_SECTION cs;
static volatile LONG counter;
static HANDLE ping, pong;
static DWORD tls_index;

static DWORD WINAPI adder(void *p) {
    for (int i = 0; i < 20000; i++) {
        EnterCriticalSection(&cs);
        counter++;
        LeaveCriticalSection(&cs);
    }
    return (DWORD)(ULONG_PTR)p;
}

static DWORD WINAPI exiter(void *p) {
    ExitThread(0xC0DE);
    return 1;
}

static DWORD WINAPI ponger(void *p) {
    for (int i = 0; i < 2000; i++) {
        if (WaitForSingleObject(ping, 5000) != WAIT_OBJECT_0) return 1;
        SetEvent(pong);
    }
    return 0;
}

static DWORD WINAPI tls_user(void *p) {
    /* A new thread sees NULL in every slot and its own last error. */
    if (TlsGetValue(tls_index) != NULL) return 1;
    TlsSetValue(tls_index, p);
    SetLastError(1234);
    Sleep(20);
    if (TlsGetValue(tls_index) != p) return 2;
    if (GetLastError() != 0) return 3; /* TlsGetValue cleared it */
    return GetCurrentThreadId() == 0 ? 4 : 0;
}

START_TEST(k32_thread)
{
    InitializeCriticalSection(&cs);
    HANDLE t[4];
    DWORD ids[4];
    for (int i = 0; i < 4; i++) {
        t[i] = CreateThread(NULL, 0, adder, (void *)(ULONG_PTR)(100 + i), 0, &ids[i]);
        ok(t[i] != NULL && ids[i] != 0 && ids[i] % 4 == 0, "CreateThread %d: handle %p id %lu\n", i, t[i], ids[i]);
    }
    ok(WaitForMultipleObjects(4, t, TRUE, 10000) == WAIT_OBJECT_0, "waiting for the threads failed\n");
    ok(counter == 80000, "counter = %ld, expected 80000 (lost updates)\n", counter);
    for (int i = 0; i < 4; i++) {
        DWORD code = 0;
        ok(GetExitCodeThread(t[i], &code) && code == 100u + i, "thread %d exit code %lu\n", i, code);
        ok(GetThreadId(t[i]) == ids[i], "GetThreadId %lu, expected %lu\n", GetThreadId(t[i]), ids[i]);
        ok(WaitForSingleObject(t[i], 0) == WAIT_OBJECT_0, "an ended thread stays signaled\n");
        CloseHandle(t[i]);
    }

    HANDLE x = CreateThread(NULL, 0, exiter, NULL, 0, NULL);
    ok(WaitForSingleObject(x, 5000) == WAIT_OBJECT_0, "ExitThread thread did not end\n");
    DWORD code = 0;
    GetExitCodeThread(x, &code);
    ok(code == 0xC0DE, "ExitThread code %lx\n", code);
    CloseHandle(x);

    HANDLE s = CreateThread(NULL, 0, adder, (void *)7, CREATE_SUSPENDED, NULL);
    LONG before = counter;
    Sleep(50);
    ok(counter == before, "a CREATE_SUSPENDED thread ran\n");
    GetExitCodeThread(s, &code);
    ok(code == STILL_ACTIVE, "suspended thread exit code %lu, expected STILL_ACTIVE\n", code);
    ok(WaitForSingleObject(s, 0) == WAIT_TIMEOUT, "a suspended thread is not signaled\n");
    ok(ResumeThread(s) == 1, "ResumeThread should return the previous count 1\n");
    ok(WaitForSingleObject(s, 5000) == WAIT_OBJECT_0 && counter == before + 20000, "resumed thread did not run\n");
    CloseHandle(s);

    tls_index = TlsAlloc();
    TlsSetValue(tls_index, (void *)0x1111);
    HANDLE u = CreateThread(NULL, 0, tls_user, (void *)0x2222, 0, NULL);
    WaitForSingleObject(u, 5000);
    GetExitCodeThread(u, &code);
    ok(code == 0, "TLS thread reported %lu\n", code);
    ok(TlsGetValue(tls_index) == (void *)0x1111, "main thread's slot changed\n");
    CloseHandle(u);
    TlsFree(tls_index);

    ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    pong = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE p = CreateThread(NULL, 0, ponger, NULL, 0, NULL);
    int ok_rounds = 0;
    for (int i = 0; i < 2000; i++) {
        SetEvent(ping);
        if (WaitForSingleObject(pong, 5000) == WAIT_OBJECT_0) ok_rounds++;
    }
    ok(ok_rounds == 2000, "ping-pong: %d of 2000 rounds\n", ok_rounds);
    WaitForSingleObject(p, 5000);
    GetExitCodeThread(p, &code);
    ok(code == 0, "ponger exit code %lu\n", code);
    DeleteCriticalSection(&cs);
}
