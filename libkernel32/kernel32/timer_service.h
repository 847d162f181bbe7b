// One internal thread that fires timed items (waitable timers, later thread-pool timers) at their
// due time. It is a plain pthread without a TEB: it never runs Windows code, only expire_locked(),
// which signals objects and queues APCs or work for Windows threads.
#pragma once
#include <memory>

#include "waitable.h"

namespace winrun::k32 {

uint64_t monotonic_now_ns();

struct TimedItem {
    virtual ~TimedItem() = default;
    // Under sync_lock(), at or after due_ns. To fire again, set due_ns to a later time; otherwise set
    // scheduled = false.
    virtual void expire_locked(uint64_t now_ns) = 0;
    uint64_t due_ns = 0;     // CLOCK_MONOTONIC
    bool scheduled = false;  // should fire at due_ns
    bool in_list = false;    // the service holds it (owned by timer_service.cpp)
};

// Under sync_lock(): (re)schedules `item` at item->due_ns. The service keeps only a weak reference:
// an item that is destroyed simply never fires.
void schedule_locked(const std::shared_ptr<TimedItem>& item);

}  // namespace winrun::k32
