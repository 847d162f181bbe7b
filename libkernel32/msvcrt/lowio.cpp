// Low-level I/O: the fd table over Windows handles, text-mode translation (LF <-> CRLF, Ctrl+Z as
// end of file on disk files), _open/_read/_write and friends.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "crt.h"
#include "unicode.h"

namespace winrun::k32 {
HANDLE WINAPI GetStdHandle(DWORD);
DWORD WINAPI GetFileType(HANDLE);
BOOL WINAPI CloseHandle(HANDLE);
HANDLE WINAPI CreateFileW(LPCWSTR, DWORD, DWORD, void*, DWORD, DWORD, HANDLE);
BOOL WINAPI SetStdHandle(DWORD, HANDLE);
}  // namespace winrun::k32

namespace winrun::crt {

namespace {
int g_umask = 0;
IoInfo g_fds[MAX_FDS];
std::mutex g_fd_mutex;

int linux_fd_of(HANDLE h) {
    auto o = k32::handle_get(h);
    if (!o || o->kind != k32::ObjectKind::File) return -1;
    return static_cast<k32::FileObject*>(o.get())->fd;
}

uint8_t device_flags(HANDLE h) {
    DWORD t = k32::GetFileType(h);
    return t == 2 ? OSF_DEV : t == 3 ? OSF_PIPE : 0;
}

// Writes all of `n` bytes to the Linux fd (or, for a console handle, to the console); -1 with
// errno set on failure.
int write_all(int lfd, const char* p, size_t n, HANDLE h = nullptr) {
    if (lfd < 0 && h && k32::is_console_handle(h)) {
        DWORD w = 0;
        if (k32::console_write_file(h, p, DWORD(n), &w)) return 0;
        errno = EBADF;
        return -1;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t r = ::write(lfd, p + done, n - done);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        done += size_t(r);
    }
    return 0;
}
}  // namespace

IoInfo* ioinfo(int fd) { return fd >= 0 && fd < MAX_FDS ? &g_fds[fd] : nullptr; }

int fd_alloc(HANDLE h, uint8_t osfile) {
    std::lock_guard lock(g_fd_mutex);
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (!(g_fds[fd].osfile & OSF_OPEN)) {
            g_fds[fd] = IoInfo{h, linux_fd_of(h), uint8_t(osfile | OSF_OPEN), 10};
            return fd;
        }
    }
    set_errno(24);  // EMFILE
    return -1;
}

void init_lowio() {
    for (int fd = 0; fd < 3; fd++) {
        HANDLE h = k32::GetStdHandle(DWORD(-10 - fd));
        if (!h || h == INVALID_HANDLE_VALUE) continue;
        g_fds[fd] = IoInfo{h, linux_fd_of(h), uint8_t(OSF_OPEN | OSF_TEXT | device_flags(h)), 10};
    }
}

// _write in text mode turns every LF into CR LF (msvcrt does it in chunks through a small buffer;
// the bytes written are the same). Returns the number of bytes of the caller's buffer consumed.
int crt_write(int fd, const void* buf, unsigned n) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        *doserrno_location() = 0;
        return -1;
    }
    if (n == 0) return 0;
    if (io->linux_fd < 0) io->linux_fd = linux_fd_of(io->handle);
    if (io->osfile & OSF_APPEND) lseek(io->linux_fd, 0, SEEK_END);
    const char* p = static_cast<const char*>(buf);
    if (!(io->osfile & OSF_TEXT)) {
        if (write_all(io->linux_fd, p, n, io->handle) < 0) {
            dosmaperr(k32::error_from_errno(errno));
            return -1;
        }
        return int(n);
    }
    // Text mode: copy runs between LFs in bulk, each LF becoming CR LF.
    char out[8192];
    size_t o = 0;
    const char* end = p + n;
    while (p < end) {
        const char* lf = static_cast<const char*>(::memchr(p, '\n', size_t(end - p)));
        size_t run = lf ? size_t(lf - p) : size_t(end - p);
        while (run) {
            size_t take = std::min(run, sizeof out - 2 - o);
            ::memcpy(out + o, p, take);
            o += take;
            p += take;
            run -= take;
            if (o >= sizeof out - 2) {
                if (write_all(io->linux_fd, out, o, io->handle) < 0) {
                    dosmaperr(k32::error_from_errno(errno));
                    return -1;
                }
                o = 0;
            }
        }
        if (lf) {
            out[o++] = '\r';
            out[o++] = '\n';
            p++;
            if (o >= sizeof out - 2) {
                if (write_all(io->linux_fd, out, o, io->handle) < 0) {
                    dosmaperr(k32::error_from_errno(errno));
                    return -1;
                }
                o = 0;
            }
        }
    }
    if (o && write_all(io->linux_fd, out, o, io->handle) < 0) {
        dosmaperr(k32::error_from_errno(errno));
        return -1;
    }
    return int(n);
}

