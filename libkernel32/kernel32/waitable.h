// Waitable kernel objects (events, semaphores, mutexes, threads, processes, waitable timers) and the
// one wait loop they share, which alertable waits (APCs) also go through.
// Lock rule: object state changes, wait registration and APC queues change under sync_lock(); a
// waiting thread sleeps on its own futex word (WaitBlock) outside it, so a signal wakes exactly the
// threads that wait on that object, and an APC wakes exactly the thread it is queued to.
#pragma once
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "k32.h"

namespace winrun::k32 {

constexpr DWORD WAIT_OBJECT_0 = 0, WAIT_ABANDONED_0 = 0x80, WAIT_IO_COMPLETION = 0xC0, WAIT_TIMEOUT = 0x102,
                WAIT_FAILED = 0xFFFFFFFF, INFINITE = 0xFFFFFFFF;

// One per waiting thread, on its stack.
struct WaitBlock {
    int word = 0;  // futex: set to 1 by a waker
};
// Under sync_lock(): wakes the thread sleeping on `b`.
void wake_block(WaitBlock& b);

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
    // A named object in the session's shared table (named_objects.h): its state lives there, its
    // ready()/acquire() need named::lock() as well, and waiters sleep on its sequence word.
    virtual bool shared() const { return false; }
    std::vector<WaitBlock*> waiters;
};

// Kinds that WaitForSingleObject / WaitForMultipleObjects accept (all derive from Waitable).
inline bool waitable_kind(ObjectKind k) {
    return k == ObjectKind::Event || k == ObjectKind::Semaphore || k == ObjectKind::Mutex || k == ObjectKind::Thread ||
           k == ObjectKind::Process || k == ObjectKind::Timer;
}

std::mutex& sync_lock();
// Under sync_lock(): wake every thread waiting on `w` (they re-check their condition).
void wake_waiters(Waitable& w);

// ---- user APCs (apc.cpp) ----------------------------------------------------------------------
// A queued user-mode APC. `owner` tags APCs that an object may take back (a waitable timer's
// completion routine is dequeued by CancelWaitableTimer).
struct Apc {
    std::function<void()> call;
    const void* owner = nullptr;
};
// Per thread, kept in the thread object. Under sync_lock().
struct ApcState {
    std::deque<Apc> queue;
    WaitBlock* alertable_wait = nullptr;  // the block of an alertable wait in progress, or null
    bool exited = false;                  // the thread ended: nothing runs any more
};
ApcState& current_apc_state();
// Under sync_lock(): queues and, when the thread is in an alertable wait, wakes it. False when the
// thread has ended.
bool queue_apc_locked(ApcState& s, Apc apc);
// Runs the caller's queued APCs, oldest first, until the queue is empty (also those queued by an APC).
// Call without sync_lock(). Returns whether any ran.
bool run_apcs(ApcState& s);

// WaitForMultipleObjectsEx's core; timeout in ms (INFINITE = 0xFFFFFFFF). With `alertable`, queued
// APCs run and the result is WAIT_IO_COMPLETION — unless an object is already signaled, which wins
// (Windows checks the objects first). With no objects this is an alertable sleep (SleepEx).
DWORD wait_for(const std::vector<std::shared_ptr<Waitable>>& objs, bool wait_all, DWORD timeout_ms,
               bool alertable = false);

// The calling thread ends: its unnamed mutexes become abandoned (thread.cpp, finish_thread).
void abandon_owned_mutexes();

// Registers `obj` under `name` (or opens the existing object of that name: ERROR_ALREADY_EXISTS;
// another kind: ERROR_INVALID_HANDLE) and returns a handle; no name: a new unnamed object.
HANDLE create_named(LPCWSTR name, std::shared_ptr<Waitable> obj, bool inherit = false);

}  // namespace winrun::k32
