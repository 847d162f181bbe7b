// stdio on msvcrt's FILE layout: the buffer pointers live in the FILE itself (_ptr/_cnt/_base), as
// msvcrt keeps them, so code that reads them directly keeps working. Buffering as msvcrt does it:
// files and pipes are fully buffered (4096 bytes), a console stdout/stderr is not buffered.
// Lock rule: every public function locks the stream unless the process has one thread (then no
// other thread can race; the _lock_file count stays balanced because both sides skip together).
#include <unistd.h>

#include <climits>
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "crt.h"
#include "format.h"
#include "unicode.h"

namespace winrun::k32 {
DWORD WINAPI GetTempPathW(DWORD, LPWSTR);
void WINAPI EnterCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI LeaveCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI InitializeCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI DeleteCriticalSection(RTL_CRITICAL_SECTION*);
}  // namespace winrun::k32

namespace winrun::crt {

FILE* g_iob;

namespace {
bool is_iob(FILE* f) { return f >= g_iob && f < g_iob + IOB_ENTRIES; }

bool get_buffer(FILE* f) {
    f->_base = static_cast<char*>(malloc(INTERNAL_BUFSIZ));
    if (!f->_base) {
        f->_flag |= IONBF;
        f->_base = reinterpret_cast<char*>(&f->_charbuf);
        f->_bufsiz = 2;
        return false;
    }
    f->_flag |= IOMYBUF;
    f->_bufsiz = INTERNAL_BUFSIZ;
    f->_ptr = f->_base;
    f->_cnt = 0;
    return true;
}

struct Locked {
    FILE* f;
    bool held;
    explicit Locked(FILE* file) : f(file), held(!single_threaded()) {
        if (held) lock_file(f);
    }
    ~Locked() {
        if (held) unlock_file(f);
    }
};

int write_out(FILE* f, const char* p, unsigned n) {
    if (crt_write(f->_file, p, n) != int(n)) {
        f->_flag |= IOERR;
        return -1;
    }
    return 0;
}
}  // namespace

void lock_file(FILE* f) {
    if (is_iob(f)) lock(STREAM_LOCKS + int(f - g_iob));
    else k32::EnterCriticalSection(&reinterpret_cast<FileEx*>(f)->lock);
}
void unlock_file(FILE* f) {
    if (is_iob(f)) unlock(STREAM_LOCKS + int(f - g_iob));
    else k32::LeaveCriticalSection(&reinterpret_cast<FileEx*>(f)->lock);
}

void init_stdio() {
    std::memset(g_iob, 0, sizeof(FILE) * IOB_ENTRIES);
    for (int i = 0; i < 3; i++) {
        g_iob[i]._file = i;
        g_iob[i]._flag = i == 0 ? IOREAD : IOWRT;
        if (!(ioinfo(i)->osfile & OSF_OPEN)) g_iob[i]._file = -2;
    }
}

int flush_stream(FILE* f) {
    int r = 0;
    if ((f->_flag & (IOREAD | IOWRT)) == IOWRT && (f->_flag & (IOMYBUF | IOYOURBUF))) {
        unsigned n = unsigned(f->_ptr - f->_base);
        if (n && write_out(f, f->_base, n) < 0) r = CRT_EOF;
        else if (f->_flag & IORW) f->_flag &= ~IOWRT;
    }
    f->_ptr = f->_base;
    f->_cnt = 0;
    return r;
}

// Called when a put finds no room (_cnt went negative): sets the stream up for writing on first
// use, writes out the buffer, stores `c`.
int flsbuf(int c, FILE* f) {
    if (!(f->_flag & (IOWRT | IORW)) || (f->_flag & IOSTRG)) {
        f->_flag |= IOERR;
        return CRT_EOF;
    }
    if (f->_flag & IOREAD) {
        f->_cnt = 0;
        if (!(f->_flag & IOEOF)) {
            f->_flag |= IOERR;
            return CRT_EOF;
        }
        f->_ptr = f->_base;
        f->_flag &= ~IOREAD;
    }
    f->_flag |= IOWRT;
    f->_flag &= ~IOEOF;
    if (!(f->_flag & (IOMYBUF | IONBF | IOYOURBUF))) {
        // stdout/stderr on a console stay unbuffered (each character goes out at once).
        IoInfo* io = ioinfo(f->_file);
        bool console = (f == g_iob + 1 || f == g_iob + 2) && io && (io->osfile & OSF_DEV);
        if (f == g_iob + 2 || console) f->_flag |= IONBF;
        else get_buffer(f);
    }
    char ch = char(c);
    if (f->_flag & (IOMYBUF | IOYOURBUF)) {
        unsigned n = unsigned(f->_ptr - f->_base);
        f->_ptr = f->_base + 1;
        f->_cnt = f->_bufsiz - 1;
        if (n > 0 && write_out(f, f->_base, n) < 0) {
            *f->_base = ch;
            return CRT_EOF;
        }
        *f->_base = ch;
        return static_cast<unsigned char>(c);
    }
    if (write_out(f, &ch, 1) < 0) return CRT_EOF;
    return static_cast<unsigned char>(c);
}

int filbuf(FILE* f) {
    if (!(f->_flag & (IOREAD | IOWRT | IORW)) || (f->_flag & IOSTRG)) return CRT_EOF;
    if (f->_flag & IOWRT) {
        f->_flag |= IOERR;
        return CRT_EOF;
    }
    f->_flag |= IOREAD;
    if (!(f->_flag & (IOMYBUF | IONBF | IOYOURBUF))) get_buffer(f);
    else f->_ptr = f->_base;
    int n = crt_read(f->_file, f->_base, unsigned(f->_bufsiz));
    if (n <= 0) {
        f->_flag |= n == 0 ? IOEOF : IOERR;
        f->_cnt = 0;
        return CRT_EOF;
    }
    f->_cnt = n - 1;
    f->_ptr = f->_base + 1;
    return static_cast<unsigned char>(*f->_base);
}

void flush_all() {
    for (int i = 0; i < IOB_ENTRIES; i++)
        if (g_iob[i]._flag & IOWRT) flush_stream(&g_iob[i]);
    for (FileEx* fx : open_files())
        if (fx->file._flag & IOWRT) flush_stream(&fx->file);
}

inline int putc_nolock(int c, FILE* f) {
    if (--f->_cnt >= 0) return static_cast<unsigned char>(*f->_ptr++ = char(c));
    return flsbuf(c, f);
}
inline int getc_nolock(FILE* f) {
    if (--f->_cnt >= 0) return static_cast<unsigned char>(*f->_ptr++);
    return filbuf(f);
}

// The hot path: mingw's printf calls fputc once per character.
// Performance: an ms_abi function that may call SysV code must save xmm6-15, rsi and rdi on
// every call. So the fast paths below call nothing but other ms_abi functions (kept out of line),
// and all SysV work (flushing, locking) happens in those.
__attribute__((noinline)) static int CDECL flsbuf_ms(int c, FILE* f) { return flsbuf(c, f); }
__attribute__((noinline)) static int CDECL fputc_locked(int c, FILE* f) {
    Locked l(f);
    return putc_nolock(c, f);
}
int CDECL fputc(int c, FILE* f) {
    if (__builtin_expect(single_threaded(), 1)) {
        if (--f->_cnt >= 0) return static_cast<unsigned char>(*f->_ptr++ = char(c));
        return flsbuf_ms(c, f);
    }
    return fputc_locked(c, f);
}
int CDECL _fputc_nolock(int c, FILE* f) {
    if (--f->_cnt >= 0) return static_cast<unsigned char>(*f->_ptr++ = char(c));
    return flsbuf_ms(c, f);
}
int CDECL putchar(int c) { return fputc(c, g_iob + 1); }
int CDECL fgetc(FILE* f) {
    Locked l(f);
    return getc_nolock(f);
}
int CDECL getchar() { return fgetc(g_iob); }
int CDECL _fgetc_nolock(FILE* f) { return getc_nolock(f); }
int CDECL _flsbuf(int c, FILE* f) { return flsbuf(c, f); }
int CDECL _filbuf(FILE* f) { return filbuf(f); }

int CDECL ungetc(int c, FILE* f) {
    if (c == CRT_EOF) return CRT_EOF;
    Locked l(f);
    if (!(f->_flag & IOREAD) && !((f->_flag & IORW) && !(f->_flag & IOWRT))) return CRT_EOF;
    if (!f->_base) get_buffer(f);
    if (f->_ptr == f->_base) {
        if (f->_cnt) return CRT_EOF;
        f->_ptr++;
    }
    *--f->_ptr = char(c);
    f->_cnt++;
    f->_flag &= ~IOEOF;
    f->_flag |= IOREAD;
    return c & 0xFF;
}

size_t CDECL fwrite(const void* buf, size_t size, size_t count, FILE* f) {
    size_t total = size * count;
    if (!total) return 0;
    Locked l(f);
    const char* p = static_cast<const char*>(buf);
    for (size_t i = 0; i < total; i++)
        if (putc_nolock(static_cast<unsigned char>(p[i]), f) == CRT_EOF) return i / size;
    return count;
}

size_t CDECL fread(void* buf, size_t size, size_t count, FILE* f) {
    size_t total = size * count;
    if (!total) return 0;
    Locked l(f);
    char* p = static_cast<char*>(buf);
    size_t i = 0;
    for (; i < total; i++) {
        int c = getc_nolock(f);
        if (c == CRT_EOF) break;
        p[i] = char(c);
    }
    return i / size;
}

int CDECL fputs(const char* s, FILE* f) {
    Locked l(f);
    for (; *s; s++)
        if (putc_nolock(static_cast<unsigned char>(*s), f) == CRT_EOF) return CRT_EOF;
    return 0;
}

int CDECL puts(const char* s) {
    FILE* f = g_iob + 1;
    Locked l(f);
    for (; *s; s++)
        if (putc_nolock(static_cast<unsigned char>(*s), f) == CRT_EOF) return CRT_EOF;
    return putc_nolock('\n', f) == CRT_EOF ? CRT_EOF : 0;
}

char* CDECL fgets(char* s, int n, FILE* f) {
    if (n <= 0) return nullptr;
    Locked l(f);
    int i = 0;
    while (i < n - 1) {
        int c = getc_nolock(f);
        if (c == CRT_EOF) {
            if (i == 0) return nullptr;
            break;
        }
        s[i++] = char(c);
        if (c == '\n') break;
    }
    s[i] = 0;
    return s;
}

int CDECL fflush(FILE* f) {
    if (!f) {
        flush_all();
        return 0;
    }
    Locked l(f);
    return flush_stream(f);
}
int CDECL _flushall() {
    flush_all();
    return 0;
}

int CDECL feof(FILE* f) { return f->_flag & IOEOF; }
int CDECL ferror(FILE* f) { return f->_flag & IOERR; }
void CDECL clearerr(FILE* f) { f->_flag &= ~(IOERR | IOEOF); }
int CDECL _fileno(FILE* f) { return f->_file; }
FILE* CDECL __iob_func() { return g_iob; }
void CDECL _lock_file(FILE* f) { lock_file(f); }
void CDECL _unlock_file(FILE* f) { unlock_file(f); }

int CDECL setvbuf(FILE* f, char* buf, int mode, size_t size) {
    constexpr int IOFBF_ = 0, IOLBF_ = 0x40, IONBF_ = 4;
    if ((mode != IOFBF_ && mode != IOLBF_ && mode != IONBF_) || (mode != IONBF_ && (size < 2 || size > 0x7FFFFFFF)))
        return -1;
    Locked l(f);
    flush_stream(f);
    if (f->_flag & IOMYBUF) free(f->_base);
    f->_flag &= ~(IOMYBUF | IOYOURBUF | IONBF | IOSETVBUF);
    if (mode == IONBF_) {
        f->_flag |= IONBF;
        f->_base = reinterpret_cast<char*>(&f->_charbuf);
        f->_bufsiz = 2;
    } else if (buf) {
        f->_flag |= IOYOURBUF | IOSETVBUF;
        f->_base = buf;
        f->_bufsiz = int(size & ~size_t(1));
    } else {
        f->_base = static_cast<char*>(malloc(size));
        f->_flag |= IOMYBUF | IOSETVBUF;
        f->_bufsiz = int(size);
    }
    f->_ptr = f->_base;
    f->_cnt = 0;
    return 0;
}
void CDECL setbuf(FILE* f, char* buf) { setvbuf(f, buf, buf ? 0 : 4, 512); }

// ---- opening files -------------------------------------------------------------------------------
namespace {
std::vector<FileEx*> g_open;
std::mutex g_open_mutex;

// fopen mode -> _open flags and stream flags; -1 on a bad mode.
bool parse_mode(const char* mode, int& oflag, int& sflag) {
    switch (*mode) {
    case 'r': oflag = O_RDONLY_; sflag = IOREAD; break;
    case 'w': oflag = O_WRONLY_ | O_CREAT_ | O_TRUNC_; sflag = IOWRT; break;
    case 'a': oflag = O_WRONLY_ | O_CREAT_ | O_APPEND_; sflag = IOWRT; break;
    default: return false;
    }
    for (const char* p = mode + 1; *p; p++) {
        switch (*p) {
        case '+': oflag = (oflag & ~(O_WRONLY_)) | O_RDWR_; sflag = IORW; break;
        case 'b': oflag |= O_BINARY_; break;
        case 't': oflag |= O_TEXT_; break;
        case 'c': case 'n': case 'S': case 'R': case 'T': case 'D': case 'N': break;
        case 'x': oflag |= O_EXCL_; break;
        case ',': return true;  // ",ccs=..." (encodings): issue 7
        case ' ': break;
        default: return false;
        }
    }
    return true;
}

FILE* stream_for_fd(int fd, int sflag) {
    auto* fx = new FileEx{};
    k32::InitializeCriticalSection(&fx->lock);
    fx->file._file = fd;
    fx->file._flag = sflag;
    std::lock_guard lock(g_open_mutex);
    g_open.push_back(fx);
    return &fx->file;
}
}  // namespace

std::vector<FileEx*> open_files() {
    std::lock_guard lock(g_open_mutex);
    return g_open;
}

FILE* CDECL _wfopen(const char16_t* name, const char16_t* mode) {
    std::string m = utf16_to_utf8(wview(mode));
    int oflag, sflag;
    if (!name || !parse_mode(m.c_str(), oflag, sflag)) {
        set_errno(22);
        return nullptr;
    }
    int fd = _wopen(name, oflag, 0x180);
    if (fd < 0) return nullptr;
    return stream_for_fd(fd, sflag);
}

FILE* CDECL fopen(const char* name, const char* mode) {
    if (!name || !mode) {
        set_errno(22);
        return nullptr;
    }
    std::u16string w = k32::ansi_to_wide(name), wm = k32::ansi_to_wide(mode);
    return _wfopen(w.c_str(), wm.c_str());
}

FILE* CDECL _fdopen(int fd, const char* mode) {
    int oflag, sflag;
    if (!parse_mode(mode, oflag, sflag)) {
        set_errno(22);
        return nullptr;
    }
    return stream_for_fd(fd, sflag);
}

int CDECL fclose(FILE* f) {
    int r;
    {
        Locked l(f);
        r = flush_stream(f);
        if (f->_flag & IOMYBUF) free(f->_base);
        if (_close(f->_file) < 0) r = CRT_EOF;
        if (f->_tmpfname) free(f->_tmpfname);  // tmpfile's name (the file itself goes with the fd)
        f->_tmpfname = nullptr;
        f->_flag = 0;
        f->_base = f->_ptr = nullptr;
        f->_cnt = 0;
    }
    if (!is_iob(f)) {
        auto* fx = reinterpret_cast<FileEx*>(f);
        std::lock_guard lock(g_open_mutex);
        g_open.erase(std::remove(g_open.begin(), g_open.end(), fx), g_open.end());
        k32::DeleteCriticalSection(&fx->lock);
        delete fx;
    }
    return r;
}

int64_t CDECL _ftelli64(FILE* f) {
    Locked l(f);
    int64_t pos = _lseeki64(f->_file, 0, 1);
    if (pos < 0) return -1;
    if (f->_flag & IOWRT && f->_base) {
        // In text mode each buffered LF goes to disk as CR LF: count it twice.
        int64_t pending = f->_ptr - f->_base;
        IoInfo* io = ioinfo(f->_file);
        if (io && (io->osfile & OSF_TEXT))
            for (const char* p = f->_base; p < f->_ptr; p++)
                if (*p == '\n') pending++;
        return pos + pending;
    }
    if (f->_flag & IOREAD) {
        // In text mode each buffered LF stood for CR LF on disk unless the CR was dropped: count
        // the bytes the buffer still holds as they are on disk.
        int64_t unread = f->_cnt;
        IoInfo* io = ioinfo(f->_file);
        if (io && (io->osfile & OSF_TEXT))
            for (int i = 0; i < f->_cnt; i++)
                if (f->_ptr[i] == '\n') unread++;
        return pos - unread;
    }
    return pos;
}
// `long` is 32 bits on Windows: a position beyond 2 GiB does not fit.
int32_t CDECL ftell(FILE* f) {
    int64_t r = _ftelli64(f);
    if (r > INT32_MAX) {
        set_errno(EINVAL_);
        return -1;
    }
    return int32_t(r);
}

int CDECL _fseeki64(FILE* f, int64_t off, int whence) {
    if (whence < 0 || whence > 2) {
        set_errno(22);
        return -1;
    }
    Locked l(f);
    if (whence == 1) {
        off += _ftelli64(f);
        whence = 0;
    }
    flush_stream(f);
    f->_flag &= ~IOEOF;
    if (f->_flag & IORW) f->_flag &= ~(IOWRT | IOREAD);
    return _lseeki64(f->_file, off, whence) < 0 ? -1 : 0;
}
int CDECL fseek(FILE* f, int32_t off, int whence) { return _fseeki64(f, off, whence); }
void CDECL rewind(FILE* f) {
    _fseeki64(f, 0, 0);
    f->_flag &= ~IOERR;
}

// ---- formatted output --------------------------------------------------------------------------------
int put_string(FILE* f, const std::string& s) {
    Locked l(f);
    for (char c : s)
        if (putc_nolock(static_cast<unsigned char>(c), f) == CRT_EOF) return -1;
    return int(s.size());
}
namespace {
// msvcrt's _vsnprintf: writes at most n chars; NUL-terminates only when there is room; returns -1
// when the output did not fit.
int bounded_copy(char* buf, size_t n, const std::string& s, int r) {
    if (r < 0) return r;
    if (s.size() > n) {
        std::memcpy(buf, s.data(), n);
        return -1;
    }
    std::memcpy(buf, s.data(), s.size());
    if (s.size() < n) buf[s.size()] = 0;
    return int(s.size());
}
}  // namespace

int CDECL vfprintf(FILE* f, const char* fmt, __builtin_ms_va_list ap) {
    std::string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_printf(out, fmt, a);
    if (r < 0) return r;
    return put_string(f, out);
}
int CDECL vprintf(const char* fmt, __builtin_ms_va_list ap) { return vfprintf(g_iob + 1, fmt, ap); }
int CDECL fprintf(FILE* f, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL printf(const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfprintf(g_iob + 1, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vsprintf(char* buf, const char* fmt, __builtin_ms_va_list ap) {
    std::string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_printf(out, fmt, a);
    if (r < 0) return r;
    std::memcpy(buf, out.c_str(), out.size() + 1);
    return int(out.size());
}
int CDECL sprintf(char* buf, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vsprintf(buf, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL _vsnprintf(char* buf, size_t n, const char* fmt, __builtin_ms_va_list ap) {
    std::string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_printf(out, fmt, a);
    return bounded_copy(buf, n, out, r);
}
int CDECL _snprintf(char* buf, size_t n, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vsnprintf(buf, n, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL _vscprintf(const char* fmt, __builtin_ms_va_list ap) {
    std::string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    return format_printf(out, fmt, a);
}
int CDECL _scprintf(const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vscprintf(fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

int fputwc_nolock(char16_t wc, FILE* f);
// The wide printf family on a narrow stream goes through fputwc: each character converted in the
// "C" locale in text mode (one that has no byte form fails the call), two raw bytes in binary mode.
int CDECL vfwprintf(FILE* f, const char16_t* fmt, __builtin_ms_va_list ap) {
    std::u16string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_wprintf(out, fmt, a);
    if (r < 0) return r;
    return put_wstring(f, out);
}
int put_wstring(FILE* f, const std::u16string& s) {
    Locked l(f);
    for (char16_t c : s)
        if (fputwc_nolock(c, f) == 0xFFFF) return -1;
    return int(s.size());
}

int CDECL fwprintf(FILE* f, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfwprintf(f, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL wprintf(const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfwprintf(g_iob + 1, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vwprintf(const char16_t* fmt, __builtin_ms_va_list ap) { return vfwprintf(g_iob + 1, fmt, ap); }
int CDECL _vsnwprintf(char16_t* buf, size_t n, const char16_t* fmt, __builtin_ms_va_list ap) {
    std::u16string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_wprintf(out, fmt, a);
    if (r < 0) return r;
    if (out.size() > n) {
        std::memcpy(buf, out.data(), n * 2);
        return -1;
    }
    std::memcpy(buf, out.data(), out.size() * 2);
    if (out.size() < n) buf[out.size()] = 0;
    return int(out.size());
}
int CDECL _snwprintf(char16_t* buf, size_t n, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vsnwprintf(buf, n, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL swprintf(char16_t* buf, const char16_t* fmt, ...) {  // msvcrt's swprintf has no size argument
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vsnwprintf(buf, size_t(INT32_MAX), fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

// ---- formatted input -------------------------------------------------------------------------------
namespace {
struct StringSource : ScanSource {
    const unsigned char* p;
    bool at_end = false;
    explicit StringSource(const char* s) : p(reinterpret_cast<const unsigned char*>(s)) {}
    int get() override {
        if (!*p) {
            at_end = true;
            return -1;
        }
        return *p++;
    }
    void unget(int c) override {
        if (c != -1 && !at_end) p--;
        at_end = false;
    }
};
struct StreamSource : ScanSource {
    FILE* f;
    explicit StreamSource(FILE* file) : f(file) {}
    int get() override { return getc_nolock(f); }
    void unget(int c) override {
        if (c == -1) return;
        if (f->_ptr > f->_base && f->_ptr[-1] == char(c)) {
            f->_ptr--;
            f->_cnt++;
        } else {
            ungetc(c, f);
        }
    }
};
}  // namespace

int CDECL sscanf(const char* s, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    StringSource src(s);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_format(src, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}
int scan_stream(FILE* f, const char* fmt, WinArgs& args) {
    Locked l(f);
    StreamSource src(f);
    return scan_format(src, fmt, args);
}
int CDECL fscanf(FILE* f, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_stream(f, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL scanf(const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    FILE* f = g_iob;
    Locked l(f);
    StreamSource src(f);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_format(src, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}

// ---- the "_s" printf family -----------------------------------------------------------------------------
// Formatting as the plain functions (%n is refused either way). The counted forms follow
// _vsnprintf_s: at most `count` characters (all with _TRUNCATE), always NUL-terminated; output that
// does not fit the buffer is an error (buffer emptied, ERANGE, -1) unless _TRUNCATE was given, in
// which case what fits is kept and the result is -1.
int CDECL _vsnprintf_s(char* buf, size_t size, size_t count, const char* fmt, __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), -1;
    std::string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_printf(out, fmt, a);
    return secure_copy(buf, size, count, out, r);
}
int CDECL _snprintf_s(char* buf, size_t size, size_t count, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vsnprintf_s(buf, size, count, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vsprintf_s(char* buf, size_t size, const char* fmt, __builtin_ms_va_list ap) {
    return _vsnprintf_s(buf, size, size - 1, fmt, ap);
}
int CDECL sprintf_s(char* buf, size_t size, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vsprintf_s(buf, size, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL _vsnwprintf_s(char16_t* buf, size_t size, size_t count, const char16_t* fmt, __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), -1;
    std::u16string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_wprintf(out, fmt, a);
    return secure_copy(buf, size, count, out, r);
}
int CDECL _snwprintf_s(char16_t* buf, size_t size, size_t count, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vsnwprintf_s(buf, size, count, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vswprintf_s(char16_t* buf, size_t size, const char16_t* fmt, __builtin_ms_va_list ap) {
    return _vsnwprintf_s(buf, size, size - 1, fmt, ap);
}
int CDECL swprintf_s(char16_t* buf, size_t size, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vswprintf_s(buf, size, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vfprintf_s(FILE* f, const char* fmt, __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), -1;
    return vfprintf(f, fmt, ap);
}
int CDECL fprintf_s(FILE* f, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfprintf_s(f, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vprintf_s(const char* fmt, __builtin_ms_va_list ap) { return vfprintf_s(g_iob + 1, fmt, ap); }
int CDECL printf_s(const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfprintf_s(g_iob + 1, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vfwprintf_s(FILE* f, const char16_t* fmt, __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), -1;
    return vfwprintf(f, fmt, ap);
}
int CDECL fwprintf_s(FILE* f, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfwprintf_s(f, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL vwprintf_s(const char16_t* fmt, __builtin_ms_va_list ap) { return vfwprintf_s(g_iob + 1, fmt, ap); }
int CDECL wprintf_s(const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = vfwprintf_s(g_iob + 1, fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

// ---- positions ------------------------------------------------------------------------------------------
// fpos_t is a 64-bit file offset in msvcrt.
int CDECL fgetpos(FILE* f, int64_t* pos) {
    if (!f || !pos) return set_errno(EINVAL_), -1;
    *pos = _ftelli64(f);
    return *pos < 0 ? -1 : 0;
}
int CDECL fsetpos(FILE* f, const int64_t* pos) {
    if (!f || !pos) return set_errno(EINVAL_), -1;
    return _fseeki64(f, *pos, 0);
}

// ---- wide characters on (narrow) streams ------------------------------------------------------------------
// A text-mode stream converts in the "C" locale: one byte per character, and a character above
// 0xFF cannot be written (EILSEQ, WEOF). A binary-mode stream carries the UTF-16 units as two bytes,
// low byte first.
namespace {
constexpr char16_t WEOF_ = 0xFFFF;
bool text_stream(FILE* f) {
    IoInfo* io = ioinfo(f->_file);
    return io && (io->osfile & OSF_TEXT);
}
char16_t fgetwc_nolock(FILE* f) {
    if (text_stream(f)) {
        int c = getc_nolock(f);
        return c == CRT_EOF ? WEOF_ : char16_t(c);
    }
    int lo = getc_nolock(f);
    if (lo == CRT_EOF) return WEOF_;
    int hi = getc_nolock(f);
    if (hi == CRT_EOF) {
        f->_flag |= IOEOF;
        return WEOF_;
    }
    return char16_t(lo | (hi << 8));
}
}  // namespace

int fputwc_nolock(char16_t wc, FILE* f) {
    if (text_stream(f)) {
        if (wc > 0xFF) {
            set_errno(EILSEQ_);
            return WEOF_;
        }
        return putc_nolock(wc, f) == CRT_EOF ? WEOF_ : wc;
    }
    if (putc_nolock(wc & 0xFF, f) == CRT_EOF || putc_nolock(wc >> 8, f) == CRT_EOF) return WEOF_;
    return wc;
}

char16_t CDECL fgetwc(FILE* f) {
    Locked l(f);
    return fgetwc_nolock(f);
}
char16_t CDECL fputwc(char16_t wc, FILE* f) {
    Locked l(f);
    return char16_t(fputwc_nolock(wc, f));
}
char16_t CDECL _fgetwchar() { return fgetwc(g_iob); }
char16_t CDECL _fputwchar(char16_t wc) { return fputwc(wc, g_iob + 1); }
char16_t CDECL ungetwc(char16_t wc, FILE* f) {
    if (wc == WEOF_) return WEOF_;
    Locked l(f);
    if (text_stream(f)) {
        if (wc > 0xFF) return WEOF_;
        return ungetc(wc, f) == CRT_EOF ? WEOF_ : wc;
    }
    if (ungetc(wc >> 8, f) == CRT_EOF || ungetc(wc & 0xFF, f) == CRT_EOF) return WEOF_;
    return wc;
}
int CDECL fputws(const char16_t* s, FILE* f) {
    if (!s || !f) return set_errno(EINVAL_), -1;
    Locked l(f);
    for (; *s; s++)
        if (fputwc_nolock(*s, f) == WEOF_) return -1;
    return 0;
}
char16_t* CDECL fgetws(char16_t* s, int n, FILE* f) {
    if (!s || n <= 0 || !f) return set_errno(EINVAL_), nullptr;
    Locked l(f);
    int i = 0;
    while (i < n - 1) {
        char16_t c = fgetwc_nolock(f);
        if (c == WEOF_) {
            if (i == 0) return nullptr;
            break;
        }
        s[i++] = c;
        if (c == u'\n') break;
    }
    s[i] = 0;
    return s;
}
int CDECL _putws(const char16_t* s) {
    FILE* f = g_iob + 1;
    if (fputws(s, f) < 0) return -1;
    return fputwc(u'\n', f) == WEOF_ ? -1 : 0;
}
// gets/_getws: one line from stdin without its '\n'; NULL at end of input with nothing read.
char* CDECL gets(char* s) {
    FILE* f = g_iob;
    Locked l(f);
    int c, i = 0;
    while ((c = getc_nolock(f)) != CRT_EOF && c != '\n') s[i++] = char(c);
    if (c == CRT_EOF && i == 0) return nullptr;
    s[i] = 0;
    return s;
}
char16_t* CDECL _getws(char16_t* s) {
    FILE* f = g_iob;
    Locked l(f);
    char16_t c;
    int i = 0;
    while ((c = fgetwc_nolock(f)) != WEOF_ && c != u'\n') s[i++] = c;
    if (c == WEOF_ && i == 0) return nullptr;
    s[i] = 0;
    return s;
}
int CDECL _fgetchar() { return fgetc(g_iob); }
int CDECL _fputchar(int c) { return fputc(c, g_iob + 1); }
// _getw/_putw: an int as its four bytes.
int CDECL _getw(FILE* f) {
    Locked l(f);
    unsigned char b[4];
    for (int i = 0; i < 4; i++) {
        int c = getc_nolock(f);
        if (c == CRT_EOF) return CRT_EOF;
        b[i] = static_cast<unsigned char>(c);
    }
    int v;
    std::memcpy(&v, b, 4);
    return v;
}
int CDECL _putw(int w, FILE* f) {
    Locked l(f);
    unsigned char b[4];
    std::memcpy(b, &w, 4);
    for (int i = 0; i < 4; i++)
        if (putc_nolock(b[i], f) == CRT_EOF) return CRT_EOF;
    return w;
}

// ---- perror --------------------------------------------------------------------------------------------
// "s: message\n" (or just the message) written to fd 2 with _write, not through the stderr stream.
void CDECL perror(const char* s) {
    std::string m;
    if (s && *s) m = std::string(s) + ": ";
    m += strerror(*errno_location());
    m += "\n";
    crt_write(2, m.data(), unsigned(m.size()));
}
void CDECL _wperror(const char16_t* s) {
    std::string m;
    if (s && *s) m = wide_to_narrow(wview(s)) + ": ";
    m += strerror(*errno_location());
    m += "\n";
    crt_write(2, m.data(), unsigned(m.size()));
}

// ---- more ways to open and close streams ---------------------------------------------------------------
int CDECL _fcloseall() {
    int n = 0;
    for (int i = 3; i < IOB_ENTRIES; i++)
        if (g_iob[i]._flag & (IOREAD | IOWRT | IORW)) {
            fclose(&g_iob[i]);
            n++;
        }
    for (FileEx* fx : open_files()) {
        fclose(&fx->file);
        n++;
    }
    return n;
}

// freopen keeps the FILE (stdout stays stdout): whatever it had open is flushed and closed, then the
// new file is opened into it (and takes the lowest free fd, which is the old one for 0, 1 and 2).
FILE* CDECL _wfreopen(const char16_t* name, const char16_t* mode, FILE* f) {
    if (!name || !mode || !f) return set_errno(EINVAL_), nullptr;
    std::string m = utf16_to_utf8(wview(mode));
    Locked l(f);
    if (f->_flag & (IOREAD | IOWRT | IORW)) {
        flush_stream(f);
        if (f->_flag & IOMYBUF) free(f->_base);
        _close(f->_file);
    }
    if (f->_tmpfname) free(f->_tmpfname);
    f->_flag = 0;
    f->_base = f->_ptr = f->_tmpfname = nullptr;
    f->_cnt = f->_bufsiz = f->_charbuf = 0;
    f->_file = -1;
    int oflag, sflag;
    if (!parse_mode(m.c_str(), oflag, sflag)) return set_errno(EINVAL_), nullptr;
    int fd = _wopen(name, oflag, 0x180);
    if (fd < 0) return nullptr;
    f->_file = fd;
    f->_flag = sflag;
    return f;
}
FILE* CDECL freopen(const char* name, const char* mode, FILE* f) {
    if (!name || !mode) return set_errno(EINVAL_), nullptr;
    std::u16string w = narrow_to_wide(name), wm = narrow_to_wide(mode);
    return _wfreopen(w.c_str(), wm.c_str(), f);
}
int CDECL freopen_s(FILE** out, const char* name, const char* mode, FILE* f) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = freopen(name, mode, f);
    return *out ? 0 : *errno_location();
}
// The share flag of _fsopen is not enforced (files are opened shared for reading and writing).
FILE* CDECL _fsopen(const char* name, const char* mode, int /*share*/) { return fopen(name, mode); }
FILE* CDECL _wfsopen(const char16_t* name, const char16_t* mode, int /*share*/) { return _wfopen(name, mode); }
int CDECL fopen_s(FILE** out, const char* name, const char* mode) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = fopen(name, mode);
    return *out ? 0 : *errno_location();
}
int CDECL _wfopen_s(FILE** out, const char16_t* name, const char16_t* mode) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = _wfopen(name, mode);
    return *out ? 0 : *errno_location();
}
FILE* CDECL _wfdopen(int fd, const char16_t* mode) {
    if (!mode) return set_errno(EINVAL_), nullptr;
    std::string m = utf16_to_utf8(wview(mode));
    return _fdopen(fd, m.c_str());
}

// tmpfile: a "w+b" file that is deleted when closed, named by tmpnam in the root of the current
// drive as msvcrt.dll does. Where that root is not writable (Z:\ is the Linux root) the file goes to
// the temporary directory instead, so that the program still gets its file.
FILE* CDECL tmpfile() {
    char name[260];
    if (!tmpnam(name)) return nullptr;
    constexpr int oflag = O_CREAT_ | O_EXCL_ | O_RDWR_ | O_BINARY_ | O_TEMPORARY_;
    std::u16string w = narrow_to_wide(name);
    int saved_errno = *errno_location();
    int fd = _wopen(w.c_str(), oflag, 0x180);
    if (fd < 0 && *errno_location() == EACCES_) {
        set_errno(saved_errno);
        char16_t tmp[1024];
        DWORD n = k32::GetTempPathW(1024, tmp);
        if (n && n < 1024) {
            w = std::u16string(tmp, n) + w.substr(1);
            fd = _wopen(w.c_str(), oflag, 0x180);
        }
    }
    if (fd < 0) return nullptr;
    FILE* f = stream_for_fd(fd, IORW);
    std::string a = wide_to_narrow(w);
    f->_tmpfname = _strdup(a.c_str());
    return f;
}
int CDECL tmpfile_s(FILE** out) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = tmpfile();
    return *out ? 0 : *errno_location();
}
// _rmtmp: closes (and so deletes) every stream tmpfile made; returns how many.
int CDECL _rmtmp() {
    int n = 0;
    for (FileEx* fx : open_files())
        if (fx->file._tmpfname) {
            fclose(&fx->file);
            n++;
        }
    return n;
}

int CDECL _getmaxstdio() { return 512; }
int CDECL _setmaxstdio(int n) {
    if (n < IOB_ENTRIES || n > MAX_FDS) return set_errno(EINVAL_), -1;
    return n;
}

// ---- wide formatted I/O not covered above -------------------------------------------------------------
int CDECL vswprintf(char16_t* buf, const char16_t* fmt, __builtin_ms_va_list ap) {  // no size (msvcrt's form)
    return _vsnwprintf(buf, size_t(INT32_MAX), fmt, ap);
}
int CDECL _vscwprintf(const char16_t* fmt, __builtin_ms_va_list ap) {
    std::u16string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    return format_wprintf(out, fmt, a);
}
int CDECL _scwprintf(const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    int r = _vscwprintf(fmt, ap);
    __builtin_ms_va_end(ap);
    return r;
}

namespace {
struct WStreamSource : ScanSource {
    FILE* f;
    explicit WStreamSource(FILE* file) : f(file) {}
    int get() override {
        char16_t c = fgetwc_nolock(f);
        return c == WEOF_ ? -1 : c;
    }
    void unget(int c) override {
        if (c != -1) ungetwc(char16_t(c), f);
    }
};
}  // namespace

int CDECL swscanf(const char16_t* s, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    WStringScanSource src(s);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_wformat(src, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}
int scan_wstream(FILE* f, const char16_t* fmt, WinArgs& args) {
    Locked l(f);
    WStreamSource src(f);
    return scan_wformat(src, fmt, args);
}
int CDECL fwscanf(FILE* f, const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_wstream(f, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}
int CDECL wscanf(const char16_t* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    FILE* f = g_iob;
    Locked l(f);
    WStreamSource src(f);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_wformat(src, fmt, a);
    __builtin_ms_va_end(ap);
    return r;
}


WR_EXPORT_PART(msvcrt_stdio,
    WR_DATA("_iob", g_iob, sizeof(FILE) * IOB_ENTRIES),
    WR_EXPORT(fputc), WR_EXPORT(_fputc_nolock), WR_EXPORT_AS("putc", fputc), WR_EXPORT(putchar), WR_EXPORT(fgetc),
    WR_EXPORT_AS("getc", fgetc), WR_EXPORT(getchar), WR_EXPORT(_fgetc_nolock), WR_EXPORT(_flsbuf), WR_EXPORT(_filbuf),
    WR_EXPORT(ungetc), WR_EXPORT(fwrite), WR_EXPORT(fread), WR_EXPORT(fputs), WR_EXPORT(puts), WR_EXPORT(fgets),
    WR_EXPORT(fflush), WR_EXPORT(_flushall), WR_EXPORT(feof), WR_EXPORT(ferror), WR_EXPORT(clearerr),
    WR_EXPORT(_fileno), WR_EXPORT(__iob_func), WR_EXPORT(_lock_file), WR_EXPORT(_unlock_file), WR_EXPORT(setvbuf),
    WR_EXPORT(setbuf), WR_EXPORT(_wfopen), WR_EXPORT(fopen), WR_EXPORT(_fdopen), WR_EXPORT(fclose),
    WR_EXPORT(_ftelli64), WR_EXPORT(ftell), WR_EXPORT(_fseeki64), WR_EXPORT(fseek), WR_EXPORT(rewind),
    WR_EXPORT(vfprintf), WR_EXPORT(vprintf), WR_EXPORT(fprintf), WR_EXPORT(printf), WR_EXPORT(vsprintf),
    WR_EXPORT(sprintf), WR_EXPORT(_vsnprintf), WR_EXPORT(_snprintf), WR_EXPORT(_vscprintf), WR_EXPORT(_scprintf),
    WR_EXPORT(vfwprintf), WR_EXPORT(fwprintf), WR_EXPORT(wprintf), WR_EXPORT(vwprintf), WR_EXPORT(_vsnwprintf),
    WR_EXPORT(_snwprintf), WR_EXPORT(swprintf), WR_EXPORT(sscanf), WR_EXPORT(fscanf), WR_EXPORT(scanf),
    WR_EXPORT(fgetpos), WR_EXPORT(fsetpos), WR_EXPORT(fgetwc), WR_EXPORT_AS("getwc", fgetwc), WR_EXPORT(fputwc),
    WR_EXPORT_AS("putwc", fputwc), WR_EXPORT(_fgetwchar), WR_EXPORT_AS("getwchar", _fgetwchar), WR_EXPORT(_fputwchar),
    WR_EXPORT_AS("putwchar", _fputwchar), WR_EXPORT(ungetwc), WR_EXPORT(fputws), WR_EXPORT(fgetws), WR_EXPORT(_putws),
    WR_EXPORT(gets), WR_EXPORT(_getws), WR_EXPORT(_fgetchar), WR_EXPORT(_fputchar), WR_EXPORT(_getw), WR_EXPORT(_putw),
    WR_EXPORT(perror), WR_EXPORT(_wperror), WR_EXPORT(_fcloseall), WR_EXPORT(_wfreopen), WR_EXPORT(freopen),
    WR_EXPORT(freopen_s), WR_EXPORT(_fsopen), WR_EXPORT(_wfsopen), WR_EXPORT(fopen_s), WR_EXPORT(_wfopen_s),
    WR_EXPORT(_wfdopen), WR_EXPORT(tmpfile), WR_EXPORT(tmpfile_s), WR_EXPORT(_rmtmp), WR_EXPORT(_getmaxstdio),
    WR_EXPORT(_setmaxstdio), WR_EXPORT(vswprintf), WR_EXPORT(_vscwprintf), WR_EXPORT(_scwprintf), WR_EXPORT(swscanf),
    WR_EXPORT(fwscanf), WR_EXPORT(wscanf), WR_EXPORT(_vsnprintf_s), WR_EXPORT(_snprintf_s), WR_EXPORT(vsprintf_s),
    WR_EXPORT(sprintf_s), WR_EXPORT(_vsnwprintf_s), WR_EXPORT(_snwprintf_s), WR_EXPORT(vswprintf_s),
    WR_EXPORT(swprintf_s), WR_EXPORT(vfprintf_s), WR_EXPORT(fprintf_s), WR_EXPORT(vprintf_s), WR_EXPORT(printf_s),
    WR_EXPORT(vfwprintf_s), WR_EXPORT(fwprintf_s), WR_EXPORT(vwprintf_s), WR_EXPORT(wprintf_s));

}  // namespace winrun::crt
