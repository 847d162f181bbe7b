// Internals of the pointer-sized synchronisation primitives (SRW locks, condition variables, one-time
// initialisation, WaitOnAddress), shared by kernel32's area files and ntdll's Rtl* names.
// None of them allocates: all state lives in the caller's word (and on waiters' stacks), so a
// zero-filled word is a valid initial state, as SRWLOCK_INIT / CONDITION_VARIABLE_INIT /
// INIT_ONCE_STATIC_INIT require.
#pragma once
#include "k32.h"

namespace winrun::k32 {

// ---- SRW locks (srwlock.cpp) -------------------------------------------------------------------
// `lock` points at the SRWLOCK (one pointer). Never recursive, not owned by a thread.
void srw_acquire_exclusive(void* lock);
void srw_acquire_shared(void* lock);
void srw_release_exclusive(void* lock);
void srw_release_shared(void* lock);
bool srw_try_acquire_exclusive(void* lock);
bool srw_try_acquire_shared(void* lock);

// ---- condition variables (condition_variable.cpp) ----------------------------------------------
// Releases the lock through `release`, sleeps until woken or `timeout_ns` passes (UINT64_MAX:
// forever), then takes the lock again through `reacquire` (also after a timeout). Returns false on
// timeout. May return true spuriously, as Windows allows.
bool cv_sleep(void* cv, void (*release)(void*), void (*reacquire)(void*), void* lock, uint64_t timeout_ns);
void cv_wake(void* cv, bool all);

// ---- WaitOnAddress (wait_on_address.cpp) -------------------------------------------------------
// Returns false on timeout.
bool address_wait(const volatile void* addr, const void* compare, size_t size, uint64_t timeout_ns);
void address_wake(const void* addr, bool all);

constexpr uint64_t k_forever_ns = UINT64_MAX;
// Windows milliseconds (INFINITE = 0xFFFFFFFF) to nanoseconds (k_forever_ns).
inline uint64_t ms_to_ns(DWORD ms) { return ms == 0xFFFFFFFFu ? k_forever_ns : uint64_t(ms) * 1000000ull; }

constexpr DWORD ERROR_TIMEOUT = 1460, ERROR_GEN_FAILURE = 31;

}  // namespace winrun::k32
