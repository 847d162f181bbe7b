// File-system functions of msvcrt: remove/rename, _access, directories (_mkdir, _rmdir, _chdir,
// _getcwd), _fullpath/_splitpath/_makepath, the _stat family, the _findfirst family, _chmod, _utime,
// file lengths, temporary names.
//
// Path-level operations go through kernel32 where it has the function (DeleteFile, CreateDirectory,
// GetFullPathName ...), as msvcrt does, so both see the same path mapping and errors; the rest (stat,
// directory listing, times, permissions) uses the path mapper and Linux calls directly.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "builtin/builtin.h"
#include "crt.h"
#include "kernel32/find.h"
#include "kernel32/path_map.h"
#include "unicode.h"

namespace winrun::k32 {
BOOL WINAPI DeleteFileW(LPCWSTR);
BOOL WINAPI CreateDirectoryW(LPCWSTR, void*);
BOOL WINAPI RemoveDirectoryW(LPCWSTR);
DWORD WINAPI GetFileAttributesW(LPCWSTR);
DWORD WINAPI GetCurrentDirectoryW(DWORD, LPWSTR);
BOOL WINAPI SetCurrentDirectoryW(LPCWSTR);
DWORD WINAPI GetFullPathNameW(LPCWSTR, DWORD, LPWSTR, LPWSTR*);
DWORD WINAPI GetTempPathW(DWORD, LPWSTR);
DWORD WINAPI GetFileType(HANDLE);
}  // namespace winrun::k32

namespace winrun::crt {

std::u16string narrow_to_wide(const char* s) { return k32::ansi_to_wide(s); }
std::string wide_to_narrow(std::u16string_view s) { return k32::wide_to_ansi(s); }

void set_errno_from_linux(int e) { dosmaperr(k32::error_from_errno(e)); }

bool linux_path_of(const char16_t* win, std::string& out) {
    auto r = paths::to_linux(wview(win));
    if (!r) {
        set_errno(ENOENT_);
        *doserrno_location() = k32::ERROR_PATH_NOT_FOUND;
        return false;
    }
    out = std::move(r.value());
    return true;
}

namespace {
constexpr DWORD INVALID_ATTRS = 0xFFFFFFFF, ATTR_READONLY = 1, ATTR_DIRECTORY = 0x10;
constexpr unsigned S_IFDIR_ = 0x4000, S_IFCHR_ = 0x2000, S_IFIFO_ = 0x1000, S_IFREG_ = 0x8000, S_IREAD_ = 0x100,
                   S_IWRITE_ = 0x80, S_IEXEC_ = 0x40;
constexpr size_t MAX_PATH_ = 260;

// Wide wrappers for narrow arguments: NULL stays NULL.
struct Wide {
    std::u16string s;
    bool null;
    explicit Wide(const char* a) : s(a ? narrow_to_wide(a) : std::u16string()), null(!a) {}
    const char16_t* get() const { return null ? nullptr : s.c_str(); }
};

int64_t to_time64(const struct timespec& ts) { return int64_t(ts.tv_sec); }

// The drive number (0 = A:) a path names, or the current drive's.
int current_drive_index() {
    char16_t buf[4096];
    DWORD n = k32::GetCurrentDirectoryW(4096, buf);
    if (n && n < 4096 && buf[1] == u':') return (buf[0] | 0x20) - 'a';
    return 25;
}
int drive_index_of(std::u16string_view p) {
    if (p.size() >= 2 && p[1] == u':') return (p[0] | 0x20) - 'a';
    return current_drive_index();
}

bool has_wildcard(std::u16string_view p) { return p.find_first_of(u"*?") != std::u16string_view::npos; }

// msvcrt's _stat: an executable extension makes the file "executable".
bool exec_extension(std::u16string_view p) {
    size_t dot = p.find_last_of(u'.');
    size_t sep = p.find_last_of(u"\\/");
    if (dot == std::u16string_view::npos || (sep != std::u16string_view::npos && dot < sep)) return false;
    std::u16string e(p.substr(dot));
    for (auto& c : e)
        if (c >= u'A' && c <= u'Z') c += 32;
    return e == u".exe" || e == u".bat" || e == u".cmd" || e == u".com";
}

struct StatInfo {
    uint32_t dev;
    uint16_t mode;
    int16_t nlink;
    int64_t size;
    int64_t atime, mtime, ctime;
};

// The file's creation time when the file system keeps it, else its modification time (the closest
// thing Linux has to what Windows calls creation time).
int64_t creation_time(const std::string& path, const struct stat& st) {
    struct statx sx;
    if (statx(AT_FDCWD, path.c_str(), 0, STATX_BTIME, &sx) == 0 && (sx.stx_mask & STATX_BTIME))
        return int64_t(sx.stx_btime.tv_sec);
    return to_time64(st.st_mtim);
}

// _stat's rules: no wildcards; a trailing separator only on a root ("C:\", "\"); st_mode from the
// attributes (directory, read-only) and the extension, owner bits copied to group and other.
int stat_path(const char16_t* path, StatInfo& out) {
    if (!path) return set_errno(EINVAL_), -1;
    std::u16string_view p(path);
    if (p.empty() || has_wildcard(p)) return set_errno(ENOENT_), -1;
    if (p.size() > 1 && (p.back() == u'\\' || p.back() == u'/') && !(p.size() == 3 && p[1] == u':'))
        return set_errno(ENOENT_), -1;
    std::string lp;
    if (!linux_path_of(path, lp)) return -1;
    struct stat st;
    if (::stat(lp.c_str(), &st) != 0) {
        set_errno_from_linux(errno);
        if (errno == ENOTDIR) set_errno(ENOENT_);
        return -1;
    }
    unsigned mode;
    if (S_ISDIR(st.st_mode)) mode = S_IFDIR_ | S_IEXEC_ | S_IREAD_;
    else mode = S_IFREG_ | S_IREAD_ | (exec_extension(p) ? S_IEXEC_ : 0);
    if (st.st_mode & S_IWUSR) mode |= S_IWRITE_;
    mode |= (mode & 0700) >> 3;
    mode |= (mode & 0700) >> 6;
    out.dev = uint32_t(drive_index_of(p));
    out.mode = uint16_t(mode);
    out.nlink = 1;
    out.size = S_ISDIR(st.st_mode) ? 0 : int64_t(st.st_size);
    out.atime = to_time64(st.st_atim);
    out.mtime = to_time64(st.st_mtim);
    out.ctime = creation_time(lp, st);
    return 0;
}

// _fstat: devices and pipes have no times or size; files report read-only by their permission.
int stat_fd(int fd, StatInfo& out) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) return set_errno(EBADF_), -1;
    out = StatInfo{uint32_t(fd), 0, 1, 0, 0, 0, 0};
    DWORD type = k32::GetFileType(io->handle);
    if (type == 2) {
        out.mode = S_IFCHR_;
        return 0;
    }
    if (type == 3) {
        out.mode = S_IFIFO_;
        return 0;
    }
    struct stat st;
    if (io->linux_fd < 0 || ::fstat(io->linux_fd, &st) != 0) return set_errno(EBADF_), -1;
    out.mode = uint16_t(S_IFREG_ | 0444 | ((st.st_mode & S_IWUSR) ? 0222 : 0));
    out.nlink = int16_t(st.st_nlink);
    out.size = int64_t(st.st_size);
    out.atime = to_time64(st.st_atim);
    out.mtime = to_time64(st.st_mtim);
    out.ctime = to_time64(st.st_mtim);
    return 0;
}
}  // namespace

