/* SRW locks and condition variables: single-threaded state, Try* semantics, N threads incrementing
 * under an exclusive lock, readers sharing, a producer/consumer queue over condition variables (CS
 * and SRW, exclusive and shared), timeouts and no lost wake-ups. */
#include "ok.h"

static SRWLOCK lock = SRWLOCK_INIT;
static volatile LONG counter;
static volatile LONG readers_inside, max_readers_inside, writer_inside, overlap;

static DWORD WINAPI srw_adder(void *p) {
    for (int i = 0; i < 20000; i++) {
        AcquireSRWLockExclusive(&lock);
        counter++;
        ReleaseSRWLockExclusive(&lock);
    }
    return 0;
}

static DWORD WINAPI srw_mixed(void *p) {
    int id = (int)(ULONG_PTR)p;
    for (int i = 0; i < 3000; i++) {
        if ((i + id) % 4 == 0) {
            AcquireSRWLockExclusive(&lock);
            if (InterlockedIncrement(&writer_inside) != 1 || readers_inside) InterlockedIncrement(&overlap);
            counter++;
            InterlockedDecrement(&writer_inside);
            ReleaseSRWLockExclusive(&lock);
        } else {
            AcquireSRWLockShared(&lock);
            LONG r = InterlockedIncrement(&readers_inside);
            if (writer_inside) InterlockedIncrement(&overlap);
            if (r > max_readers_inside) max_readers_inside = r;
            if (i % 64 == 0) Sleep(0);
            InterlockedDecrement(&readers_inside);
            ReleaseSRWLockShared(&lock);
        }
    }
    return 0;
}

/* Readers that hold the lock at the same time: both must get in. */
static HANDLE both_in;
static volatile LONG shared_holders;
static DWORD WINAPI shared_holder(void *p) {
    AcquireSRWLockShared(&lock);
    InterlockedIncrement(&shared_holders);
    DWORD r = WaitForSingleObject(both_in, 5000);
    ReleaseSRWLockShared(&lock);
    return r;
}

/* Producer/consumer: a bounded queue, CS + two condition variables. */
#define QSIZE 8
#define ITEMS 20000
static CRITICAL_SECTION qcs;
static CONDITION_VARIABLE not_empty = CONDITION_VARIABLE_INIT, not_full = CONDITION_VARIABLE_INIT;
static int queue[QSIZE], qhead, qcount;
static volatile LONG64 consumed_sum;
static volatile LONG consumed_items, sleep_errors;

static DWORD WINAPI producer(void *p) {
    for (int i = 1; i <= ITEMS; i++) {
        EnterCriticalSection(&qcs);
        while (qcount == QSIZE)
            if (!SleepConditionVariableCS(&not_full, &qcs, INFINITE)) InterlockedIncrement(&sleep_errors);
        queue[(qhead + qcount++) % QSIZE] = i;
        LeaveCriticalSection(&qcs);
        WakeConditionVariable(&not_empty);
    }
    return 0;
}

static DWORD WINAPI consumer(void *p) {
    for (;;) {
        EnterCriticalSection(&qcs);
        while (qcount == 0)
            if (!SleepConditionVariableCS(&not_empty, &qcs, INFINITE)) InterlockedIncrement(&sleep_errors);
        int v = queue[qhead];
        qhead = (qhead + 1) % QSIZE;
        qcount--;
        LeaveCriticalSection(&qcs);
        WakeConditionVariable(&not_full);
        if (v == -1) return 0;
        InterlockedAdd64(&consumed_sum, v);
        InterlockedIncrement(&consumed_items);
    }
}

/* The same over an SRW lock; the consumers check the predicate in shared mode first. */
static SRWLOCK qlock = SRWLOCK_INIT;
static CONDITION_VARIABLE ready_cv = CONDITION_VARIABLE_INIT;
static volatile LONG generation;
static volatile LONG seen_generation[4];

static DWORD WINAPI gen_waiter(void *p) {
    int id = (int)(ULONG_PTR)p;
    LONG last = 0;
    for (;;) {
        AcquireSRWLockShared(&qlock);
        while (generation == last)
            if (!SleepConditionVariableSRW(&ready_cv, &qlock, 5000, CONDITION_VARIABLE_LOCKMODE_SHARED)) {
                ReleaseSRWLockShared(&qlock);
                return 1;  /* a lost wake-up would end here */
            }
        last = generation;
        ReleaseSRWLockShared(&qlock);
        seen_generation[id] = last;
        if (last >= 200) return 0;
    }
}

