// Events, semaphores and mutexes, and WaitForSingleObject / WaitForMultipleObjects (futex-based,
// in-process; design decision 6). Named events, mutexes and semaphores live in the session's shared
// table (named_objects.cpp) when the process has a session; other named objects (waitable timers),
// and all names without a session, are shared within the process only.
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
#include "named_objects.h"
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

// The unnamed mutexes the calling thread owns (under sync_lock(); only the owner changes its own
// list), so that its end can abandon them. Weak: a mutex may be destroyed while owned.
struct Mutex;
thread_local std::vector<std::weak_ptr<Mutex>> t_owned_mutexes;

struct Mutex : Waitable, std::enable_shared_from_this<Mutex> {
    Mutex() : Waitable(ObjectKind::Mutex) {}
    bool ready(uintptr_t tid) const override { return owner == 0 || owner == tid; }
    // Called by the acquiring thread itself (wait_for, CreateMutex with bInitialOwner).
    bool acquire(uintptr_t tid) override {
        owner = tid;
        if (recursion++ == 0) t_owned_mutexes.push_back(weak_from_this());
        bool was = abandoned;
        abandoned = false;
        return was;
    }
    uintptr_t owner = 0;
    int recursion = 0;
    bool abandoned = false;
};

std::u16string local_name(LPCWSTR name) {
    std::u16string n(wview(name));
    if (n.rfind(u"Local\\", 0) == 0) n = n.substr(6);
    return n;
}

// Named objects of this process only (timers; every kind when there is no session).
std::map<std::u16string, std::weak_ptr<Waitable>> g_names;