// ---- struct _stat variants (x64 msvcrt.dll: time_t is 64-bit, so _stat = _stat64i32 and _stati64 =
// _stat64). Layouts from the Windows SDK's sys/stat.h.
struct Stat64 {
    uint32_t st_dev;
    uint16_t st_ino, st_mode;
    int16_t st_nlink, st_uid, st_gid;
    uint32_t st_rdev;
    int64_t st_size;
    int64_t st_atime_, st_mtime_, st_ctime_;
};
static_assert(sizeof(Stat64) == 56 && offsetof(Stat64, st_rdev) == 16 && offsetof(Stat64, st_size) == 24 &&
              offsetof(Stat64, st_atime_) == 32 && offsetof(Stat64, st_ctime_) == 48);
struct Stat64i32 {
    uint32_t st_dev;
    uint16_t st_ino, st_mode;
    int16_t st_nlink, st_uid, st_gid;
    uint32_t st_rdev;
    int32_t st_size;
    int64_t st_atime_, st_mtime_, st_ctime_;
};
static_assert(sizeof(Stat64i32) == 48 && offsetof(Stat64i32, st_size) == 20 && offsetof(Stat64i32, st_atime_) == 24);

namespace {
template <typename S>
void fill(S* buf, const StatInfo& i) {
    std::memset(buf, 0, sizeof(S));
    buf->st_dev = buf->st_rdev = i.dev;
    buf->st_mode = i.mode;
    buf->st_nlink = i.nlink;
    buf->st_size = decltype(buf->st_size)(i.size);
    buf->st_atime_ = decltype(buf->st_atime_)(i.atime);
    buf->st_mtime_ = decltype(buf->st_mtime_)(i.mtime);
    buf->st_ctime_ = decltype(buf->st_ctime_)(i.ctime);
}
template <typename S>
int wstat_as(const char16_t* path, S* buf) {
    StatInfo i;
    if (!buf) return set_errno(EINVAL_), -1;
    if (stat_path(path, i) < 0) return -1;
    fill(buf, i);
    return 0;
}
template <typename S>
int stat_as(const char* path, S* buf) {
    Wide w(path);
    return wstat_as(w.get(), buf);
}
template <typename S>
int fstat_as(int fd, S* buf) {
    StatInfo i;
    if (!buf) return set_errno(EINVAL_), -1;
    if (stat_fd(fd, i) < 0) return -1;
    fill(buf, i);
    return 0;
}
}  // namespace

int CDECL _stat64(const char* p, Stat64* b) { return stat_as(p, b); }
int CDECL _stati64(const char* p, Stat64* b) { return stat_as(p, b); }
int CDECL _stat(const char* p, Stat64i32* b) { return stat_as(p, b); }
int CDECL _wstat64(const char16_t* p, Stat64* b) { return wstat_as(p, b); }
int CDECL _wstati64(const char16_t* p, Stat64* b) { return wstat_as(p, b); }
int CDECL _wstat(const char16_t* p, Stat64i32* b) { return wstat_as(p, b); }
int CDECL _fstat64(int fd, Stat64* b) { return fstat_as(fd, b); }
int CDECL _fstati64(int fd, Stat64* b) { return fstat_as(fd, b); }
int CDECL _fstat(int fd, Stat64i32* b) { return fstat_as(fd, b); }