START_TEST(k32_srw_condvar)
{
    SRWLOCK l;
    InitializeSRWLock(&l);
    ok(l.Ptr == NULL, "InitializeSRWLock left %p\n", l.Ptr);
    ok(TryAcquireSRWLockExclusive(&l) == TRUE, "TryAcquireSRWLockExclusive on a free lock failed\n");
    ok(!TryAcquireSRWLockExclusive(&l), "a second exclusive acquisition succeeded\n");
    ok(!TryAcquireSRWLockShared(&l), "a shared acquisition of an exclusively held lock succeeded\n");
    ReleaseSRWLockExclusive(&l);
    ok(l.Ptr == NULL, "released lock is %p\n", l.Ptr);
    ok(TryAcquireSRWLockShared(&l) && TryAcquireSRWLockShared(&l), "two shared acquisitions failed\n");
    ok(!TryAcquireSRWLockExclusive(&l), "exclusive acquisition of a shared lock succeeded\n");
    ReleaseSRWLockShared(&l);
    ok(!TryAcquireSRWLockExclusive(&l), "exclusive acquisition with one shared holder left succeeded\n");
    ReleaseSRWLockShared(&l);
    AcquireSRWLockExclusive(&l);
    ReleaseSRWLockExclusive(&l);
    AcquireSRWLockShared(&l);
    ReleaseSRWLockShared(&l);
    ok(l.Ptr == NULL, "lock not free at the end: %p\n", l.Ptr);

    /* Condition variable timeouts: FALSE with ERROR_TIMEOUT, the lock held again. */
    CONDITION_VARIABLE cv;
    InitializeConditionVariable(&cv);
    ok(cv.Ptr == NULL, "InitializeConditionVariable left %p\n", cv.Ptr);
    CRITICAL_SECTION cs;
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    SetLastError(0xdeadbeef);
    DWORD t0 = GetTickCount();
    ok(!SleepConditionVariableCS(&cv, &cs, 50) && GetLastError() == ERROR_TIMEOUT, "CS sleep: error %lu\n",
       GetLastError());
    DWORD dt = GetTickCount() - t0;
    ok(dt >= 30 && dt < 2000, "a 50 ms condition sleep took %lu ms\n", dt);
    ok((DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId() && cs.RecursionCount == 1,
       "critical section not re-entered after the timeout\n");
    SetLastError(0xdeadbeef);
    ok(!SleepConditionVariableCS(&cv, &cs, 0) && GetLastError() == ERROR_TIMEOUT, "zero timeout: error %lu\n",
       GetLastError());
    LeaveCriticalSection(&cs);
    WakeConditionVariable(&cv);    /* nobody waits: no effect */
    WakeAllConditionVariable(&cv);
    AcquireSRWLockExclusive(&l);
    SetLastError(0xdeadbeef);
    ok(!SleepConditionVariableSRW(&cv, &l, 20, 0) && GetLastError() == ERROR_TIMEOUT, "SRW sleep: error %lu\n",
       GetLastError());
    ok(!TryAcquireSRWLockShared(&l), "the SRW lock is not held exclusively again after the sleep\n");
    ReleaseSRWLockExclusive(&l);
    AcquireSRWLockShared(&l);
    SetLastError(0xdeadbeef);
    ok(!SleepConditionVariableSRW(&cv, &l, 20, CONDITION_VARIABLE_LOCKMODE_SHARED) && GetLastError() == ERROR_TIMEOUT,
       "shared SRW sleep: error %lu\n", GetLastError());
    ok(TryAcquireSRWLockShared(&l) && !TryAcquireSRWLockExclusive(&l), "not held shared again after the sleep\n");
    ReleaseSRWLockShared(&l);
    ReleaseSRWLockShared(&l);
    ok(l.Ptr == NULL, "lock not free: %p\n", l.Ptr);

    /* N threads incrementing under the lock. */
    HANDLE t[8];
    for (int i = 0; i < 8; i++) t[i] = CreateThread(NULL, 0, srw_adder, NULL, 0, NULL);
    ok(WaitForMultipleObjects(8, t, TRUE, 20000) == WAIT_OBJECT_0, "adders did not finish\n");
    ok(counter == 160000, "counter %ld, expected 160000\n", counter);
    for (int i = 0; i < 8; i++) CloseHandle(t[i]);

    /* Readers and writers mixed: never a writer together with anyone else. */
    counter = 0;
    for (int i = 0; i < 8; i++) t[i] = CreateThread(NULL, 0, srw_mixed, (void *)(ULONG_PTR)i, 0, NULL);
    ok(WaitForMultipleObjects(8, t, TRUE, 20000) == WAIT_OBJECT_0, "mixed threads did not finish\n");
    ok(overlap == 0, "%ld overlaps of a writer with another holder\n", overlap);
    ok(counter == 8 * 3000 / 4, "writer count %ld\n", counter);
    trace("at most %ld readers inside at once\n", max_readers_inside);
    for (int i = 0; i < 8; i++) CloseHandle(t[i]);
    ok(lock.Ptr == NULL, "lock not free after the threads: %p\n", lock.Ptr);

    /* Two shared holders at the same time. */
    both_in = CreateEventA(NULL, TRUE, FALSE, NULL);
    t[0] = CreateThread(NULL, 0, shared_holder, NULL, 0, NULL);
    t[1] = CreateThread(NULL, 0, shared_holder, NULL, 0, NULL);
    for (int i = 0; i < 500 && shared_holders < 2; i++) Sleep(1);
    ok(shared_holders == 2, "only %ld shared holders got in\n", shared_holders);
    ok(!TryAcquireSRWLockExclusive(&lock), "exclusive while shared-held\n");
    SetEvent(both_in);
    ok(WaitForMultipleObjects(2, t, TRUE, 5000) == WAIT_OBJECT_0, "shared holders did not finish\n");
    CloseHandle(t[0]);
    CloseHandle(t[1]);
    ok(TryAcquireSRWLockExclusive(&lock), "lock not free after the shared holders\n");
    ReleaseSRWLockExclusive(&lock);

    /* Producer/consumer: every item arrives once. 2 producers, 3 consumers. */
    InitializeCriticalSection(&qcs);
    HANDLE pc[5];
    for (int i = 0; i < 2; i++) pc[i] = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    for (int i = 2; i < 5; i++) pc[i] = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    ok(WaitForMultipleObjects(2, pc, TRUE, 30000) == WAIT_OBJECT_0, "producers did not finish\n");
    for (int i = 0; i < 3; i++) {
        EnterCriticalSection(&qcs);
        while (qcount == QSIZE) SleepConditionVariableCS(&not_full, &qcs, INFINITE);
        queue[(qhead + qcount++) % QSIZE] = -1;
        LeaveCriticalSection(&qcs);
        WakeConditionVariable(&not_empty);
    }
    ok(WaitForMultipleObjects(3, pc + 2, TRUE, 30000) == WAIT_OBJECT_0, "consumers did not finish\n");
    ok(consumed_items == 2 * ITEMS, "consumed %ld items, expected %d\n", consumed_items, 2 * ITEMS);
    ok(consumed_sum == 2LL * ITEMS * (ITEMS + 1) / 2, "sum %lld\n", (long long)consumed_sum);
    ok(sleep_errors == 0, "%ld infinite sleeps failed\n", sleep_errors);
    for (int i = 0; i < 5; i++) CloseHandle(pc[i]);

    /* WakeAll under an SRW lock in shared mode: every waiter sees every generation it waits for. */
    HANDLE g[4];
    for (int i = 0; i < 4; i++) g[i] = CreateThread(NULL, 0, gen_waiter, (void *)(ULONG_PTR)i, 0, NULL);
    for (int i = 1; i <= 200; i++) {
        AcquireSRWLockExclusive(&qlock);
        generation = i;
        ReleaseSRWLockExclusive(&qlock);
        WakeAllConditionVariable(&ready_cv);
        if (i % 20 == 0) Sleep(1);
    }
    ok(WaitForMultipleObjects(4, g, TRUE, 20000) == WAIT_OBJECT_0, "generation waiters did not finish\n");
    for (int i = 0; i < 4; i++) {
        DWORD code = 99;
        GetExitCodeThread(g[i], &code);
        ok(code == 0 && seen_generation[i] == 200, "waiter %d: exit %lu, saw %ld\n", i, code, seen_generation[i]);
        CloseHandle(g[i]);
    }
    DeleteCriticalSection(&cs);
}
