// One-time initialisation (InitOnce*). An INIT_ONCE is one pointer-sized word; the values are the
// ones Windows itself stores, which programs and Wine's tests look at (INIT_ONCE_STATIC_INIT is 0):
//
//   0          not initialised (also after a failed synchronous attempt)
//   1          a synchronous initialisation is running; other synchronous callers sleep on the word
//   3          one or more asynchronous initialisations are running (INIT_ONCE_ASYNC)
//   ctx | 2    done; ctx is the caller's context, whose two low bits are reserved
//              (INIT_ONCE_CTX_RESERVED_BITS) and must be zero
//
// Sleepers wait with a futex on the low 32 bits expecting 1; a completion or failure changes them
// (done always has bit 1 set) and wakes every sleeper. Mixing synchronous and asynchronous use of
// one INIT_ONCE fails with ERROR_INVALID_PARAMETER, as on Windows.
#include <climits>

#include "builtin/builtin.h"
#include "futex.h"
#include "sync_primitives.h"

namespace winrun::k32 {

namespace {
constexpr DWORD INIT_ONCE_CHECK_ONLY = 1, INIT_ONCE_ASYNC = 2, INIT_ONCE_INIT_FAILED = 4;
constexpr uintptr_t SYNC_RUNNING = 1, DONE = 2, ASYNC_RUNNING = 3, STATE_MASK = 3;
using InitOnceFn = BOOL(WINAPI*)(void* once, void* param, void** ctx);

inline uintptr_t* word(void* once) { return static_cast<uintptr_t*>(once); }
inline uintptr_t load(void* once) { return __atomic_load_n(word(once), __ATOMIC_ACQUIRE); }

// The result as an error code (ERROR_SUCCESS when it succeeded).
DWORD begin(void* once, DWORD flags, BOOL* pending, void** ctx) {
    if (flags & ~(INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC)) return ERROR_INVALID_PARAMETER;
    uintptr_t v = load(once);
    if (flags & INIT_ONCE_CHECK_ONLY) {
        if (flags & INIT_ONCE_ASYNC) return ERROR_INVALID_PARAMETER;
        // "Not done" (including "running") is STATUS_UNSUCCESSFUL, i.e. ERROR_GEN_FAILURE;
        // *pending is then left alone.
        if ((v & STATE_MASK) != DONE) return ERROR_GEN_FAILURE;
        *pending = FALSE;
        if (ctx) *ctx = reinterpret_cast<void*>(v & ~STATE_MASK);
        return ERROR_SUCCESS;
    }
    bool async = flags & INIT_ONCE_ASYNC;
    for (;;) {
        switch (v & STATE_MASK) {
        case 0:
            if (__atomic_compare_exchange_n(word(once), &v, async ? ASYNC_RUNNING : SYNC_RUNNING, false,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                *pending = TRUE;
                return ERROR_SUCCESS;
            }
            continue;  // v reloaded by the failed CAS
        case SYNC_RUNNING:
            if (async) return ERROR_INVALID_PARAMETER;
            futex_wait(static_cast<int*>(once), int(SYNC_RUNNING), nullptr);
            v = load(once);
            continue;
        case ASYNC_RUNNING:
            if (!async) return ERROR_INVALID_PARAMETER;
            *pending = TRUE;  // every asynchronous caller runs its own attempt; the first to complete wins
            return ERROR_SUCCESS;
        default:  // DONE
            *pending = FALSE;
            if (ctx) *ctx = reinterpret_cast<void*>(v & ~STATE_MASK);
            return ERROR_SUCCESS;
        }
    }
}

DWORD complete(void* once, DWORD flags, void* ctx) {
    if (flags & ~(INIT_ONCE_ASYNC | INIT_ONCE_INIT_FAILED)) return ERROR_INVALID_PARAMETER;
    uintptr_t c = reinterpret_cast<uintptr_t>(ctx);
    bool failed = flags & INIT_ONCE_INIT_FAILED;
    // A failure carries no context, and an asynchronous attempt cannot "fail": it just does not complete.
    if (failed && (ctx || (flags & INIT_ONCE_ASYNC))) return ERROR_INVALID_PARAMETER;
    if (c & STATE_MASK) return ERROR_INVALID_PARAMETER;
    uintptr_t next = failed ? 0 : c | DONE;
    uintptr_t v = load(once);
    if (flags & INIT_ONCE_ASYNC) {
        if ((v & STATE_MASK) == DONE) return ERROR_GEN_FAILURE;  // STATUS_UNSUCCESSFUL: another attempt completed first
        if (v != ASYNC_RUNNING) return ERROR_INVALID_PARAMETER;
        if (!__atomic_compare_exchange_n(word(once), &v, next, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return ERROR_GEN_FAILURE;
        return ERROR_SUCCESS;
    }
    if (v == ASYNC_RUNNING) return ERROR_INVALID_PARAMETER;
    if (v != SYNC_RUNNING) return ERROR_GEN_FAILURE;  // nothing to complete
    // Only the thread that got *pending in synchronous mode can be here: a plain store is enough.
    __atomic_store_n(word(once), next, __ATOMIC_RELEASE);
    futex_wake(static_cast<int*>(once), INT_MAX);
    return ERROR_SUCCESS;
}
}  // namespace

void WINAPI InitOnceInitialize(void* once) { *word(once) = 0; }

BOOL WINAPI InitOnceBeginInitialize(void* once, DWORD flags, BOOL* pending, void** ctx) {
    DWORD e = begin(once, flags, pending, ctx);
    return e == ERROR_SUCCESS ? TRUE : fail(e);
}

BOOL WINAPI InitOnceComplete(void* once, DWORD flags, void* ctx) {
    DWORD e = complete(once, flags, ctx);
    return e == ERROR_SUCCESS ? TRUE : fail(e);
}

// The callback gets the caller's context pointer (or a local one); whatever it leaves there is
// stored. A callback that returns FALSE leaves the INIT_ONCE uninitialised and the last error as it
// set it.
BOOL WINAPI InitOnceExecuteOnce(void* once, InitOnceFn fn, void* param, void** ctx) {
    BOOL pending = FALSE;
    void* local = nullptr;
    void** c = ctx ? ctx : &local;
    DWORD e = begin(once, 0, &pending, c);
    if (e != ERROR_SUCCESS) return fail(e);
    if (!pending) return TRUE;
    if (!fn(once, param, c)) {
        complete(once, INIT_ONCE_INIT_FAILED, nullptr);
        return FALSE;
    }
    e = complete(once, 0, *c);
    if (e != ERROR_SUCCESS) {
        complete(once, INIT_ONCE_INIT_FAILED, nullptr);  // a context with reserved bits: give up cleanly
        return fail(e);
    }
    return TRUE;
}

WR_EXPORT_PART(kernel32_init_once, WR_EXPORT(InitOnceInitialize), WR_EXPORT(InitOnceBeginInitialize),
               WR_EXPORT(InitOnceComplete), WR_EXPORT(InitOnceExecuteOnce));

}  // namespace winrun::k32
