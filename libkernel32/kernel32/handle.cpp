// The handle table. Handle values are (index + 1) * 4, so they are multiples of 4 as on Windows and
// never 0 or a pseudo-handle.
#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "process_handle.h"
#include "thread.h"

namespace winrun::k32 {

namespace {
std::mutex g_mutex;
// Never destroyed: handles stay valid through process exit (static destructors must not close
// the std fds before the last output is written).
std::vector<std::shared_ptr<KObject>>& g_table = *new std::vector<std::shared_ptr<KObject>>;
// HANDLE_FLAG_INHERIT (1) and HANDLE_FLAG_PROTECT_FROM_CLOSE (2) of each handle.
std::vector<uint8_t>& g_flags = *new std::vector<uint8_t>;
size_t g_first_free = 0;
}  // namespace

FileObject::~FileObject() {
    if (share_tracked) share_release(this);
    if (had_locks) forget_file_locks(this);
    if (fd >= 0) close(fd);
    // FILE_FLAG_DELETE_ON_CLOSE: the file goes when its last handle closes.
    if ((flags & 0x04000000) && !linux_path.empty()) unlink(linux_path.c_str());
}

HANDLE handle_alloc(std::shared_ptr<KObject> obj, bool inherit) {
    std::lock_guard lock(g_mutex);
    size_t i = g_first_free;
    while (i < g_table.size() && g_table[i]) i++;
    if (i == g_table.size()) {
        g_table.emplace_back();
        g_flags.push_back(0);
    }
    obj->handle_count.fetch_add(1, std::memory_order_relaxed);
    g_table[i] = std::move(obj);
    g_flags[i] = inherit ? 1 : 0;
    g_first_free = i + 1;
    return reinterpret_cast<HANDLE>((i + 1) * 4);
}

HANDLE handle_alloc_at(HANDLE want, std::shared_ptr<KObject> obj, bool inherit) {
    auto v = reinterpret_cast<uintptr_t>(want);
    // Values past 64K handles are not reproduced (the table would grow to match): the next free one.
    if (v == 0 || (v & 3) || v > (uintptr_t(1) << 18)) return handle_alloc(std::move(obj), inherit);
    size_t i = v / 4 - 1;
    {
        std::lock_guard lock(g_mutex);
        if (i >= g_table.size()) {
            g_table.resize(i + 1);
            g_flags.resize(i + 1, 0);
        }
        if (!g_table[i]) {
            obj->handle_count.fetch_add(1, std::memory_order_relaxed);
            g_table[i] = std::move(obj);
            g_flags[i] = inherit ? 1 : 0;
            return want;
        }
    }
    return handle_alloc(std::move(obj), inherit);  // taken (a std handle): the next free value
}

std::vector<std::pair<HANDLE, std::shared_ptr<KObject>>> inheritable_handles() {
    std::lock_guard lock(g_mutex);
    std::vector<std::pair<HANDLE, std::shared_ptr<KObject>>> out;
    for (size_t i = 0; i < g_table.size(); i++)
        if (g_table[i] && (g_flags[i] & 1)) out.emplace_back(reinterpret_cast<HANDLE>((i + 1) * 4), g_table[i]);
    return out;
}

static bool index_of(HANDLE h, size_t& i) {
    auto v = reinterpret_cast<uintptr_t>(h);
    if (v == 0 || (v & 3) || v > (uintptr_t(1) << 32)) return false;
    i = v / 4 - 1;
    return i < g_table.size();
}

std::shared_ptr<KObject> handle_get(HANDLE h) {
    std::lock_guard lock(g_mutex);
    size_t i;
    if (!index_of(h, i)) return nullptr;
    return g_table[i];
}

std::shared_ptr<FileObject> file_from_handle(HANDLE h) {
    auto o = handle_get(h);
    if (!o || o->kind != ObjectKind::File) {
        set_last_error(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return std::static_pointer_cast<FileObject>(o);
}

bool handle_close(HANDLE h) {
    std::shared_ptr<KObject> dead;  // destroyed (and told) outside the lock
    {
        std::lock_guard lock(g_mutex);
        size_t i;
        if (!index_of(h, i) || !g_table[i]) return false;
        // HANDLE_FLAG_PROTECT_FROM_CLOSE: NtClose answers STATUS_HANDLE_NOT_CLOSABLE, so CloseHandle
        // fails with ERROR_INVALID_HANDLE and the handle stays.
        if (g_flags[i] & 2) return false;
        dead = std::move(g_table[i]);
        if (i < g_first_free) g_first_free = i;
    }
    if (dead->handle_count.fetch_sub(1, std::memory_order_acq_rel) == 1) dead->last_handle_closed();
    return true;
}

HANDLE handle_for_fd(int fd) {
    if (fcntl(fd, F_GETFD) < 0) return nullptr;  // not open: Windows gives a NULL std handle
    auto f = std::make_shared<FileObject>();
    f->fd = fd;
    int fl = fcntl(fd, F_GETFL);
    int acc = fl & O_ACCMODE;
    f->access = (acc == O_RDONLY ? 0x80000000u : acc == O_WRONLY ? 0x40000000u : 0xC0000000u);
    return handle_alloc(std::move(f), true);
}

BOOL WINAPI CloseHandle(HANDLE h) {
    if (h == PSEUDO_PROCESS || h == PSEUDO_THREAD) return TRUE;  // Windows ignores pseudo-handles here
    if (!handle_close(h)) return fail(ERROR_INVALID_HANDLE);
    return TRUE;
}

WR_EXPORT_PART(kernel32_handle,
    WR_EXPORT(CloseHandle));

BOOL WINAPI GetHandleInformation(HANDLE h, DWORD* flags) {
    std::lock_guard lock(g_mutex);
    size_t i;
    if (!index_of(h, i) || !g_table[i]) return fail(ERROR_INVALID_HANDLE);
    if (flags) *flags = g_flags[i];
    return TRUE;
}

BOOL WINAPI SetHandleInformation(HANDLE h, DWORD mask, DWORD flags) {
    std::lock_guard lock(g_mutex);
    size_t i;
    if (!index_of(h, i) || !g_table[i]) return fail(ERROR_INVALID_HANDLE);
    mask &= 3;
    g_flags[i] = uint8_t((g_flags[i] & ~mask) | (flags & mask));
    return TRUE;
}

HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid);

// Within this process only (handles of other processes: issue 4). The duplicate refers to the same
// object, so a file keeps one position for both handles, as on Windows. The pseudo-handles become
// real handles to the current process and thread.
BOOL WINAPI DuplicateHandle(HANDLE src_process, HANDLE src, HANDLE dst_process, HANDLE* dst, DWORD, BOOL inherit,
                            DWORD options) {
    constexpr DWORD DUPLICATE_CLOSE_SOURCE = 1;
    // This process: the pseudo-handle, or a real handle to it (OpenProcess of our own id).
    auto own = [](HANDLE p) {
        if (p == PSEUDO_PROCESS) return true;
        auto obj = handle_get(p);
        auto* po = obj && obj->kind == ObjectKind::Process ? static_cast<ProcessObject*>(obj.get()) : nullptr;
        return po && po->pid == current_process_id();
    };
    if (!own(src_process) || !own(dst_process)) {
        // Another process's handle table is out of reach: that needs the object (for files and
        // pipes, the descriptor) handed over through csrssd.
        WR_WARN(process, "DuplicateHandle between two processes is not implemented (source process {}, target process {})",
                static_cast<void*>(src_process), static_cast<void*>(dst_process));
        return fail(ERROR_CALL_NOT_IMPLEMENTED);
    }
    std::shared_ptr<KObject> obj;
    if (src == PSEUDO_THREAD) obj = current_thread_object();
    else if (src == PSEUDO_PROCESS) {
        HANDLE h = OpenProcess(0, inherit, current_process_id());
        if (!h) return FALSE;
        if (dst) *dst = h;
        else CloseHandle(h);
        return TRUE;
    } else obj = handle_get(src);
    if (!obj) return fail(ERROR_INVALID_HANDLE);
    HANDLE h = handle_alloc(obj, inherit);
    if (options & DUPLICATE_CLOSE_SOURCE) handle_close(src);
    if (dst) *dst = h;
    else handle_close(h);
    return TRUE;
}

WR_EXPORT_PART(kernel32_handle_dup, WR_EXPORT(DuplicateHandle), WR_EXPORT(GetHandleInformation),
               WR_EXPORT(SetHandleInformation));

}  // namespace winrun::k32
