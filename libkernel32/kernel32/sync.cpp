// Critical sections (futex-based; design decision 6). Events, mutexes, waits and the rest: issue 4.
//
// The algorithm keeps Windows' meaning of the public fields: LockCount is -1 when free and counts
// waiters otherwise; OwningThread holds the owner's thread id; RecursionCount the depth. Contended
// waiters sleep on a futex word kept in the low 32 bits of LockSemaphore (a counting semaphore:
// Leave posts one unit when someone is waiting).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

namespace {
inline uintptr_t self_tid() { return reinterpret_cast<uintptr_t>(current_teb()->ClientId.UniqueThread); }
inline int* sem_word(RTL_CRITICAL_SECTION* cs) { return reinterpret_cast<int*>(&cs->LockSemaphore); }

void sem_wait(RTL_CRITICAL_SECTION* cs) {
    int* w = sem_word(cs);
    for (;;) {
        int v = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        if (v > 0 && __atomic_compare_exchange_n(w, &v, v - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return;
        if (v <= 0) syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, nullptr, nullptr, 0);
    }
}

void sem_post(RTL_CRITICAL_SECTION* cs) {
    int* w = sem_word(cs);
    __atomic_add_fetch(w, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}
}  // namespace

void WINAPI InitializeCriticalSection(RTL_CRITICAL_SECTION* cs) {
    cs->DebugInfo = nullptr;
    cs->LockCount = -1;
    cs->RecursionCount = 0;
    cs->OwningThread = nullptr;
    cs->LockSemaphore = nullptr;
    cs->SpinCount = 0;
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(RTL_CRITICAL_SECTION* cs, DWORD spin) {
    InitializeCriticalSection(cs);
    cs->SpinCount = spin;
    return TRUE;
}

BOOL WINAPI InitializeCriticalSectionEx(RTL_CRITICAL_SECTION* cs, DWORD spin, DWORD) {
    return InitializeCriticalSectionAndSpinCount(cs, spin);
}

DWORD WINAPI SetCriticalSectionSpinCount(RTL_CRITICAL_SECTION* cs, DWORD spin) {
    DWORD old = DWORD(cs->SpinCount);
    cs->SpinCount = spin;
    return old;
}

void WINAPI DeleteCriticalSection(RTL_CRITICAL_SECTION* cs) {
    cs->LockCount = -1;
    cs->RecursionCount = 0;
    cs->OwningThread = nullptr;
}

void WINAPI EnterCriticalSection(RTL_CRITICAL_SECTION* cs) {
    uintptr_t me = self_tid();
    if (__atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_ACQUIRE) != 0) {
        if (reinterpret_cast<uintptr_t>(cs->OwningThread) == me) {
            cs->RecursionCount++;
            return;
        }
        sem_wait(cs);
    }
    cs->OwningThread = reinterpret_cast<HANDLE>(me);
    cs->RecursionCount = 1;
}

BOOL WINAPI TryEnterCriticalSection(RTL_CRITICAL_SECTION* cs) {
    uintptr_t me = self_tid();
    LONG expected = -1;
    if (__atomic_compare_exchange_n(&cs->LockCount, &expected, 0, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        cs->OwningThread = reinterpret_cast<HANDLE>(me);
        cs->RecursionCount = 1;
        return TRUE;
    }
    if (reinterpret_cast<uintptr_t>(cs->OwningThread) == me) {
        __atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_ACQUIRE);
        cs->RecursionCount++;
        return TRUE;
    }
    return FALSE;
}

void WINAPI LeaveCriticalSection(RTL_CRITICAL_SECTION* cs) {
    if (--cs->RecursionCount > 0) {
        __atomic_sub_fetch(&cs->LockCount, 1, __ATOMIC_RELEASE);
        return;
    }
    cs->OwningThread = nullptr;
    if (__atomic_sub_fetch(&cs->LockCount, 1, __ATOMIC_RELEASE) >= 0) sem_post(cs);
}

void WINAPI Sleep(DWORD ms) {
    if (ms == 0xFFFFFFFF) {
        for (;;) pause();
    }
    struct timespec ts = {time_t(ms / 1000), long(ms % 1000) * 1000000L};
    if (ms == 0) {
        sched_yield();
        return;
    }
    while (nanosleep(&ts, &ts) != 0) {
    }
}

WR_EXPORT_PART(kernel32_sync,
    WR_EXPORT(InitializeCriticalSection),
    WR_EXPORT(InitializeCriticalSectionAndSpinCount),
    WR_EXPORT(InitializeCriticalSectionEx),
    WR_EXPORT(SetCriticalSectionSpinCount),
    WR_EXPORT(DeleteCriticalSection),
    WR_EXPORT(EnterCriticalSection),
    WR_EXPORT(TryEnterCriticalSection),
    WR_EXPORT(LeaveCriticalSection),
    WR_EXPORT(Sleep));

}  // namespace winrun::k32