// _read in text mode: CR LF -> LF (a lone CR stays), and on files that are not devices a Ctrl+Z
// ends the data (the fd then reports end of file).
int crt_read(int fd, void* buf, unsigned n) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    if (n == 0 || (io->osfile & OSF_EOF)) return 0;
    if (io->linux_fd < 0) io->linux_fd = linux_fd_of(io->handle);
    char* p = static_cast<char*>(buf);
    unsigned got = 0;
    if (io->pipech != 10 && (io->osfile & OSF_TEXT)) {
        p[got++] = char(io->pipech);
        io->pipech = 10;
    }
    ssize_t r;
    if (io->linux_fd < 0 && k32::is_console_handle(io->handle)) {  // a console: a cooked ReadConsole
        DWORD k = 0;
        r = k32::console_read_file(io->handle, p + got, n - got, &k) ? ssize_t(k) : (errno = EBADF, -1);
    } else {
        do r = ::read(io->linux_fd, p + got, n - got);
        while (r < 0 && errno == EINTR);
    }
    if (r < 0) {
        if (errno == EPIPE || got) return int(got);
        dosmaperr(k32::error_from_errno(errno));
        return -1;
    }
    got += unsigned(r);
    if (!(io->osfile & OSF_TEXT)) return int(got);
    unsigned o = 0;
    for (unsigned i = 0; i < got; i++) {
        char c = p[i];
        if (c == 0x1A && !(io->osfile & OSF_DEV)) {
            io->osfile |= OSF_EOF;
            break;
        }
        if (c == '\r') {
            if (i + 1 < got) {
                if (p[i + 1] == '\n') continue;  // drop the CR of CR LF
            } else {
                // CR at the end of what was read: look one byte ahead.
                char next;
                ssize_t k = ::read(io->linux_fd, &next, 1);
                if (k == 1) {
                    if (next == '\n') {
                        p[o++] = '\n';
                        continue;
                    }
                    if (io->osfile & (OSF_DEV | OSF_PIPE)) io->pipech = next;
                    else lseek(io->linux_fd, -1, SEEK_CUR);
                }
            }
        }
        p[o++] = c;
    }
    return int(o);
}

int CDECL _write(int fd, const void* buf, unsigned n) { return crt_write(fd, buf, n); }
int CDECL _read(int fd, void* buf, unsigned n) { return crt_read(fd, buf, n); }

int CDECL _setmode(int fd, int mode) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    if (mode != O_TEXT_ && mode != O_BINARY_ && mode != O_WTEXT_ && mode != O_U16TEXT_ && mode != O_U8TEXT_) {
        set_errno(22);
        return -1;
    }
    int old = (io->osfile & OSF_TEXT) ? O_TEXT_ : O_BINARY_;
    if (mode == O_BINARY_) io->osfile &= uint8_t(~OSF_TEXT);
    else io->osfile |= OSF_TEXT;
    return old;
}

int CDECL _isatty(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return 0;
    }
    return (io->osfile & OSF_DEV) ? 0x40 : 0;  // msvcrt returns the OSF_DEV bit, not 1
}

intptr_t CDECL _get_osfhandle(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    return reinterpret_cast<intptr_t>(io->handle);
}

