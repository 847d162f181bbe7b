// Condition variables (design decision 6). A CONDITION_VARIABLE is one pointer-sized word, zero at
// CONDITION_VARIABLE_INIT:
//
//   bits  0..31  wake sequence: every wake with sleepers adds one (wrapping within the low half)
//   bits 32..63  threads inside a sleep
//
// A sleeper registers (+1 in the high half) and reads the sequence in one atomic add, *before* it
// releases the lock, then sleeps on the low half expecting that sequence. A waker that runs after
// the registration sees the sleeper count and moves the sequence: the sleeper is either woken by the
// FUTEX_WAKE or, if it had not gone to sleep yet, finds the sequence moved and returns. No wake-up is
// lost; a wake may release more than one sleeper, which Windows allows (callers re-check their
// predicate). Wakes with nobody sleeping cost one load and no system call.
#include <climits>

#include "builtin/builtin.h"
#include "futex.h"
#include "sync_primitives.h"

namespace winrun::k32 {

namespace {
constexpr uint64_t SLEEPER_ONE = 1ull << 32;
inline uint64_t* word(void* cv) { return static_cast<uint64_t*>(cv); }
}  // namespace

bool cv_sleep(void* cv, void (*release)(void*), void (*reacquire)(void*), void* lock, uint64_t timeout_ns) {
    uint64_t before = __atomic_fetch_add(word(cv), SLEEPER_ONE, __ATOMIC_ACQ_REL);
    release(lock);
    bool woken = true;
    if (timeout_ns == 0) {
        woken = false;
    } else if (timeout_ns == k_forever_ns) {
        futex_wait(static_cast<int*>(cv), int(uint32_t(before)), nullptr);
    } else {
        timespec deadline = monotonic_deadline_ns(timeout_ns);
        woken = futex_wait(static_cast<int*>(cv), int(uint32_t(before)), &deadline);
    }
    __atomic_fetch_sub(word(cv), SLEEPER_ONE, __ATOMIC_RELEASE);
    reacquire(lock);
    return woken;
}

void cv_wake(void* cv, bool all) {
    uint64_t* w = word(cv);
    uint64_t v = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    for (;;) {
        if (v >> 32 == 0) return;  // nobody sleeps
        uint64_t next = (v & ~0xFFFFFFFFull) | uint32_t(uint32_t(v) + 1);
        if (__atomic_compare_exchange_n(w, &v, next, true, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    }
    futex_wake(static_cast<int*>(cv), all ? INT_MAX : 1);
}

void WINAPI EnterCriticalSection(RTL_CRITICAL_SECTION* cs);
void WINAPI LeaveCriticalSection(RTL_CRITICAL_SECTION* cs);

namespace {
void cs_leave(void* cs) { LeaveCriticalSection(static_cast<RTL_CRITICAL_SECTION*>(cs)); }
void cs_enter(void* cs) { EnterCriticalSection(static_cast<RTL_CRITICAL_SECTION*>(cs)); }
void srw_rel_excl(void* l) { srw_release_exclusive(l); }
void srw_acq_excl(void* l) { srw_acquire_exclusive(l); }
void srw_rel_shared(void* l) { srw_release_shared(l); }
void srw_acq_shared(void* l) { srw_acquire_shared(l); }
constexpr ULONG CONDITION_VARIABLE_LOCKMODE_SHARED = 1;
}  // namespace

void WINAPI InitializeConditionVariable(void* cv) { *word(cv) = 0; }

// The critical section must be entered exactly once by the caller (documented); it is left once and
// entered again before returning, also after a timeout.
BOOL WINAPI SleepConditionVariableCS(void* cv, RTL_CRITICAL_SECTION* cs, DWORD ms) {
    if (cv_sleep(cv, cs_leave, cs_enter, cs, ms_to_ns(ms))) return TRUE;
    return fail(ERROR_TIMEOUT);
}

BOOL WINAPI SleepConditionVariableSRW(void* cv, void* lock, DWORD ms, ULONG flags) {
    if (flags & ~CONDITION_VARIABLE_LOCKMODE_SHARED) return fail(ERROR_INVALID_PARAMETER);
    bool shared = flags & CONDITION_VARIABLE_LOCKMODE_SHARED;
    if (cv_sleep(cv, shared ? srw_rel_shared : srw_rel_excl, shared ? srw_acq_shared : srw_acq_excl, lock,
                 ms_to_ns(ms)))
        return TRUE;
    return fail(ERROR_TIMEOUT);
}

void WINAPI WakeConditionVariable(void* cv) { cv_wake(cv, false); }
void WINAPI WakeAllConditionVariable(void* cv) { cv_wake(cv, true); }

WR_EXPORT_PART(kernel32_condition_variable, WR_EXPORT(InitializeConditionVariable), WR_EXPORT(SleepConditionVariableCS),
               WR_EXPORT(SleepConditionVariableSRW), WR_EXPORT(WakeConditionVariable),
               WR_EXPORT(WakeAllConditionVariable));

}  // namespace winrun::k32
