// The handle table. Handle values are (index + 1) * 4, so they are multiples of 4 as on Windows and
// never 0 or a pseudo-handle.
#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

namespace {
std::mutex g_mutex;
// Never destroyed: handles stay valid through process exit (static destructors must not close
// the std fds before the last output is written).
std::vector<std::shared_ptr<KObject>>& g_table = *new std::vector<std::shared_ptr<KObject>>;
std::vector<bool>& g_inherit = *new std::vector<bool>;
size_t g_first_free = 0;
}  // namespace

FileObject::~FileObject() {
    if (share_tracked) share_release(this);
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
        g_inherit.push_back(false);
    }
    g_table[i] = std::move(obj);
    g_inherit[i] = inherit;
    g_first_free = i + 1;
    return reinterpret_cast<HANDLE>((i + 1) * 4);
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
    std::shared_ptr<KObject> dead;  // destroyed outside the lock
    std::lock_guard lock(g_mutex);
    size_t i;
    if (!index_of(h, i) || !g_table[i]) return false;
    dead = std::move(g_table[i]);
    if (i < g_first_free) g_first_free = i;
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

}  // namespace winrun::k32
