// The timer thread (see timer_service.h). Lock rule: the list and every item's fields change under
// sync_lock(); the thread sleeps on a condition variable tied to that lock until the earliest due
// time or until schedule_locked() brings an earlier one.
#include "timer_service.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

namespace winrun::k32 {

namespace {
// Never destroyed: the thread may still wait on them while static destructors run at exit.
std::condition_variable& g_cv = *new std::condition_variable;
std::vector<std::weak_ptr<TimedItem>>& g_items = *new std::vector<std::weak_ptr<TimedItem>>;
bool g_started = false;

void service() {
    // Signals meant for Windows threads (the csrssd watchdog, console events) must not land here:
    // this thread has no TEB.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    std::unique_lock lock(sync_lock());
    for (;;) {
        uint64_t now = monotonic_now_ns();
        uint64_t next = UINT64_MAX;
        // Items may reschedule themselves (periodic timers): loop over a snapshot.
        std::vector<std::shared_ptr<TimedItem>> due;
        std::erase_if(g_items, [&](const std::weak_ptr<TimedItem>& w) {
            auto it = w.lock();
            if (!it) return true;
            if (!it->scheduled) {
                it->in_list = false;
                return true;
            }
            if (it->due_ns <= now) due.push_back(std::move(it));
            else next = std::min(next, it->due_ns);
            return false;
        });
        for (auto& it : due) {
            it->expire_locked(now);
            if (it->scheduled) next = std::min(next, it->due_ns);
        }
        due.clear();  // may destroy items: under the lock, which their destructors must not take
        if (next <= monotonic_now_ns()) continue;
        if (next == UINT64_MAX) {
            g_cv.wait(lock);
        } else {
            // steady_clock is CLOCK_MONOTONIC, the clock of due_ns.
            g_cv.wait_until(lock, std::chrono::steady_clock::time_point(std::chrono::nanoseconds(next)));
        }
    }
}
}  // namespace

uint64_t monotonic_now_ns() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

void schedule_locked(const std::shared_ptr<TimedItem>& item) {
    item->scheduled = true;
    if (!item->in_list) {
        item->in_list = true;
        g_items.push_back(item);
    }
    if (!g_started) {
        g_started = true;
        std::thread(service).detach();
    }
    g_cv.notify_one();
}

}  // namespace winrun::k32