int CDECL _open_osfhandle(intptr_t h, int flags) {
    HANDLE hh = reinterpret_cast<HANDLE>(h);
    uint8_t f = device_flags(hh);
    if (!(flags & O_BINARY_) && ((flags & O_TEXT_) || (*p_fmode_value() & O_TEXT_))) f |= OSF_TEXT;
    if (flags & O_APPEND_) f |= OSF_APPEND;
    if (flags & O_NOINHERIT_) f |= OSF_NOINHERIT;
    return fd_alloc(hh, f);
}

int CDECL _close(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    HANDLE h = io->handle;
    {
        std::lock_guard lock(g_fd_mutex);
        *io = IoInfo{};
    }
    if (!k32::CloseHandle(h)) {
        dosmaperr(k32::last_error());
        return -1;
    }
    return 0;
}

int64_t CDECL _lseeki64(int fd, int64_t off, int whence) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    if (whence < 0 || whence > 2) {
        set_errno(22);
        return -1;
    }
    off_t r = lseek(io->linux_fd, off, whence);
    if (r < 0) {
        dosmaperr(k32::error_from_errno(errno));
        return -1;
    }
    io->osfile &= uint8_t(~OSF_EOF);
    return r;
}
// `long` is 32 bits on Windows.
int32_t CDECL _lseek(int fd, int32_t off, int whence) {
    int64_t r = _lseeki64(fd, off, whence);
    if (r > 0x7FFFFFFF) {
        set_errno(22);
        return -1;
    }
    return int32_t(r);
}

// _open: oflag as msvcrt defines it; pmode's _S_IWRITE (0x80) decides read-only on creation.
int CDECL _wopen(const char16_t* name, int oflag, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, oflag);
    int pmode = (oflag & O_CREAT_) ? __builtin_va_arg(ap, int) : 0x180;
    __builtin_ms_va_end(ap);
    DWORD access = (oflag & O_RDWR_) ? 0xC0000000u : (oflag & O_WRONLY_) ? 0x40000000u : 0x80000000u;
    DWORD disp;
    if ((oflag & (O_CREAT_ | O_EXCL_)) == (O_CREAT_ | O_EXCL_)) disp = 1;
    else if ((oflag & (O_CREAT_ | O_TRUNC_)) == (O_CREAT_ | O_TRUNC_)) disp = 2;
    else if (oflag & O_CREAT_) disp = 4;
    else if (oflag & O_TRUNC_) disp = 5;
    else disp = 3;
    pmode &= ~g_umask;
    DWORD attrs = (oflag & O_CREAT_) && !(pmode & 0x80) ? 1 /* READONLY */ : 0x80;
    if (oflag & O_TEMPORARY_) attrs |= 0x04000000;
    HANDLE h = k32::CreateFileW(name, access, 3, nullptr, disp, attrs, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        dosmaperr(k32::last_error());
        return -1;
    }
    uint8_t f = device_flags(h);
    bool text = (oflag & O_TEXT_) || (!(oflag & O_BINARY_) && (*p_fmode_value() & O_BINARY_) == 0);
    if (text) f |= OSF_TEXT;
    if (oflag & O_APPEND_) f |= OSF_APPEND;
    if (oflag & O_NOINHERIT_) f |= OSF_NOINHERIT;
    int fd = fd_alloc(h, f);
    if (fd < 0) k32::CloseHandle(h);
    return fd;
}

