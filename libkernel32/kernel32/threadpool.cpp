// The process thread pool: work items (QueueUserWorkItem, TrySubmitThreadpoolCallback,
// CreateThreadpoolWork / SubmitThreadpoolWork / WaitForThreadpoolWorkCallbacks / CloseThreadpoolWork),
// timers and waits (at the end of the file).
//
// Workers are ordinary Windows threads (CreateThread: TEB, TLS, DLL_THREAD_ATTACH), since callbacks
// are Windows code. Lock rule: g_pool.m guards the queue, the worker counts and every Work's counters.
// A worker is started whenever an item is queued and no worker is idle, up to k_max_workers: callbacks
// that block waiting for other callbacks (common) must not starve the pool. Idle workers stay.
// Callback environments (custom pools, cleanup groups) are accepted and ignored: everything runs on
// the default pool. The callback instance functions (CallbackMayRunLong ...) are not implemented yet.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

HANDLE WINAPI CreateThread(void* sa, SIZE_T stack_size, DWORD(WINAPI* start)(void*), void* param, DWORD flags,
                           DWORD* tid_out);
BOOL WINAPI CloseHandle(HANDLE h);

namespace {
constexpr int k_max_workers = 256;

struct Work;
struct Item {
    std::function<void()> call;
    Work* work = nullptr;  // the work object it belongs to, for cancellation and counting
};

struct Pool {
    std::mutex m;
    std::condition_variable has_items;
    std::condition_variable work_idle;  // some Work's outstanding count dropped to 0
    std::deque<Item> queue;
    int workers = 0, idle = 0;
};
Pool& g_pool = *new Pool;  // never destroyed: workers outlive static destructors

using PTP_WORK_CALLBACK = void(WINAPI*)(void* instance, void* ctx, void* work);
using PTP_SIMPLE_CALLBACK = void(WINAPI*)(void* instance, void* ctx);

struct Work {
    PTP_WORK_CALLBACK fn;
    void* ctx;
    int outstanding = 0;  // queued + running callbacks
    bool closed = false;  // CloseThreadpoolWork called: freed when outstanding reaches 0
    void (*destroy)(Work*) = nullptr;  // for the objects a Work is the first member of (timers, waits)
};
void free_work(Work* w) {
    if (w->destroy) w->destroy(w);
    else delete w;
}

// A non-null PTP_CALLBACK_INSTANCE for the callbacks (nothing may be done with it yet).
int g_instance_token;

DWORD WINAPI worker_main(void*) {
    std::unique_lock lock(g_pool.m);
    for (;;) {
        g_pool.idle++;
        g_pool.has_items.wait(lock, [] { return !g_pool.queue.empty(); });
        g_pool.idle--;
        Item it = std::move(g_pool.queue.front());
        g_pool.queue.pop_front();
        lock.unlock();
        it.call();
        lock.lock();
        if (Work* w = it.work) {
            if (--w->outstanding == 0) {
                g_pool.work_idle.notify_all();
                if (w->closed) free_work(w);
            }
        }
    }
}

// Under g_pool.m. Returns false when no worker exists and none could be started.
bool submit_locked(Item it) {
    g_pool.queue.push_back(std::move(it));
    if (g_pool.idle < int(g_pool.queue.size()) && g_pool.workers < k_max_workers) {
        HANDLE h = CreateThread(nullptr, 0, worker_main, nullptr, 0, nullptr);
        if (h) {
            g_pool.workers++;
            CloseHandle(h);
        } else if (g_pool.workers == 0) {
            g_pool.queue.pop_back();
            return false;
        }
    }
    g_pool.has_items.notify_one();
    return true;
}
}  // namespace

using LPTHREAD_START_ROUTINE = DWORD(WINAPI*)(void*);

BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE fn, void* ctx, ULONG /*flags*/) {
    if (!fn) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(g_pool.m);
    if (!submit_locked(Item{[fn, ctx] { fn(ctx); }, nullptr})) return fail(ERROR_NOT_ENOUGH_MEMORY);
    return TRUE;
}

BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK fn, void* ctx, void* /*env*/) {
    if (!fn) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(g_pool.m);
    if (!submit_locked(Item{[fn, ctx] { fn(&g_instance_token, ctx); }, nullptr})) return fail(ERROR_NOT_ENOUGH_MEMORY);
    return TRUE;
}

void* WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK fn, void* ctx, void* /*env*/) {
    if (!fn) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return new Work{fn, ctx};
}

// Windows raises an exception when the pool cannot take the work; we cannot fail here either.
void WINAPI SubmitThreadpoolWork(void* handle) {
    auto* w = static_cast<Work*>(handle);
    std::lock_guard lock(g_pool.m);
    w->outstanding++;
    if (!submit_locked(Item{[w] { w->fn(&g_instance_token, w->ctx, w); }, w})) w->outstanding--;
}

// Waits until no callback of `work` is queued or running; with `cancel`, queued ones are dropped
// first (running ones are still waited for).
void WINAPI WaitForThreadpoolWorkCallbacks(void* handle, BOOL cancel) {
    auto* w = static_cast<Work*>(handle);
    std::unique_lock lock(g_pool.m);
    if (cancel) {
        size_t before = g_pool.queue.size();
        std::erase_if(g_pool.queue, [w](const Item& it) { return it.work == w; });
        w->outstanding -= int(before - g_pool.queue.size());
    }
    g_pool.work_idle.wait(lock, [w] { return w->outstanding == 0; });
}

// Queued callbacks still run; the object goes when the last one has returned.
void WINAPI CloseThreadpoolWork(void* handle) {
    auto* w = static_cast<Work*>(handle);
    std::lock_guard lock(g_pool.m);
    if (w->outstanding == 0) free_work(w);
    else w->closed = true;
}

WR_EXPORT_PART(kernel32_threadpool, WR_EXPORT(QueueUserWorkItem), WR_EXPORT(TrySubmitThreadpoolCallback),
               WR_EXPORT(CreateThreadpoolWork), WR_EXPORT(SubmitThreadpoolWork),
               WR_EXPORT(WaitForThreadpoolWorkCallbacks), WR_EXPORT(CloseThreadpoolWork));

}  // namespace winrun::k32

