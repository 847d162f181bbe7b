// I/O completion ports: CreateIoCompletionPort, PostQueuedCompletionStatus,
// GetQueuedCompletionStatus(Ex).
//
// A port is a queue of completion packets and a Waitable that is "ready" while it holds packets or
// once its last handle is closed, so GetQueuedCompletionStatus sleeps in the common wait loop (and
// GetQueuedCompletionStatusEx can be alertable). Taking packets happens in acquire(), under
// sync_lock(), into the waiting thread's own buffer, so two threads never get the same packet.
// Closing the port's last handle releases every waiter with ERROR_ABANDONED_WAIT_0, as on Windows.
// Associating a file records the port and key on the file; overlapped file I/O that posts its
// completions there comes with the file work. NumberOfConcurrentThreads is accepted and not enforced.
#include <deque>

#include "builtin/builtin.h"
#include "waitable.h"

namespace winrun::k32 {

namespace {
constexpr DWORD ERROR_ABANDONED_WAIT_0 = 735;

struct OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    void* lpOverlapped;
    ULONG_PTR Internal;  // the I/O status
    DWORD dwNumberOfBytesTransferred;
};
static_assert(sizeof(OVERLAPPED_ENTRY) == 32);

struct Packet {
    ULONG_PTR key;
    void* overlapped;
    ULONG_PTR status;
    DWORD bytes;
};

// Where acquire() puts what it takes: the waiting thread's buffer (set just before its wait).
thread_local Packet* t_out = nullptr;
thread_local size_t t_capacity = 0, t_taken = 0;

struct CompletionPort : Waitable {
    CompletionPort() : Waitable(ObjectKind::CompletionPort) {}
    bool ready(uintptr_t) const override { return !packets.empty() || closed; }
    bool acquire(uintptr_t) override {
        while (!packets.empty() && t_taken < t_capacity) {
            t_out[t_taken++] = packets.front();
            packets.pop_front();
        }
        return false;
    }
    void last_handle_closed() override {
        std::lock_guard lock(sync_lock());
        closed = true;
        wake_waiters(*this);
    }
    std::deque<Packet> packets;
    bool closed = false;
};

std::shared_ptr<CompletionPort> port_from(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::CompletionPort) return nullptr;
    return std::static_pointer_cast<CompletionPort>(std::static_pointer_cast<Waitable>(o));
}

// Waits for up to `capacity` packets. Returns the wait_for() result and the count taken.
DWORD dequeue(const std::shared_ptr<CompletionPort>& port, Packet* out, size_t capacity, DWORD ms, bool alertable,
              size_t& taken) {
    t_out = out;
    t_capacity = capacity;
    t_taken = 0;
    DWORD r = wait_for({port}, false, ms, alertable);
    taken = t_taken;
    t_out = nullptr;
    t_capacity = t_taken = 0;
    return r;
}

// An NTSTATUS of a failed I/O as a Win32 error (posted packets carry 0 = success).
DWORD error_from_status(ULONG_PTR status) {
    switch (uint32_t(status)) {
    case 0xC0000120: return 995;  // STATUS_CANCELLED -> ERROR_OPERATION_ABORTED
    case 0xC0000011: return ERROR_HANDLE_EOF;
    case 0xC000014B: return ERROR_BROKEN_PIPE;
    default: return uint32_t(status) >= 0xC0000000u ? 31 /* ERROR_GEN_FAILURE */ : DWORD(status);
    }
}
}  // namespace

inline HANDLE const INVALID_HANDLE_VALUE_ = reinterpret_cast<HANDLE>(-1LL);