// ---- remove, rename, access -----------------------------------------------------------------------------
int CDECL _wunlink(const char16_t* path) {
    if (!path) return set_errno(EINVAL_), -1;
    if (!k32::DeleteFileW(path)) return dosmaperr(k32::last_error()), -1;
    return 0;
}
int CDECL _unlink(const char* path) {
    Wide w(path);
    return _wunlink(w.get());
}

// rename is MoveFileEx without MOVEFILE_REPLACE_EXISTING: an existing target is an error (EEXIST),
// unlike POSIX; renaming across drives copies (here: across file systems is EXDEV from Linux, so
// a plain file is copied and removed).
int CDECL _wrename(const char16_t* from, const char16_t* to) {
    if (!from || !to) return set_errno(EINVAL_), -1;
    std::string a, b;
    if (!linux_path_of(from, a) || !linux_path_of(to, b)) return -1;
    struct stat st;
    if (::lstat(a.c_str(), &st) != 0) return set_errno_from_linux(errno), -1;
    struct stat st2;
    if (::lstat(b.c_str(), &st2) == 0 && !(st.st_dev == st2.st_dev && st.st_ino == st2.st_ino))
        return dosmaperr(k32::ERROR_ALREADY_EXISTS), -1;
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno == EINVAL || errno == ENOSYS) {
        if (::rename(a.c_str(), b.c_str()) == 0) return 0;
    }
    if (errno == EEXIST) return dosmaperr(k32::ERROR_ALREADY_EXISTS), -1;
    if (errno == EXDEV && S_ISREG(st.st_mode)) {
        int in = ::open(a.c_str(), O_RDONLY | O_CLOEXEC);
        int out = in < 0 ? -1 : ::open(b.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
        bool good = in >= 0 && out >= 0;
        char buf[65536];
        ssize_t n;
        while (good && (n = ::read(in, buf, sizeof buf)) > 0)
            if (::write(out, buf, size_t(n)) != n) good = false;
        int err = errno;
        if (in >= 0) ::close(in);
        if (out >= 0) ::close(out);
        if (good && ::unlink(a.c_str()) == 0) return 0;
        if (out >= 0) ::unlink(b.c_str());
        return set_errno_from_linux(err), -1;
    }
    int e = errno;
    if (e == ENOENT) return set_errno(ENOENT_), -1;
    return set_errno_from_linux(e), -1;
}
int CDECL rename(const char* from, const char* to) {
    Wide a(from), b(to);
    return _wrename(a.get(), b.get());
}

// _access: mode 0 (exists), 2 (write), 4 (read), 6; a read-only file fails mode 2 with EACCES.
int CDECL _waccess(const char16_t* path, int mode) {
    if (!path || (mode & ~6)) return set_errno(EINVAL_), -1;
    DWORD a = k32::GetFileAttributesW(path);
    if (a == INVALID_ATTRS) return dosmaperr(k32::last_error()), -1;
    if ((a & ATTR_READONLY) && (mode & 2)) return set_errno(EACCES_), -1;
    return 0;
}
int CDECL _access(const char* path, int mode) {
    Wide w(path);
    return _waccess(w.get(), mode);
}

// ---- directories ------------------------------------------------------------------------------------
int CDECL _wmkdir(const char16_t* path) {
    if (!path) return set_errno(EINVAL_), -1;
    if (!k32::CreateDirectoryW(path, nullptr)) return dosmaperr(k32::last_error()), -1;
    return 0;
}
int CDECL _mkdir(const char* path) {
    Wide w(path);
    return _wmkdir(w.get());
}
int CDECL _wrmdir(const char16_t* path) {
    if (!path) return set_errno(EINVAL_), -1;
    if (!k32::RemoveDirectoryW(path)) return dosmaperr(k32::last_error()), -1;
    return 0;
}
int CDECL _rmdir(const char* path) {
    Wide w(path);
    return _wrmdir(w.get());
}
int CDECL _wchdir(const char16_t* path) {
    if (!path) return set_errno(EINVAL_), -1;
    if (!k32::SetCurrentDirectoryW(path)) return dosmaperr(k32::last_error()), -1;
    return 0;
}
int CDECL _chdir(const char* path) {
    Wide w(path);
    return _wchdir(w.get());
}

namespace {
std::u16string current_dir() {
    std::u16string buf(4096, u'\0');
    DWORD n = k32::GetCurrentDirectoryW(DWORD(buf.size()), buf.data());
    buf.resize(n < buf.size() ? n : 0);
    return buf;
}
// Copies a result into the caller's buffer, or a new one (at least `size` elements) when buf is
// NULL; ERANGE when it does not fit.
template <typename C>
C* deliver(const std::basic_string<C>& r, C* buf, size_t size) {
    if (!buf) {
        size_t n = std::max(size, r.size() + 1);
        buf = static_cast<C*>(malloc(n * sizeof(C)));
        if (!buf) return set_errno(ENOMEM_), nullptr;
    } else if (r.size() + 1 > size) {
        return set_errno(ERANGE_), nullptr;
    }
    std::memcpy(buf, r.c_str(), (r.size() + 1) * sizeof(C));
    return buf;
}
}  // namespace

