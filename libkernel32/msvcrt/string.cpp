// The string and memory functions (<string.h>, <wchar.h> subsets). Forwarding to the C library is
// exact for these: their results do not depend on the platform.
#include <cerrno>
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"
#include "unicode.h"

namespace winrun::crt {

void* CDECL memcpy(void* d, const void* s, size_t n) { return ::memcpy(d, s, n); }
void* CDECL memmove(void* d, const void* s, size_t n) { return ::memmove(d, s, n); }
void* CDECL memset(void* d, int c, size_t n) { return ::memset(d, c, n); }
int CDECL memcmp(const void* a, const void* b, size_t n) { return ::memcmp(a, b, n); }
void* CDECL memchr(const void* p, int c, size_t n) { return const_cast<void*>(::memchr(p, c, n)); }
size_t CDECL strlen(const char* s) { return ::strlen(s); }
size_t CDECL strnlen(const char* s, size_t n) { return ::strnlen(s, n); }
int CDECL strcmp(const char* a, const char* b) { return ::strcmp(a, b); }
int CDECL strncmp(const char* a, const char* b, size_t n) { return ::strncmp(a, b, n); }
char* CDECL strcpy(char* d, const char* s) { return ::strcpy(d, s); }
char* CDECL strncpy(char* d, const char* s, size_t n) { return ::strncpy(d, s, n); }
char* CDECL strcat(char* d, const char* s) { return ::strcat(d, s); }
char* CDECL strncat(char* d, const char* s, size_t n) { return ::strncat(d, s, n); }
char* CDECL strchr(const char* s, int c) { return const_cast<char*>(::strchr(s, c)); }
char* CDECL strrchr(const char* s, int c) { return const_cast<char*>(::strrchr(s, c)); }
char* CDECL strstr(const char* h, const char* n) { return const_cast<char*>(::strstr(h, n)); }
size_t CDECL strspn(const char* s, const char* a) { return ::strspn(s, a); }
size_t CDECL strcspn(const char* s, const char* r) { return ::strcspn(s, r); }
char* CDECL strpbrk(const char* s, const char* a) { return const_cast<char*>(::strpbrk(s, a)); }
size_t CDECL wcslen(const char16_t* s) { return wcslen16(s); }

// strerror: msvcrt's own messages (they differ from glibc's).
const char* const k_sys_errlist[] = {
    "No error", "Operation not permitted", "No such file or directory", "No such process",
    "Interrupted function call", "Input/output error", "No such device or address", "Arg list too long",
    "Exec format error", "Bad file descriptor", "No child processes", "Resource temporarily unavailable",
    "Not enough space", "Permission denied", "Bad address", "Unknown error", "Resource device", "File exists",
    "Improper link", "No such device", "Not a directory", "Is a directory", "Invalid argument",
    "Too many open files in system", "Too many open files", "Inappropriate I/O control operation", "Unknown error",
    "File too large", "No space left on device", "Invalid seek", "Read-only file system", "Too many links",
    "Broken pipe", "Domain error", "Result too large", "Unknown error", "Resource deadlock avoided", "Unknown error",
    "Filename too long", "No locks available", "Function not implemented", "Directory not empty",
    "Illegal byte sequence", "Unknown error"};
constexpr int k_sys_nerr = int(sizeof(k_sys_errlist) / sizeof(k_sys_errlist[0])) - 1;

char* CDECL strerror(int e) {
    if (e < 0 || e > k_sys_nerr) e = k_sys_nerr;
    return const_cast<char*>(k_sys_errlist[e]);
}

WR_EXPORT_PART(msvcrt_string,
    WR_EXPORT(memcpy), WR_EXPORT(memmove), WR_EXPORT(memset), WR_EXPORT(memcmp), WR_EXPORT(memchr),
    WR_EXPORT(strlen), WR_EXPORT(strnlen), WR_EXPORT(strcmp), WR_EXPORT(strncmp), WR_EXPORT(strcpy),
    WR_EXPORT(strncpy), WR_EXPORT(strcat), WR_EXPORT(strncat), WR_EXPORT(strchr), WR_EXPORT(strrchr),
    WR_EXPORT(strstr), WR_EXPORT(strspn), WR_EXPORT(strcspn), WR_EXPORT(strpbrk), WR_EXPORT(wcslen),
    WR_EXPORT(strerror));

}  // namespace winrun::crt
