// stdio on msvcrt's FILE layout: the buffer pointers live in the FILE itself (_ptr/_cnt/_base), as
// msvcrt keeps them, so code that reads them directly keeps working. Buffering as msvcrt does it:
// files and pipes are fully buffered (4096 bytes), a console stdout/stderr is not buffered.
// Lock rule: every public function locks the stream unless the process has one thread (then no
// other thread can race; the _lock_file count stays balanced because both sides skip together).
#include <unistd.h>

#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "crt.h"
#include "format.h"
#include "unicode.h"

namespace winrun::k32 {
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
int CDECL fputc(int c, FILE* f) {
    if (__builtin_expect(single_threaded(), 1)) return putc_nolock(c, f);
    Locked l(f);
    return putc_nolock(c, f);
}
int CDECL _fputc_nolock(int c, FILE* f) { return putc_nolock(c, f); }
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
    if (f->_flag & IOWRT && f->_base) return pos + (f->_ptr - f->_base);
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
long CDECL ftell(FILE* f) { return long(_ftelli64(f)); }

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
int CDECL fseek(FILE* f, long off, int whence) { return _fseeki64(f, off, whence); }
void CDECL rewind(FILE* f) {
    _fseeki64(f, 0, 0);
    f->_flag &= ~IOERR;
}

// ---- formatted output --------------------------------------------------------------------------------
namespace {
int put_string(FILE* f, const std::string& s) {
    Locked l(f);
    for (char c : s)
        if (putc_nolock(static_cast<unsigned char>(c), f) == CRT_EOF) return -1;
    return int(s.size());
}
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

int CDECL vfwprintf(FILE* f, const char16_t* fmt, __builtin_ms_va_list ap) {
    std::u16string out;
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = format_wprintf(out, fmt, a);
    if (r < 0) return r;
    // A narrow stream in text mode gets the characters converted to the ANSI code page.
    put_string(f, k32::wide_to_ansi(out));
    return r;
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
int CDECL fscanf(FILE* f, const char* fmt, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, fmt);
    Locked l(f);
    StreamSource src(f);
    WinArgs a{reinterpret_cast<const uint64_t*>(ap)};
    int r = scan_format(src, fmt, a);
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

void CDECL perror(const char* s);

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
    WR_EXPORT(_snwprintf), WR_EXPORT(swprintf), WR_EXPORT(sscanf), WR_EXPORT(fscanf), WR_EXPORT(scanf));

}  // namespace winrun::crt
