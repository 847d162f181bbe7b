/* One-time initialisation: InitOnceExecuteOnce, Begin/Complete in synchronous and asynchronous mode,
 * the states Windows keeps in the INIT_ONCE word, error codes, and many threads racing for one
 * initialisation. */
#include "ok.h"

static LONG calls;
static BOOL callback_result = TRUE;

static BOOL CALLBACK init_fn(PINIT_ONCE once, void *param, void **ctx) {
    InterlockedIncrement(&calls);
    ok(param == (void *)0x1234, "param %p\n", param);
    if (!callback_result) SetLastError(0xcafe);
    return callback_result;
}

static INIT_ONCE shared_once = INIT_ONCE_STATIC_INIT;
static volatile LONG slow_calls, observed_bad;
static HANDLE go;

static BOOL CALLBACK slow_init(PINIT_ONCE once, void *param, void **ctx) {
    InterlockedIncrement(&slow_calls);
    Sleep(50);
    *ctx = (void *)0x5550;
    return TRUE;
}

static DWORD WINAPI racer(void *p) {
    void *ctx = NULL;
    WaitForSingleObject(go, INFINITE);
    if (!InitOnceExecuteOnce(&shared_once, slow_init, NULL, &ctx) || ctx != (void *)0x5550)
        InterlockedIncrement(&observed_bad);
    return 0;
}

