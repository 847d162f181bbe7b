#pragma once
#include "k32.h"

namespace winrun::k32 {
// Calls fn for the TEB of every thread of the process (under the thread list's lock).
void for_each_teb(void (*fn)(TEB*, void*), void* ctx);
std::shared_ptr<KObject> current_thread_object();
struct ApcState;
// The APC queue of a thread object (null when `thread` is not one). Valid while the object lives.
ApcState* apc_state_of(const std::shared_ptr<KObject>& thread);
// Runs the FLS callbacks of the calling thread's values (fls.cpp); called when a thread ends.
void fls_thread_exit();
}  // namespace winrun::k32