// Looks up or registers a named object. Returns the existing object (ERROR_ALREADY_EXISTS) or
// null after registering `fresh`; sets ERROR_INVALID_HANDLE when the name belongs to another kind.
std::shared_ptr<Waitable> local_named(LPCWSTR name, const std::shared_ptr<Waitable>& fresh, bool& type_mismatch) {
    type_mismatch = false;
    if (!name || !*name) return nullptr;
    std::u16string n = local_name(name);
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

HANDLE create_named(LPCWSTR name, std::shared_ptr<Waitable> obj, bool inherit) {
    std::shared_ptr<Waitable> existing;
    bool mismatch;
    {
        std::lock_guard lock(sync_lock());
        existing = local_named(name, obj, mismatch);
    }
    if (mismatch) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    if (existing) {
        HANDLE h = handle_alloc(existing, inherit);
        set_last_error(ERROR_ALREADY_EXISTS);
        return h;
    }
    HANDLE h = handle_alloc(std::move(obj), inherit);
    set_last_error(ERROR_SUCCESS);
    return h;
}

namespace {
bool inherit_of(const void* sa) { return sa && reinterpret_cast<const DWORD*>(sa)[4]; }  // SECURITY_ATTRIBUTES.bInheritHandle

// Create*W of an event, mutex or semaphore: a name goes to the session's table when there is one.
HANDLE create_object(LPCWSTR name, const named::CreateParams& p, ObjectKind kind, const void* sa,
                     std::shared_ptr<Waitable> (*make_local)(const named::CreateParams&)) {
    if (name && *name && named::available()) {
        auto obj = named::open(wview(name), &p, kind);
        if (!obj) return nullptr;
        DWORD err = last_error();
        HANDLE h = handle_alloc(std::move(obj), inherit_of(sa));
        set_last_error(err);
        return h;
    }
    return create_named(name, make_local(p), inherit_of(sa));
}

// Open*W: ERROR_FILE_NOT_FOUND for a missing name, ERROR_INVALID_HANDLE for another kind.
HANDLE open_object(LPCWSTR name, ObjectKind kind, BOOL inherit) {
    if (!name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    std::shared_ptr<Waitable> obj;
    if (named::available()) {
        obj = named::open(wview(name), nullptr, kind);
        if (!obj) return nullptr;
    } else {
        std::lock_guard lock(sync_lock());
        auto it = g_names.find(local_name(name));
        if (it != g_names.end()) obj = it->second.lock();
        if (!obj) {
            set_last_error(ERROR_FILE_NOT_FOUND);
            return nullptr;
        }
        if (obj->kind != kind) {
            set_last_error(ERROR_INVALID_HANDLE);
            return nullptr;
        }
    }
    HANDLE h = handle_alloc(std::move(obj), inherit);
    set_last_error(ERROR_SUCCESS);
    return h;
}
}  // namespace

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
    // Shared (named) objects: their state is under the session table's lock as well, taken after
    // sync_lock() and released before sleeping or returning (the guard is destroyed first).
    bool any_shared = std::any_of(objs.begin(), objs.end(), [](const auto& o) { return o->shared(); });
    std::unique_lock lock(sync_lock());
    struct SharedGuard {
        bool held;
        ~SharedGuard() {
            if (held) named::unlock();
        }
    } shared_guard{any_shared};
    if (any_shared) named::lock();
    bool timed_out = false;
    int pidfd_spins = 0;
    long r;
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
            if (shared_guard.held) {
                named::unlock();
                shared_guard.held = false;
            }
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
        if (any_shared) {
            // Sleep on the own block (local objects, APCs) and every shared object's sequence word at
            // once. A mutex owned in another process may be abandoned by a kill that wakes nobody:
            // look again every 20 ms then (2 ms with a process object in the wait, as below).
            futex_waitv v[MAXIMUM_WAIT_OBJECTS + 1];
            size_t nv = 0;
            v[nv++] = futex_waitv{0, uint64_t(uintptr_t(&block.word)), FUTEX_32 | FUTEX_PRIVATE_FLAG, 0};
            bool poll_owner = false;
            for (auto& o : objs)
                if (o->shared()) {
                    bool p = false;
                    uint32_t* w = named::sequence_word(*o, p);
                    poll_owner |= p;
                    v[nv++] = futex_waitv{*w, uint64_t(uintptr_t(w)), FUTEX_32, 0};
                    named::add_sleeper(*o, 1);
                }
            named::unlock();
            shared_guard.held = false;
            lock.unlock();
            bool capped = poll || poll_owner;
            timespec until = capped ? deadline_after(poll ? 2 : 20) : deadline;
            if (capped && timeout_ms != INFINITE &&
                (until.tv_sec > deadline.tv_sec || (until.tv_sec == deadline.tv_sec && until.tv_nsec > deadline.tv_nsec)))
                until = deadline, capped = false;
            bool bounded = capped || timeout_ms != INFINITE;
            r = syscall(SYS_futex_waitv, v, nv, 0, bounded ? &until : nullptr, CLOCK_MONOTONIC);
            if (r < 0 && errno == ENOSYS) {
                // A kernel before 5.16: look again every millisecond (correct, not fast).
                usleep(1000);
                if (timeout_ms != INFINITE && deadline_after(0).tv_sec * 1000000000L + deadline_after(0).tv_nsec >=
                                                  deadline.tv_sec * 1000000000L + deadline.tv_nsec)
                    timed_out = true;
            }
            if (r < 0 && errno == ETIMEDOUT && !capped && timeout_ms != INFINITE) timed_out = true;
            lock.lock();
            named::lock();
            shared_guard.held = true;
            for (auto& o : objs) {
                if (o->shared()) named::add_sleeper(*o, -1);
                std::erase(o->waiters, &block);
            }
            if (apc) apc->alertable_wait = nullptr;
            continue;
        }
        lock.unlock();
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
HANDLE WINAPI CreateEventW(void* sa, BOOL manual, BOOL initial, LPCWSTR name) {
    named::CreateParams p{named::Kind::Event, manual != 0, initial != 0};
    return create_object(name, p, ObjectKind::Event, sa, [](const named::CreateParams& p) -> std::shared_ptr<Waitable> {
        return std::make_shared<Event>(p.manual_reset, p.initial);
    });
}
HANDLE WINAPI OpenEventW(DWORD, BOOL inherit, LPCWSTR name) { return open_object(name, ObjectKind::Event, inherit); }
HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return OpenEventW(access, inherit, name ? w.c_str() : nullptr);
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
    if (e->shared()) return named::set_event(*e, true);
    std::lock_guard lock(sync_lock());
    static_cast<Event*>(e.get())->signaled = true;
    wake_waiters(*e);
    return TRUE;
}
BOOL WINAPI ResetEvent(HANDLE h) {
    auto e = waitable_from(h, ObjectKind::Event);
    if (!e) return fail(ERROR_INVALID_HANDLE);
    if (e->shared()) return named::set_event(*e, false);
    std::lock_guard lock(sync_lock());
    static_cast<Event*>(e.get())->signaled = false;
    return TRUE;
}

HANDLE WINAPI CreateSemaphoreW(void* sa, LONG initial, LONG max, LPCWSTR name) {
    if (max <= 0 || initial < 0 || initial > max) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    named::CreateParams p{named::Kind::Semaphore, false, false, initial, max};
    return create_object(name, p, ObjectKind::Semaphore, sa, [](const named::CreateParams& p) -> std::shared_ptr<Waitable> {
        return std::make_shared<Semaphore>(p.count, p.maximum);
    });
}
HANDLE WINAPI OpenSemaphoreW(DWORD, BOOL inherit, LPCWSTR name) { return open_object(name, ObjectKind::Semaphore, inherit); }
HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return OpenSemaphoreW(access, inherit, name ? w.c_str() : nullptr);
}

