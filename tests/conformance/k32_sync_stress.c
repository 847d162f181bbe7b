// build: -lsynchronization
/* Synchronisation stress: many threads doing random waits and signals over events, mutexes,
 * semaphores, WaitForMultipleObjects (wait-all), SRW locks, condition variables and WaitOnAddress for
 * a bounded time, checking invariants (mutual exclusion, semaphore limits, token conservation).
 *
 * Deadlocks and lost wake-ups are caught by a watchdog thread: every operation records when it
 * started, and one that has been blocked for longer than STALL_MS while the other threads keep
 * signalling is reported (thread, operation, object) and fails the test at once.
 *
 *   k32_sync_stress.exe [seconds] [threads]      defaults: 3 s, 128 threads (CI)
 *   WINRUN_STRESS_SECONDS=20 overrides the default duration, e.g. a 20 s run:
 *       winrun build/conformance/k32_sync_stress.exe 20
 *       WINRUN_STRESS_SECONDS=20 ctest -R conf_k32_sync_stress
 *   k32_sync_stress.exe 3 128 deadlock           checks the watchdog itself: one thread blocks for
 *                                                good, and the run must fail with its report
 */
#include "ok.h"

#define MAX_THREADS 256
#define STALL_MS 5000
#define NMUTEX 4
#define NEVENT 4
#define SEM_MAX 3

enum op { OP_NONE, OP_MUTEX, OP_MUTEX_PAIR, OP_SEM, OP_SRW_EXCL, OP_SRW_SHARED, OP_CV_PUT, OP_CV_TAKE, OP_EVENT_SET,
          OP_EVENT_WAIT, OP_ADDR_WAIT, OP_ADDR_BUMP, OP_COUNT };
static const char *op_names[OP_COUNT] = {"none", "mutex", "mutex pair (wait-all)", "semaphore", "SRW exclusive",
                                         "SRW shared", "condvar put", "condvar take", "SetEvent", "event wait",
                                         "WaitOnAddress", "WakeByAddressAll"};

static HANDLE mutexes[NMUTEX], events[NEVENT], sem;
static volatile LONG mutex_inside[NMUTEX], sem_inside;
static SRWLOCK srw = SRWLOCK_INIT;
static volatile LONG srw_writer, srw_readers;
static LONG64 srw_counter;
static CRITICAL_SECTION cv_cs;
static CONDITION_VARIABLE cv_tokens = CONDITION_VARIABLE_INIT;
static LONG tokens;
static volatile LONG64 produced, consumed;
static volatile LONG addr_seq;
static volatile LONG stop;
static volatile LONG violations;

static volatile LONGLONG op_start[MAX_THREADS];  /* GetTickCount64 at the start of a blocking op, 0 when idle */
static volatile LONG op_kind[MAX_THREADS], op_obj[MAX_THREADS];
static volatile LONG64 ops_done[MAX_THREADS];
static int nthreads;

static void violation(const char *what, int id) {
    if (InterlockedIncrement(&violations) <= 10) printf("thread %d: invariant broken: %s\n", id, what);
}

static void begin(int id, int kind, int obj) {
    op_kind[id] = kind;
    op_obj[id] = obj;
    op_start[id] = (LONGLONG)GetTickCount64();
}
static void end(int id) {
    op_start[id] = 0;
    ops_done[id]++;
}

static DWORD WINAPI watchdog(void *p) {
    while (!stop) {
        Sleep(100);
        ULONGLONG now = GetTickCount64();
        for (int i = 0; i < nthreads; i++) {
            LONGLONG s = op_start[i];
            if (s && now - (ULONGLONG)s > STALL_MS) {
                ok(0, "watchdog: thread %d blocked for %llu ms in %s (object %ld): deadlock or lost wake-up\n", i,
                   now - (ULONGLONG)s, op_names[op_kind[i]], op_obj[i]);
                for (int j = 0; j < nthreads; j++)
                    if (op_start[j] && now - (ULONGLONG)op_start[j] > 1000)
                        printf("  thread %d: %s (object %ld) for %llu ms\n", j, op_names[op_kind[j]], op_obj[j],
                               now - (ULONGLONG)op_start[j]);
                fflush(stdout);
                ExitProcess(winetest_done() ? winetest_done() : 1);
            }
        }
    }
    return 0;
}

