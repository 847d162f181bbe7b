// Files: CreateFile, ReadFile, WriteFile, file pointers and sizes, a first set of directory and
// attribute functions. Sharing modes, find, times, locks, overlapped I/O: issue 5.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "file.h"
#include "waitable.h"
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD INVALID_SET_FILE_POINTER = 0xFFFFFFFF;
constexpr DWORD FILE_TYPE_UNKNOWN = 0, FILE_TYPE_DISK = 1, FILE_TYPE_CHAR = 2, FILE_TYPE_PIPE = 3;

}  // namespace

// ENOENT means "file not found" when the directory exists and "path not found" otherwise.
DWORD missing_error(const std::string& path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return ERROR_FILE_NOT_FOUND;
    struct stat st;
    return stat(path.substr(0, slash).c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? ERROR_FILE_NOT_FOUND
                                                                                : ERROR_PATH_NOT_FOUND;
}

DWORD lookup_error(const std::string& path) {
    struct stat st;
    return open_error(stat(path.c_str(), &st) != 0 ? errno : ENOENT, path);
}

DWORD open_error(int err, const std::string& path) {
    if (err == ENOENT) return missing_error(path);
    if (err == ENOTDIR) return ERROR_PATH_NOT_FOUND;
    return error_from_errno(err);
}

namespace {

bool is_device(std::u16string_view name, std::u16string_view dev) {
    // "NUL", "nul", "C:\x\NUL" and "\\.\NUL" all name the device; so does "NUL.txt".
    size_t p = name.find_last_of(u"\\/:");
    std::u16string_view base = p == std::u16string_view::npos ? name : name.substr(p + 1);
    size_t dot = base.find(u'.');
    if (dot != std::u16string_view::npos) base = base.substr(0, dot);
    if (base.size() != dev.size()) return false;
    for (size_t i = 0; i < dev.size(); i++) {
        char16_t c = base[i];
        if (c >= u'a' && c <= u'z') c -= 32;
        if (c != dev[i]) return false;
    }
    return true;
}

// Sharing modes, within the process (across the processes of a session: issue 5, through csrssd).
// Every open of a regular file records what it may do (read/write/delete) and what it lets later
// opens do; an open that conflicts either way fails with ERROR_SHARING_VIOLATION.
}  // namespace

unsigned uses_of(DWORD access) {
    unsigned u = 0;
    if (access & (GENERIC_READ | GENERIC_EXECUTE | FILE_READ_DATA)) u |= USE_READ;
    if (access & (GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA)) u |= USE_WRITE;
    if (access & DELETE_ACCESS) u |= USE_DELETE;
    return u;
}
unsigned shares_of(DWORD share) {
    return ((share & FILE_SHARE_READ) ? USE_READ : 0) | ((share & FILE_SHARE_WRITE) ? USE_WRITE : 0) |
           ((share & FILE_SHARE_DELETE) ? USE_DELETE : 0);
}

namespace {
struct OpenRecord {
    const FileObject* owner;
    unsigned uses, shares;
};
std::mutex g_share_mutex;
std::map<std::pair<uint64_t, uint64_t>, std::vector<OpenRecord>> g_opens;

// Under g_share_mutex.
bool conflicts(const std::vector<OpenRecord>& opens, unsigned uses, unsigned shares) {
    for (const auto& o : opens)
        if ((uses & ~o.shares) || (o.uses & ~shares)) return true;
    return false;
}

}  // namespace

bool would_conflict(uint64_t dev, uint64_t ino, unsigned uses, unsigned shares) {
    std::lock_guard lock(g_share_mutex);
    auto it = g_opens.find({dev, ino});
    return it != g_opens.end() && conflicts(it->second, uses, shares);
}

// ---- sharing across processes ---------------------------------------------------------------------
// Every open of a regular file that reads, writes or deletes holds shared OFD locks on marker bytes
// far beyond any data (from 2^63 - 2^32): one byte per use (read, write, delete) held while it uses
// the file that way, one per denial held while it refuses others that use. A new open takes its own markers first, then asks the kernel whether
// any other open file description holds a marker it conflicts with (F_OFD_GETLK of a write lock);
// the markers vanish with the last close of the description, also when a process dies. Two opens
// racing may both see each other and both fail; neither can wrongly succeed.
namespace {
constexpr off_t k_share_base = off_t(0x7FFFFFFF00000000LL);
template <typename Fn>
bool for_runs(unsigned mask, Fn fn) {
    for (int i = 0; i < 6;) {
        if (!((mask >> i) & 1)) {
            i++;
            continue;
        }
        int j = i;
        while (j < 6 && ((mask >> j) & 1)) j++;
        if (!fn(k_share_base + i, j - i)) return false;
        i = j;
    }
    return true;
}
// Marker positions, ordered so that the common cases are contiguous runs (one fcntl each): a reader
// sharing reads holds USE_READ, DENY_WRITE, DENY_DELETE (0-2) and checks DENY_READ, USE_WRITE,
// USE_DELETE (3-5).
constexpr int k_pos_use[3] = {0, 3, 4};   // USE_READ, USE_WRITE, USE_DELETE
constexpr int k_pos_deny[3] = {5, 1, 2};  // DENY_READ, DENY_WRITE, DENY_DELETE
unsigned held_markers(unsigned uses, unsigned shares) {
    unsigned m = 0;
    for (int i = 0; i < 3; i++) {
        if (uses & (1u << i)) m |= 1u << k_pos_use[i];
        if (!(shares & (1u << i))) m |= 1u << k_pos_deny[i];
    }
    return m;
}
unsigned conflicting_markers(unsigned uses, unsigned shares) {
    unsigned m = 0;
    for (int i = 0; i < 3; i++) {
        if (uses & (1u << i)) m |= 1u << k_pos_deny[i];
        if (!(shares & (1u << i))) m |= 1u << k_pos_use[i];
    }
    return m;
}

bool others_hold(int fd, unsigned mask) {
    bool found = false;
    for_runs(mask, [&](off_t start, int len) {
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = start;
        fl.l_len = len;
        if (fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) found = true;
        return !found;
    });
    return found;
}

bool take_markers(int fd, unsigned mask) {
    return for_runs(mask, [&](off_t start, int len) {
        struct flock fl {};
        fl.l_type = F_RDLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = start;
        fl.l_len = len;
        return fcntl(fd, F_OFD_SETLK, &fl) == 0;
    });
}
}  // namespace

bool share_conflict_on_disk(const std::string& path, unsigned uses, unsigned shares) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return false;  // unreadable: only this process's table can say
    bool c = others_hold(fd, conflicting_markers(uses, shares));
    close(fd);
    return c;
}

