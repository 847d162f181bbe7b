// Waitable kernel objects (events, semaphores, mutexes; threads and processes join in issue 4).
// Lock rule: object state changes and wait registration happen under sync_lock(); a waiting
// thread sleeps on its own futex word outside it, so a signal wakes exactly the threads that
// wait on that object.
#pragma once
#include <mutex>
#include <vector>

#include "k32.h"

namespace winrun::k32 {

struct WaitBlock;  // one per waiting thread, on its stack

struct Waitable : KObject {
    explicit Waitable(ObjectKind k) : KObject(k) {}
    // Under sync_lock(): can `tid` acquire now? (without acquiring)
    virtual bool ready(uintptr_t tid) const = 0;
    // Under sync_lock(): take it (auto-reset, count--, ownership). Returns true if abandoned.
    virtual bool acquire(uintptr_t tid) = 0;
    // Objects whose state changes without a wake_waiters() call (another process exiting) are
    // re-checked by waiting threads every few milliseconds.
    virtual bool polled() const { return false; }
    // An fd that becomes readable when the state may have changed (a pidfd), or -1.
    virtual int wait_fd() const { return -1; }
    std::vector<WaitBlock*> waiters;
};

std::mutex& sync_lock();
// Under sync_lock(): wake every thread waiting on `w` (they re-check their condition).
void wake_waiters(Waitable& w);

// WaitForMultipleObjects' core; timeout in ms (INFINITE = 0xFFFFFFFF).
DWORD wait_for(const std::vector<std::shared_ptr<Waitable>>& objs, bool wait_all, DWORD timeout_ms);

}  // namespace winrun::k32
