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
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD INVALID_SET_FILE_POINTER = 0xFFFFFFFF;
constexpr DWORD FILE_TYPE_UNKNOWN = 0, FILE_TYPE_DISK = 1, FILE_TYPE_CHAR = 2, FILE_TYPE_PIPE = 3;

struct OVERLAPPED {
    ULONG_PTR Internal, InternalHigh;
    DWORD Offset, OffsetHigh;
    HANDLE hEvent;
};

}  // namespace

// ENOENT means "file not found" when the directory exists and "path not found" otherwise.
DWORD missing_error(const std::string& path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return ERROR_FILE_NOT_FOUND;
    struct stat st;
    return stat(path.substr(0, slash).c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? ERROR_FILE_NOT_FOUND
                                                                                : ERROR_PATH_NOT_FOUND;
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

// FILE_ATTRIBUTE_* of a Linux file: directory, read-only from the permissions, hidden = dot-file,
// archive for files.
DWORD attributes_of(const std::string& path, const struct stat& st) {
    DWORD a = 0;
    if (S_ISDIR(st.st_mode)) a |= FILE_ATTRIBUTE_DIRECTORY;
    if (!(st.st_mode & S_IWUSR)) a |= FILE_ATTRIBUTE_READONLY;
    size_t slash = path.find_last_of('/');
    std::string_view base = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
    if (base.size() > 1 && base[0] == '.' && base != "..") a |= FILE_ATTRIBUTE_HIDDEN;  // dot-files are hidden
    if (!a) a = S_ISDIR(st.st_mode) ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_ARCHIVE;
    else if (!S_ISDIR(st.st_mode)) a |= FILE_ATTRIBUTE_ARCHIVE;
    return a;
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
    if (existed && S_ISREG(st.st_mode) && would_conflict(st.st_dev, st.st_ino, uses, shares)) {
        set_last_error(ERROR_SHARING_VIOLATION);
        return INVALID_HANDLE_VALUE;
    }
    mode_t mode = (flags & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
    int fd = open(path.c_str(), oflags, mode);
    if (fd < 0) {
        set_last_error(open_error(errno, path));
        return INVALID_HANDLE_VALUE;
    }
    if (!existed && (oflags & O_CREAT)) paths::note_created(path);
    auto f = std::make_shared<FileObject>();
    struct stat fst;
    if (fstat(fd, &fst) == 0) f->file_type = fst.st_mode & S_IFMT;
    if (f->file_type == S_IFREG) {
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

BOOL WINAPI ReadFile(HANDLE h, LPVOID buf, DWORD n, DWORD* read_out, OVERLAPPED* ov) {
    if (is_console_handle(h)) return console_read_file(h, buf, n, read_out);
    auto f = file_from_handle(h);
    if (read_out) *read_out = 0;
    if (!f) return FALSE;
    if (f->is_directory) return fail(ERROR_INVALID_FUNCTION);
    if (!(f->access & (GENERIC_READ | GENERIC_ALL | FILE_READ_DATA))) return fail(ERROR_ACCESS_DENIED);
    // A pipe or terminal returns what is available; only regular files are read until n bytes.
    uint32_t type = f->type();
    bool regular = type == S_IFREG;
    size_t total = 0;
    while (total < n) {
        ssize_t r = ov ? pread(f->fd, static_cast<char*>(buf) + total, n - total,
                               off_t((uint64_t(ov->OffsetHigh) << 32 | ov->Offset) + total))
                       : read(f->fd, static_cast<char*>(buf) + total, n - total);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (total) break;
            return fail_errno();
        }
        if (r == 0) break;
        total += size_t(r);
        if (!regular) break;
    }
    if (read_out) *read_out = DWORD(total);
    if (ov) ov->InternalHigh = total;
    if (total == 0 && n > 0) {
        // End of a pipe whose writer has gone: Windows fails with ERROR_BROKEN_PIPE.
        if (type == S_IFIFO) return fail(ERROR_BROKEN_PIPE);
        if (ov) return fail(ERROR_HANDLE_EOF);
    }
    return TRUE;
}

BOOL WINAPI WriteFile(HANDLE h, LPCVOID buf, DWORD n, DWORD* written, OVERLAPPED* ov) {
    if (is_console_handle(h)) return console_write_file(h, buf, n, written);
    auto f = file_from_handle(h);
    if (written) *written = 0;
    if (!f) return FALSE;
    if (!(f->access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_APPEND_DATA))) return fail(ERROR_ACCESS_DENIED);
    size_t total = 0;
    while (total < n) {
        ssize_t r = ov ? pwrite(f->fd, static_cast<const char*>(buf) + total, n - total,
                                off_t((uint64_t(ov->OffsetHigh) << 32 | ov->Offset) + total))
                       : write(f->fd, static_cast<const char*>(buf) + total, n - total);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (written) *written = DWORD(total);
            return fail_errno();
        }
        total += size_t(r);
    }
    if (written) *written = DWORD(total);
    if (ov) ov->InternalHigh = total;
    return TRUE;
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
    auto lp = paths::to_linux(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    struct stat st;
    if (lstat(lp->c_str(), &st) != 0) return fail(open_error(errno, lp.value()));
    if (S_ISDIR(st.st_mode)) return fail(ERROR_ACCESS_DENIED);
    if (S_ISREG(st.st_mode) && !(st.st_mode & S_IWUSR)) return fail(ERROR_ACCESS_DENIED);  // read-only attribute
    // Deleting is an open for DELETE: every open of the file must have allowed FILE_SHARE_DELETE.
    if (would_conflict(st.st_dev, st.st_ino, USE_DELETE, USE_READ | USE_WRITE | USE_DELETE))
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
        struct stat st;
        int err = stat(lp->path.c_str(), &st) != 0 ? errno : ENOENT;  // EACCES, ENOTDIR ... say more
        set_last_error(open_error(err, lp->path));
        return INVALID_FILE_ATTRIBUTES;
    }
    return attributes_of(lp->path, lp->st);
}
DWORD WINAPI GetFileAttributesA(LPCSTR name) { return GetFileAttributesW(file_to_wide(name).c_str()); }

WR_EXPORT_PART(kernel32_file,
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