// FILE_ATTRIBUTE_* of a Linux file: directory, read-only from the permissions, hidden = dot-file,
// archive for files.
DWORD attributes_of(const std::string& path, const struct stat& st, bool is_link) {
    DWORD a = 0;
    if (S_ISDIR(st.st_mode)) a |= FILE_ATTRIBUTE_DIRECTORY;
    if (!(st.st_mode & S_IWUSR)) a |= FILE_ATTRIBUTE_READONLY;
    size_t slash = path.find_last_of('/');
    std::string_view base = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
    if (base.size() > 1 && base[0] == '.' && base != "..") a |= FILE_ATTRIBUTE_HIDDEN;  // dot-files are hidden
    if (is_link) a |= FILE_ATTRIBUTE_REPARSE_POINT;  // symbolic links are reparse points (IO_REPARSE_TAG_SYMLINK)
    if (!a) a = S_ISDIR(st.st_mode) ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE;
    else if (!S_ISDIR(st.st_mode)) a |= FILE_ATTRIBUTE_ARCHIVE;
    return a;
}

bool is_symlink(const std::string& path) {
    struct stat lst;
    return lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
}

void share_release(FileObject* f) {
    std::lock_guard lock(g_share_mutex);
    auto it = g_opens.find({f->dev, f->ino});
    if (it == g_opens.end()) return;
    std::erase_if(it->second, [&](const OpenRecord& r) { return r.owner == f; });
    if (it->second.empty()) g_opens.erase(it);
}

HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share, void* sa, DWORD disposition, DWORD flags, HANDLE) {
    if (!name || !*name) {
        set_last_error(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    std::u16string_view wname = wview(name);
    if (HANDLE con; console_create_file(wname, access, con)) return con;
    // The other DOS device names exist in every directory on Windows too; there are no serial,
    // parallel or auxiliary ports here, which Windows reports as a missing file.
    for (std::u16string_view dev : {u"AUX", u"PRN", u"COM1", u"COM2", u"COM3", u"COM4", u"COM5", u"COM6", u"COM7",
                                    u"COM8", u"COM9", u"LPT1", u"LPT2", u"LPT3", u"LPT4", u"LPT5", u"LPT6", u"LPT7",
                                    u"LPT8", u"LPT9"})
        if (is_device(wname, dev)) {
            WR_TRACE(file, "CreateFileW({}): device {} is not present", utf16_to_utf8(wname), utf16_to_utf8(dev));
            set_last_error(ERROR_FILE_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
    std::string path;
    struct stat st;
    bool existed;
    if (is_device(wname, u"NUL")) {
        path = "/dev/null";
        existed = stat(path.c_str(), &st) == 0;
    } else {
        auto lp = paths::to_linux_stat(wname);
        if (!lp) {
            WR_TRACE(file, "CreateFileW({}): {}", utf16_to_utf8(wname), lp.error().message);
            set_last_error(ERROR_PATH_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
        path = std::move(lp->path);
        existed = lp->exists;
        st = lp->st;
    }
    if (access & GENERIC_ALL) access |= GENERIC_READ | GENERIC_WRITE;
    bool rd = access & (GENERIC_READ | FILE_READ_DATA | GENERIC_EXECUTE);
    bool wr = access & (GENERIC_WRITE | FILE_WRITE_DATA);
    bool app = (access & FILE_APPEND_DATA) && !wr;
    int oflags = O_CLOEXEC | ((wr || app) ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY);
    if (app) oflags |= O_APPEND;
    if (existed && S_ISDIR(st.st_mode)) {
        // Directories open only with FILE_FLAG_BACKUP_SEMANTICS.
        if (!(flags & FILE_FLAG_BACKUP_SEMANTICS) || disposition == CREATE_NEW || disposition == CREATE_ALWAYS ||
            disposition == TRUNCATE_EXISTING) {
            set_last_error(disposition == CREATE_NEW ? ERROR_FILE_EXISTS : ERROR_ACCESS_DENIED);
            return INVALID_HANDLE_VALUE;
        }
        oflags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    } else {
        switch (disposition) {
        case CREATE_NEW: oflags |= O_CREAT | O_EXCL; break;
        case CREATE_ALWAYS: oflags |= O_CREAT | O_TRUNC; break;
        case OPEN_ALWAYS: oflags |= O_CREAT; break;
        case TRUNCATE_EXISTING:
            if (!wr) {
                set_last_error(ERROR_INVALID_PARAMETER);
                return INVALID_HANDLE_VALUE;
            }
            oflags |= O_TRUNC;
            break;
        default: break;
        }
        if (disposition == CREATE_NEW || disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS)
            if ((oflags & O_ACCMODE) == O_RDONLY && !existed) oflags = (oflags & ~O_ACCMODE) | O_RDONLY;
    }
    // A read-only file (no owner write permission) is not opened for writing or deleting, whoever
    // the Linux user is (root may write anything; a Windows program must still see the attribute).
    if (existed && S_ISREG(st.st_mode) && !(st.st_mode & S_IWUSR) &&
        ((wr || app) || disposition == CREATE_ALWAYS || disposition == TRUNCATE_EXISTING ||
         (flags & FILE_FLAG_DELETE_ON_CLOSE))) {
        set_last_error(ERROR_ACCESS_DENIED);
        return INVALID_HANDLE_VALUE;
    }
    unsigned uses = uses_of(access) | ((flags & FILE_FLAG_DELETE_ON_CLOSE) ? USE_DELETE : 0);
    unsigned shares = shares_of(share);
    // Checked before open(): a refused open must not truncate the file (CREATE_ALWAYS).
    if (uses && existed && S_ISREG(st.st_mode) && would_conflict(st.st_dev, st.st_ino, uses, shares)) {
        set_last_error(ERROR_SHARING_VIOLATION);
        return INVALID_HANDLE_VALUE;
    }
    bool regular_file = (existed && S_ISREG(st.st_mode)) || !existed;
    // Truncation waits until the sharing check across processes has passed.
    bool truncate_later = existed && S_ISREG(st.st_mode) && (oflags & O_TRUNC);
    if (truncate_later) oflags &= ~O_TRUNC;
    mode_t mode = (flags & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
    int fd = -1;
    // The sharing markers are read locks, which need a readable descriptor: a write-only open of a
    // regular file is made read-write when the permissions allow (ReadFile still checks the access).
    if (uses && regular_file && (oflags & O_ACCMODE) == O_WRONLY) fd = open(path.c_str(), (oflags & ~O_ACCMODE) | O_RDWR, mode);
    if (fd < 0) fd = open(path.c_str(), oflags, mode);
    if (fd < 0) {
        set_last_error(open_error(errno, path));
        return INVALID_HANDLE_VALUE;
    }
    if (!existed && (oflags & O_CREAT)) paths::note_created(path);
    auto f = std::make_shared<FileObject>();
    struct stat fst;
    if (fstat(fd, &fst) == 0) f->file_type = fst.st_mode & S_IFMT;
    if (f->file_type == S_IFREG && uses) {
        if (take_markers(fd, held_markers(uses, shares)) && others_hold(fd, conflicting_markers(uses, shares))) {
            close(fd);
            set_last_error(ERROR_SHARING_VIOLATION);
            return INVALID_HANDLE_VALUE;
        }
    }
    if (truncate_later && ftruncate(fd, 0) != 0) {
        DWORD e = error_from_errno(errno);
        close(fd);
        set_last_error(e);
        return INVALID_HANDLE_VALUE;
    }
    if (f->file_type == S_IFREG && uses) {
        std::lock_guard lock(g_share_mutex);
        auto& opens = g_opens[{fst.st_dev, fst.st_ino}];
        if (conflicts(opens, uses, shares)) {  // another thread opened it meanwhile
            if (opens.empty()) g_opens.erase({fst.st_dev, fst.st_ino});
            close(fd);
            set_last_error(ERROR_SHARING_VIOLATION);
            return INVALID_HANDLE_VALUE;
        }
        opens.push_back({f.get(), uses, shares});
        f->share_tracked = true;
        f->dev = fst.st_dev;
        f->ino = fst.st_ino;
    }
    f->fd = fd;
    f->access = access;
    f->share = share;
    f->flags = flags;
    f->append_only = app;
    f->is_directory = oflags & O_DIRECTORY;
    f->linux_path = path;
    bool inherit = sa && reinterpret_cast<const DWORD*>(sa)[4];  // SECURITY_ATTRIBUTES.bInheritHandle
    HANDLE h = handle_alloc(std::move(f), inherit);
    // Opening or replacing an existing file reports ERROR_ALREADY_EXISTS alongside success.
    set_last_error(existed && (disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS) ? ERROR_ALREADY_EXISTS
                                                                                          : ERROR_SUCCESS);
    WR_TRACE(file, "CreateFileW({}) -> {} (fd {})", path, h, fd);
    return h;
}

HANDLE WINAPI CreateFileA(LPCSTR name, DWORD access, DWORD share, void* sa, DWORD disposition, DWORD flags, HANDLE t) {
    if (!name) {
        set_last_error(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    std::u16string w = file_to_wide(name);
    return CreateFileW(w.c_str(), access, share, sa, disposition, flags, t);
}

// ---- overlapped I/O ---------------------------------------------------------------------------
// A request with an OVERLAPPED completes before the call returns here (the data is read or written
// at once): the OVERLAPPED gets the NTSTATUS and the count, its event is set, and a handle
// associated with a completion port gets its packet unless the event's low bit says not to — what
// Windows does for an overlapped request that completes synchronously. A request that fails at once
// queues no packet. GetOverlappedResult then finds the request complete.
constexpr ULONG_PTR STATUS_SUCCESS_ = 0, STATUS_END_OF_FILE = 0xC0000011, STATUS_PIPE_BROKEN = 0xC000014B;
BOOL WINAPI SetEvent(HANDLE h);

namespace {
void complete_overlapped(FileObject& f, OVERLAPPED* ov, ULONG_PTR status, size_t bytes) {
    ov->Internal = status;
    ov->InternalHigh = bytes;
    uintptr_t ev = reinterpret_cast<uintptr_t>(ov->hEvent);
    if (ev & ~uintptr_t(1)) SetEvent(reinterpret_cast<HANDLE>(ev & ~uintptr_t(1)));
    if (status == STATUS_SUCCESS_ && !(ev & 1)) post_file_completion(f, DWORD(bytes), status, ov);
}

// The read itself; ov gives the offset for seekable files. Returns a Win32 error (0 = success).
DWORD read_data(FileObject& f, void* buf, DWORD n, OVERLAPPED* ov, size_t& total, uint32_t& type) {
    type = f.type();
    bool regular = type == S_IFREG;
    bool positioned = ov && (regular || type == S_IFBLK);
    total = 0;
    while (total < n) {
        ssize_t r = positioned ? pread(f.fd, static_cast<char*>(buf) + total, n - total,
                                       off_t((uint64_t(ov->OffsetHigh) << 32 | ov->Offset) + total))
                               : read(f.fd, static_cast<char*>(buf) + total, n - total);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (total) break;
            return error_from_errno(errno);
        }
        if (r == 0) break;
        total += size_t(r);
        if (!regular) break;  // a pipe or terminal returns what is available
    }
    if (total == 0 && n > 0) {
        if (type == S_IFIFO) return ERROR_BROKEN_PIPE;  // the writer has gone
        if (ov) return ERROR_HANDLE_EOF;                // synchronous reads return TRUE with 0 bytes
    }
    return 0;
}

DWORD write_data(FileObject& f, const void* buf, DWORD n, OVERLAPPED* ov, size_t& total) {
    uint32_t type = f.type();
    bool positioned = ov && (type == S_IFREG || type == S_IFBLK);
    total = 0;
    while (total < n) {
        ssize_t r = positioned ? pwrite(f.fd, static_cast<const char*>(buf) + total, n - total,
                                        off_t((uint64_t(ov->OffsetHigh) << 32 | ov->Offset) + total))
                               : write(f.fd, static_cast<const char*>(buf) + total, n - total);
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno == EPIPE ? ERROR_NO_DATA : error_from_errno(errno);
        }
        total += size_t(r);
    }
    return 0;
}

ULONG_PTR status_of(DWORD err) {
    return err == 0 ? STATUS_SUCCESS_ : err == ERROR_HANDLE_EOF ? STATUS_END_OF_FILE
         : err == ERROR_BROKEN_PIPE ? STATUS_PIPE_BROKEN : 0xC0000001 /* STATUS_UNSUCCESSFUL */;
}
}  // namespace

BOOL WINAPI ReadFile(HANDLE h, LPVOID buf, DWORD n, DWORD* read_out, OVERLAPPED* ov) {
    if (is_console_handle(h)) return console_read_file(h, buf, n, read_out);
    auto f = file_from_handle(h);
    if (read_out) *read_out = 0;
    if (!f) return FALSE;
    if (f->is_directory) return fail(ERROR_INVALID_FUNCTION);
    if (!(f->access & (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA))) return fail(ERROR_ACCESS_DENIED);
    size_t total;
    uint32_t type;
    DWORD err = read_data(*f, buf, n, ov, total, type);
    if (read_out) *read_out = DWORD(total);
    if (ov) complete_overlapped(*f, ov, status_of(err), total);
    if (err) return fail(err);
    return TRUE;
}

BOOL WINAPI WriteFile(HANDLE h, LPCVOID buf, DWORD n, DWORD* written, OVERLAPPED* ov) {
    if (is_console_handle(h)) return console_write_file(h, buf, n, written);
    auto f = file_from_handle(h);
    if (written) *written = 0;
    if (!f) return FALSE;
    if (!(f->access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA))) return fail(ERROR_ACCESS_DENIED);
    size_t total;
    DWORD err = write_data(*f, buf, n, ov, total);
    if (written) *written = DWORD(total);
    if (ov) complete_overlapped(*f, ov, status_of(err), total);
    if (err) return fail(err);
    return TRUE;
}

// ReadFileEx/WriteFileEx: the completion routine runs as an APC of the calling thread, at its next
// alertable wait, with the Win32 error and the count. A request that fails at once queues nothing.
using CompletionRoutine = void(WINAPI*)(DWORD err, DWORD bytes, OVERLAPPED* ov);
namespace {
BOOL queue_completion(CompletionRoutine routine, DWORD err, size_t bytes, OVERLAPPED* ov) {
    ApcState& s = current_apc_state();
    std::lock_guard lock(sync_lock());
    queue_apc_locked(s, Apc{[routine, err, bytes, ov] { routine(err, DWORD(bytes), ov); }, nullptr});
    return TRUE;
}
}  // namespace

BOOL WINAPI ReadFileEx(HANDLE h, LPVOID buf, DWORD n, OVERLAPPED* ov, CompletionRoutine routine) {
    if (!ov || !routine) return fail(ERROR_INVALID_PARAMETER);
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (!(f->access & (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA))) return fail(ERROR_ACCESS_DENIED);
    size_t total;
    uint32_t type;
    DWORD err = read_data(*f, buf, n, ov, total, type);
    ov->Internal = status_of(err);
    ov->InternalHigh = total;
    if (err && err != ERROR_HANDLE_EOF) return fail(err);
    return queue_completion(routine, err, total, ov);
}

BOOL WINAPI WriteFileEx(HANDLE h, LPCVOID buf, DWORD n, OVERLAPPED* ov, CompletionRoutine routine) {
    if (!ov || !routine) return fail(ERROR_INVALID_PARAMETER);
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (!(f->access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA))) return fail(ERROR_ACCESS_DENIED);
    size_t total;
    DWORD err = write_data(*f, buf, n, ov, total);
    ov->Internal = status_of(err);
    ov->InternalHigh = total;
    if (err) return fail(err);
    return queue_completion(routine, 0, total, ov);
}

// Requests complete before their call returns, so the result is always there; a request that
// failed reports its error.
BOOL WINAPI GetOverlappedResult(HANDLE h, OVERLAPPED* ov, DWORD* bytes, BOOL wait) {
    (void)h, (void)wait;
    if (!ov) return fail(ERROR_INVALID_PARAMETER);
    if (bytes) *bytes = DWORD(ov->InternalHigh);
    switch (ov->Internal) {
    case STATUS_SUCCESS_: return TRUE;
    case STATUS_END_OF_FILE: return fail(ERROR_HANDLE_EOF);
    case STATUS_PIPE_BROKEN: return fail(ERROR_BROKEN_PIPE);
    case 0x103: return fail(ERROR_IO_INCOMPLETE);  // STATUS_PENDING: not one of ours
    default: return fail(31);  // ERROR_GEN_FAILURE
    }
}
BOOL WINAPI GetOverlappedResultEx(HANDLE h, OVERLAPPED* ov, DWORD* bytes, DWORD ms, BOOL alertable) {
    (void)ms, (void)alertable;
    return GetOverlappedResult(h, ov, bytes, FALSE);
}
// Nothing is ever pending: CancelIo has nothing to do; CancelIoEx finds no request.
BOOL WINAPI CancelIo(HANDLE h) { return file_from_handle(h) ? TRUE : FALSE; }
BOOL WINAPI CancelIoEx(HANDLE h, OVERLAPPED*) {
    if (!file_from_handle(h)) return FALSE;
    return fail(ERROR_NOT_FOUND);
}

BOOL WINAPI SetFilePointerEx(HANDLE h, LARGE_INTEGER dist, LARGE_INTEGER* newpos, DWORD method) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (method > 2) return fail(ERROR_INVALID_PARAMETER);
    int whence = method == 0 ? SEEK_SET : method == 1 ? SEEK_CUR : SEEK_END;
    off_t cur = lseek(f->fd, 0, SEEK_CUR);
    if (cur < 0) return fail_errno();
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? cur : lseek(f->fd, 0, SEEK_END);
    lseek(f->fd, cur, SEEK_SET);
    if (base + dist.QuadPart < 0) return fail(ERROR_NEGATIVE_SEEK);
    off_t r = lseek(f->fd, base + dist.QuadPart, SEEK_SET);
    if (r < 0) return fail_errno();
    if (newpos) newpos->QuadPart = r;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE h, LONG dist, LONG* high, DWORD method) {
    LARGE_INTEGER d, out;
    d.QuadPart = high ? (LONGLONG(*high) << 32) | DWORD(dist) : LONGLONG(dist);
    if (!SetFilePointerEx(h, d, &out, method)) return INVALID_SET_FILE_POINTER;
    if (high) *high = out.u.HighPart;
    else if (out.QuadPart > 0xFFFFFFFFLL) {
        // Without lpDistanceToMoveHigh the result must fit in 32 bits.
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_SET_FILE_POINTER;
    }
    set_last_error(ERROR_SUCCESS);  // a position of 0xFFFFFFFF is told apart by the last error
    return out.u.LowPart;
}

BOOL WINAPI GetFileSizeEx(HANDLE h, LARGE_INTEGER* size) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    struct stat st;
    if (fstat(f->fd, &st) != 0) return fail_errno();
    size->QuadPart = S_ISREG(st.st_mode) ? st.st_size : 0;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE h, DWORD* high) {
    LARGE_INTEGER s{};
    if (!GetFileSizeEx(h, &s)) return 0xFFFFFFFF;
    if (high) *high = DWORD(s.QuadPart >> 32);
    set_last_error(ERROR_SUCCESS);
    return DWORD(s.QuadPart);
}

DWORD WINAPI GetFileType(HANDLE h) {
    auto o = handle_get(h);
    if (!o) {
        set_last_error(ERROR_INVALID_HANDLE);
        return FILE_TYPE_UNKNOWN;
    }
    if (o->kind == ObjectKind::Console) {
        set_last_error(ERROR_SUCCESS);
        return FILE_TYPE_CHAR;
    }
    if (o->kind != ObjectKind::File) return FILE_TYPE_UNKNOWN;
    struct stat st;
    if (fstat(static_cast<FileObject*>(o.get())->fd, &st) != 0) return FILE_TYPE_UNKNOWN;
    set_last_error(ERROR_SUCCESS);
    if (S_ISCHR(st.st_mode)) return FILE_TYPE_CHAR;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return FILE_TYPE_PIPE;
    return FILE_TYPE_DISK;
}

BOOL WINAPI FlushFileBuffers(HANDLE h) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (fsync(f->fd) != 0 && errno != EINVAL && errno != EROFS) return fail_errno();
    return TRUE;
}

BOOL WINAPI SetEndOfFile(HANDLE h) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0 || ftruncate(f->fd, pos) != 0) return fail_errno();
    return TRUE;
}