// ---- thread-pool timers and waits ------------------------------------------------------------------
// A timer or wait is a Work whose callback is called with the timer/wait as its object (the Work is
// the object's first member, so the pointers agree); WaitFor...Callbacks and Close... are then the
// work functions. Timers are kept by one Windows thread of the pool (started on first use) that
// sleeps until the earliest due time and submits the callback. A wait is one Windows thread per
// SetThreadpoolWait that waits for the object, the timeout or a cancellation.
// Lock rule: g_timers.m before g_pool.m (a due timer is submitted under g_timers.m).
namespace winrun::k32 {
HANDLE WINAPI CreateEventW(void* sa, BOOL manual, BOOL initial, LPCWSTR name);
BOOL WINAPI SetEvent(HANDLE h);
DWORD WINAPI WaitForMultipleObjects(DWORD n, const HANDLE* handles, BOOL all, DWORD ms);
void WINAPI GetSystemTimeAsFileTime(FILETIME* ft);

namespace {
using PTP_TIMER_CALLBACK = void(WINAPI*)(void* instance, void* ctx, void* timer);
using PTP_WAIT_CALLBACK = void(WINAPI*)(void* instance, void* ctx, void* wait, DWORD result);
using Clock = std::chrono::steady_clock;
constexpr DWORD WAIT_OBJECT_0 = 0, WAIT_TIMEOUT = 258;

struct TpTimer {
    Work work;  // first: the callback gets this object's address as its timer
    bool set = false;
    Clock::time_point due;
    std::chrono::milliseconds period{0};
};

struct Timers {
    std::mutex m;
    std::condition_variable changed;
    std::vector<TpTimer*> list;
    bool thread_started = false;
};
Timers& g_timers = *new Timers;

void submit_timer_locked(TpTimer* t) {
    std::lock_guard pool_lock(g_pool.m);
    t->work.outstanding++;
    Work* w = &t->work;
    if (!submit_locked(Item{[w] { w->fn(&g_instance_token, w->ctx, w); }, w})) w->outstanding--;
}

DWORD WINAPI timer_thread(void*) {
    std::unique_lock lock(g_timers.m);
    for (;;) {
        TpTimer* next = nullptr;
        for (TpTimer* t : g_timers.list)
            if (t->set && (!next || t->due < next->due)) next = t;
        if (!next) {
            g_timers.changed.wait(lock);
            continue;
        }
        if (Clock::now() < next->due) {
            g_timers.changed.wait_until(lock, next->due);
            continue;  // re-check: timers may have changed meanwhile
        }
        if (next->period.count()) next->due += next->period;
        else next->set = false;
        submit_timer_locked(next);
    }
}

// A due time as Windows gives it: negative = relative in 100 ns units, positive = absolute FILETIME
// (UTC), zero = now.
Clock::time_point due_from(const FILETIME* ft) {
    int64_t v = int64_t(filetime_value(*ft));
    if (v <= 0) return Clock::now() + std::chrono::microseconds(-v / 10);
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    int64_t delta = v - int64_t(filetime_value(now));
    return Clock::now() + std::chrono::microseconds(delta > 0 ? delta / 10 : 0);
}

struct TpWait {
    Work work;  // first, as for timers
    PTP_WAIT_CALLBACK fn;
    HANDLE cancel = nullptr;  // set by SetThreadpoolWait(NULL) / a new Set / Close: the waiting thread ends
};
struct WaitJob {
    TpWait* wait;
    HANDLE object, cancel;
    DWORD ms;
};
DWORD WINAPI wait_thread(void* p) {
    auto* job = static_cast<WaitJob*>(p);
    HANDLE hs[2] = {job->cancel, job->object};
    DWORD r = WaitForMultipleObjects(2, hs, FALSE, job->ms);
    if (r == WAIT_OBJECT_0 + 1 || r == WAIT_TIMEOUT) {
        TpWait* w = job->wait;
        DWORD result = r == WAIT_TIMEOUT ? WAIT_TIMEOUT : WAIT_OBJECT_0;
        std::lock_guard lock(g_pool.m);
        // The submission was counted when the wait was set; the item takes it over.
        if (!submit_locked(Item{[w, result] { w->fn(&g_instance_token, w->work.ctx, w, result); }, &w->work}))
            w->work.outstanding--;
    } else {
        std::lock_guard lock(g_pool.m);  // cancelled: the counted submission never happens
        if (--job->wait->work.outstanding == 0) {
            g_pool.work_idle.notify_all();
            if (job->wait->work.closed) free_work(&job->wait->work);
        }
    }
    CloseHandle(job->cancel);
    delete job;
    return 0;
}
}  // namespace

void* WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK fn, void* ctx, void* /*env*/) {
    if (!fn) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    auto* t = new TpTimer;
    t->work.fn = reinterpret_cast<PTP_WORK_CALLBACK>(fn);  // same shape: (instance, context, object)
    t->work.ctx = ctx;
    t->work.destroy = [](Work* w) { delete reinterpret_cast<TpTimer*>(w); };
    std::lock_guard lock(g_timers.m);
    g_timers.list.push_back(t);
    if (!g_timers.thread_started) {
        HANDLE h = CreateThread(nullptr, 0, timer_thread, nullptr, 0, nullptr);
        if (h) {
            CloseHandle(h);
            g_timers.thread_started = true;
        }
    }
    return t;
}