static int self_test;

static DWORD WINAPI stress(void *p) {
    int id = (int)(ULONG_PTR)p;
    if (self_test && id == 0) {  /* a deliberate hang the watchdog must report */
        HANDLE never = CreateEventA(NULL, TRUE, FALSE, NULL);
        begin(id, OP_EVENT_WAIT, -1);
        WaitForSingleObject(never, INFINITE);
    }
    unsigned x = 0x9E3779B9u * (id + 1);
    while (!stop) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        int kind = 1 + (int)(x % (OP_COUNT - 1));
        int k = (int)((x >> 8) % NMUTEX);
        switch (kind) {
        case OP_MUTEX:
            begin(id, kind, k);
            if (WaitForSingleObject(mutexes[k], INFINITE) != WAIT_OBJECT_0) violation("mutex wait failed", id);
            if (InterlockedIncrement(&mutex_inside[k]) != 1) violation("two mutex owners", id);
            if ((x >> 20) % 8 == 0) {  /* recursion */
                WaitForSingleObject(mutexes[k], INFINITE);
                ReleaseMutex(mutexes[k]);
            }
            InterlockedDecrement(&mutex_inside[k]);
            if (!ReleaseMutex(mutexes[k])) violation("ReleaseMutex failed", id);
            end(id);
            break;
        case OP_MUTEX_PAIR: {
            int k2 = (k + 1 + (int)((x >> 12) % (NMUTEX - 1))) % NMUTEX;
            HANDLE pair[2] = {mutexes[k], mutexes[k2]};
            begin(id, kind, k * 10 + k2);
            if (WaitForMultipleObjects(2, pair, TRUE, INFINITE) != WAIT_OBJECT_0) violation("wait-all failed", id);
            if (InterlockedIncrement(&mutex_inside[k]) != 1) violation("two owners (pair)", id);
            if (InterlockedIncrement(&mutex_inside[k2]) != 1) violation("two owners (pair)", id);
            InterlockedDecrement(&mutex_inside[k]);
            InterlockedDecrement(&mutex_inside[k2]);
            ReleaseMutex(mutexes[k2]);
            ReleaseMutex(mutexes[k]);
            end(id);
            break;
        }
        case OP_SEM:
            begin(id, kind, 0);
            WaitForSingleObject(sem, INFINITE);
            if (InterlockedIncrement(&sem_inside) > SEM_MAX) violation("semaphore over its count", id);
            if ((x >> 16) % 4 == 0) Sleep(0);
            InterlockedDecrement(&sem_inside);
            if (!ReleaseSemaphore(sem, 1, NULL)) violation("ReleaseSemaphore failed", id);
            end(id);
            break;
        case OP_SRW_EXCL:
            begin(id, kind, 0);
            AcquireSRWLockExclusive(&srw);
            if (InterlockedIncrement(&srw_writer) != 1 || srw_readers) violation("SRW writer not alone", id);
            srw_counter++;
            InterlockedDecrement(&srw_writer);
            ReleaseSRWLockExclusive(&srw);
            end(id);
            break;
        case OP_SRW_SHARED:
            begin(id, kind, 0);
            AcquireSRWLockShared(&srw);
            InterlockedIncrement(&srw_readers);
            if (srw_writer) violation("SRW reader with a writer", id);
            InterlockedDecrement(&srw_readers);
            ReleaseSRWLockShared(&srw);
            end(id);
            break;
        case OP_CV_PUT:
        case OP_EVENT_SET:  /* (puts are twice as likely as takes: takers do not starve) */
            begin(id, OP_CV_PUT, 0);
            EnterCriticalSection(&cv_cs);
            tokens++;
            produced++;
            LeaveCriticalSection(&cv_cs);
            WakeConditionVariable(&cv_tokens);
            end(id);
            if (kind == OP_EVENT_SET) {
                begin(id, kind, k);
                SetEvent(events[k % NEVENT]);
                end(id);
            }
            break;
        case OP_CV_TAKE:
            begin(id, kind, 0);
            EnterCriticalSection(&cv_cs);
            while (tokens == 0 && !stop) SleepConditionVariableCS(&cv_tokens, &cv_cs, INFINITE);
            if (tokens > 0) {
                tokens--;
                consumed++;
            }
            LeaveCriticalSection(&cv_cs);
            end(id);
            break;
        case OP_EVENT_WAIT:
            begin(id, kind, k);
            WaitForSingleObject(events[k % NEVENT], 20);  /* events are lossy: a timeout is fine */
            end(id);
            break;
        case OP_ADDR_WAIT: {
            LONG seen = addr_seq;
            begin(id, kind, 0);
            while (addr_seq == seen && !stop) WaitOnAddress(&addr_seq, &seen, sizeof(seen), INFINITE);
            end(id);
            break;
        }
        case OP_ADDR_BUMP:
            begin(id, kind, 0);
            InterlockedIncrement(&addr_seq);
            WakeByAddressAll((void *)&addr_seq);
            end(id);
            break;
        }
    }
    return 0;
}

