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
}