// due NULL cancels; period in ms (0 = once); the window (coalescing) is accepted and not used.
void WINAPI SetThreadpoolTimer(void* timer, FILETIME* due, DWORD period_ms, DWORD /*window*/) {
    auto* t = static_cast<TpTimer*>(timer);
    std::lock_guard lock(g_timers.m);
    t->set = due != nullptr;
    if (due) {
        t->due = due_from(due);
        t->period = std::chrono::milliseconds(period_ms);
    }
    g_timers.changed.notify_all();
}

BOOL WINAPI IsThreadpoolTimerSet(void* timer) {
    std::lock_guard lock(g_timers.m);
    return static_cast<TpTimer*>(timer)->set;
}

void WINAPI WaitForThreadpoolTimerCallbacks(void* timer, BOOL cancel) {
    if (cancel) {
        std::lock_guard lock(g_timers.m);
        static_cast<TpTimer*>(timer)->set = false;
    }
    WaitForThreadpoolWorkCallbacks(&static_cast<TpTimer*>(timer)->work, cancel);
}

void WINAPI CloseThreadpoolTimer(void* timer) {
    auto* t = static_cast<TpTimer*>(timer);
    {
        std::lock_guard lock(g_timers.m);
        std::erase(g_timers.list, t);
    }
    CloseThreadpoolWork(&t->work);  // freed now or after its last callback (Work is the first member)
}

void* WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK fn, void* ctx, void* /*env*/) {
    if (!fn) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    auto* w = new TpWait;
    w->work.fn = nullptr;
    w->work.ctx = ctx;
    w->work.destroy = [](Work* x) { delete reinterpret_cast<TpWait*>(x); };
    w->fn = fn;
    return w;
}

// Waits once for `object` (NULL: cancel the pending wait); timeout NULL = infinite, else a due time
// as for timers. The callback gets WAIT_OBJECT_0 or WAIT_TIMEOUT.
void WINAPI SetThreadpoolWait(void* wait, HANDLE object, FILETIME* timeout) {
    auto* w = static_cast<TpWait*>(wait);
    if (w->cancel) {
        SetEvent(w->cancel);  // the previous wait ends; its thread closes the event
        w->cancel = nullptr;
    }
    if (!object) return;
    DWORD ms = 0xFFFFFFFF;
    if (timeout) {
        auto d = std::chrono::duration_cast<std::chrono::milliseconds>(due_from(timeout) - Clock::now()).count();
        ms = d < 0 ? 0 : DWORD(d);
    }
    HANDLE cancel = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (!cancel) return;
    w->cancel = cancel;
    {
        std::lock_guard lock(g_pool.m);
        w->work.outstanding++;  // the callback to come (or the cancellation) settles it
    }
    HANDLE h = CreateThread(nullptr, 64 * 1024, wait_thread, new WaitJob{w, object, cancel, ms}, 0, nullptr);
    if (h) CloseHandle(h);
}

void WINAPI WaitForThreadpoolWaitCallbacks(void* wait, BOOL cancel) {
    auto* w = static_cast<TpWait*>(wait);
    if (cancel && w->cancel) {
        SetEvent(w->cancel);
        w->cancel = nullptr;
    }
    WaitForThreadpoolWorkCallbacks(&w->work, cancel);
}

void WINAPI CloseThreadpoolWait(void* wait) {
    auto* w = static_cast<TpWait*>(wait);
    if (w->cancel) {
        SetEvent(w->cancel);
        w->cancel = nullptr;
    }
    CloseThreadpoolWork(&w->work);
}

WR_EXPORT_PART(kernel32_threadpool_timers, WR_EXPORT(CreateThreadpoolTimer), WR_EXPORT(SetThreadpoolTimer),
               WR_EXPORT(IsThreadpoolTimerSet), WR_EXPORT(WaitForThreadpoolTimerCallbacks),
               WR_EXPORT(CloseThreadpoolTimer), WR_EXPORT(CreateThreadpoolWait), WR_EXPORT(SetThreadpoolWait),
               WR_EXPORT(WaitForThreadpoolWaitCallbacks), WR_EXPORT(CloseThreadpoolWait));

}  // namespace winrun::k32
