/* The default thread pool: QueueUserWorkItem, TrySubmitThreadpoolCallback and work objects
 * (submit many times, wait, cancel pending callbacks, close with callbacks outstanding). */
#include "ok.h"

static volatile LONG count, on_main;
static DWORD main_tid;
static HANDLE done;

static DWORD WINAPI legacy_item(void *ctx) {
    if (GetCurrentThreadId() == main_tid) InterlockedIncrement(&on_main);
    if (InterlockedIncrement(&count) == 100) SetEvent(done);
    return 0;
}

static void CALLBACK simple(PTP_CALLBACK_INSTANCE inst, void *ctx) {
    if (!inst || ctx != (void *)0x55) return;
    if (InterlockedIncrement(&count) == 50) SetEvent(done);
}

static volatile LONG work_calls;
static void CALLBACK work_cb(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_WORK work) {
    if (ctx == (void *)0x66 && inst && work) InterlockedIncrement(&work_calls);
}

static HANDLE gate;
static volatile LONG slow_calls;
static void CALLBACK slow_cb(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_WORK work) {
    WaitForSingleObject(gate, 5000);
    InterlockedIncrement(&slow_calls);
}

/* Callbacks that wait for each other: the pool must grow beyond a fixed handful of workers. */
static HANDLE barrier_sem;
static volatile LONG arrived;
static void CALLBACK barrier_cb(PTP_CALLBACK_INSTANCE inst, void *ctx) {
    if (InterlockedIncrement(&arrived) == 12) ReleaseSemaphore(barrier_sem, 12, NULL);
    WaitForSingleObject(barrier_sem, 10000);
}

static volatile LONG timer_calls;
static HANDLE timer_fired;
static PTP_TIMER seen_timer;
static void CALLBACK timer_cb(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_TIMER timer) {
    seen_timer = timer;
    InterlockedIncrement(&timer_calls);
    SetEvent(timer_fired);
}
static volatile LONG wait_calls;
static TP_WAIT_RESULT wait_result;
static HANDLE wait_fired;
static void CALLBACK wait_cb(PTP_CALLBACK_INSTANCE inst, void *ctx, PTP_WAIT wait, TP_WAIT_RESULT result) {
    wait_result = result;
    InterlockedIncrement(&wait_calls);
    SetEvent(wait_fired);
}

