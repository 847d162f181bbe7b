// build: -lsynchronization
/* WaitOnAddress / WakeByAddressSingle / WakeByAddressAll (imported through
 * api-ms-win-core-synch-l1-2-0, as mingw's libsynchronization does): the four sizes, a value that
 * already differs, timeouts, error codes, single vs all wakes, and a ping-pong without lost wake-ups. */
#include "ok.h"

static volatile LONG flag32;
static volatile LONG woken;

static DWORD WINAPI waiter(void *p) {
    LONG zero = 0;
    while (flag32 == 0)
        if (!WaitOnAddress(&flag32, &zero, sizeof(zero), 10000)) return 1;
    InterlockedIncrement(&woken);
    return 0;
}

static volatile LONG turn;  /* ping-pong: 0 = main's turn, 1 = the other thread's turn */
static DWORD WINAPI pong(void *p) {
    for (int i = 0; i < 5000; i++) {
        LONG mine = 0;
        while (turn == 0)
            if (!WaitOnAddress(&turn, &mine, sizeof(turn), 10000)) return 1;
        turn = 0;
        WakeByAddressSingle((void *)&turn);
    }
    return 0;
}

START_TEST(k32_wait_on_address)
{
    volatile BYTE b = 5;
    volatile WORD w = 6;
    volatile DWORD d = 7;
    volatile ULONGLONG q = 0x100000008ull;
    BYTE b2 = 5;
    WORD w2 = 6;
    DWORD d2 = 7;
    ULONGLONG q2 = 0x100000008ull, q_other = 8;

    /* A different value returns TRUE at once, whatever the timeout. */
    BYTE b_other = 4;
    ok(WaitOnAddress(&b, &b_other, 1, INFINITE), "1-byte differing value did not return TRUE\n");
    ok(WaitOnAddress(&q, &q_other, 8, INFINITE), "8 bytes are compared, not 4\n");

    /* Equal values time out: FALSE, ERROR_TIMEOUT. */
    SetLastError(0xdeadbeef);
    ok(!WaitOnAddress(&b, &b2, 1, 0) && GetLastError() == ERROR_TIMEOUT, "1 byte: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WaitOnAddress(&w, &w2, 2, 1) && GetLastError() == ERROR_TIMEOUT, "2 bytes: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    DWORD t0 = GetTickCount();
    ok(!WaitOnAddress(&d, &d2, 4, 50) && GetLastError() == ERROR_TIMEOUT, "4 bytes: error %lu\n", GetLastError());
    DWORD dt = GetTickCount() - t0;
    ok(dt >= 30 && dt < 2000, "a 50 ms wait took %lu ms\n", dt);
    SetLastError(0xdeadbeef);
    ok(!WaitOnAddress(&q, &q2, 8, 1) && GetLastError() == ERROR_TIMEOUT, "8 bytes: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WaitOnAddress(&d, &d2, 3, 0) && GetLastError() == ERROR_INVALID_PARAMETER, "size 3: error %lu\n", GetLastError());
    WakeByAddressSingle((void *)&d);  /* nobody waits: nothing happens */
    WakeByAddressAll((void *)&d);

    /* WakeByAddressAll wakes every waiter. */
    HANDLE t[4];
    for (int i = 0; i < 4; i++) t[i] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    Sleep(50);
    ok(woken == 0, "%ld waiters returned before the wake\n", woken);
    flag32 = 1;
    WakeByAddressAll((void *)&flag32);
    ok(WaitForMultipleObjects(4, t, TRUE, 5000) == WAIT_OBJECT_0, "waiters did not end\n");
    ok(woken == 4, "%ld of 4 waiters woken\n", woken);
    for (int i = 0; i < 4; i++) {
        DWORD code = 99;
        GetExitCodeThread(t[i], &code);
        ok(code == 0, "waiter %d timed out\n", i);
        CloseHandle(t[i]);
    }

    /* WakeByAddressSingle wakes one thread at a time; the others keep waiting. */
    flag32 = 0;
    woken = 0;
    for (int i = 0; i < 2; i++) t[i] = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    Sleep(50);
    flag32 = 1;
    WakeByAddressSingle((void *)&flag32);
    for (int i = 0; i < 500 && woken < 1; i++) Sleep(1);
    Sleep(30);
    ok(woken == 1, "WakeByAddressSingle woke %ld threads\n", woken);
    WakeByAddressSingle((void *)&flag32);
    ok(WaitForMultipleObjects(2, t, TRUE, 5000) == WAIT_OBJECT_0 && woken == 2, "second wake: %ld woken\n", woken);
    for (int i = 0; i < 2; i++) CloseHandle(t[i]);

    /* Ping-pong: a lost wake-up would stall one side until its 10 s timeout. */
    HANDLE p = CreateThread(NULL, 0, pong, NULL, 0, NULL);
    int failed = 0;
    for (int i = 0; i < 5000 && !failed; i++) {
        turn = 1;
        WakeByAddressSingle((void *)&turn);
        LONG theirs = 1;
        while (turn == 1)
            if (!WaitOnAddress(&turn, &theirs, sizeof(turn), 10000)) { failed = 1; break; }
    }
    ok(!failed, "ping-pong stalled\n");
    ok(WaitForSingleObject(p, 10000) == WAIT_OBJECT_0, "pong thread did not end\n");
    DWORD code = 99;
    GetExitCodeThread(p, &code);
    ok(code == 0, "pong thread timed out\n");
    CloseHandle(p);
}