START_TEST(k32_init_once)
{
    INIT_ONCE once;
    void *ctx;
    BOOL pending;

    InitOnceInitialize(&once);
    ok(once.Ptr == NULL, "InitOnceInitialize left %p\n", once.Ptr);
    ctx = (void *)0xfff0;
    ok(InitOnceExecuteOnce(&once, init_fn, (void *)0x1234, &ctx), "InitOnceExecuteOnce failed\n");
    ok(calls == 1 && once.Ptr == (void *)0xfff2, "calls %ld, Ptr %p\n", calls, once.Ptr);
    ctx = NULL;
    ok(InitOnceExecuteOnce(&once, init_fn, (void *)0x1234, &ctx) && calls == 1 && ctx == (void *)0xfff0,
       "second InitOnceExecuteOnce: calls %ld ctx %p\n", calls, ctx);
    ok(InitOnceExecuteOnce(&once, init_fn, (void *)0x1234, NULL), "NULL context failed\n");

    /* A failing callback leaves the INIT_ONCE as it was and the error as the callback set it. */
    InitOnceInitialize(&once);
    callback_result = FALSE;
    ctx = NULL;
    SetLastError(0xdeadbeef);
    ok(!InitOnceExecuteOnce(&once, init_fn, (void *)0x1234, &ctx) && GetLastError() == 0xcafe,
       "failing callback: error %lx\n", GetLastError());
    ok(once.Ptr == NULL && ctx == NULL, "after failure: Ptr %p ctx %p\n", once.Ptr, ctx);
    callback_result = TRUE;
    ok(InitOnceExecuteOnce(&once, init_fn, (void *)0x1234, NULL) && calls == 3, "retry after failure: calls %ld\n", calls);

    /* Synchronous Begin/Complete. */
    InitOnceInitialize(&once);
    pending = FALSE;
    ok(InitOnceBeginInitialize(&once, 0, &pending, &ctx) && pending && once.Ptr == (void *)1,
       "Begin: pending %d Ptr %p\n", pending, once.Ptr);
    pending = 0xf;
    SetLastError(0xdeadbeef);
    ok(!InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &ctx) && GetLastError() == ERROR_GEN_FAILURE,
       "CHECK_ONLY while running: error %lu\n", GetLastError());
    ok(pending == 0xf, "CHECK_ONLY failure wrote pending %d\n", pending);
    SetLastError(0xdeadbeef);
    ok(!InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx) && GetLastError() == ERROR_INVALID_PARAMETER,
       "ASYNC while a synchronous attempt runs: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, (void *)0xdeadbee0) && GetLastError() == ERROR_INVALID_PARAMETER,
       "failure with a context: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, 0, (void *)0xdeadbeef) && GetLastError() == ERROR_INVALID_PARAMETER,
       "context with reserved bits: error %lu\n", GetLastError());
    ok(once.Ptr == (void *)1, "Ptr %p\n", once.Ptr);
    ok(InitOnceComplete(&once, 0, (void *)0xdeadbee0) && once.Ptr == (void *)0xdeadbee2, "Complete: Ptr %p\n", once.Ptr);
    ctx = NULL;
    pending = TRUE;
    ok(InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY, &pending, &ctx) && !pending && ctx == (void *)0xdeadbee0,
       "CHECK_ONLY when done: pending %d ctx %p\n", pending, ctx);
    SetLastError(0xdeadbeef);
    ok(!InitOnceBeginInitialize(&once, INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC, &pending, &ctx) &&
       GetLastError() == ERROR_INVALID_PARAMETER, "CHECK_ONLY|ASYNC: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!InitOnceBeginInitialize(&once, 0x80, &pending, &ctx) && GetLastError() == ERROR_INVALID_PARAMETER,
       "unknown flag: error %lu\n", GetLastError());

    /* Failing a synchronous attempt returns to the initial state; failing nothing is an error. */
    InitOnceInitialize(&once);
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL) && GetLastError() == ERROR_GEN_FAILURE,
       "failing an idle INIT_ONCE: error %lu\n", GetLastError());
    ok(InitOnceBeginInitialize(&once, 0, &pending, &ctx) && pending, "Begin failed\n");
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, INIT_ONCE_INIT_FAILED | INIT_ONCE_ASYNC, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "FAILED|ASYNC: error %lu\n", GetLastError());
    ok(InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL) && once.Ptr == NULL, "failing: Ptr %p\n", once.Ptr);

    /* Asynchronous mode: several attempts may be pending; the first completion wins. */
    InitOnceInitialize(&once);
    ok(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx) && pending && once.Ptr == (void *)3,
       "async Begin: Ptr %p\n", once.Ptr);
    ok(InitOnceBeginInitialize(&once, INIT_ONCE_ASYNC, &pending, &ctx) && pending, "second async Begin\n");
    SetLastError(0xdeadbeef);
    ok(!InitOnceBeginInitialize(&once, 0, &pending, &ctx) && GetLastError() == ERROR_INVALID_PARAMETER,
       "synchronous Begin during async: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, INIT_ONCE_INIT_FAILED, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "failing an async attempt: error %lu\n", GetLastError());
    ok(InitOnceComplete(&once, INIT_ONCE_ASYNC, (void *)0xdeadbee0) && once.Ptr == (void *)0xdeadbee2,
       "async Complete: Ptr %p\n", once.Ptr);
    SetLastError(0xdeadbeef);
    ok(!InitOnceComplete(&once, INIT_ONCE_ASYNC, (void *)0xbeef0) && GetLastError() == ERROR_GEN_FAILURE,
       "a second async completion: error %lu\n", GetLastError());
    ok(once.Ptr == (void *)0xdeadbee2, "the first completion must stay: Ptr %p\n", once.Ptr);

    /* 16 threads race; exactly one runs the callback, all get its context. */
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE t[16];
    for (int i = 0; i < 16; i++) t[i] = CreateThread(NULL, 0, racer, NULL, 0, NULL);
    SetEvent(go);
    ok(WaitForMultipleObjects(16, t, TRUE, 10000) == WAIT_OBJECT_0, "racers did not finish\n");
    ok(slow_calls == 1, "the callback ran %ld times\n", slow_calls);
    ok(observed_bad == 0, "%ld threads saw a bad result\n", observed_bad);
    for (int i = 0; i < 16; i++) CloseHandle(t[i]);
    CloseHandle(go);
}
