// Waitable timers: CreateWaitableTimer(Ex)A/W, SetWaitableTimer(Ex), CancelWaitableTimer.
//
// A timer is a Waitable (WaitForSingleObject/WaitForMultipleObjects take it like an event) and a
// TimedItem fired by the timer thread (timer_service.cpp). When it fires, under sync_lock(): it is
// signaled (a synchronization timer wakes one waiter, as an auto-reset event; a manual-reset timer
// stays signaled until set again), and the completion routine, if any, is queued as a user APC to
// the thread that called SetWaitableTimer; it runs when that thread waits alertably, with the firing
// time as a UTC FILETIME. A periodic timer is then due again `period` ms later.
// Windows quirks kept: setting a timer resets it to non-signaled and drops its queued completion
// APCs; cancelling stops it but leaves the signaled state alone; fResume on a machine without
// wake support succeeds with ERROR_NOT_SUPPORTED as last error.
#include "builtin/builtin.h"
#include "thread.h"
#include "timer_service.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
using PTIMERAPCROUTINE = void(WINAPI*)(void* arg, DWORD low, DWORD high);

uint64_t now_filetime() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t(ts.tv_sec) + 11644473600ull) * 10000000ull + uint64_t(ts.tv_nsec) / 100;
}

struct Timer : Waitable, TimedItem {
    explicit Timer(bool manual) : Waitable(ObjectKind::Timer), manual_reset(manual) {}
    bool ready(uintptr_t) const override { return signaled; }
    bool acquire(uintptr_t) override {
        if (!manual_reset) signaled = false;
        return false;
    }
    void expire_locked(uint64_t now) override {
        signaled = true;
        wake_waiters(*this);
        if (routine && apc_target) {
            uint64_t ft = now_filetime();
            PTIMERAPCROUTINE fn = routine;
            void* a = arg;
            queue_apc_locked(*apc_target, Apc{[fn, a, ft] { fn(a, DWORD(ft), DWORD(ft >> 32)); }, this});
        }
        if (period_ms > 0) {
            due_ns += uint64_t(period_ms) * 1000000ull;
            if (due_ns <= now) due_ns = now + uint64_t(period_ms) * 1000000ull;  // we fell behind: no bursts
        } else {
            scheduled = false;
        }
    }
    // Under sync_lock(): drops completion APCs of this timer still queued to their thread.
    void drop_queued_apcs() {
        if (apc_target) std::erase_if(apc_target->queue, [this](const Apc& a) { return a.owner == this; });
    }
    bool manual_reset;
    bool signaled = false;
    LONG period_ms = 0;
    PTIMERAPCROUTINE routine = nullptr;
    void* arg = nullptr;
    ApcState* apc_target = nullptr;
    std::shared_ptr<KObject> apc_thread;  // keeps apc_target alive
};

std::shared_ptr<Timer> timer_from(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::Timer) return nullptr;
    return std::static_pointer_cast<Timer>(std::static_pointer_cast<Waitable>(o));
}

constexpr DWORD CREATE_WAITABLE_TIMER_MANUAL_RESET = 1, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION = 2;
}  // namespace

HANDLE WINAPI CreateWaitableTimerW(void*, BOOL manual, LPCWSTR name) {
    return create_named(name, std::make_shared<Timer>(manual));
}
HANDLE WINAPI CreateWaitableTimerA(void* sa, BOOL manual, LPCSTR name) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateWaitableTimerW(sa, manual, name ? w.c_str() : nullptr);
}
HANDLE WINAPI CreateWaitableTimerExW(void* sa, LPCWSTR name, DWORD flags, DWORD) {
    if (flags & ~(CREATE_WAITABLE_TIMER_MANUAL_RESET | CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return CreateWaitableTimerW(sa, flags & CREATE_WAITABLE_TIMER_MANUAL_RESET, name);
}
HANDLE WINAPI CreateWaitableTimerExA(void* sa, LPCSTR name, DWORD flags, DWORD access) {
    std::u16string w = name ? ansi_to_wide(name) : u"";
    return CreateWaitableTimerExW(sa, name ? w.c_str() : nullptr, flags, access);
}

// `due`: negative = relative, in 100 ns units; positive = absolute UTC FILETIME (a time in the past
// fires at once); zero is absolute time 0, i.e. at once.
BOOL WINAPI SetWaitableTimer(HANDLE h, const LARGE_INTEGER* due, LONG period, PTIMERAPCROUTINE routine, void* arg,
                             BOOL resume) {
    auto t = timer_from(h);
    if (!t) return fail(ERROR_INVALID_HANDLE);
    if (!due || period < 0) return fail(ERROR_INVALID_PARAMETER);
    int64_t q = due->QuadPart;
    uint64_t delay_ns;
    if (q < 0) {
        delay_ns = uint64_t(-(q + 1)) * 100 + 100;  // -(q) without overflow at INT64_MIN
    } else {
        uint64_t now = now_filetime();
        delay_ns = uint64_t(q) > now ? (uint64_t(q) - now) * 100 : 0;
    }
    std::shared_ptr<KObject> me = routine ? current_thread_object() : nullptr;
    {
        std::lock_guard lock(sync_lock());
        t->drop_queued_apcs();
        t->signaled = false;
        t->period_ms = period;
        t->routine = routine;
        t->arg = arg;
        t->apc_thread = me;
        t->apc_target = routine ? apc_state_of(me) : nullptr;
        t->due_ns = monotonic_now_ns() + delay_ns;
        schedule_locked(std::static_pointer_cast<TimedItem>(t));
    }
    if (resume) set_last_error(ERROR_NOT_SUPPORTED);
    return TRUE;
}

BOOL WINAPI SetWaitableTimerEx(HANDLE h, const LARGE_INTEGER* due, LONG period, PTIMERAPCROUTINE routine, void* arg,
                               void* /*wake_context*/, ULONG /*tolerable_delay*/) {
    return SetWaitableTimer(h, due, period, routine, arg, FALSE);
}

BOOL WINAPI CancelWaitableTimer(HANDLE h) {
    auto t = timer_from(h);
    if (!t) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    t->scheduled = false;
    t->drop_queued_apcs();
    return TRUE;
}

WR_EXPORT_PART(kernel32_waitable_timer, WR_EXPORT(CreateWaitableTimerA), WR_EXPORT(CreateWaitableTimerW),
               WR_EXPORT(CreateWaitableTimerExA), WR_EXPORT(CreateWaitableTimerExW), WR_EXPORT(SetWaitableTimer),
               WR_EXPORT(SetWaitableTimerEx), WR_EXPORT(CancelWaitableTimer));

}  // namespace winrun::k32
