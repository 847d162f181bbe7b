// WaitOnAddress / WakeByAddressSingle / WakeByAddressAll (api-ms-win-core-synch-l1-2-0; on Windows
// they live in kernelbase, which our kernel32 stands in for).
//
// Linux futexes compare 32-bit aligned words, while WaitOnAddress compares 1, 2, 4 or 8 bytes at any
// naturally aligned address. So, as Windows does, waiters queue on a hash bucket of the address:
// each waiter puts a node on its own stack into the bucket's list and sleeps on the node's own futex
// word. Lock rule: the value comparison, linking, unlinking and waking all happen under the
// bucket's mutex, so a WakeByAddress* that follows a store to the address can never miss a waiter
// that saw the old value. A woken waiter takes the bucket mutex once more before returning, so the
// waker has finished with the node (on the waiter's stack) before that stack frame goes away.
// WakeByAddressSingle wakes the longest-waiting thread (FIFO).
#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "futex.h"
#include "sync_primitives.h"

namespace winrun::k32 {

namespace {
struct Node {
    const volatile void* addr;
    int woken = 0;  // futex word: 1 once a waker unlinked this node
    Node* prev = nullptr;
    Node* next = nullptr;
};

struct Bucket {
    std::mutex m;
    Node* head = nullptr;
    Node* tail = nullptr;
    void link(Node* n) {
        n->prev = tail;
        n->next = nullptr;
        (tail ? tail->next : head) = n;
        tail = n;
    }
    void unlink(Node* n) {
        (n->prev ? n->prev->next : head) = n->next;
        (n->next ? n->next->prev : tail) = n->prev;
    }
};

constexpr size_t k_buckets = 256;
Bucket g_buckets[k_buckets];

Bucket& bucket_of(const volatile void* addr) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    return g_buckets[((a >> 3) ^ (a >> 11)) % k_buckets];
}

bool equal(const volatile void* addr, const void* compare, size_t size) {
    switch (size) {
    case 1: return *static_cast<const volatile uint8_t*>(addr) == *static_cast<const uint8_t*>(compare);
    case 2: return *static_cast<const volatile uint16_t*>(addr) == *static_cast<const uint16_t*>(compare);
    case 4: return *static_cast<const volatile uint32_t*>(addr) == *static_cast<const uint32_t*>(compare);
    default: return *static_cast<const volatile uint64_t*>(addr) == *static_cast<const uint64_t*>(compare);
    }
}
}  // namespace

bool address_wait(const volatile void* addr, const void* compare, size_t size, uint64_t timeout_ns) {
    Bucket& b = bucket_of(addr);
    Node node{addr};
    {
        std::lock_guard lock(b.m);
        if (!equal(addr, compare, size)) return true;  // already changed
        if (timeout_ns == 0) return false;
        b.link(&node);
    }
    timespec deadline{};
    if (timeout_ns != k_forever_ns) deadline = monotonic_deadline_ns(timeout_ns);
    bool timed_out = false;
    while (__atomic_load_n(&node.woken, __ATOMIC_ACQUIRE) == 0 && !timed_out)
        timed_out = !futex_wait(&node.woken, 0, timeout_ns == k_forever_ns ? nullptr : &deadline);
    std::lock_guard lock(b.m);
    if (node.woken) return true;  // woken, possibly just as the timeout passed: a wake counts
    b.unlink(&node);
    return false;
}

void address_wake(const void* addr, bool all) {
    Bucket& b = bucket_of(addr);
    std::lock_guard lock(b.m);
    for (Node* n = b.head; n;) {
        Node* next = n->next;
        if (n->addr == addr) {
            b.unlink(n);
            __atomic_store_n(&n->woken, 1, __ATOMIC_RELEASE);
            futex_wake(&n->woken, 1);
            if (!all) return;
        }
        n = next;
    }
}

// A value that already differs returns TRUE at once. Spurious returns are allowed by the contract
// (callers compare again); a timeout is FALSE with ERROR_TIMEOUT.
BOOL WINAPI WaitOnAddress(volatile void* addr, void* compare, SIZE_T size, DWORD ms) {
    if (size != 1 && size != 2 && size != 4 && size != 8) return fail(ERROR_INVALID_PARAMETER);
    if (address_wait(addr, compare, size, ms_to_ns(ms))) return TRUE;
    return fail(ERROR_TIMEOUT);
}
void WINAPI WakeByAddressSingle(void* addr) { address_wake(addr, false); }
void WINAPI WakeByAddressAll(void* addr) { address_wake(addr, true); }

WR_EXPORT_PART(kernel32_wait_on_address, WR_EXPORT(WaitOnAddress), WR_EXPORT(WakeByAddressSingle),
               WR_EXPORT(WakeByAddressAll));

}  // namespace winrun::k32
