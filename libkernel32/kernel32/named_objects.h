// Named events, mutexes and semaphores shared by every process of the session (design decision 6:
// only objects that must be shared involve another process). They live in one file of the session's
// runtime directory, mapped MAP_SHARED by every process that uses a named object; waits sleep on a
// per-object sequence word with shared (non-private) futex operations. Unnamed objects never come here.
// See docs/architecture.md, "Named objects".
#pragma once
#include <string_view>

#include "waitable.h"

namespace winrun::k32::named {

enum class Kind : uint32_t { Free = 0, Event = 1, Mutex = 2, Semaphore = 3 };

struct CreateParams {
    Kind kind;
    bool manual_reset = false;  // event
    bool initial = false;       // event: signaled; mutex: owned by the caller
    LONG count = 0, maximum = 0;  // semaphore
};

// Whether the shared table can be used (the process is in a csrssd session and the file maps).
bool available();

// Creates (params given) or opens (params null) the named object. Sets the last error as the Create*/
// Open* functions do and returns null on failure: ERROR_ALREADY_EXISTS with an existing object of
// the same kind, ERROR_INVALID_HANDLE for another kind, ERROR_FILE_NOT_FOUND when opening a missing
// name, ERROR_NOT_ENOUGH_MEMORY when the table is full, ERROR_FILENAME_EXCED_RANGE for a long name.
std::shared_ptr<Waitable> open(std::u16string_view name, const CreateParams* create, ObjectKind want);

// Inheritance: the slot of a shared object, and the object of a slot an inheritable handle of the
// parent referred to (null when the slot no longer holds that kind).
uint32_t slot_of(Waitable& w);
std::shared_ptr<Waitable> open_slot(uint32_t index, ObjectKind want);

// Operations on shared objects (w->shared() is true). They return FALSE with the last error set.
BOOL set_event(Waitable& w, bool signaled);
BOOL release_semaphore(Waitable& w, LONG n, LONG* prev);
BOOL release_mutex(Waitable& w);

// The table lock (a futex word in the file, robust against a holder that died). wait_for takes it
// after sync_lock() when a wait involves shared objects; ready()/acquire() of shared objects need it.
void lock();
void unlock();
// Under lock(): the futex word a waiter sleeps on and whether an owner elsewhere may die without
// waking anyone (a mutex owned by another process: waiters look again every few milliseconds).
uint32_t* sequence_word(Waitable& w, bool& poll_owner);
void add_sleeper(Waitable& w, int delta);

// The calling thread ends / the process ends: mutexes it owns become abandoned and waiters wake.
void thread_exiting();
void process_exiting();

}  // namespace winrun::k32::named
