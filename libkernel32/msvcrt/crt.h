// msvcrt internals shared by its area files. Windows-visible functions keep their C names inside
// namespace winrun::crt (so they never collide with glibc's), and are ms_abi (CDECL).
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <algorithm>
#include <mutex>
#include <string>
#include <string_view>

#include "kernel32/k32.h"
#include "wintypes.h"

namespace winrun::crt {
using namespace winrun::win;

// ---- FILE, exactly as msvcrt.dll lays it out (48 bytes). mingw's CRT and MSVC's old getc/putc
// macros read these fields directly; files from fopen are followed by a CRITICAL_SECTION that
// mingw's _lock_file enters directly (FILE + 48).
struct FILE {
    char* _ptr;
    int _cnt;
    char* _base;
    int _flag;
    int _file;
    int _charbuf;
    int _bufsiz;
    char* _tmpfname;
};
static_assert(sizeof(FILE) == 48);
static_assert(offsetof(FILE, _flag) == 24 && offsetof(FILE, _file) == 28 && offsetof(FILE, _bufsiz) == 36);

struct FileEx {  // what fopen allocates
    FILE file;
    RTL_CRITICAL_SECTION lock;
};
static_assert(offsetof(FileEx, lock) == 48);

// _flag bits (msvcrt's internal values)
constexpr int IOREAD = 0x0001, IOWRT = 0x0002, IONBF = 0x0004, IOMYBUF = 0x0008, IOEOF = 0x0010, IOERR = 0x0020,
              IOSTRG = 0x0040, IORW = 0x0080, IOYOURBUF = 0x0100, IOSETVBUF = 0x0400;
constexpr int IOB_ENTRIES = 20;
constexpr int STREAM_LOCKS = 16;  // _lock(16 + i) guards _iob[i]: mingw's _lock_file relies on it
constexpr int TOTAL_LOCKS = STREAM_LOCKS + IOB_ENTRIES;
constexpr int CRT_BUFSIZ = 512, INTERNAL_BUFSIZ = 4096;
constexpr int CRT_EOF = -1;

extern FILE* g_iob;  // storage inside msvcrt.dll's image (the _iob data export)
inline FILE* iob(int i) { return g_iob + i; }

// ---- low-level I/O: the fd table (lowio.cpp). osfile flags as msvcrt has them.
constexpr uint8_t OSF_OPEN = 0x01, OSF_EOF = 0x02, OSF_CRLF = 0x04, OSF_PIPE = 0x08, OSF_NOINHERIT = 0x10, OSF_APPEND = 0x20,
                  OSF_DEV = 0x40, OSF_TEXT = 0x80;
constexpr int O_RDONLY_ = 0x0000, O_WRONLY_ = 0x0001, O_RDWR_ = 0x0002, O_APPEND_ = 0x0008, O_CREAT_ = 0x0100,
              O_TRUNC_ = 0x0200, O_EXCL_ = 0x0400, O_TEXT_ = 0x4000, O_BINARY_ = 0x8000, O_WTEXT_ = 0x10000,
              O_U16TEXT_ = 0x20000, O_U8TEXT_ = 0x40000, O_NOINHERIT_ = 0x0080, O_TEMPORARY_ = 0x0040;
constexpr int MAX_FDS = 2048;

struct IoInfo {
    HANDLE handle = nullptr;  // meaningful only while osfile has OSF_OPEN (constant-initialised: no start-up cost)
    int linux_fd = -1;  // cached from the handle's FileObject: the fast path writes to it directly
    uint8_t osfile = 0;
    int8_t pipech = 10;  // one byte of look-ahead after a CR in text mode (10 = none, as msvcrt)
};
IoInfo* ioinfo(int fd);  // nullptr when fd is out of range
int fd_alloc(HANDLE h, uint8_t osfile);
int crt_write(int fd, const void* buf, unsigned n);
int crt_read(int fd, void* buf, unsigned n);
void init_lowio();

// ---- errno (startup.cpp): per thread, in msvcrt's numbering (same values as Linux for 1..42).
int* errno_location();
uint32_t* doserrno_location();
inline void set_errno(int e) { *errno_location() = e; }
// Windows error -> errno, the msvcrt mapping (_dosmaperr).
void dosmaperr(DWORD win_error);

// ---- locks (startup.cpp)
void lock(int n);
void unlock(int n);
inline bool single_threaded() { return k32::g_thread_count.load(std::memory_order_relaxed) == 1; }

// ---- stdio internals (stdio.cpp)
int flsbuf(int c, FILE* f);
int filbuf(FILE* f);
int flush_stream(FILE* f);
void flush_all();
void init_stdio();
void lock_file(FILE* f);
std::vector<FileEx*> open_files();
int CDECL _wopen(const char16_t* name, int oflag, ...);
int CDECL _close(int fd);
int64_t CDECL _lseeki64(int fd, int64_t off, int whence);
void unlock_file(FILE* f);
// Formatted I/O on a stream, shared by msvcrt's and ucrtbase's entry points (stdio.cpp): the
// formatted text written under the stream's lock (characters written, or -1), and scanf over it.
struct WinArgs;
int put_string(FILE* f, const std::string& s);
int put_wstring(FILE* f, const std::u16string& s);  // through fputwc: text mode converts
int scan_stream(FILE* f, const char* fmt, WinArgs& args);
int scan_wstream(FILE* f, const char16_t* fmt, WinArgs& args);

// ---- start-up data (startup.cpp)
long seh_filter(DWORD exception_code);  // structured exception -> C signal handler
extern int g_app_type;
extern int* p_fmode;
inline int* p_fmode_value() { return p_fmode; }

// ---- errno values as msvcrt numbers them (errno.h of the Windows SDK)
constexpr int EPERM_ = 1, ENOENT_ = 2, ESRCH_ = 3, EINTR_ = 4, EIO_ = 5, ENXIO_ = 6, E2BIG_ = 7, ENOEXEC_ = 8,
              EBADF_ = 9, ECHILD_ = 10, EAGAIN_ = 11, ENOMEM_ = 12, EACCES_ = 13, EFAULT_ = 14, EBUSY_ = 16,
              EEXIST_ = 17, EXDEV_ = 18, ENODEV_ = 19, ENOTDIR_ = 20, EISDIR_ = 21, EINVAL_ = 22, ENFILE_ = 23,
              EMFILE_ = 24, ENOTTY_ = 25, EFBIG_ = 27, ENOSPC_ = 28, ESPIPE_ = 29, EROFS_ = 30, EMLINK_ = 31,
              EPIPE_ = 32, EDOM_ = 33, ERANGE_ = 34, EDEADLK_ = 36, ENAMETOOLONG_ = 38, ENOLCK_ = 39, ENOSYS_ = 40,
              ENOTEMPTY_ = 41, EILSEQ_ = 42;
// A Linux errno -> msvcrt errno, through the Windows error the same failure gives (as msvcrt sees
// it: kernel32 fails with a Windows error, _dosmaperr maps it).
void set_errno_from_linux(int linux_errno);

// ---- ctype (ctype.cpp): the "C" locale tables
constexpr uint16_t CT_UPPER = 0x1, CT_LOWER = 0x2, CT_DIGIT = 0x4, CT_SPACE = 0x8, CT_PUNCT = 0x10,
                   CT_CONTROL = 0x20, CT_BLANK = 0x40, CT_HEX = 0x80, CT_ALPHA = 0x103, CT_LEADBYTE = 0x8000;
extern const uint16_t k_ctype_c[257];  // index c + 1; [0] is EOF
inline bool c_isspace(int c) { return c >= -1 && c <= 255 && (k_ctype_c[c + 1] & CT_SPACE); }
inline bool c_isdigit(int c) { return c >= '0' && c <= '9'; }
// GetStringTypeW(CT_CTYPE1) bits of one UTF-16 unit (what iswctype tests against).
uint16_t wide_ctype(char16_t c);
void init_ctype();
void init_string();
void init_math();

// ---- environment (environ.cpp)
void init_environ();

// ---- time (time.cpp)
void init_time();

// ---- paths (dir.cpp): a Windows path as the program gave it -> the Linux path; on failure errno
// is set (ENOENT for an unmapped drive) and the result is empty.
bool linux_path_of(const char16_t* win, std::string& out);
std::u16string narrow_to_wide(const char* s);  // through the ANSI code page, as msvcrt's *A paths go
std::string wide_to_narrow(std::u16string_view s);

// ---- functions one area file calls in another. The heap functions are declared here so that an
// unqualified malloc/free inside namespace crt is msvcrt's (the process heap), never glibc's:
// memory handed to the program must be freeable with the program's free().
void* CDECL malloc(size_t n);
void* CDECL calloc(size_t count, size_t size);
void CDECL free(void* p);
void* CDECL realloc(void* p, size_t n);
char* CDECL _strdup(const char* s);
char* CDECL strerror(int e);
char16_t* CDECL _wgetenv(const char16_t* name);
char* CDECL getenv(const char* name);
int CDECL _wunlink(const char16_t* path);
char* CDECL tmpnam(char* buf);

// The counted "_s" printf rule (_vsnprintf_s, and the UCRT's __stdio_common_vsnprintf_s): at most
// `count` characters (all with _TRUNCATE), always NUL-terminated; output that does not fit the
// buffer is an error (buffer emptied, ERANGE, -1) unless _TRUNCATE was given, in which case what fits
// is kept and the result is -1. `r` is the formatter's result for `s`.
template <typename C>
int secure_copy(C* buf, size_t size, size_t count, const std::basic_string<C>& s, int r) {
    constexpr size_t TRUNCATE_ = size_t(-1);
    if (!buf || !size) return set_errno(EINVAL_), -1;
    if (r < 0) {
        buf[0] = 0;
        return r;
    }
    size_t len = s.size(), limit = count == TRUNCATE_ ? len : std::min(len, count);
    if (limit > size - 1) {
        if (count == TRUNCATE_) {
            std::memcpy(buf, s.data(), (size - 1) * sizeof(C));
            buf[size - 1] = 0;
            return -1;
        }
        buf[0] = 0;
        return set_errno(ERANGE_), -1;
    }
    std::memcpy(buf, s.data(), limit * sizeof(C));
    buf[limit] = 0;
    return limit < len ? -1 : int(len);
}

}  // namespace winrun::crt