START_TEST(k32_sync_stress)
{
    int seconds = 3;
    char buf[16];
    if (GetEnvironmentVariableA("WINRUN_STRESS_SECONDS", buf, sizeof(buf)) > 0) seconds = atoi(buf);
    if (winetest_argc > 1) seconds = atoi(winetest_argv[1]);
    nthreads = winetest_argc > 2 ? atoi(winetest_argv[2]) : 128;
    if (nthreads < 2 || nthreads > MAX_THREADS) nthreads = 128;
    if (seconds < 1) seconds = 1;
    self_test = winetest_argc > 3 && !strcmp(winetest_argv[3], "deadlock");

    for (int i = 0; i < NMUTEX; i++) mutexes[i] = CreateMutexA(NULL, FALSE, NULL);
    for (int i = 0; i < NEVENT; i++) events[i] = CreateEventA(NULL, FALSE, FALSE, NULL);
    sem = CreateSemaphoreA(NULL, SEM_MAX, SEM_MAX, NULL);
    InitializeCriticalSection(&cv_cs);

    HANDLE wd = CreateThread(NULL, 0, watchdog, NULL, 0, NULL);
    HANDLE t[MAX_THREADS];
    for (int i = 0; i < nthreads; i++) {
        t[i] = CreateThread(NULL, 64 * 1024, stress, (void *)(ULONG_PTR)i, 0, NULL);
        ok(t[i] != NULL, "CreateThread %d failed: %lu\n", i, GetLastError());
    }
    Sleep(seconds * 1000);
    stop = 1;
    /* Release the threads that wait for more work: wakes for everyone, until they have all ended. */
    for (int done = 0; done < nthreads;) {
        EnterCriticalSection(&cv_cs);
        LeaveCriticalSection(&cv_cs);
        WakeAllConditionVariable(&cv_tokens);
        InterlockedIncrement(&addr_seq);
        WakeByAddressAll((void *)&addr_seq);
        int n = nthreads - done > MAXIMUM_WAIT_OBJECTS ? MAXIMUM_WAIT_OBJECTS : nthreads - done;
        DWORD r = WaitForMultipleObjects(n, t + done, TRUE, 100);
        if (r == WAIT_OBJECT_0) done += n;
        else if (r != WAIT_TIMEOUT) { ok(0, "waiting for the threads: %lu\n", r); break; }
    }
    LONG64 total = 0;
    for (int i = 0; i < nthreads; i++) {
        total += ops_done[i];
        CloseHandle(t[i]);
    }
    WaitForSingleObject(wd, 5000);
    CloseHandle(wd);
    ok(violations == 0, "%ld invariant violations\n", violations);
    ok(produced - consumed == tokens, "tokens: produced %lld consumed %lld left %ld\n", (long long)produced,
       (long long)consumed, tokens);
    for (int i = 0; i < NMUTEX; i++) {
        ok(WaitForSingleObject(mutexes[i], 0) == WAIT_OBJECT_0, "mutex %d still owned at the end\n", i);
        ReleaseMutex(mutexes[i]);
    }
    LONG prev = -1;
    ok(ReleaseSemaphore(sem, 1, &prev) == FALSE && GetLastError() == ERROR_TOO_MANY_POSTS, "semaphore not full\n");
    ok(TryAcquireSRWLockExclusive(&srw), "SRW lock still held at the end\n");
    trace("%d threads, %d s: %lld operations, %lld SRW writes, %lld tokens\n", nthreads, seconds, (long long)total,
          (long long)srw_counter, (long long)produced);
}
