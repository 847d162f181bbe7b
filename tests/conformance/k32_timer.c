/* Waitable timers: relative and absolute due times, synchronization vs manual-reset, periodic timers,
 * CancelWaitableTimer, completion routines as APCs in alertable waits, timers in
 * WaitForMultipleObjects, error codes. */
#include "ok.h"

static volatile LONG apc_calls;
static DWORD apc_thread;
static FILETIME apc_time;
static void *apc_arg;

static void CALLBACK completion(void *arg, DWORD low, DWORD high) {
    InterlockedIncrement(&apc_calls);
    apc_thread = GetCurrentThreadId();
    apc_arg = arg;
    apc_time.dwLowDateTime = low;
    apc_time.dwHighDateTime = high;
}

static LARGE_INTEGER rel_ms(LONG ms) {
    LARGE_INTEGER d;
    d.QuadPart = -(LONGLONG)ms * 10000;
    return d;
}

START_TEST(k32_timer)
{
    HANDLE t = CreateWaitableTimerA(NULL, FALSE, NULL);
    ok(t != NULL, "CreateWaitableTimerA failed: %lu\n", GetLastError());
    ok(WaitForSingleObject(t, 0) == WAIT_TIMEOUT, "a new timer is not signaled\n");
    ok(WaitForSingleObject(t, 20) == WAIT_TIMEOUT, "an unset timer never fires\n");

    /* Relative due time; a synchronization timer is reset by the wait that takes it. */
    LARGE_INTEGER due = rel_ms(50);
    DWORD t0 = GetTickCount();
    ok(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE), "SetWaitableTimer failed: %lu\n", GetLastError());
    ok(WaitForSingleObject(t, 0) == WAIT_TIMEOUT, "the timer fired at once\n");
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "the timer did not fire\n");
    DWORD dt = GetTickCount() - t0;
    ok(dt >= 35 && dt < 2000, "a 50 ms timer fired after %lu ms\n", dt);
    ok(WaitForSingleObject(t, 0) == WAIT_TIMEOUT, "a synchronization timer stayed signaled\n");

    /* Manual-reset: stays signaled; setting it again makes it non-signaled. */
    HANDLE m = CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_MANUAL_RESET, TIMER_ALL_ACCESS);
    ok(m != NULL, "CreateWaitableTimerExW failed: %lu\n", GetLastError());
    due = rel_ms(10);
    ok(SetWaitableTimer(m, &due, 0, NULL, NULL, FALSE), "SetWaitableTimer failed\n");
    ok(WaitForSingleObject(m, 5000) == WAIT_OBJECT_0 && WaitForSingleObject(m, 0) == WAIT_OBJECT_0,
       "a manual-reset timer must stay signaled\n");
    due = rel_ms(10000);
    ok(SetWaitableTimer(m, &due, 0, NULL, NULL, FALSE), "SetWaitableTimer failed\n");
    ok(WaitForSingleObject(m, 0) == WAIT_TIMEOUT, "SetWaitableTimer must reset the signaled state\n");

    /* Cancel stops it before it fires and leaves the state alone. */
    ok(CancelWaitableTimer(m), "CancelWaitableTimer failed\n");
    due = rel_ms(20);
    ok(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE) && CancelWaitableTimer(t), "set + cancel failed\n");
    ok(WaitForSingleObject(t, 80) == WAIT_TIMEOUT, "a cancelled timer fired\n");
    due = rel_ms(1);
    SetWaitableTimer(m, &due, 0, NULL, NULL, FALSE);
    ok(WaitForSingleObject(m, 5000) == WAIT_OBJECT_0, "manual timer did not fire\n");
    ok(CancelWaitableTimer(m) && WaitForSingleObject(m, 0) == WAIT_OBJECT_0, "cancel must not reset a signaled timer\n");

    /* Absolute due time: a FILETIME in the past fires at once; 60 ms ahead fires later. */
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    due.LowPart = now.dwLowDateTime;
    due.HighPart = (LONG)now.dwHighDateTime;
    due.QuadPart -= 10000000;  /* one second ago */
    ok(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE), "absolute SetWaitableTimer failed\n");
    ok(WaitForSingleObject(t, 1000) == WAIT_OBJECT_0, "a due time in the past did not fire\n");
    GetSystemTimeAsFileTime(&now);
    due.LowPart = now.dwLowDateTime;
    due.HighPart = (LONG)now.dwHighDateTime;
    due.QuadPart += 60 * 10000;
    t0 = GetTickCount();
    SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE);
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "absolute timer did not fire\n");
    dt = GetTickCount() - t0;
    ok(dt >= 40 && dt < 2000, "a 60 ms absolute timer fired after %lu ms\n", dt);

    /* Periodic. */
    due = rel_ms(10);
    t0 = GetTickCount();
    ok(SetWaitableTimer(t, &due, 20, NULL, NULL, FALSE), "periodic SetWaitableTimer failed\n");
    int fired = 0;
    for (int i = 0; i < 5; i++) fired += WaitForSingleObject(t, 2000) == WAIT_OBJECT_0;
    dt = GetTickCount() - t0;
    ok(fired == 5, "periodic timer fired %d of 5 times\n", fired);
    ok(dt >= 70 && dt < 3000, "5 periods of 20 ms took %lu ms\n", dt);
    CancelWaitableTimer(t);

    /* In WaitForMultipleObjects with an event. */
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE both[2] = {e, t};
    due = rel_ms(20);
    SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE);
    ok(WaitForMultipleObjects(2, both, FALSE, 5000) == WAIT_OBJECT_0 + 1, "WFMO did not report the timer\n");

    /* Completion routine: queued to the setting thread, runs only in an alertable wait. */
    due = rel_ms(10);
    ok(SetWaitableTimer(t, &due, 0, completion, (void *)0x77, FALSE), "SetWaitableTimer with a routine failed\n");
    ok(WaitForSingleObject(t, 5000) == WAIT_OBJECT_0, "timer with a routine did not fire\n");
    Sleep(20);
    ok(apc_calls == 0, "the completion routine ran outside an alertable wait\n");
    GetSystemTimeAsFileTime(&now);
    ok(SleepEx(1000, TRUE) == WAIT_IO_COMPLETION, "SleepEx did not run the completion routine\n");
    ok(apc_calls == 1 && apc_arg == (void *)0x77 && apc_thread == GetCurrentThreadId(), "routine: calls %ld arg %p\n",
       apc_calls, apc_arg);
    ULONGLONG when = ((ULONGLONG)apc_time.dwHighDateTime << 32) | apc_time.dwLowDateTime;
    ULONGLONG after = ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
    ok(when <= after + 10000 && after - when < 50000000, "routine time %llu, now %llu\n", when, after);

    /* The routine also comes through an alertable wait that sleeps until then. */
    due = rel_ms(20);
    SetWaitableTimer(m, &due, 0, completion, (void *)0x78, FALSE);
    ok(WaitForSingleObjectEx(e, 5000, TRUE) == WAIT_IO_COMPLETION && apc_calls == 2, "alertable wait: calls %ld\n",
       apc_calls);

    /* Cancel drops a queued completion routine. */
    due = rel_ms(1);
    SetWaitableTimer(t, &due, 0, completion, NULL, FALSE);
    Sleep(50);
    ok(CancelWaitableTimer(t), "cancel failed\n");
    ok(SleepEx(0, TRUE) == 0 && apc_calls == 2, "a cancelled timer's routine ran (%ld)\n", apc_calls);

    /* Errors. */
    SetLastError(0xdeadbeef);
    ok(!SetWaitableTimer(e, &due, 0, NULL, NULL, FALSE) && GetLastError() == ERROR_INVALID_HANDLE,
       "SetWaitableTimer on an event: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!SetWaitableTimer(t, &due, -1, NULL, NULL, FALSE) && GetLastError() == ERROR_INVALID_PARAMETER,
       "negative period: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!CancelWaitableTimer(e) && GetLastError() == ERROR_INVALID_HANDLE, "cancel on an event: error %lu\n",
       GetLastError());

    /* Named timers. */
    HANDLE n1 = CreateWaitableTimerA(NULL, TRUE, "winrun_k32_timer");
    ok(n1 && GetLastError() == 0, "named timer: error %lu\n", GetLastError());
    HANDLE n2 = CreateWaitableTimerW(NULL, TRUE, L"winrun_k32_timer");
    ok(n2 && GetLastError() == ERROR_ALREADY_EXISTS, "second named timer: error %lu\n", GetLastError());
    due = rel_ms(1);
    SetWaitableTimer(n1, &due, 0, NULL, NULL, FALSE);
    ok(WaitForSingleObject(n2, 5000) == WAIT_OBJECT_0, "the named timers are not one object\n");

    /* A timer closed while armed never fires into anyone. */
    HANDLE c = CreateWaitableTimerA(NULL, FALSE, NULL);
    due = rel_ms(5);
    SetWaitableTimer(c, &due, 0, completion, NULL, FALSE);
    CloseHandle(c);

    CloseHandle(t);
    CloseHandle(m);
    CloseHandle(e);
    CloseHandle(n1);
    CloseHandle(n2);
}