char16_t* CDECL _wgetcwd(char16_t* buf, int size) {
    if (buf && size <= 0) return set_errno(EINVAL_), nullptr;
    return deliver(current_dir(), buf, size_t(std::max(size, 0)));
}
char* CDECL _getcwd(char* buf, int size) {
    if (buf && size <= 0) return set_errno(EINVAL_), nullptr;
    return deliver(wide_to_narrow(current_dir()), buf, size_t(std::max(size, 0)));
}
// _getdcwd: the current directory of a drive (1 = A:); only the current drive has one here, the
// other mapped drives report their root.
char16_t* CDECL _wgetdcwd(int drive, char16_t* buf, int size) {
    std::u16string cwd = current_dir();
    if (drive == 0 || drive - 1 == current_drive_index()) return _wgetcwd(buf, size);
    if (drive < 1 || drive > 26) return set_errno(EACCES_), nullptr;
    std::u16string root = {char16_t(u'A' + drive - 1), u':', u'\\'};
    std::string lp;
    if (!linux_path_of(root.c_str(), lp) || !paths::file_exists(lp)) return set_errno(EACCES_), nullptr;
    if (buf && size <= 0) return set_errno(EINVAL_), nullptr;
    return deliver(root, buf, size_t(std::max(size, 0)));
}
char* CDECL _getdcwd(int drive, char* buf, int size) {
    char16_t* w = _wgetdcwd(drive, nullptr, 0);
    if (!w) return nullptr;
    std::string a = wide_to_narrow(w);
    free(w);
    if (buf && size <= 0) return set_errno(EINVAL_), nullptr;
    return deliver(a, buf, size_t(std::max(size, 0)));
}
int CDECL _getdrive() { return current_drive_index() + 1; }
// The drives that exist: C: (the prefix) and Z: (the Linux root).
uint32_t CDECL _getdrives() { return (1u << 2) | (1u << 25); }
// _chdrive: to the current directory of that drive (only the current drive has one here, the
// other goes to its root).
int CDECL _chdrive(int drive) {
    if (drive < 1 || drive > 26) return set_errno(EACCES_), -1;
    if (drive - 1 == current_drive_index()) return 0;
    char16_t root[] = {char16_t(u'A' + drive - 1), u':', u'\\', 0};
    if (!k32::SetCurrentDirectoryW(root)) return set_errno(EACCES_), -1;
    return 0;
}

// _fullpath: GetFullPathName; NULL or "" gives the current directory; a NULL buffer gets MAX_PATH.
char16_t* CDECL _wfullpath(char16_t* buf, const char16_t* path, size_t size) {
    if (!path || !*path) return _wgetcwd(buf, int(std::min<size_t>(size, INT_MAX)));
    char16_t tmp[32768];
    DWORD n = k32::GetFullPathNameW(path, 32768, tmp, nullptr);
    if (!n || n >= 32768) return dosmaperr(k32::last_error()), nullptr;
    std::u16string r(tmp, n);
    if (!buf) size = std::max<size_t>(size, MAX_PATH_);
    if (!buf && r.size() + 1 > size) return set_errno(ERANGE_), nullptr;
    return deliver(r, buf, size);
}
char* CDECL _fullpath(char* buf, const char* path, size_t size) {
    if (!path || !*path) return _getcwd(buf, int(std::min<size_t>(size, INT_MAX)));
    Wide w(path);
    char16_t* r = _wfullpath(nullptr, w.get(), 32768);
    if (!r) return nullptr;
    std::string a = wide_to_narrow(r);
    free(r);
    if (!buf) size = std::max<size_t>(size, MAX_PATH_);
    if (!buf && a.size() + 1 > size) return set_errno(ERANGE_), nullptr;
    return deliver(a, buf, size);
}

// ---- _splitpath / _makepath ----------------------------------------------------------------------------
namespace {
template <typename C>
void put_part(C* dst, const C* b, const C* e, size_t max) {
    if (!dst) return;
    size_t n = std::min(size_t(e - b), max - 1);
    std::memcpy(dst, b, n * sizeof(C));
    dst[n] = 0;
}
template <typename C>
void split_path(const C* path, C* drive, C* dir, C* fname, C* ext) {
    const C* p = path;
    if (p[0] && p[1] == ':') {
        put_part(drive, p, p + 2, 3);
        p += 2;
    } else if (drive) {
        drive[0] = 0;
    }
    const C* last_sep = nullptr;
    const C* last_dot = nullptr;
    for (const C* q = p; *q; q++) {
        if (*q == '\\' || *q == '/') last_sep = q;
        else if (*q == '.') last_dot = q;
    }
    const C* name = p;
    if (last_sep) {
        put_part(dir, p, last_sep + 1, 256);
        name = last_sep + 1;
    } else if (dir) {
        dir[0] = 0;
    }
    const C* end = name;
    while (*end) end++;
    if (last_dot && last_dot >= name) {
        put_part(fname, name, last_dot, 256);
        put_part(ext, last_dot, end, 256);
    } else {
        put_part(fname, name, end, 256);
        if (ext) ext[0] = 0;
    }
}
template <typename C>
void make_path(C* out, const C* drive, const C* dir, const C* fname, const C* ext) {
    C* p = out;
    if (drive && *drive) {
        *p++ = drive[0];
        *p++ = ':';
    }
    if (dir && *dir) {
        while (*dir) *p++ = *dir++;
        if (p[-1] != '\\' && p[-1] != '/') *p++ = '\\';
    }
    if (fname)
        while (*fname) *p++ = *fname++;
    if (ext && *ext) {
        if (*ext != '.') *p++ = '.';
        while (*ext) *p++ = *ext++;
    }
    *p = 0;
}
}  // namespace

