// Fiber local storage: FlsAlloc/FlsFree/FlsGetValue/FlsSetValue, and IsThreadAFiber.
//
// There are no fibers yet (ConvertThreadToFiber is not exported), so each thread is its own single
// fiber and FLS is per-thread storage whose slots may have a callback. Windows calls a slot's
// callback with the slot's non-NULL value when the thread exits and, for every thread, when the slot
// is freed. 4080 slots as on Windows 10 (FLS_MAXIMUM_AVAILABLE).
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"
#include "thread.h"

namespace winrun::k32 {

namespace {
using FlsCallback = void(WINAPI*)(void*);
constexpr DWORD FLS_OUT_OF_INDEXES = 0xFFFFFFFF, FLS_MAXIMUM_AVAILABLE = 4080;

struct ThreadFls {
    std::vector<void*> values;
};

// Lock rule: g_mutex guards g_slots and g_threads (and the values vector of every thread when
// another thread walks them, in FlsFree); a thread reads and writes its own values without it
// only while no slot is freed concurrently — FlsGetValue/FlsSetValue take the lock briefly.
std::mutex g_mutex;
struct Slot {
    bool used = false;
    FlsCallback callback = nullptr;
};
std::vector<Slot> g_slots;
std::vector<ThreadFls*> g_threads;
thread_local ThreadFls* t_fls = nullptr;

ThreadFls* current(bool create) {
    if (!t_fls && create) {
        t_fls = new ThreadFls;
        g_threads.push_back(t_fls);
    }
    return t_fls;
}
}  // namespace

DWORD WINAPI FlsAlloc(FlsCallback callback) {
    std::lock_guard lock(g_mutex);
    for (size_t i = 0; i < g_slots.size(); i++)
        if (!g_slots[i].used) {
            g_slots[i] = {true, callback};
            return DWORD(i);
        }
    if (g_slots.size() >= FLS_MAXIMUM_AVAILABLE) {
        set_last_error(ERROR_NO_MORE_ITEMS);
        return FLS_OUT_OF_INDEXES;
    }
    g_slots.push_back({true, callback});
    return DWORD(g_slots.size() - 1);
}

BOOL WINAPI FlsFree(DWORD index) {
    std::vector<void*> pending;
    FlsCallback cb;
    {
        std::lock_guard lock(g_mutex);
        if (index >= g_slots.size() || !g_slots[index].used) return fail(ERROR_INVALID_PARAMETER);
        cb = g_slots[index].callback;
        for (ThreadFls* t : g_threads)
            if (index < t->values.size()) {
                if (t->values[index]) pending.push_back(t->values[index]);
                t->values[index] = nullptr;
            }
        g_slots[index] = {};
    }
    if (cb)
        for (void* v : pending) cb(v);
    return TRUE;
}

void* WINAPI FlsGetValue(DWORD index) {
    std::lock_guard lock(g_mutex);
    if (index >= g_slots.size() || !g_slots[index].used) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    set_last_error(ERROR_SUCCESS);
    ThreadFls* t = current(false);
    return t && index < t->values.size() ? t->values[index] : nullptr;
}

BOOL WINAPI FlsSetValue(DWORD index, void* value) {
    std::lock_guard lock(g_mutex);
    if (index >= g_slots.size() || !g_slots[index].used) return fail(ERROR_INVALID_PARAMETER);
    ThreadFls* t = current(true);
    if (index >= t->values.size()) t->values.resize(index + 1);
    t->values[index] = value;
    return TRUE;
}

BOOL WINAPI IsThreadAFiber() { return FALSE; }

// Thread exit (and ExitProcess for the exiting thread): the callbacks of this thread's values.
void fls_thread_exit() {
    if (!t_fls) return;
    std::vector<std::pair<FlsCallback, void*>> calls;
    {
        std::lock_guard lock(g_mutex);
        for (size_t i = 0; i < t_fls->values.size() && i < g_slots.size(); i++)
            if (t_fls->values[i] && g_slots[i].used && g_slots[i].callback) calls.push_back({g_slots[i].callback, t_fls->values[i]});
        std::erase(g_threads, t_fls);
    }
    for (auto& [cb, v] : calls) cb(v);
    delete t_fls;
    t_fls = nullptr;
}

WR_EXPORT_PART(kernel32_fls,
    WR_EXPORT(FlsAlloc),
    WR_EXPORT(FlsFree),
    WR_EXPORT(FlsGetValue),
    WR_EXPORT(FlsSetValue),
    WR_EXPORT(IsThreadAFiber));

}  // namespace winrun::k32
