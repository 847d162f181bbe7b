// <string.h> and the string half of <wchar.h>, with msvcrt.dll's results where they are not the C
// library's: strcmp, strncmp (x64), memcmp and wcscmp return -1/0/1, not a difference; the case-
// insensitive functions fold only A-Z in the "C" locale; strtok/wcstok keep per-thread state.
#include <climits>
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"
#include "unicode.h"

namespace winrun::crt {

namespace {
constexpr int NLSCMPERROR = INT_MAX;  // _NLSCMPERROR
constexpr size_t TRUNCATE_ = size_t(-1);
constexpr int STRUNCATE_ = 80;

template <typename C>
inline int fold(C c) {
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}
template <typename C>
size_t slen(const C* s) {
    const C* p = s;
    while (*p) p++;
    return size_t(p - s);
}
template <typename C>
const C* find_char(const C* s, C c) {
    do
        if (*s == c) return s;
    while (*s++);
    return nullptr;
}

thread_local char* t_strtok_next;
thread_local char16_t* t_wcstok_next;
thread_local char t_strerror_buf[128];
thread_local char16_t t_wcserror_buf[128];
}  // namespace

// ---- memory --------------------------------------------------------------------------------------------
// msvcrt's memcpy is memmove (overlapping copies work), and programs rely on it.
void* CDECL memcpy(void* d, const void* s, size_t n) { return ::memmove(d, s, n); }
void* CDECL memmove(void* d, const void* s, size_t n) { return ::memmove(d, s, n); }
void* CDECL memset(void* d, int c, size_t n) { return ::memset(d, c, n); }
int CDECL memcmp(const void* a, const void* b, size_t n) {
    int r = ::memcmp(a, b, n);
    return r < 0 ? -1 : r > 0;
}
void* CDECL memchr(const void* p, int c, size_t n) { return const_cast<void*>(::memchr(p, c, n)); }
void* CDECL _memccpy(void* dst, const void* src, int c, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    while (n--)
        if ((*d++ = *s++) == static_cast<unsigned char>(c)) return d;
    return nullptr;
}
int CDECL _memicmp(const void* a, const void* b, size_t n) {
    if (!a || !b) {
        if (!n) return 0;
        set_errno(EINVAL_);
        return NLSCMPERROR;
    }
    auto* p = static_cast<const signed char*>(a);
    auto* q = static_cast<const signed char*>(b);
    for (; n; n--, p++, q++)
        if (int r = fold(*p) - fold(*q)) return r;
    return 0;
}
void CDECL _swab(char* src, char* dst, int n) {
    for (int i = 0; i + 1 < n; i += 2) {
        char a = src[i], b = src[i + 1];
        dst[i] = b;
        dst[i + 1] = a;
    }
}

// ---- narrow strings ---------------------------------------------------------------------------------------
size_t CDECL strlen(const char* s) { return ::strlen(s); }
size_t CDECL strnlen(const char* s, size_t n) { return ::strnlen(s, n); }
int CDECL strcmp(const char* a, const char* b) {
    int r = ::strcmp(a, b);
    return r < 0 ? -1 : r > 0;
}
int CDECL strncmp(const char* a, const char* b, size_t n) {
    int r = ::strncmp(a, b, n);
    return r < 0 ? -1 : r > 0;
}
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

int CDECL _strnicmp(const char* a, const char* b, size_t n) {
    if (!n) return 0;
    if (!a || !b) {
        set_errno(EINVAL_);
        return NLSCMPERROR;
    }
    int c1, c2;
    do {
        c1 = fold(static_cast<unsigned char>(*a++));
        c2 = fold(static_cast<unsigned char>(*b++));
    } while (--n && c1 && c1 == c2);
    return c1 - c2;
}
int CDECL _stricmp(const char* a, const char* b) { return _strnicmp(a, b, INT_MAX); }

char* CDECL _strdup(const char* s) {
    if (!s) return nullptr;
    size_t n = ::strlen(s) + 1;
    char* d = static_cast<char*>(malloc(n));
    if (d) ::memcpy(d, s, n);
    return d;
}
char* CDECL _strlwr(char* s) {
    for (char* p = s; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = char(*p - 'A' + 'a');
    return s;
}
char* CDECL _strupr(char* s) {
    for (char* p = s; p && *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = char(*p - 'a' + 'A');
    return s;
}
int CDECL _strlwr_s(char* s, size_t size) {
    if (!s || !size || ::strnlen(s, size) == size) {
        if (s && size) s[0] = 0;
        set_errno(EINVAL_);
        return EINVAL_;
    }
    _strlwr(s);
    return 0;
}
int CDECL _strupr_s(char* s, size_t size) {
    if (!s || !size || ::strnlen(s, size) == size) {
        if (s && size) s[0] = 0;
        set_errno(EINVAL_);
        return EINVAL_;
    }
    _strupr(s);
    return 0;
}
char* CDECL _strrev(char* s) {
    if (s && *s)
        for (char *p = s, *q = s + ::strlen(s) - 1; p < q; p++, q--) std::swap(*p, *q);
    return s;
}
char* CDECL _strset(char* s, int c) {
    for (char* p = s; *p; p++) *p = char(c);
    return s;
}
char* CDECL _strnset(char* s, int c, size_t n) {
    for (char* p = s; p && *p && n; p++, n--) *p = char(c);
    return s;
}

// msvcrt keeps strtok's position per thread.
char* CDECL strtok(char* s, const char* delim) {
    if (!s && !(s = t_strtok_next)) return nullptr;
    while (*s && ::strchr(delim, *s)) s++;
    if (!*s) {
        t_strtok_next = s;
        return nullptr;
    }
    char* tok = s++;
    while (*s && !::strchr(delim, *s)) s++;
    if (*s) *s++ = 0;
    t_strtok_next = s;
    return tok;
}
char* CDECL strtok_s(char* s, const char* delim, char** ctx) {
    if (!delim || !ctx || (!s && !*ctx)) {
        set_errno(EINVAL_);
        return nullptr;
    }
    if (!s) s = *ctx;
    while (*s && ::strchr(delim, *s)) s++;
    if (!*s) {
        *ctx = s;
        return nullptr;
    }
    *ctx = s + 1;
    while (**ctx && !::strchr(delim, **ctx)) (*ctx)++;
    if (**ctx) *(*ctx)++ = 0;
    return s;
}

// The "C" locale collates by byte value.
int CDECL strcoll(const char* a, const char* b) { return strcmp(a, b); }
int CDECL _stricoll(const char* a, const char* b) { return _stricmp(a, b); }
int CDECL _strncoll(const char* a, const char* b, size_t n) { return strncmp(a, b, n); }
int CDECL _strnicoll(const char* a, const char* b, size_t n) { return _strnicmp(a, b, n); }
// In the "C" locale the transformed string is the string itself (strncpy semantics: padded with NULs).
template <typename C>
size_t xfrm(C* dst, const C* src, size_t n) {
    if (!src || (!dst && n)) {
        set_errno(EINVAL_);
        return INT_MAX;
    }
    if (n > INT_MAX) n = INT_MAX;
    size_t len = slen(src);
    for (size_t i = 0; i < n; i++) dst[i] = i < len ? src[i] : C(0);
    return len;
}
size_t CDECL strxfrm(char* dst, const char* src, size_t n) { return xfrm(dst, src, n); }

// Secure variants: on bad arguments the destination is emptied and errno/return are EINVAL;
// a destination too small gives ERANGE (STRUNCATE when _TRUNCATE was asked for).
// One implementation per secure function, for the narrow and the wide names.
namespace {
template <typename C>
size_t bounded_len(const C* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}
template <typename C>
int copy_s(C* dst, size_t size, const C* src) {
    if (!dst || !size) return set_errno(EINVAL_), EINVAL_;
    if (!src) {
        dst[0] = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    for (size_t i = 0; i < size; i++)
        if ((dst[i] = src[i]) == 0) return 0;
    dst[0] = 0;
    return set_errno(ERANGE_), ERANGE_;
}
template <typename C>
int cat_s(C* dst, size_t size, const C* src) {
    if (!dst || !size) return set_errno(EINVAL_), EINVAL_;
    if (!src) {
        dst[0] = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    size_t i = bounded_len(dst, size);
    for (size_t j = 0; i < size; i++, j++)
        if ((dst[i] = src[j]) == 0) return 0;
    dst[0] = 0;
    return set_errno(ERANGE_), ERANGE_;
}
template <typename C>
int ncpy_s(C* dst, size_t size, const C* src, size_t count) {
    if (!count) {
        if (dst && size) *dst = 0;
        return 0;
    }
    if (!dst || !size) return set_errno(EINVAL_), EINVAL_;
    if (!src) {
        *dst = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    size_t i = 0;
    for (; i < size && i < count && src[i]; i++) dst[i] = src[i];
    if (i == size) {
        if (count == TRUNCATE_) {
            dst[size - 1] = 0;
            return STRUNCATE_;
        }
        dst[0] = 0;
        return set_errno(ERANGE_), ERANGE_;
    }
    dst[i] = 0;
    return 0;
}
template <typename C>
int ncat_s(C* dst, size_t size, const C* src, size_t count) {
    if (!dst || !size) return set_errno(EINVAL_), EINVAL_;
    if (!count) return 0;
    if (!src) {
        *dst = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    size_t i = bounded_len(dst, size);
    if (i == size) {
        *dst = 0;
        return set_errno(EINVAL_), EINVAL_;
    }
    for (size_t j = 0; i + j < size; j++) {
        if (count == TRUNCATE_ && i + j == size - 1) {
            dst[i + j] = 0;
            return STRUNCATE_;
        }
        if (j == count || (dst[i + j] = src[j]) == 0) {
            dst[i + j] = 0;
            return 0;
        }
    }
    dst[0] = 0;
    return set_errno(ERANGE_), ERANGE_;
}
}  // namespace

int CDECL strcpy_s(char* dst, size_t size, const char* src) { return copy_s(dst, size, src); }
int CDECL strcat_s(char* dst, size_t size, const char* src) { return cat_s(dst, size, src); }
int CDECL strncpy_s(char* dst, size_t size, const char* src, size_t count) { return ncpy_s(dst, size, src, count); }
int CDECL strncat_s(char* dst, size_t size, const char* src, size_t count) { return ncat_s(dst, size, src, count); }

// ---- error messages ---------------------------------------------------------------------------------------
// msvcrt's own messages (they differ from glibc's), the _sys_errlist export.
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

namespace {
const char** g_sys_errlist;  // _sys_errlist data export (an array of pointers)
int* p_sys_nerr;             // _sys_nerr data export
const char* message_of(int e) { return k_sys_errlist[e < 0 || e > k_sys_nerr ? k_sys_nerr : e]; }
}  // namespace

void init_string() {
    for (int i = 0; i <= k_sys_nerr; i++) g_sys_errlist[i] = k_sys_errlist[i];
    *p_sys_nerr = k_sys_nerr;
}

// msvcrt copies the message into a per-thread buffer (callers may write to it).
char* CDECL strerror(int e) {
    ::strcpy(t_strerror_buf, message_of(e));
    return t_strerror_buf;
}
// _strerror(s): "s: <message for errno>\n", or just the message and "\n" without s.
char* CDECL _strerror(const char* s) {
    std::string m;
    if (s && *s) m = std::string(s, ::strnlen(s, 94)) + ": ";
    m += message_of(*errno_location());
    m += "\n";
    ::strncpy(t_strerror_buf, m.c_str(), sizeof t_strerror_buf - 1);
    t_strerror_buf[sizeof t_strerror_buf - 1] = 0;
    return t_strerror_buf;
}
char16_t* CDECL _wcserror(int e) {
    const char* m = message_of(e);
    size_t i = 0;
    for (; m[i] && i < 127; i++) t_wcserror_buf[i] = char16_t(static_cast<unsigned char>(m[i]));
    t_wcserror_buf[i] = 0;
    return t_wcserror_buf;
}
int CDECL strerror_s(char* buf, size_t n, int e) {
    if (!buf || !n) return set_errno(EINVAL_), EINVAL_;
    const char* m = message_of(e);
    size_t len = ::strlen(m);
    if (len >= n) {
        ::memcpy(buf, m, n - 1);
        buf[n - 1] = 0;
        return STRUNCATE_;
    }
    ::memcpy(buf, m, len + 1);
    return 0;
}

// ---- wide strings ----------------------------------------------------------------------------------------
size_t CDECL wcslen(const char16_t* s) { return wcslen16(s); }
size_t CDECL wcsnlen(const char16_t* s, size_t n) {
    size_t i = 0;
    while (i < n && s[i]) i++;
    return i;
}
int CDECL wcscmp(const char16_t* a, const char16_t* b) {
    while (*a && *a == *b) a++, b++;
    return *a < *b ? -1 : *a > *b;
}
// wcsncmp returns the difference of the first differing units (unlike wcscmp).
int CDECL wcsncmp(const char16_t* a, const char16_t* b, size_t n) {
    if (!n) return 0;
    while (--n && *a && *a == *b) a++, b++;
    return int(*a) - int(*b);
}
char16_t* CDECL wcscpy(char16_t* d, const char16_t* s) {
    char16_t* r = d;
    while ((*d++ = *s++)) {}
    return r;
}
char16_t* CDECL wcsncpy(char16_t* d, const char16_t* s, size_t n) {
    size_t i = 0;
    for (; i < n && s[i]; i++) d[i] = s[i];
    for (; i < n; i++) d[i] = 0;
    return d;
}
char16_t* CDECL wcscat(char16_t* d, const char16_t* s) {
    wcscpy(d + slen(d), s);
    return d;
}
char16_t* CDECL wcsncat(char16_t* d, const char16_t* s, size_t n) {
    char16_t* p = d + slen(d);
    for (; n && *s; n--) *p++ = *s++;
    *p = 0;
    return d;
}
char16_t* CDECL wcschr(const char16_t* s, char16_t c) { return const_cast<char16_t*>(find_char(s, c)); }
char16_t* CDECL wcsrchr(const char16_t* s, char16_t c) {
    const char16_t* r = nullptr;
    do
        if (*s == c) r = s;
    while (*s++);
    return const_cast<char16_t*>(r);
}
char16_t* CDECL wcsstr(const char16_t* h, const char16_t* n) {
    size_t nl = slen(n);
    if (!nl) return const_cast<char16_t*>(h);
    for (; *h; h++)
        if (*h == *n && wcsncmp(h, n, nl) == 0) return const_cast<char16_t*>(h);
    return nullptr;
}
size_t CDECL wcsspn(const char16_t* s, const char16_t* accept) {
    const char16_t* p = s;
    while (*p && find_char(accept, *p)) p++;
    return size_t(p - s);
}
size_t CDECL wcscspn(const char16_t* s, const char16_t* reject) {
    const char16_t* p = s;
    while (*p && !find_char(reject, *p)) p++;
    return size_t(p - s);
}
char16_t* CDECL wcspbrk(const char16_t* s, const char16_t* accept) {
    for (; *s; s++)
        if (find_char(accept, *s)) return const_cast<char16_t*>(s);
    return nullptr;
}
int CDECL _wcsnicmp(const char16_t* a, const char16_t* b, size_t n) {
    if (!n) return 0;
    if (!a || !b) {
        set_errno(EINVAL_);
        return NLSCMPERROR;
    }
    int c1, c2;
    do {
        c1 = fold(*a++);
        c2 = fold(*b++);
    } while (--n && c1 && c1 == c2);
    return c1 - c2;
}
int CDECL _wcsicmp(const char16_t* a, const char16_t* b) { return _wcsnicmp(a, b, size_t(-1)); }
char16_t* CDECL _wcsdup(const char16_t* s) {
    if (!s) return nullptr;
    size_t n = (slen(s) + 1) * 2;
    auto* d = static_cast<char16_t*>(malloc(n));
    if (d) ::memcpy(d, s, n);
    return d;
}
char16_t* CDECL _wcslwr(char16_t* s) {
    for (char16_t* p = s; p && *p; p++) *p = char16_t(fold(*p));
    return s;
}
char16_t* CDECL _wcsupr(char16_t* s) {
    for (char16_t* p = s; p && *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = char16_t(*p - 'a' + 'A');
    return s;
}
char16_t* CDECL _wcsrev(char16_t* s) {
    if (s && *s)
        for (char16_t *p = s, *q = s + slen(s) - 1; p < q; p++, q--) std::swap(*p, *q);
    return s;
}
char16_t* CDECL _wcsset(char16_t* s, char16_t c) {
    for (char16_t* p = s; *p; p++) *p = c;
    return s;
}
char16_t* CDECL _wcsnset(char16_t* s, char16_t c, size_t n) {
    for (char16_t* p = s; *p && n; p++, n--) *p = c;
    return s;
}
// msvcrt's wcstok has two arguments (the pre-C95 form) and per-thread state.
char16_t* CDECL wcstok(char16_t* s, const char16_t* delim) {
    if (!s && !(s = t_wcstok_next)) return nullptr;
    while (*s && find_char(delim, *s)) s++;
    if (!*s) {
        t_wcstok_next = s;
        return nullptr;
    }
    char16_t* tok = s++;
    while (*s && !find_char(delim, *s)) s++;
    if (*s) *s++ = 0;
    t_wcstok_next = s;
    return tok;
}
char16_t* CDECL wcstok_s(char16_t* s, const char16_t* delim, char16_t** ctx) {
    if (!delim || !ctx || (!s && !*ctx)) {
        set_errno(EINVAL_);
        return nullptr;
    }
    if (!s) s = *ctx;
    while (*s && find_char(delim, *s)) s++;
    if (!*s) {
        *ctx = s;
        return nullptr;
    }
    char16_t* tok = s++;
    while (*s && !find_char(delim, *s)) s++;
    if (*s) *s++ = 0;
    *ctx = s;
    return tok;
}
int CDECL wcscoll(const char16_t* a, const char16_t* b) { return wcscmp(a, b); }
int CDECL _wcsicoll(const char16_t* a, const char16_t* b) { return _wcsicmp(a, b); }
int CDECL _wcsncoll(const char16_t* a, const char16_t* b, size_t n) { return wcsncmp(a, b, n); }
int CDECL _wcsnicoll(const char16_t* a, const char16_t* b, size_t n) { return _wcsnicmp(a, b, n); }
size_t CDECL wcsxfrm(char16_t* dst, const char16_t* src, size_t n) { return xfrm(dst, src, n); }
int CDECL wcscpy_s(char16_t* dst, size_t size, const char16_t* src) { return copy_s(dst, size, src); }
int CDECL wcscat_s(char16_t* dst, size_t size, const char16_t* src) { return cat_s(dst, size, src); }
int CDECL wcsncpy_s(char16_t* dst, size_t size, const char16_t* src, size_t count) { return ncpy_s(dst, size, src, count); }
int CDECL wcsncat_s(char16_t* dst, size_t size, const char16_t* src, size_t count) { return ncat_s(dst, size, src, count); }
int CDECL _wcslwr_s(char16_t* s, size_t size) {
    if (!s || !size || wcsnlen(s, size) == size) {
        if (s && size) s[0] = 0;
        set_errno(EINVAL_);
        return EINVAL_;
    }
    _wcslwr(s);
    return 0;
}
int CDECL _wcsupr_s(char16_t* s, size_t size) {
    if (!s || !size || wcsnlen(s, size) == size) {
        if (s && size) s[0] = 0;
        set_errno(EINVAL_);
        return EINVAL_;
    }
    _wcsupr(s);
    return 0;
}

WR_EXPORT_PART(msvcrt_string,
    WR_DATA("_sys_errlist", g_sys_errlist, sizeof(char*) * (k_sys_nerr + 1)), WR_DATA("_sys_nerr", p_sys_nerr, 4),
    WR_EXPORT(memcpy), WR_EXPORT(memmove), WR_EXPORT(memset), WR_EXPORT(memcmp), WR_EXPORT(memchr),
    WR_EXPORT(_memccpy), WR_EXPORT(_memicmp), WR_EXPORT(_swab),
    WR_EXPORT(strlen), WR_EXPORT(strnlen), WR_EXPORT(strcmp), WR_EXPORT(strncmp), WR_EXPORT(strcpy),
    WR_EXPORT(strncpy), WR_EXPORT(strcat), WR_EXPORT(strncat), WR_EXPORT(strchr), WR_EXPORT(strrchr),
    WR_EXPORT(strstr), WR_EXPORT(strspn), WR_EXPORT(strcspn), WR_EXPORT(strpbrk), WR_EXPORT(_strnicmp),
    WR_EXPORT(_stricmp), WR_EXPORT_AS("_strcmpi", _stricmp), WR_EXPORT(_strdup), WR_EXPORT(_strlwr),
    WR_EXPORT(_strupr), WR_EXPORT(_strlwr_s), WR_EXPORT(_strupr_s), WR_EXPORT(_strrev), WR_EXPORT(_strset),
    WR_EXPORT(_strnset), WR_EXPORT(strtok), WR_EXPORT(strtok_s), WR_EXPORT(strcoll), WR_EXPORT(_stricoll),
    WR_EXPORT(_strncoll), WR_EXPORT(_strnicoll), WR_EXPORT(strxfrm), WR_EXPORT(strcpy_s), WR_EXPORT(strcat_s),
    WR_EXPORT(strncpy_s), WR_EXPORT(strncat_s), WR_EXPORT(strerror), WR_EXPORT(_strerror), WR_EXPORT(_wcserror),
    WR_EXPORT(strerror_s),
    WR_EXPORT(wcslen), WR_EXPORT(wcsnlen), WR_EXPORT(wcscmp), WR_EXPORT(wcsncmp), WR_EXPORT(wcscpy),
    WR_EXPORT(wcsncpy), WR_EXPORT(wcscat), WR_EXPORT(wcsncat), WR_EXPORT(wcschr), WR_EXPORT(wcsrchr),
    WR_EXPORT(wcsstr), WR_EXPORT(wcsspn), WR_EXPORT(wcscspn), WR_EXPORT(wcspbrk), WR_EXPORT(_wcsnicmp),
    WR_EXPORT(_wcsicmp), WR_EXPORT(_wcsdup), WR_EXPORT(_wcslwr), WR_EXPORT(_wcsupr), WR_EXPORT(_wcsrev),
    WR_EXPORT(_wcsset), WR_EXPORT(_wcsnset), WR_EXPORT(wcstok), WR_EXPORT(wcstok_s), WR_EXPORT(wcscoll),
    WR_EXPORT(_wcsicoll), WR_EXPORT(_wcsncoll), WR_EXPORT(_wcsnicoll), WR_EXPORT(wcsxfrm), WR_EXPORT(wcscpy_s),
    WR_EXPORT(wcscat_s), WR_EXPORT(wcsncpy_s), WR_EXPORT(wcsncat_s), WR_EXPORT(_wcslwr_s), WR_EXPORT(_wcsupr_s));

}  // namespace winrun::crt
