// The process thread pool, first part: work items (QueueUserWorkItem, TrySubmitThreadpoolCallback,
// CreateThreadpoolWork / SubmitThreadpoolWork / WaitForThreadpoolWorkCallbacks / CloseThreadpoolWork).
//
// Workers are ordinary Windows threads (CreateThread: TEB, TLS, DLL_THREAD_ATTACH), since callbacks
// are Windows code. Lock rule: g_pool.m guards the queue, the worker counts and every Work's counters.
// A worker is started whenever an item is queued and no worker is idle, up to k_max_workers: callbacks
// that block waiting for other callbacks (common) must not starve the pool. Idle workers stay.
// Callback environments (custom pools, cleanup groups) are accepted and ignored: everything runs on
// the default pool. The callback instance functions (CallbackMayRunLong ...) are not implemented yet.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

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
};

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
                if (w->closed) delete w;
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
    if (w->outstanding == 0) delete w;
    else w->closed = true;
}

WR_EXPORT_PART(kernel32_threadpool, WR_EXPORT(QueueUserWorkItem), WR_EXPORT(TrySubmitThreadpoolCallback),
               WR_EXPORT(CreateThreadpoolWork), WR_EXPORT(SubmitThreadpoolWork),
               WR_EXPORT(WaitForThreadpoolWorkCallbacks), WR_EXPORT(CloseThreadpoolWork));

}  // namespace winrun::k32
