// Byte-range locks: LockFile(Ex), UnlockFile(Ex).
//
// Windows locks belong to a file object (a handle and its duplicates); Linux open file description
// locks (F_OFD_SETLK) have the same owner, so locks taken through two handles conflict with each
// other, in this process and in other processes. Windows rules that OFD locks do not have are kept
// per file object here:
// - an exclusive lock may not overlap any lock, and a shared lock may not overlap an exclusive one,
//   even when both are taken through the same handle (Linux would merge or convert them);
// - an unlock must name exactly a range that was locked (ERROR_NOT_LOCKED otherwise), and removes
//   only that lock: the overlapping shared locks that remain are applied again.
// - a zero-length lock is allowed and locks nothing.
// Not modelled: Windows locks are mandatory (ReadFile/WriteFile of a range locked through another
// handle fail with ERROR_LOCK_VIOLATION); here they bind only other lock requests.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "log.h"

namespace winrun::k32 {

namespace {
constexpr DWORD LOCKFILE_FAIL_IMMEDIATELY = 0x1, LOCKFILE_EXCLUSIVE_LOCK = 0x2;
constexpr DWORD ERROR_NOT_LOCKED = 158;


struct LockRange {
    const FileObject* owner;
    uint64_t offset, length;
    bool exclusive;
    bool overlaps(uint64_t off, uint64_t len) const {
        if (!length || !len) return false;
        uint64_t end = offset + length - 1 < offset ? UINT64_MAX : offset + length - 1;
        uint64_t oend = off + len - 1 < off ? UINT64_MAX : off + len - 1;
        return off <= end && offset <= oend;
    }
};

// Lock rule: g_locks_mutex guards g_locks (all ranges locked through this process's file objects).
std::mutex g_locks_mutex;
std::vector<LockRange> g_locks;

// An OFD lock request for [off, off+len); lengths running past the largest off_t lock "to the end".
// Program locks stop below the sharing markers (file.cpp), which live from 2^63 - 2^32 up: a lock
// "of the whole file" (length ~0) must not reach them.
constexpr uint64_t k_lock_limit = 0x7FFFFFFF00000000ull;
int ofd_lock(int fd, short type, uint64_t off, uint64_t len, bool wait) {
    if (off >= k_lock_limit) return 0;  // beyond any data Linux can address: nothing to lock
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = off_t(off);
    fl.l_len = off_t(len > k_lock_limit - off ? k_lock_limit - off : len);
    return fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
}

BOOL lock(HANDLE h, uint64_t off, uint64_t len, bool exclusive, bool wait) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    std::unique_lock lk(g_locks_mutex);
    for (const auto& r : g_locks)
        if (r.owner == f.get() && r.overlaps(off, len) && (exclusive || r.exclusive)) return fail(ERROR_LOCK_VIOLATION);
    if (len) {
        // Waiting for another owner must not hold our table: the other owner may be in this process.
        lk.unlock();
        if (ofd_lock(f->fd, exclusive ? F_WRLCK : F_RDLCK, off, len, wait) != 0) {
            if (errno == EAGAIN || errno == EACCES || errno == EDEADLK) return fail(ERROR_LOCK_VIOLATION);
            return fail_errno();
        }
        lk.lock();
    }
    g_locks.push_back({f.get(), off, len, exclusive});
    f->had_locks = true;
    return TRUE;
}

BOOL unlock(HANDLE h, uint64_t off, uint64_t len) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    std::lock_guard lk(g_locks_mutex);
    auto it = std::find_if(g_locks.begin(), g_locks.end(), [&](const LockRange& r) {
        return r.owner == f.get() && r.offset == off && r.length == len;
    });
    if (it == g_locks.end()) return fail(ERROR_NOT_LOCKED);
    g_locks.erase(it);
    if (len) {
        ofd_lock(f->fd, F_UNLCK, off, len, false);
        // Linux dropped the whole range for this owner: put back what other locks still cover.
        for (const auto& r : g_locks)
            if (r.owner == f.get() && r.overlaps(off, len)) ofd_lock(f->fd, r.exclusive ? F_WRLCK : F_RDLCK, r.offset, r.length, false);
    }
    return TRUE;
}
}  // namespace

// Called when a file object goes away: its locks go with it (the kernel drops the OFD locks when
// the description closes).
void forget_file_locks(const FileObject* f) {
    std::lock_guard lk(g_locks_mutex);
    std::erase_if(g_locks, [&](const LockRange& r) { return r.owner == f; });
}

BOOL WINAPI LockFile(HANDLE h, DWORD off_lo, DWORD off_hi, DWORD len_lo, DWORD len_hi) {
    return lock(h, uint64_t(off_hi) << 32 | off_lo, uint64_t(len_hi) << 32 | len_lo, true, false);
}

BOOL WINAPI LockFileEx(HANDLE h, DWORD flags, DWORD reserved, DWORD len_lo, DWORD len_hi, OVERLAPPED* ov) {
    if (reserved || !ov) return fail(ERROR_INVALID_PARAMETER);
    uint64_t off = uint64_t(ov->OffsetHigh) << 32 | ov->Offset;
    BOOL ok = lock(h, off, uint64_t(len_hi) << 32 | len_lo, flags & LOCKFILE_EXCLUSIVE_LOCK,
                   !(flags & LOCKFILE_FAIL_IMMEDIATELY));
    if (ok) ov->Internal = 0;
    return ok;
}

BOOL WINAPI UnlockFile(HANDLE h, DWORD off_lo, DWORD off_hi, DWORD len_lo, DWORD len_hi) {
    return unlock(h, uint64_t(off_hi) << 32 | off_lo, uint64_t(len_hi) << 32 | len_lo);
}

BOOL WINAPI UnlockFileEx(HANDLE h, DWORD reserved, DWORD len_lo, DWORD len_hi, OVERLAPPED* ov) {
    if (reserved || !ov) return fail(ERROR_INVALID_PARAMETER);
    return unlock(h, uint64_t(ov->OffsetHigh) << 32 | ov->Offset, uint64_t(len_hi) << 32 | len_lo);
}

WR_EXPORT_PART(kernel32_file_lock,
    WR_EXPORT(LockFile),
    WR_EXPORT(LockFileEx),
    WR_EXPORT(UnlockFile),
    WR_EXPORT(UnlockFileEx));

}  // namespace winrun::k32