BOOL WINAPI DeleteFileW(LPCWSTR name) {
    if (!name) return fail(ERROR_PATH_NOT_FOUND);
    auto lp = paths::to_linux(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    struct stat st;  // lstat: a symbolic link is deleted itself, not its target
    if (lstat(lp->c_str(), &st) != 0) return fail(open_error(errno, lp.value()));
    if (S_ISDIR(st.st_mode)) return fail(ERROR_ACCESS_DENIED);
    if (S_ISREG(st.st_mode) && !(st.st_mode & S_IWUSR)) return fail(ERROR_ACCESS_DENIED);  // read-only attribute
    // Deleting is an open for DELETE: every open of the file must have allowed FILE_SHARE_DELETE.
    if (would_conflict(st.st_dev, st.st_ino, USE_DELETE, USE_READ | USE_WRITE | USE_DELETE) ||
        (S_ISREG(st.st_mode) && share_conflict_on_disk(lp.value(), USE_DELETE, USE_READ | USE_WRITE | USE_DELETE)))
        return fail(ERROR_SHARING_VIOLATION);
    if (unlink(lp->c_str()) != 0) return fail(open_error(errno, lp.value()));
    paths::note_removed(lp.value());
    return TRUE;
}
BOOL WINAPI DeleteFileA(LPCSTR name) { return DeleteFileW(file_to_wide(name).c_str()); }

BOOL WINAPI CreateDirectoryW(LPCWSTR name, void*) {
    auto lp = paths::to_linux(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (mkdir(lp->c_str(), 0777) != 0)
        return fail(errno == EEXIST ? ERROR_ALREADY_EXISTS : errno == ENOENT ? ERROR_PATH_NOT_FOUND : error_from_errno(errno));
    paths::note_created(lp.value());
    return TRUE;
}
BOOL WINAPI CreateDirectoryA(LPCSTR name, void* sa) { return CreateDirectoryW(file_to_wide(name).c_str(), sa); }

BOOL WINAPI RemoveDirectoryW(LPCWSTR name) {
    auto lp = paths::to_linux(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (rmdir(lp->c_str()) != 0)
        return fail(errno == ENOTEMPTY ? ERROR_DIR_NOT_EMPTY : errno == ENOTDIR ? ERROR_DIRECTORY : open_error(errno, lp.value()));
    paths::note_removed(lp.value());
    return TRUE;
}
BOOL WINAPI RemoveDirectoryA(LPCSTR name) { return RemoveDirectoryW(file_to_wide(name).c_str()); }

DWORD WINAPI GetFileAttributesW(LPCWSTR name) {
    auto lp = paths::to_linux_stat(wview(name));
    if (!lp) {
        set_last_error(ERROR_PATH_NOT_FOUND);
        return INVALID_FILE_ATTRIBUTES;
    }
    if (!lp->exists) {
        set_last_error(lookup_error(lp->path));
        return INVALID_FILE_ATTRIBUTES;
    }
    return attributes_of(lp->path, lp->st, is_symlink(lp->path));
}
DWORD WINAPI GetFileAttributesA(LPCSTR name) { return GetFileAttributesW(file_to_wide(name).c_str()); }

WR_EXPORT_PART(kernel32_file,
    WR_EXPORT(ReadFileEx),
    WR_EXPORT(WriteFileEx),
    WR_EXPORT(GetOverlappedResult),
    WR_EXPORT(GetOverlappedResultEx),
    WR_EXPORT(CancelIo),
    WR_EXPORT(CancelIoEx),
    WR_EXPORT(CreateFileA),
    WR_EXPORT(CreateFileW),
    WR_EXPORT(ReadFile),
    WR_EXPORT(WriteFile),
    WR_EXPORT(SetFilePointer),
    WR_EXPORT(SetFilePointerEx),
    WR_EXPORT(GetFileSize),
    WR_EXPORT(GetFileSizeEx),
    WR_EXPORT(GetFileType),
    WR_EXPORT(FlushFileBuffers),
    WR_EXPORT(SetEndOfFile),
    WR_EXPORT(DeleteFileA),
    WR_EXPORT(DeleteFileW),
    WR_EXPORT(CreateDirectoryA),
    WR_EXPORT(CreateDirectoryW),
    WR_EXPORT(RemoveDirectoryA),
    WR_EXPORT(RemoveDirectoryW),
    WR_EXPORT(GetFileAttributesA),
    WR_EXPORT(GetFileAttributesW));

}  // namespace winrun::k32