void CDECL _splitpath(const char* path, char* drive, char* dir, char* fname, char* ext) {
    if (!path) {
        set_errno(EINVAL_);
        return;
    }
    split_path(path, drive, dir, fname, ext);
}
void CDECL _wsplitpath(const char16_t* path, char16_t* drive, char16_t* dir, char16_t* fname, char16_t* ext) {
    if (!path) {
        set_errno(EINVAL_);
        return;
    }
    split_path(path, drive, dir, fname, ext);
}
void CDECL _makepath(char* out, const char* drive, const char* dir, const char* fname, const char* ext) {
    if (out) make_path(out, drive, dir, fname, ext);
}
void CDECL _wmakepath(char16_t* out, const char16_t* drive, const char16_t* dir, const char16_t* fname,
                      const char16_t* ext) {
    if (out) make_path(out, drive, dir, fname, ext);
}

// ---- _findfirst / _findnext -------------------------------------------------------------------------------
// A search lists the matching entries once (kernel32's find_entries: DOS patterns, NTFS order) and
// hands them out one by one.
namespace {
struct FindEntry {
    std::u16string name;
    unsigned attrib;
    int64_t create, access, write, size;
};
struct FindState {
    std::vector<FindEntry> entries;
    size_t next = 0;
};
std::mutex g_find_mutex;
std::unordered_map<intptr_t, std::unique_ptr<FindState>> g_finds;
intptr_t g_next_find = 0x10000;

intptr_t find_first(const char16_t* spec, FindEntry& out) {
    if (!spec) return set_errno(EINVAL_), -1;
    // The search itself is kernel32's (FindFirstFile), as in msvcrt on Windows.
    std::vector<k32::FindEntry> found;
    DWORD err = 0;
    if (!k32::find_entries(wview(spec), found, err)) return set_errno(ENOENT_), -1;
    auto state = std::make_unique<FindState>();
    for (const auto& e : found)
        state->entries.push_back(FindEntry{e.name, unsigned(e.attributes), creation_time(e.linux_path, e.st),
                                           to_time64(e.st.st_atim), to_time64(e.st.st_mtim),
                                           S_ISDIR(e.st.st_mode) ? 0 : int64_t(e.st.st_size)});
    out = state->entries[0];
    state->next = 1;
    std::lock_guard lock(g_find_mutex);
    intptr_t h = g_next_find++;
    g_finds[h] = std::move(state);
    return h;
}

int find_next(intptr_t h, FindEntry& out) {
    std::lock_guard lock(g_find_mutex);
    auto it = g_finds.find(h);
    if (it == g_finds.end()) return set_errno(EINVAL_), -1;
    FindState& s = *it->second;
    if (s.next >= s.entries.size()) return set_errno(ENOENT_), -1;
    out = s.entries[s.next++];
    return 0;
}

// The find-data layouts (io.h). Sizes: _finddata64_t 304, _finddata64i32_t 296, _wfinddata64_t
// 560, _wfinddata64i32_t 552.
template <typename Time, typename Size, typename C>
struct FindData {
    unsigned attrib;
    Time time_create, time_access, time_write;
    Size size;
    C name[260];
};
using FindData64 = FindData<int64_t, int64_t, char>;
using FindData64i32 = FindData<int64_t, uint32_t, char>;
using WFindData64 = FindData<int64_t, int64_t, char16_t>;
using WFindData64i32 = FindData<int64_t, uint32_t, char16_t>;
static_assert(sizeof(FindData64) == 304 && offsetof(FindData64, size) == 32 && offsetof(FindData64, name) == 40);
static_assert(sizeof(FindData64i32) == 296 && offsetof(FindData64i32, name) == 36);
static_assert(sizeof(WFindData64) == 560 && offsetof(WFindData64, name) == 40);
static_assert(sizeof(WFindData64i32) == 560 && offsetof(WFindData64i32, name) == 36);

template <typename D>
void fill_find(D* d, const FindEntry& e) {
    d->attrib = e.attrib;
    d->time_create = e.create;
    d->time_access = e.access;
    d->time_write = e.write;
    d->size = decltype(d->size)(e.size);
    if constexpr (sizeof(d->name[0]) == 1) {
        std::string a = wide_to_narrow(e.name);
        size_t n = std::min<size_t>(a.size(), 259);
        std::memcpy(d->name, a.data(), n);
        d->name[n] = 0;
    } else {
        size_t n = std::min<size_t>(e.name.size(), 259);
        std::memcpy(d->name, e.name.data(), n * 2);
        d->name[n] = 0;
    }
}
template <typename D>
intptr_t wfind_first_as(const char16_t* spec, D* d) {
    if (!d) return set_errno(EINVAL_), -1;
    FindEntry e;
    intptr_t h = find_first(spec, e);
    if (h != -1) fill_find(d, e);
    return h;
}
template <typename D>
intptr_t find_first_as(const char* spec, D* d) {
    Wide w(spec);
    return wfind_first_as(w.get(), d);
}
template <typename D>
int find_next_as(intptr_t h, D* d) {
    if (!d) return set_errno(EINVAL_), -1;
    FindEntry e;
    if (find_next(h, e) < 0) return -1;
    fill_find(d, e);
    return 0;
}
}  // namespace

