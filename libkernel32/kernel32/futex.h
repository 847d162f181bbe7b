// Thin futex helpers shared by the synchronisation area files (design decision 6: every in-process
// wait ends in FUTEX_WAIT on a 32-bit word, every wake in FUTEX_WAKE). All waits are PRIVATE: the
// words live in this process only.
#pragma once
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>

namespace winrun::k32 {

constexpr uint32_t FUTEX_ANY = FUTEX_BITSET_MATCH_ANY;

// Sleeps while *word == expected. `deadline` is an absolute CLOCK_MONOTONIC time or null (forever).
// Returns false only on timeout; wake-ups, spurious returns and value mismatches return true (the
// caller always re-checks its condition).
inline bool futex_wait(int* word, int expected, const timespec* deadline, uint32_t bits = FUTEX_ANY) {
    long r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected, deadline, nullptr, bits);
    return !(r < 0 && errno == ETIMEDOUT);
}

inline void futex_wake(int* word, int count, uint32_t bits = FUTEX_ANY) {
    syscall(SYS_futex, word, FUTEX_WAKE_BITSET_PRIVATE, count, nullptr, nullptr, bits);
}

// The absolute CLOCK_MONOTONIC time `ms` milliseconds from now.
inline timespec monotonic_deadline(uint64_t ms) {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += time_t(ms / 1000);
    t.tv_nsec += long(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

// Same, from nanoseconds.
inline timespec monotonic_deadline_ns(uint64_t ns) {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += time_t(ns / 1000000000ull);
    t.tv_nsec += long(ns % 1000000000ull);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

inline bool deadline_passed(const timespec& d) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > d.tv_sec || (now.tv_sec == d.tv_sec && now.tv_nsec >= d.tv_nsec);
}

// A Windows millisecond timeout as a deadline pointer: INFINITE gives null.
struct Timeout {
    explicit Timeout(uint32_t ms) : infinite(ms == 0xFFFFFFFFu), at(infinite ? timespec{} : monotonic_deadline(ms)) {}
    const timespec* deadline() const { return infinite ? nullptr : &at; }
    bool infinite;
    timespec at;
};

}  // namespace winrun::k32
