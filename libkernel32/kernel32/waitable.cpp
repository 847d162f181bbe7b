// Events, semaphores and mutexes, and WaitForSingleObject / WaitForMultipleObjects (futex-based,
// in-process; design decision 6). Named objects are shared within the process; sharing them with
// other processes of the session is issue 4.
#include "waitable.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <poll.h>
#include <ctime>
#include <map>

#include "builtin/builtin.h"
#include "unicode.h"

namespace winrun::k32 {

constexpr DWORD MAXIMUM_WAIT_OBJECTS = 64;
constexpr DWORD ERROR_TOO_MANY_POSTS = 298, ERROR_NOT_OWNER = 288, ERROR_INVALID_HANDLE_K = ERROR_INVALID_HANDLE;

namespace {
uintptr_t self_tid() { return reinterpret_cast<uintptr_t>(current_teb()->ClientId.UniqueThread); }

struct Event : Waitable {
    Event(bool manual, bool initial) : Waitable(ObjectKind::Event), manual_reset(manual), signaled(initial) {}
    bool ready(uintptr_t) const override { return signaled; }
    bool acquire(uintptr_t) override {
        if (!manual_reset) signaled = false;
        return false;
    }
    bool manual_reset;
    bool signaled;
};

struct Semaphore : Waitable {
    Semaphore(LONG initial, LONG max) : Waitable(ObjectKind::Semaphore), count(initial), maximum(max) {}
    bool ready(uintptr_t) const override { return count > 0; }
    bool acquire(uintptr_t) override {
        count--;
        return false;
    }
    LONG count, maximum;
};

struct Mutex : Waitable {
    Mutex() : Waitable(ObjectKind::Mutex) {}
    bool ready(uintptr_t tid) const override { return owner == 0 || owner == tid; }
    bool acquire(uintptr_t tid) override {
        owner = tid;
        recursion++;
        bool was = abandoned;
        abandoned = false;
        return was;
    }
    uintptr_t owner = 0;
    int recursion = 0;
    bool abandoned = false;
};

// Named objects of this process (cross-process sharing: issue 4).
std::map<std::u16string, std::weak_ptr<Waitable>> g_names;

// Looks up or registers a named object. Returns the existing object (ERROR_ALREADY_EXISTS) or
// null after registering `fresh`; sets ERROR_INVALID_HANDLE when the name belongs to another kind.
std::shared_ptr<Waitable> named(LPCWSTR name, const std::shared_ptr<Waitable>& fresh, bool& type_mismatch) {
    type_mismatch = false;
    if (!name || !*name) return nullptr;
    std::u16string n(wview(name));
    for (const char16_t* p : {u"Local\\", u"Global\\"})
        if (n.rfind(p, 0) == 0) n = n.substr(std::u16string_view(p).size());
    auto it = g_names.find(n);
    if (it != g_names.end())
        if (auto existing = it->second.lock()) {
            if (existing->kind != fresh->kind) type_mismatch = true;
            return existing;
        }
    g_names[n] = fresh;
    return nullptr;
}

}  // namespace

HANDLE create_named(LPCWSTR name, std::shared_ptr<Waitable> obj) {
    std::shared_ptr<Waitable> existing;
    bool mismatch;
    {
        std::lock_guard lock(sync_lock());
        existing = named(name, obj, mismatch);
    }
    if (mismatch) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    if (existing) {
        HANDLE h = handle_alloc(existing);
        set_last_error(ERROR_ALREADY_EXISTS);
        return h;
    }
    HANDLE h = handle_alloc(std::move(obj));
    set_last_error(ERROR_SUCCESS);
    return h;
}

namespace {

std::shared_ptr<Waitable> waitable_from(HANDLE h, ObjectKind want) {
    auto o = handle_get(h);
    if (!o || o->kind != want) return nullptr;
    return std::static_pointer_cast<Waitable>(o);
}

// Absolute CLOCK_MONOTONIC deadline.
timespec deadline_after(DWORD ms) {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += long(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}
}  // namespace

std::mutex& sync_lock() {
    static std::mutex m;
    return m;
}

void wake_block(WaitBlock& b) {
    __atomic_store_n(&b.word, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &b.word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

void wake_waiters(Waitable& w) {
    for (WaitBlock* b : w.waiters) wake_block(*b);
}

DWORD wait_for(const std::vector<std::shared_ptr<Waitable>>& objs, bool wait_all, DWORD timeout_ms, bool alertable) {
    uintptr_t tid = self_tid();
    WaitBlock block;
    // An alertable wait publishes its block in the thread's APC state, so that QueueUserAPC can wake
    // it like a signal would (the wait then finds the queue non-empty).
    ApcState* apc = alertable ? &current_apc_state() : nullptr;
    timespec deadline = deadline_after(timeout_ms == INFINITE ? 0 : timeout_ms);
    std::unique_lock lock(sync_lock());
    bool timed_out = false;
    int pidfd_spins = 0;
    for (;;) {
        if (wait_all) {
            bool all = true;
            for (auto& o : objs) all = all && o->ready(tid);
            if (all) {
                bool abandoned = false;
                for (auto& o : objs) abandoned |= o->acquire(tid);
                return abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0;
            }
        } else {
            for (size_t i = 0; i < objs.size(); i++)
                if (objs[i]->ready(tid)) return DWORD(i) + (objs[i]->acquire(tid) ? WAIT_ABANDONED_0 : WAIT_OBJECT_0);
        }
        if (apc && !apc->queue.empty()) {
            lock.unlock();
            run_apcs(*apc);
            return WAIT_IO_COMPLETION;
        }
        // After a timeout the conditions were checked once more above: a signal that raced with
        // the timeout still counts.
        if (timeout_ms == 0 || timed_out) return WAIT_TIMEOUT;
        block.word = 0;
        for (auto& o : objs) o->waiters.push_back(&block);
        if (apc) apc->alertable_wait = &block;
        bool poll = std::any_of(objs.begin(), objs.end(), [](const auto& o) { return o->polled(); });
        lock.unlock();
        long r;
        if (poll && objs.size() == 1 && objs[0]->wait_fd() >= 0) {
            // One process: sleep on its pidfd until it ends or the deadline passes.
            pollfd p{objs[0]->wait_fd(), POLLIN, 0};
            int ms = 1000;
            if (timeout_ms != INFINITE) {
                timespec now;
                clock_gettime(CLOCK_MONOTONIC, &now);
                int64_t left = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1000000;
                ms = int(std::max<int64_t>(0, std::min<int64_t>(left, 1000)));
                if (left <= 0) timed_out = true;
            }
            // A killed process's pidfd is readable before csrssd has noticed: do not spin meanwhile.
            if (!timed_out && ::poll(&p, 1, ms) > 0 && pidfd_spins++ > 0) usleep(1000);
            lock.lock();
            for (auto& o : objs) std::erase(o->waiters, &block);
            if (apc) apc->alertable_wait = nullptr;
            continue;
        }
        if (poll) {
            // Another process's exit wakes nobody here: look again every 2 ms, up to the deadline.
            timespec next = deadline_after(2);
            if (timeout_ms != INFINITE && (next.tv_sec > deadline.tv_sec ||
                                           (next.tv_sec == deadline.tv_sec && next.tv_nsec > deadline.tv_nsec)))
                next = deadline;
            r = syscall(SYS_futex, &block.word, FUTEX_WAIT_BITSET_PRIVATE, 0, &next, nullptr, FUTEX_BITSET_MATCH_ANY);
            if (r < 0 && errno == ETIMEDOUT && timeout_ms != INFINITE && next.tv_sec == deadline.tv_sec &&
                next.tv_nsec == deadline.tv_nsec)
                timed_out = true;
            lock.lock();
            for (auto& o : objs) std::erase(o->waiters, &block);
            if (apc) apc->alertable_wait = nullptr;
            continue;
        }
        if (timeout_ms == INFINITE) {
            r = syscall(SYS_futex, &block.word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
        } else {
            // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time.
            r = syscall(SYS_futex, &block.word, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
        }
        timed_out = r < 0 && errno == ETIMEDOUT;
        lock.lock();
        for (auto& o : objs) std::erase(o->waiters, &block);
        if (apc) apc->alertable_wait = nullptr;
    }
}

// ---- exported ----------------------------------------------------------------------------------
HANDLE WINAPI CreateEventW(void*, BOOL manual, BOOL initial, LPCWSTR name) {
    return create_named(name, std::make_shared<Event>(manual, initial));
}
HANDLE WINAPI CreateEventA(void* sa, BOOL manual, BOOL initial, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateEventW(sa, manual, initial, name ? w.c_str() : nullptr);
}
constexpr DWORD CREATE_EVENT_MANUAL_RESET = 1, CREATE_EVENT_INITIAL_SET = 2;
HANDLE WINAPI CreateEventExW(void* sa, LPCWSTR name, DWORD flags, DWORD) {
    return CreateEventW(sa, flags & CREATE_EVENT_MANUAL_RESET, flags & CREATE_EVENT_INITIAL_SET, name);
}
HANDLE WINAPI CreateEventExA(void* sa, LPCSTR name, DWORD flags, DWORD) {
    return CreateEventA(sa, flags & CREATE_EVENT_MANUAL_RESET, flags & CREATE_EVENT_INITIAL_SET, name);
}

BOOL WINAPI SetEvent(HANDLE h) {
    auto e = waitable_from(h, ObjectKind::Event);
    if (!e) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    static_cast<Event*>(e.get())->signaled = true;
    wake_waiters(*e);
    return TRUE;
}
BOOL WINAPI ResetEvent(HANDLE h) {
    auto e = waitable_from(h, ObjectKind::Event);
    if (!e) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    static_cast<Event*>(e.get())->signaled = false;
    return TRUE;
}

HANDLE WINAPI CreateSemaphoreW(void*, LONG initial, LONG max, LPCWSTR name) {
    if (max <= 0 || initial < 0 || initial > max) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return create_named(name, std::make_shared<Semaphore>(initial, max));
}
HANDLE WINAPI CreateSemaphoreA(void* sa, LONG initial, LONG max, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateSemaphoreW(sa, initial, max, name ? w.c_str() : nullptr);
}
HANDLE WINAPI CreateSemaphoreExW(void* sa, LONG initial, LONG max, LPCWSTR name, DWORD, DWORD) {
    return CreateSemaphoreW(sa, initial, max, name);
}

BOOL WINAPI ReleaseSemaphore(HANDLE h, LONG n, LONG* prev) {
    auto s = waitable_from(h, ObjectKind::Semaphore);
    if (!s) return fail(ERROR_INVALID_HANDLE);
    if (n <= 0) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(sync_lock());
    auto* sem = static_cast<Semaphore*>(s.get());
    // Exceeding the maximum fails and leaves the count unchanged.
    if (n > sem->maximum - sem->count) return fail(ERROR_TOO_MANY_POSTS);
    if (prev) *prev = sem->count;
    sem->count += n;
    wake_waiters(*s);
    return TRUE;
}

HANDLE WINAPI CreateMutexW(void*, BOOL initial_owner, LPCWSTR name) {
    auto m = std::make_shared<Mutex>();
    if (initial_owner) m->acquire(self_tid());
    HANDLE h = create_named(name, m);
    // An existing named mutex is not taken over by bInitialOwner (documented).
    return h;
}
HANDLE WINAPI CreateMutexA(void* sa, BOOL initial_owner, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateMutexW(sa, initial_owner, name ? w.c_str() : nullptr);
}

BOOL WINAPI ReleaseMutex(HANDLE h) {
    auto m = waitable_from(h, ObjectKind::Mutex);
    if (!m) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    auto* mx = static_cast<Mutex*>(m.get());
    if (mx->owner != self_tid() || mx->recursion == 0) return fail(ERROR_NOT_OWNER);
    if (--mx->recursion == 0) {
        mx->owner = 0;
        wake_waiters(*m);
    }
    return TRUE;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE* handles, BOOL wait_all, DWORD timeout, BOOL alertable) {
    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS || !handles) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    std::vector<std::shared_ptr<Waitable>> objs;
    for (DWORD i = 0; i < count; i++) {
        auto o = handle_get(handles[i]);
        if (!o || !waitable_kind(o->kind)) {
            set_last_error(ERROR_INVALID_HANDLE);
            return WAIT_FAILED;
        }
        objs.push_back(std::static_pointer_cast<Waitable>(o));
    }
    if (wait_all)
        for (size_t i = 0; i < objs.size(); i++)
            for (size_t j = i + 1; j < objs.size(); j++)
                if (objs[i] == objs[j]) {
                    // The same object twice in a wait-all is refused (ERROR_INVALID_PARAMETER).
                    set_last_error(ERROR_INVALID_PARAMETER);
                    return WAIT_FAILED;
                }
    return wait_for(objs, wait_all, timeout, alertable);
}
DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE* handles, BOOL wait_all, DWORD timeout) {
    return WaitForMultipleObjectsEx(count, handles, wait_all, timeout, FALSE);
}
DWORD WINAPI WaitForSingleObjectEx(HANDLE h, DWORD timeout, BOOL alertable) {
    return WaitForMultipleObjectsEx(1, &h, FALSE, timeout, alertable);
}
DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD timeout) { return WaitForMultipleObjectsEx(1, &h, FALSE, timeout, FALSE); }

// Signals an event, releases a semaphore by one or a mutex, then waits (on Windows the two steps are
// one kernel call; nothing in this process can observe the difference). A failed signal (not the
// mutex's owner, semaphore at its maximum, a kind that cannot be signaled) is WAIT_FAILED and no wait.
DWORD WINAPI SignalObjectAndWait(HANDLE to_signal, HANDLE to_wait, DWORD timeout, BOOL alertable) {
    auto s = handle_get(to_signal);
    BOOL signaled;
    if (!s) signaled = fail(ERROR_INVALID_HANDLE);
    else if (s->kind == ObjectKind::Event) signaled = SetEvent(to_signal);
    else if (s->kind == ObjectKind::Semaphore) signaled = ReleaseSemaphore(to_signal, 1, nullptr);
    else if (s->kind == ObjectKind::Mutex) signaled = ReleaseMutex(to_signal);
    else signaled = fail(ERROR_INVALID_HANDLE);
    if (!signaled) return WAIT_FAILED;
    return WaitForMultipleObjectsEx(1, &to_wait, FALSE, timeout, alertable);
}

WR_EXPORT_PART(kernel32_waitable,
    WR_EXPORT(CreateEventA), WR_EXPORT(CreateEventW), WR_EXPORT(CreateEventExA), WR_EXPORT(CreateEventExW),
    WR_EXPORT(SetEvent), WR_EXPORT(ResetEvent), WR_EXPORT(CreateSemaphoreA), WR_EXPORT(CreateSemaphoreW),
    WR_EXPORT(CreateSemaphoreExW), WR_EXPORT(ReleaseSemaphore), WR_EXPORT(CreateMutexA), WR_EXPORT(CreateMutexW),
    WR_EXPORT(ReleaseMutex), WR_EXPORT(WaitForMultipleObjectsEx), WR_EXPORT(WaitForMultipleObjects),
    WR_EXPORT(WaitForSingleObjectEx), WR_EXPORT(WaitForSingleObject), WR_EXPORT(SignalObjectAndWait));

}  // namespace winrun::k32