intptr_t CDECL _findfirst64(const char* s, FindData64* d) { return find_first_as(s, d); }
intptr_t CDECL _findfirsti64(const char* s, FindData64* d) { return find_first_as(s, d); }
intptr_t CDECL _findfirst(const char* s, FindData64i32* d) { return find_first_as(s, d); }
intptr_t CDECL _findfirst64i32(const char* s, FindData64i32* d) { return find_first_as(s, d); }
intptr_t CDECL _wfindfirst64(const char16_t* s, WFindData64* d) { return wfind_first_as(s, d); }
intptr_t CDECL _wfindfirsti64(const char16_t* s, WFindData64* d) { return wfind_first_as(s, d); }
intptr_t CDECL _wfindfirst(const char16_t* s, WFindData64i32* d) { return wfind_first_as(s, d); }
intptr_t CDECL _wfindfirst64i32(const char16_t* s, WFindData64i32* d) { return wfind_first_as(s, d); }
int CDECL _findnext64(intptr_t h, FindData64* d) { return find_next_as(h, d); }
int CDECL _findnexti64(intptr_t h, FindData64* d) { return find_next_as(h, d); }
int CDECL _findnext(intptr_t h, FindData64i32* d) { return find_next_as(h, d); }
int CDECL _findnext64i32(intptr_t h, FindData64i32* d) { return find_next_as(h, d); }
int CDECL _wfindnext64(intptr_t h, WFindData64* d) { return find_next_as(h, d); }
int CDECL _wfindnexti64(intptr_t h, WFindData64* d) { return find_next_as(h, d); }
int CDECL _wfindnext(intptr_t h, WFindData64i32* d) { return find_next_as(h, d); }
int CDECL _wfindnext64i32(intptr_t h, WFindData64i32* d) { return find_next_as(h, d); }
int CDECL _findclose(intptr_t h) {
    std::lock_guard lock(g_find_mutex);
    if (!g_finds.erase(h)) return set_errno(ENOENT_), -1;
    return 0;
}

// ---- permissions and times -------------------------------------------------------------------------
// _chmod: only _S_IWRITE matters (it is the read-only attribute); the other bits are ignored.
int CDECL _wchmod(const char16_t* path, int mode) {
    if (!path) return set_errno(EINVAL_), -1;
    std::string lp;
    if (!linux_path_of(path, lp)) return -1;
    struct stat st;
    if (::stat(lp.c_str(), &st) != 0) return set_errno_from_linux(errno), -1;
    mode_t m = st.st_mode & 07777;
    if (mode & S_IWRITE_) m |= S_IWUSR | ((m & S_IRGRP) ? S_IWGRP : 0) | ((m & S_IROTH) ? S_IWOTH : 0);
    else m &= ~mode_t(S_IWUSR | S_IWGRP | S_IWOTH);
    if (::chmod(lp.c_str(), m) != 0) return set_errno_from_linux(errno), -1;
    return 0;
}
int CDECL _chmod(const char* path, int mode) {
    Wide w(path);
    return _wchmod(w.get(), mode);
}

struct UtimBuf64 {
    int64_t actime, modtime;
};
struct UtimBuf32 {
    int32_t actime, modtime;
};
namespace {
int set_times(const char16_t* path, const int64_t* at, const int64_t* mt) {
    if (!path) return set_errno(EINVAL_), -1;
    std::string lp;
    if (!linux_path_of(path, lp)) return -1;
    struct timespec ts[2];
    if (at) {
        ts[0] = {time_t(*at), 0};
        ts[1] = {time_t(*mt), 0};
    } else {
        ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
    }
    if (::utimensat(AT_FDCWD, lp.c_str(), ts, 0) != 0) return set_errno_from_linux(errno), -1;
    return 0;
}
int set_fd_times(int fd, const int64_t* at, const int64_t* mt) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN) || io->linux_fd < 0) return set_errno(EBADF_), -1;
    struct timespec ts[2];
    if (at) {
        ts[0] = {time_t(*at), 0};
        ts[1] = {time_t(*mt), 0};
    } else {
        ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
    }
    if (::futimens(io->linux_fd, ts) != 0) return set_errno_from_linux(errno), -1;
    return 0;
}
}  // namespace
int CDECL _wutime64(const char16_t* path, UtimBuf64* t) {
    return t ? set_times(path, &t->actime, &t->modtime) : set_times(path, nullptr, nullptr);
}
int CDECL _utime64(const char* path, UtimBuf64* t) {
    Wide w(path);
    return _wutime64(w.get(), t);
}
int CDECL _wutime32(const char16_t* path, UtimBuf32* t) {
    if (!t) return set_times(path, nullptr, nullptr);
    int64_t a = t->actime, m = t->modtime;
    return set_times(path, &a, &m);
}
int CDECL _utime32(const char* path, UtimBuf32* t) {
    Wide w(path);
    return _wutime32(w.get(), t);
}
int CDECL _futime64(int fd, UtimBuf64* t) {
    return t ? set_fd_times(fd, &t->actime, &t->modtime) : set_fd_times(fd, nullptr, nullptr);
}
int CDECL _futime32(int fd, UtimBuf32* t) {
    if (!t) return set_fd_times(fd, nullptr, nullptr);
    int64_t a = t->actime, m = t->modtime;
    return set_fd_times(fd, &a, &m);
}