// _sopen: _open with a sharing mode, which is not enforced (files open shared for read and write).
int CDECL _wsopen(const char16_t* name, int oflag, int share, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, share);
    int pmode = (oflag & O_CREAT_) ? __builtin_va_arg(ap, int) : 0x180;
    __builtin_ms_va_end(ap);
    return _wopen(name, oflag, pmode);
}
int CDECL _sopen(const char* name, int oflag, int share, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, share);
    int pmode = (oflag & O_CREAT_) ? __builtin_va_arg(ap, int) : 0x180;
    __builtin_ms_va_end(ap);
    std::u16string w = k32::ansi_to_wide(name);
    return _wopen(w.c_str(), oflag, pmode);
}
int CDECL _wsopen_s(int* fd, const char16_t* name, int oflag, int /*share*/, int pmode) {
    if (!fd || !name) {
        set_errno(22);
        return 22;
    }
    *fd = _wopen(name, oflag, pmode);
    return *fd < 0 ? *errno_location() : 0;
}
int CDECL _sopen_s(int* fd, const char* name, int oflag, int share, int pmode) {
    if (!fd || !name) {
        set_errno(22);
        return 22;
    }
    std::u16string w = k32::ansi_to_wide(name);
    return _wsopen_s(fd, w.c_str(), oflag, share, pmode);
}
// _creat: _open(name, _O_CREAT | _O_TRUNC | _O_RDWR, pmode).
int CDECL _wcreat(const char16_t* name, int pmode) { return _wopen(name, O_CREAT_ | O_TRUNC_ | O_RDWR_, pmode); }
int CDECL _creat(const char* name, int pmode) {
    std::u16string w = k32::ansi_to_wide(name);
    return _wcreat(w.c_str(), pmode);
}
// _umask: only _S_IWRITE (0x80) has an effect (a file created without it is read-only).
int CDECL _umask(int mask) {
    int old = g_umask;
    g_umask = mask & 0x180;
    return old;
}

int CDECL _open(const char* name, int oflag, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, oflag);
    int pmode = (oflag & O_CREAT_) ? __builtin_va_arg(ap, int) : 0x180;
    __builtin_ms_va_end(ap);
    std::u16string w = k32::ansi_to_wide(name);
    return _wopen(w.c_str(), oflag, pmode);
}

// _dup/_dup2 give the new fd a second handle to the same file object, as DuplicateHandle does: the
// two share the file position, and the file closes with the last of them.
int CDECL _dup(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    auto obj = k32::handle_get(io->handle);
    if (!obj) {
        set_errno(9);
        return -1;
    }
    HANDLE h = k32::handle_alloc(std::move(obj));
    int nfd = fd_alloc(h, uint8_t(io->osfile & ~OSF_NOINHERIT));
    if (nfd < 0) k32::CloseHandle(h);
    return nfd;
}

// _dup2 closes fd2 if it is open; for 0, 1 and 2 the new handle also becomes the std handle.
int CDECL _dup2(int fd1, int fd2) {
    IoInfo* a = ioinfo(fd1);
    IoInfo* b = ioinfo(fd2);
    if (!a || !(a->osfile & OSF_OPEN) || !b) {
        set_errno(9);
        return -1;
    }
    if (fd1 == fd2) return 0;
    auto obj = k32::handle_get(a->handle);
    if (!obj) {
        set_errno(9);
        return -1;
    }
    if (b->osfile & OSF_OPEN) _close(fd2);
    HANDLE h = k32::handle_alloc(std::move(obj));
    {
        std::lock_guard lock(g_fd_mutex);
        *b = IoInfo{h, a->linux_fd, uint8_t(a->osfile & ~OSF_NOINHERIT), 10};
    }
    if (fd2 <= 2) k32::SetStdHandle(DWORD(-10 - fd2), h);
    return 0;
}

int CDECL _commit(int fd) {
    IoInfo* io = ioinfo(fd);
    if (!io || !(io->osfile & OSF_OPEN)) {
        set_errno(9);
        return -1;
    }
    if (fsync(io->linux_fd) != 0 && errno != EINVAL) {
        dosmaperr(k32::error_from_errno(errno));
        return -1;
    }
    return 0;
}

WR_EXPORT_PART(msvcrt_lowio,
    WR_EXPORT(_write), WR_EXPORT(_read), WR_EXPORT(_setmode), WR_EXPORT(_isatty), WR_EXPORT(_get_osfhandle),
    WR_EXPORT(_open_osfhandle), WR_EXPORT(_close), WR_EXPORT(_lseeki64), WR_EXPORT(_lseek), WR_EXPORT(_wopen),
    WR_EXPORT(_open), WR_EXPORT(_dup), WR_EXPORT(_dup2), WR_EXPORT(_commit), WR_EXPORT(_wsopen), WR_EXPORT(_sopen),
    WR_EXPORT(_wsopen_s), WR_EXPORT(_sopen_s), WR_EXPORT(_wcreat), WR_EXPORT(_creat), WR_EXPORT(_umask));

}  // namespace winrun::crt
