// User-mode APCs and alertable sleeps: QueueUserAPC, SleepEx.
//
// An APC is queued in the target thread's ApcState (kept in its thread object, under sync_lock()).
// It runs only when that thread enters an alertable wait (SleepEx, WaitFor*Ex, SignalObjectAndWait,
// GetQueuedCompletionStatusEx with bAlertable): wait_for() publishes its WaitBlock as
// `alertable_wait`, and queue_apc_locked() wakes that block just as a signal would, so a futex wait
// is "interrupted" without signals. The woken wait sees the queue, runs every queued APC (FIFO,
// including ones queued meanwhile) outside the lock and returns WAIT_IO_COMPLETION. An APC queued to
// a thread that is not waiting alertably stays queued until its next alertable wait.
#include <ctime>

#include "builtin/builtin.h"
#include "sync_primitives.h"
#include "thread.h"
#include "waitable.h"

namespace winrun::k32 {

bool queue_apc_locked(ApcState& s, Apc apc) {
    if (s.exited) return false;
    s.queue.push_back(std::move(apc));
    if (s.alertable_wait) wake_block(*s.alertable_wait);
    return true;
}

bool run_apcs(ApcState& s) {
    bool ran = false;
    for (;;) {
        Apc a;
        {
            std::lock_guard lock(sync_lock());
            if (s.queue.empty()) return ran;
            a = std::move(s.queue.front());
            s.queue.pop_front();
        }
        a.call();
        ran = true;
    }
}

using PAPCFUNC = void(WINAPI*)(ULONG_PTR);

DWORD WINAPI QueueUserAPC(PAPCFUNC fn, HANDLE thread, ULONG_PTR data) {
    if (!fn) return fail(ERROR_INVALID_PARAMETER);
    std::shared_ptr<KObject> t = thread == PSEUDO_THREAD ? current_thread_object() : handle_get(thread);
    ApcState* s = apc_state_of(t);
    if (!s) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    // A thread that has ended takes no APCs (NtQueueApcThread: STATUS_UNSUCCESSFUL).
    if (!queue_apc_locked(*s, Apc{[fn, data] { fn(data); }, nullptr})) return fail(ERROR_GEN_FAILURE);
    return TRUE;
}

// SleepEx returns 0 when the time is up and WAIT_IO_COMPLETION when APCs ran; a non-alertable
// SleepEx is Sleep.
void WINAPI Sleep(DWORD ms);
DWORD WINAPI SleepEx(DWORD ms, BOOL alertable) {
    if (!alertable) {
        Sleep(ms);
        return 0;
    }
    DWORD r = wait_for({}, false, ms, true);
    return r == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}

WR_EXPORT_PART(kernel32_apc, WR_EXPORT(QueueUserAPC), WR_EXPORT(SleepEx));

}  // namespace winrun::k32