// ---- lengths and positions of fds ---------------------------------------------------------------------
int64_t CDECL _filelengthi64(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) return set_errno(EBADF_), -1;
    int64_t cur = _lseeki64(fd, 0, 1);
    if (cur < 0) return -1;
    int64_t end = _lseeki64(fd, 0, 2);
    _lseeki64(fd, cur, 0);
    return end;
}
int32_t CDECL _filelength(int fd) {
    int64_t n = _filelengthi64(fd);
    if (n > INT32_MAX) return set_errno(EINVAL_), -1;  // does not fit the 32-bit result
    return int32_t(n);
}
int64_t CDECL _telli64(int fd) { return _lseeki64(fd, 0, 1); }
int32_t CDECL _tell(int fd) {
    int64_t n = _lseeki64(fd, 0, 1);
    if (n > INT32_MAX) return set_errno(EINVAL_), -1;
    return int32_t(n);
}
int CDECL _chsize_s(int fd, int64_t size) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) return set_errno(EBADF_), EBADF_;
    if (size < 0) return set_errno(EINVAL_), EINVAL_;
    if (::ftruncate(io->linux_fd, size) != 0) {
        set_errno_from_linux(errno);
        return *errno_location();
    }
    return 0;
}
int CDECL _chsize(int fd, int32_t size) { return _chsize_s(fd, size) ? -1 : 0; }
// _eof: 1 at end of file, 0 before it, -1 with EBADF.
int CDECL _eof(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) return set_errno(EBADF_), -1;
    if (io->osfile & OSF_EOF) return 1;
    int64_t cur = _lseeki64(fd, 0, 1);
    if (cur < 0) return -1;
    int64_t end = _lseeki64(fd, 0, 2);
    _lseeki64(fd, cur, 0);
    return cur >= end ? 1 : 0;
}

// ---- temporary names ------------------------------------------------------------------------------------
namespace {
std::atomic<unsigned> g_tmpnam_unique{1};
thread_local char t_tmpnam_buf[260];
thread_local char16_t t_wtmpnam_buf[260];

std::string base32(unsigned v) {
    std::string s;
    do {
        unsigned d = v & 31;
        s.insert(s.begin(), char(d < 10 ? '0' + d : 'a' + d - 10));
        v >>= 5;
    } while (v);
    return s;
}
bool win_exists(const std::u16string& p) { return k32::GetFileAttributesW(p.c_str()) != INVALID_ATTRS; }
}  // namespace

// tmpnam: "\s<pid in base 32>.<counter in base 32>", in the root of the current drive, as msvcrt.dll
// names them (the name is only checked to be unused, not created).
char* CDECL tmpnam(char* buf) {
    if (!buf) buf = t_tmpnam_buf;
    std::string prefix = "\\s" + base32(k32::current_process_id()) + ".";
    for (int i = 0; i < 32767; i++) {
        std::string name = prefix + base32(g_tmpnam_unique++);
        if (!win_exists(narrow_to_wide(name.c_str()))) {
            std::memcpy(buf, name.c_str(), name.size() + 1);
            return buf;
        }
    }
    return nullptr;
}
char16_t* CDECL _wtmpnam(char16_t* buf) {
    if (!buf) buf = t_wtmpnam_buf;
    char tmp[260];
    if (!tmpnam(tmp)) return nullptr;
    std::u16string w = narrow_to_wide(tmp);
    std::memcpy(buf, w.c_str(), (w.size() + 1) * 2);
    return buf;
}

// _mktemp: the trailing "XXXXXX" become a letter and the last five digits of the process id; the
// letter runs from 'a' to 'z' until the name is unused.
template <typename C>
C* mktemp_impl(C* tmpl) {
    if (!tmpl) return set_errno(EINVAL_), nullptr;
    size_t len = 0;
    while (tmpl[len]) len++;
    if (len < 6) return set_errno(EINVAL_), nullptr;
    for (size_t i = len - 6; i < len; i++)
        if (tmpl[i] != 'X') return set_errno(EINVAL_), nullptr;
    unsigned id = k32::current_process_id();
    for (size_t i = len - 1; i > len - 6; i--) {
        tmpl[i] = C('0' + id % 10);
        id /= 10;
    }
    for (C letter = 'a'; letter <= 'z'; letter++) {
        tmpl[len - 6] = letter;
        std::u16string w;
        if constexpr (sizeof(C) == 1) w = narrow_to_wide(tmpl);
        else w = std::u16string(tmpl, len);
        if (!win_exists(w)) return tmpl;
    }
    tmpl[0] = 0;
    return set_errno(EEXIST_), nullptr;
}
char* CDECL _mktemp(char* t) { return mktemp_impl(t); }
char16_t* CDECL _wmktemp(char16_t* t) { return mktemp_impl(t); }

