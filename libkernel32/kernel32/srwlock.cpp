// Slim reader/writer locks (design decision 6: futex-based, in-process).
//
// An SRWLOCK is one pointer-sized word, zero when free (SRWLOCK_INIT). We keep the whole state in it:
//
//   bit  0       EXCLUSIVE   held exclusively
//   bits 1..31   shared holders (SHARED_ONE = 2)
//   bits 32..47  writers sleeping or about to sleep
//   bits 48..63  readers sleeping or about to sleep
//
// Every change is a compare-and-swap of the whole 64-bit word, so a thread that registers as a
// waiter and a thread that releases see each other in one total order. Waiters sleep with
// FUTEX_WAIT_BITSET on the low 32 bits (the lock state), expecting the value they last saw: a release
// changes the low half, so a waiter that had not gone to sleep yet returns at once and looks again.
// Writers sleep with bit WRITER_BITS and readers with READER_BITS, so a release can wake exactly one
// writer or all readers.
//
// Policy (as Windows' SRW locks, which are not fair either): a new reader does not join the readers
// while a writer waits (no writer starvation); a release prefers one waiting writer over the readers;
// a running thread may barge past sleeping ones. Like on Windows, taking a shared lock recursively can
// therefore deadlock against a waiting writer; Microsoft documents that as unsupported.
//
// PE32 (design decision 14) will need a 32-bit layout: the static_assert below marks the assumption.
#include <climits>

#include "builtin/builtin.h"
#include "futex.h"
#include "sync_primitives.h"

namespace winrun::k32 {

static_assert(sizeof(void*) == 8, "the SRW word layout assumes a 64-bit SRWLOCK");

namespace {
constexpr uint64_t EXCLUSIVE = 1, SHARED_ONE = 2, HELD_MASK = 0xFFFFFFFFull;
constexpr uint64_t WRITER_ONE = 1ull << 32, WRITERS_MASK = 0xFFFFull << 32;
constexpr uint64_t READER_ONE = 1ull << 48;
constexpr uint32_t READER_BITS = 1, WRITER_BITS = 2;
constexpr int SPINS = 64;  // short: with more threads than cores, spinning only delays the owner

inline uint64_t* word(void* lock) { return static_cast<uint64_t*>(lock); }
inline int* futex_word(void* lock) { return static_cast<int*>(lock); }  // the low half (little-endian)
inline bool cas(uint64_t* w, uint64_t& expected, uint64_t desired) {
    return __atomic_compare_exchange_n(w, &expected, desired, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
inline uint64_t writers_waiting(uint64_t v) { return v & WRITERS_MASK; }
inline bool can_share(uint64_t v) { return !(v & EXCLUSIVE) && !writers_waiting(v); }
inline void cpu_relax() { __builtin_ia32_pause(); }

// After a release left the lock in state `v`: wake whoever can make progress.
void wake_after_release(void* lock, uint64_t v) {
    if (v & HELD_MASK) return;  // still held shared: the last reader wakes the writer
    if (writers_waiting(v)) futex_wake(futex_word(lock), 1, WRITER_BITS);
    else if (v >> 48) futex_wake(futex_word(lock), INT_MAX, READER_BITS);
}
}  // namespace

void srw_acquire_exclusive(void* lock) {
    uint64_t* w = word(lock);
    uint64_t v = 0;
    if (cas(w, v, EXCLUSIVE)) return;  // free and nobody waiting: the common case
    for (int spins = 0;;) {
        if (!(v & HELD_MASK)) {
            if (cas(w, v, v | EXCLUSIVE)) return;
            continue;
        }
        if (spins++ < SPINS) {
            cpu_relax();
            v = __atomic_load_n(w, __ATOMIC_RELAXED);
            continue;
        }
        if (cas(w, v, v + WRITER_ONE)) break;
    }
    // Registered as a waiting writer: sleep until the lock is free, then take it and deregister in
    // the same CAS.
    v = __atomic_load_n(w, __ATOMIC_RELAXED);
    for (;;) {
        if (!(v & HELD_MASK)) {
            if (cas(w, v, (v - WRITER_ONE) | EXCLUSIVE)) return;
            continue;
        }
        futex_wait(futex_word(lock), int(uint32_t(v)), nullptr, WRITER_BITS);
        v = __atomic_load_n(w, __ATOMIC_RELAXED);
    }
}

void srw_acquire_shared(void* lock) {
    uint64_t* w = word(lock);
    uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    for (int spins = 0;;) {
        if (can_share(v)) {
            if (cas(w, v, v + SHARED_ONE)) return;
            continue;
        }
        if (spins++ < SPINS) {
            cpu_relax();
            v = __atomic_load_n(w, __ATOMIC_RELAXED);
            continue;
        }
        if (cas(w, v, v + READER_ONE)) break;
    }
    v = __atomic_load_n(w, __ATOMIC_RELAXED);
    for (;;) {
        if (can_share(v)) {
            if (cas(w, v, v - READER_ONE + SHARED_ONE)) return;
            continue;
        }
        futex_wait(futex_word(lock), int(uint32_t(v)), nullptr, READER_BITS);
        v = __atomic_load_n(w, __ATOMIC_RELAXED);
    }
}

void srw_release_exclusive(void* lock) {
    uint64_t v = __atomic_sub_fetch(word(lock), EXCLUSIVE, __ATOMIC_RELEASE);
    if (v >> 32) wake_after_release(lock, v);
}

void srw_release_shared(void* lock) {
    uint64_t v = __atomic_sub_fetch(word(lock), SHARED_ONE, __ATOMIC_RELEASE);
    if (v >> 32) wake_after_release(lock, v);
}

bool srw_try_acquire_exclusive(void* lock) {
    uint64_t* w = word(lock);
    uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    while (!(v & HELD_MASK))
        if (cas(w, v, v | EXCLUSIVE)) return true;
    return false;
}

bool srw_try_acquire_shared(void* lock) {
    uint64_t* w = word(lock);
    uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    while (can_share(v))
        if (cas(w, v, v + SHARED_ONE)) return true;
    return false;
}

// ---- exported (kernel32 forwards these to ntdll's Rtl* names on Windows) ----------------------
void WINAPI InitializeSRWLock(void* lock) { *word(lock) = 0; }
void WINAPI AcquireSRWLockExclusive(void* lock) { srw_acquire_exclusive(lock); }
void WINAPI AcquireSRWLockShared(void* lock) { srw_acquire_shared(lock); }
void WINAPI ReleaseSRWLockExclusive(void* lock) { srw_release_exclusive(lock); }
void WINAPI ReleaseSRWLockShared(void* lock) { srw_release_shared(lock); }
// BOOLEAN (one byte), not BOOL.
BYTE WINAPI TryAcquireSRWLockExclusive(void* lock) { return srw_try_acquire_exclusive(lock); }
BYTE WINAPI TryAcquireSRWLockShared(void* lock) { return srw_try_acquire_shared(lock); }

WR_EXPORT_PART(kernel32_srwlock, WR_EXPORT(InitializeSRWLock), WR_EXPORT(AcquireSRWLockExclusive),
               WR_EXPORT(AcquireSRWLockShared), WR_EXPORT(ReleaseSRWLockExclusive), WR_EXPORT(ReleaseSRWLockShared),
               WR_EXPORT(TryAcquireSRWLockExclusive), WR_EXPORT(TryAcquireSRWLockShared));

}  // namespace winrun::k32