HANDLE WINAPI CreateSemaphoreA(void* sa, LONG initial, LONG max, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateSemaphoreW(sa, initial, max, name ? w.c_str() : nullptr);
}
HANDLE WINAPI CreateSemaphoreExA(void* sa, LONG initial, LONG max, LPCSTR name, DWORD, DWORD) {
    return CreateSemaphoreA(sa, initial, max, name);
}
HANDLE WINAPI CreateSemaphoreExW(void* sa, LONG initial, LONG max, LPCWSTR name, DWORD, DWORD) {
    return CreateSemaphoreW(sa, initial, max, name);
}

BOOL WINAPI ReleaseSemaphore(HANDLE h, LONG n, LONG* prev) {
    auto s = waitable_from(h, ObjectKind::Semaphore);
    if (!s) return fail(ERROR_INVALID_HANDLE);
    if (n <= 0) return fail(ERROR_INVALID_PARAMETER);
    if (s->shared()) return named::release_semaphore(*s, n, prev);
    std::lock_guard lock(sync_lock());
    auto* sem = static_cast<Semaphore*>(s.get());
    // Exceeding the maximum fails and leaves the count unchanged.
    if (n > sem->maximum - sem->count) return fail(ERROR_TOO_MANY_POSTS);
    if (prev) *prev = sem->count;
    sem->count += n;
    wake_waiters(*s);
    return TRUE;
}

HANDLE WINAPI CreateMutexW(void* sa, BOOL initial_owner, LPCWSTR name) {
    // An existing named mutex is not taken over by bInitialOwner (documented).
    named::CreateParams p{named::Kind::Mutex, false, initial_owner != 0};
    return create_object(name, p, ObjectKind::Mutex, sa, [](const named::CreateParams& p) -> std::shared_ptr<Waitable> {
        auto m = std::make_shared<Mutex>();
        if (p.initial) m->acquire(self_tid());
        return m;
    });
}
HANDLE WINAPI OpenMutexW(DWORD, BOOL inherit, LPCWSTR name) { return open_object(name, ObjectKind::Mutex, inherit); }
HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return OpenMutexW(access, inherit, name ? w.c_str() : nullptr);
}
constexpr DWORD CREATE_MUTEX_INITIAL_OWNER = 1;
HANDLE WINAPI CreateMutexExW(void* sa, LPCWSTR name, DWORD flags, DWORD) {
    return CreateMutexW(sa, flags & CREATE_MUTEX_INITIAL_OWNER, name);
}

HANDLE WINAPI CreateMutexA(void* sa, BOOL initial_owner, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateMutexW(sa, initial_owner, name ? w.c_str() : nullptr);
}

HANDLE WINAPI CreateMutexExA(void* sa, LPCSTR name, DWORD flags, DWORD) {
    return CreateMutexA(sa, flags & CREATE_MUTEX_INITIAL_OWNER, name);
}

BOOL WINAPI ReleaseMutex(HANDLE h) {
    auto m = waitable_from(h, ObjectKind::Mutex);
    if (!m) return fail(ERROR_INVALID_HANDLE);
    if (m->shared()) return named::release_mutex(*m);
    std::lock_guard lock(sync_lock());
    auto* mx = static_cast<Mutex*>(m.get());
    if (mx->owner != self_tid() || mx->recursion == 0) return fail(ERROR_NOT_OWNER);
    if (--mx->recursion == 0) {
        mx->owner = 0;
        std::erase_if(t_owned_mutexes, [mx](const std::weak_ptr<Mutex>& w) {
            auto p = w.lock();
            return !p || p.get() == mx;
        });
        wake_waiters(*m);
    }
    return TRUE;
}

// The calling thread ends: the unnamed mutexes it still owns are abandoned (the next owner gets
// WAIT_ABANDONED), as Windows does when a thread ends owning a mutex.
void abandon_owned_mutexes() {
    std::lock_guard lock(sync_lock());
    for (auto& w : t_owned_mutexes)
        if (auto m = w.lock()) {
            m->owner = 0;
            m->recursion = 0;
            m->abandoned = true;
            wake_waiters(*m);
        }
    t_owned_mutexes.clear();
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
    WR_EXPORT(WaitForSingleObjectEx), WR_EXPORT(WaitForSingleObject), WR_EXPORT(SignalObjectAndWait),
    WR_EXPORT(OpenEventA), WR_EXPORT(OpenEventW), WR_EXPORT(OpenMutexA), WR_EXPORT(OpenMutexW),
    WR_EXPORT(OpenSemaphoreA), WR_EXPORT(OpenSemaphoreW), WR_EXPORT(CreateSemaphoreExA),
    WR_EXPORT(CreateMutexExA), WR_EXPORT(CreateMutexExW));

}  // namespace winrun::k32