// _tempnam: a name in %TMP% (or `dir` when TMP is not usable), "<prefix><hex>.tmp" as
// GetTempFileName makes them; the caller frees it.
char16_t* CDECL _wtempnam(const char16_t* dir, const char16_t* prefix) {
    std::u16string base;
    const char16_t* tmp = nullptr;
    tmp = _wgetenv(u"TMP");
    std::string lp;
    auto usable = [&](const char16_t* d) {
        if (!d || !*d || !linux_path_of(d, lp)) return false;
        struct stat st;
        return ::stat(lp.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    };
    if (usable(tmp)) base = tmp;
    else if (usable(dir)) base = dir;
    else {
        char16_t t[1024];
        DWORD n = k32::GetTempPathW(1024, t);
        base.assign(t, n < 1024 ? n : 0);
    }
    if (base.empty()) return set_errno(ENOENT_), nullptr;
    if (base.back() != u'\\' && base.back() != u'/') base += u'\\';
    std::u16string pre = prefix ? std::u16string(wview(prefix)).substr(0, 3) : u"";
    unsigned start = (k32::current_process_id() + unsigned(::time(nullptr))) & 0xFFFF;
    for (unsigned i = 0; i < 0x10000; i++) {
        unsigned u = ((start + i) & 0xFFFF) ? (start + i) & 0xFFFF : 1;
        char hex[8];
        ::snprintf(hex, sizeof hex, "%X", u);
        std::u16string name = base + pre + ascii_to_utf16(hex) + u".tmp";
        if (!win_exists(name)) {
            auto* r = static_cast<char16_t*>(malloc((name.size() + 1) * 2));
            if (!r) return set_errno(ENOMEM_), nullptr;
            std::memcpy(r, name.c_str(), (name.size() + 1) * 2);
            return r;
        }
    }
    return set_errno(EEXIST_), nullptr;
}
char* CDECL _tempnam(const char* dir, const char* prefix) {
    Wide d(dir), p(prefix);
    char16_t* w = _wtempnam(d.get(), p.get());
    if (!w) return nullptr;
    std::string a = wide_to_narrow(w);
    free(w);
    return _strdup(a.c_str());
}

WR_EXPORT_PART(msvcrt_dir,
    WR_EXPORT(_stat64), WR_EXPORT(_stati64), WR_EXPORT(_stat), WR_EXPORT(_wstat64),
    WR_EXPORT(_wstati64), WR_EXPORT(_wstat), WR_EXPORT(_fstat64), WR_EXPORT(_fstati64), WR_EXPORT(_fstat),
    WR_EXPORT(_wunlink), WR_EXPORT(_unlink), WR_EXPORT_AS("_wremove", _wunlink), WR_EXPORT_AS("remove", _unlink),
    WR_EXPORT(_wrename), WR_EXPORT(rename), WR_EXPORT(_waccess), WR_EXPORT(_access), WR_EXPORT(_wmkdir),
    WR_EXPORT(_mkdir), WR_EXPORT(_wrmdir), WR_EXPORT(_rmdir), WR_EXPORT(_wchdir), WR_EXPORT(_chdir),
    WR_EXPORT(_wgetcwd), WR_EXPORT(_getcwd), WR_EXPORT(_wgetdcwd), WR_EXPORT(_getdcwd), WR_EXPORT(_getdrive), WR_EXPORT(_getdrives), WR_EXPORT(_chdrive),
    WR_EXPORT(_wfullpath), WR_EXPORT(_fullpath), WR_EXPORT(_splitpath), WR_EXPORT(_wsplitpath),
    WR_EXPORT(_makepath), WR_EXPORT(_wmakepath),
    WR_EXPORT(_findfirst64), WR_EXPORT(_findfirsti64), WR_EXPORT(_findfirst), WR_EXPORT(_findfirst64i32),
    WR_EXPORT(_wfindfirst64), WR_EXPORT(_wfindfirsti64), WR_EXPORT(_wfindfirst), WR_EXPORT(_wfindfirst64i32),
    WR_EXPORT(_findnext64), WR_EXPORT(_findnexti64), WR_EXPORT(_findnext), WR_EXPORT(_findnext64i32),
    WR_EXPORT(_wfindnext64), WR_EXPORT(_wfindnexti64), WR_EXPORT(_wfindnext), WR_EXPORT(_wfindnext64i32),
    WR_EXPORT(_findclose), WR_EXPORT(_wchmod), WR_EXPORT(_chmod), WR_EXPORT(_wutime64), WR_EXPORT(_utime64),
    WR_EXPORT_AS("_wutime", _wutime64), WR_EXPORT_AS("_utime", _utime64), WR_EXPORT(_wutime32), WR_EXPORT(_utime32),
    WR_EXPORT(_futime64), WR_EXPORT_AS("_futime", _futime64), WR_EXPORT(_futime32),
    WR_EXPORT(_filelengthi64), WR_EXPORT(_filelength), WR_EXPORT(_telli64), WR_EXPORT(_tell), WR_EXPORT(_chsize_s),
    WR_EXPORT(_chsize), WR_EXPORT(_eof), WR_EXPORT(tmpnam), WR_EXPORT(_wtmpnam), WR_EXPORT(_mktemp),
    WR_EXPORT(_wmktemp), WR_EXPORT(_wtempnam), WR_EXPORT(_tempnam));

}  // namespace winrun::crt