HANDLE WINAPI CreateIoCompletionPort(HANDLE file, HANDLE existing, ULONG_PTR key, DWORD /*concurrency*/) {
    std::shared_ptr<CompletionPort> port;
    if (existing) {
        port = port_from(existing);
        if (!port) {
            set_last_error(ERROR_INVALID_PARAMETER);
            return nullptr;
        }
    }
    if (file == INVALID_HANDLE_VALUE_) {
        if (existing) {  // nothing to associate with an existing port
            set_last_error(ERROR_INVALID_PARAMETER);
            return nullptr;
        }
        return handle_alloc(std::make_shared<CompletionPort>());
    }
    auto f = file_from_handle(file);  // sets ERROR_INVALID_HANDLE
    if (!f) return nullptr;
    {
        std::lock_guard lock(sync_lock());
        if (!f->completion_port.expired()) {  // a file belongs to one port for its lifetime
            set_last_error(ERROR_INVALID_PARAMETER);
            return nullptr;
        }
        if (!port) port = std::make_shared<CompletionPort>();
        f->completion_port = port;
        f->completion_key = key;
    }
    return existing ? existing : handle_alloc(port);
}

// An overlapped request on a file associated with a port completed: its packet (file.cpp).
void post_file_completion(FileObject& f, DWORD bytes, ULONG_PTR status, void* overlapped) {
    std::lock_guard lock(sync_lock());
    auto o = f.completion_port.lock();
    if (!o) return;
    auto port = std::static_pointer_cast<CompletionPort>(std::static_pointer_cast<Waitable>(o));
    port->packets.push_back(Packet{f.completion_key, overlapped, status, bytes});
    wake_waiters(*port);
}

BOOL WINAPI PostQueuedCompletionStatus(HANDLE h, DWORD bytes, ULONG_PTR key, void* overlapped) {
    auto port = port_from(h);
    if (!port) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(sync_lock());
    port->packets.push_back(Packet{key, overlapped, 0, bytes});
    wake_waiters(*port);
    return TRUE;
}

// Timeout: FALSE, WAIT_TIMEOUT, *overlapped = NULL. Port closed meanwhile: FALSE,
// ERROR_ABANDONED_WAIT_0, *overlapped = NULL. A packet of a failed I/O: FALSE with its error and
// *overlapped set (the caller tells the two failures apart by *overlapped).
BOOL WINAPI GetQueuedCompletionStatus(HANDLE h, DWORD* bytes, ULONG_PTR* key, void** overlapped, DWORD ms) {
    auto port = port_from(h);
    if (!port) return fail(ERROR_INVALID_HANDLE);
    Packet p;
    size_t n = 0;
    DWORD r = dequeue(port, &p, 1, ms, false, n);
    if (n == 0) {
        *overlapped = nullptr;
        return fail(r == WAIT_TIMEOUT ? WAIT_TIMEOUT : ERROR_ABANDONED_WAIT_0);
    }
    *bytes = p.bytes;
    *key = p.key;
    *overlapped = p.overlapped;
    if (p.status != 0) return fail(error_from_status(p.status));
    return TRUE;
}

BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE h, OVERLAPPED_ENTRY* entries, ULONG count, ULONG* removed, DWORD ms,
                                        BOOL alertable) {
    if (!count || !entries) return fail(ERROR_INVALID_PARAMETER);
    auto port = port_from(h);
    if (!port) return fail(ERROR_INVALID_HANDLE);
    std::vector<Packet> got(count);
    size_t n = 0;
    DWORD r = dequeue(port, got.data(), count, ms, alertable, n);
    if (removed) *removed = ULONG(n);
    if (n == 0) {
        if (r == WAIT_IO_COMPLETION) return fail(WAIT_IO_COMPLETION);
        return fail(r == WAIT_TIMEOUT ? WAIT_TIMEOUT : ERROR_ABANDONED_WAIT_0);
    }
    for (size_t i = 0; i < n; i++)
        entries[i] = OVERLAPPED_ENTRY{got[i].key, got[i].overlapped, got[i].status, got[i].bytes};
    return TRUE;
}

WR_EXPORT_PART(kernel32_completion_port, WR_EXPORT(CreateIoCompletionPort), WR_EXPORT(PostQueuedCompletionStatus),
               WR_EXPORT(GetQueuedCompletionStatus), WR_EXPORT(GetQueuedCompletionStatusEx));

}  // namespace winrun::k32