static void test_timers_and_waits(void) {
    FILETIME due;
    ULARGE_INTEGER u;
    PTP_TIMER t;
    PTP_WAIT w;
    HANDLE ev;
    LONG n;

    timer_fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    t = CreateThreadpoolTimer(timer_cb, NULL, NULL);
    ok(t != NULL, "CreateThreadpoolTimer failed: %lu\n", GetLastError());
    ok(!IsThreadpoolTimerSet(t), "a new timer is set\n");
    u.QuadPart = (ULONGLONG)-500000; /* 50 ms from now */
    due.dwLowDateTime = u.LowPart;
    due.dwHighDateTime = u.HighPart;
    SetThreadpoolTimer(t, &due, 0, 0);
    ok(IsThreadpoolTimerSet(t), "the timer is not set\n");
    ok(WaitForSingleObject(timer_fired, 5000) == WAIT_OBJECT_0, "the one-shot timer did not fire\n");
    ok(timer_calls == 1 && seen_timer == t, "one-shot: %ld calls, timer %p (expected %p)\n", timer_calls, seen_timer, t);
    WaitForThreadpoolTimerCallbacks(t, FALSE);
    ok(!IsThreadpoolTimerSet(t), "a fired one-shot timer is still set\n");
    /* periodic, then cancelled */
    SetThreadpoolTimer(t, &due, 20, 0);
    for (int i = 0; i < 250 && timer_calls < 4; i++) Sleep(10);
    ok(timer_calls >= 4, "periodic timer: %ld calls\n", timer_calls);
    SetThreadpoolTimer(t, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(t, TRUE);
    n = timer_calls;
    Sleep(100);
    ok(timer_calls == n, "a cancelled timer fired again (%ld -> %ld)\n", n, timer_calls);
    CloseThreadpoolTimer(t);

    wait_fired = CreateEventA(NULL, FALSE, FALSE, NULL);
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    w = CreateThreadpoolWait(wait_cb, NULL, NULL);
    ok(w != NULL, "CreateThreadpoolWait failed: %lu\n", GetLastError());
    SetThreadpoolWait(w, ev, NULL);
    Sleep(20);
    ok(wait_calls == 0, "the wait callback ran before the event was set\n");
    SetEvent(ev);
    ok(WaitForSingleObject(wait_fired, 5000) == WAIT_OBJECT_0 && wait_result == WAIT_OBJECT_0,
       "wait on a set event: result %lu\n", wait_result);
    SetThreadpoolWait(w, ev, &due); /* 50 ms timeout, nobody sets the event */
    ok(WaitForSingleObject(wait_fired, 5000) == WAIT_OBJECT_0 && wait_result == WAIT_TIMEOUT,
       "wait with a timeout: result %lu\n", wait_result);
    SetThreadpoolWait(w, ev, NULL);
    SetThreadpoolWait(w, NULL, NULL); /* cancelled */
    WaitForThreadpoolWaitCallbacks(w, TRUE);
    n = wait_calls;
    SetEvent(ev);
    Sleep(50);
    ok(wait_calls == n, "a cancelled wait ran its callback\n");
    CloseThreadpoolWait(w);
    CloseHandle(ev);
}

START_TEST(k32_threadpool)
{
    main_tid = GetCurrentThreadId();
    done = CreateEventA(NULL, FALSE, FALSE, NULL);

    for (int i = 0; i < 100; i++) ok(QueueUserWorkItem(legacy_item, NULL, WT_EXECUTEDEFAULT), "QueueUserWorkItem failed\n");
    ok(WaitForSingleObject(done, 10000) == WAIT_OBJECT_0, "work items did not all run: %ld\n", count);
    ok(on_main == 0, "%ld items ran on the main thread\n", on_main);

    count = 0;
    for (int i = 0; i < 50; i++) ok(TrySubmitThreadpoolCallback(simple, (void *)0x55, NULL), "TrySubmit failed\n");
    ok(WaitForSingleObject(done, 10000) == WAIT_OBJECT_0 && count == 50, "simple callbacks: %ld\n", count);

    PTP_WORK w = CreateThreadpoolWork(work_cb, (void *)0x66, NULL);
    ok(w != NULL, "CreateThreadpoolWork failed: %lu\n", GetLastError());
    for (int i = 0; i < 200; i++) SubmitThreadpoolWork(w);
    WaitForThreadpoolWorkCallbacks(w, FALSE);
    ok(work_calls == 200, "after the wait %ld of 200 callbacks ran\n", work_calls);
    WaitForThreadpoolWorkCallbacks(w, FALSE);  /* nothing outstanding: returns at once */
    CloseThreadpoolWork(w);

    /* Cancelling pending callbacks: the running ones finish, the queued ones never start. */
    gate = CreateEventA(NULL, TRUE, FALSE, NULL);
    w = CreateThreadpoolWork(slow_cb, NULL, NULL);
    for (int i = 0; i < 400; i++) SubmitThreadpoolWork(w);
    Sleep(50);
    SetEvent(gate);
    WaitForThreadpoolWorkCallbacks(w, TRUE);
    LONG ran = slow_calls;
    ok(ran >= 1 && ran <= 400, "%ld slow callbacks ran\n", ran);
    Sleep(50);
    ok(slow_calls == ran, "callbacks ran after the cancelling wait: %ld -> %ld\n", ran, slow_calls);
    trace("%ld of 400 ran before the cancel\n", ran);

    /* Close with callbacks still queued: they still run. */
    ResetEvent(gate);
    slow_calls = 0;
    for (int i = 0; i < 3; i++) SubmitThreadpoolWork(w);
    CloseThreadpoolWork(w);
    SetEvent(gate);
    for (int i = 0; i < 500 && slow_calls < 3; i++) Sleep(2);
    ok(slow_calls == 3, "after close: %ld of 3 callbacks ran\n", slow_calls);

    barrier_sem = CreateSemaphoreA(NULL, 0, 12, NULL);
    for (int i = 0; i < 12; i++) TrySubmitThreadpoolCallback(barrier_cb, NULL, NULL);
    for (int i = 0; i < 2500 && arrived < 12; i++) Sleep(2);
    ok(arrived == 12, "only %ld of 12 mutually waiting callbacks got a thread\n", arrived);
    test_timers_and_waits();
}
