#pragma once
#include "k32.h"

namespace winrun::k32 {
// Calls fn for the TEB of every thread of the process (under the thread list's lock).
void for_each_teb(void (*fn)(TEB*, void*), void* ctx);
std::shared_ptr<KObject> current_thread_object();
}  // namespace winrun::k32
