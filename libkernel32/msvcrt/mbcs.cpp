// Multibyte <-> wide conversions in the "C" locale. msvcrt's "C" locale has code page 0, which it
// treats as "bytes are Latin-1": a byte converts to the wide character of the same value, and a wide
// character above 0xFF has no narrow form (EILSEQ). MB_CUR_MAX is 1.
#include <cstring>

#include "builtin/builtin.h"
#include <type_traits>

#include "crt.h"
#include "unicode.h"

namespace winrun::crt {

namespace {
constexpr size_t ILLEGAL = size_t(-1), INCOMPLETE = size_t(-2);
}

int CDECL mblen(const char* s, size_t n) {
    if (!s || !*s || !n) return 0;
    return 1;
}
int CDECL mbtowc(char16_t* dst, const char* s, size_t n) {
    if (!n || !s) return 0;
    if (!*s) {
        if (dst) *dst = 0;
        return 0;
    }
    if (dst) *dst = static_cast<unsigned char>(*s);
    return 1;
}
int CDECL wctomb(char* dst, char16_t wc) {
    if (!dst) return 0;  // no shift states
    if (wc > 0xFF) {
        set_errno(EILSEQ_);
        return -1;
    }
    *dst = char(wc);
    return 1;
}
size_t CDECL mbstowcs(char16_t* dst, const char* src, size_t n) {
    if (!dst) return ::strlen(src);
    size_t i = 0;
    for (; i < n; i++) {
        dst[i] = static_cast<unsigned char>(src[i]);
        if (!src[i]) break;
    }
    return i;
}
// Without a destination the length comes back unchecked, as msvcrt does; with one, a character
// above 0xFF fails the whole call with EILSEQ.
size_t CDECL wcstombs(char* dst, const char16_t* src, size_t n) {
    if (!dst) return wcslen16(src);
    size_t i = 0;
    for (; i < n; i++) {
        if (src[i] > 0xFF) {
            set_errno(EILSEQ_);
            return ILLEGAL;
        }
        dst[i] = char(src[i]);
        if (!src[i]) break;
    }
    return i;
}
// The secure conversions differ only in their character check: in the "C" locale bytes are Latin-1,
// so characters map one to one, and a wide character above 0xFF cannot be converted (EILSEQ).
template <typename D, typename S>
int convert_s(size_t* done, D* dst, size_t size, const S* src, size_t count) {
    if ((!dst && size) || (dst && !size) || !src) {
        if (dst && size) dst[0] = 0;
        set_errno(EINVAL_);
        return EINVAL_;
    }
    size_t len = 0;
    while (src[len]) len++;
    if (count != size_t(-1) && count < len) len = count;
    if constexpr (sizeof(S) > 1)
        for (size_t i = 0; i < len; i++)
            if (src[i] > 0xFF) {
                // Documented: EILSEQ, an empty string, and 0 in *pReturnValue.
                if (dst) dst[0] = 0;
                if (done) *done = 0;
                set_errno(EILSEQ_);
                return EILSEQ_;
            }
    if (!dst) {
        if (done) *done = len + 1;
        return 0;
    }
    int r = 0;
    if (len >= size) {
        if (count != size_t(-1)) {
            dst[0] = 0;
            set_errno(ERANGE_);
            return ERANGE_;
        }
        len = size - 1;
        r = 80;  // STRUNCATE
    }
    for (size_t i = 0; i < len; i++) dst[i] = D(static_cast<std::make_unsigned_t<S>>(src[i]));
    dst[len] = 0;
    if (done) *done = len + 1;
    return r;
}
int CDECL mbstowcs_s(size_t* done, char16_t* dst, size_t size, const char* src, size_t count) {
    return convert_s(done, dst, size, src, count);
}
int CDECL wcstombs_s(size_t* done, char* dst, size_t size, const char16_t* src, size_t count) {
    return convert_s(done, dst, size, src, count);
}

// ---- the restartable forms (no shift states in a single-byte code page) ----------------------------
char16_t CDECL btowc(int c) {
    if (c == -1) return 0xFFFF;  // WEOF
    return char16_t(c & 0xFF);
}
int CDECL wctob(char16_t wc) { return wc <= 0xFF ? int(wc) : -1; }
size_t CDECL mbrtowc(char16_t* dst, const char* s, size_t n, void* /*state*/) {
    if (!s) return 0;
    if (!n) return INCOMPLETE;
    if (dst) *dst = static_cast<unsigned char>(*s);
    return *s ? 1 : 0;
}
size_t CDECL mbrlen(const char* s, size_t n, void* state) { return mbrtowc(nullptr, s, n, state); }
size_t CDECL wcrtomb(char* dst, char16_t wc, void* /*state*/) {
    if (!dst) return 1;
    if (wc > 0xFF) {
        set_errno(EILSEQ_);
        return ILLEGAL;
    }
    *dst = char(wc);
    return 1;
}
int CDECL mbsinit(const void* state) { return !state || *static_cast<const int*>(state) == 0; }
size_t CDECL mbsrtowcs(char16_t* dst, const char** src, size_t n, void* /*state*/) {
    const char* s = *src;
    if (!dst) return ::strlen(s);
    size_t i = 0;
    for (; i < n; i++) {
        dst[i] = static_cast<unsigned char>(s[i]);
        if (!s[i]) {
            *src = nullptr;
            return i;
        }
    }
    *src = s + i;
    return i;
}
size_t CDECL wcsrtombs(char* dst, const char16_t** src, size_t n, void* /*state*/) {
    const char16_t* s = *src;
    size_t i = 0;
    if (!dst) {
        for (; s[i]; i++)
            if (s[i] > 0xFF) {
                set_errno(EILSEQ_);
                return ILLEGAL;
            }
        return i;
    }
    for (; i < n; i++) {
        if (s[i] > 0xFF) {
            *src = s + i;
            set_errno(EILSEQ_);
            return ILLEGAL;
        }
        dst[i] = char(s[i]);
        if (!s[i]) {
            *src = nullptr;
            return i;
        }
    }
    *src = s + i;
    return i;
}

// The multibyte code page (for the _mbs* functions) is separate from the locale: msvcrt sets it to
// the ANSI code page at start-up (_setmbcp(_MB_CP_ANSI)).
int CDECL _getmbcp() { return int(k32::ansi_code_page()); }

WR_EXPORT_PART(msvcrt_mbcs,
    WR_EXPORT(mblen), WR_EXPORT(mbtowc), WR_EXPORT(wctomb), WR_EXPORT(mbstowcs), WR_EXPORT(wcstombs),
    WR_EXPORT(mbstowcs_s), WR_EXPORT(wcstombs_s), WR_EXPORT(btowc), WR_EXPORT(wctob), WR_EXPORT(mbrtowc),
    WR_EXPORT(mbrlen), WR_EXPORT(wcrtomb), WR_EXPORT(mbsinit), WR_EXPORT(mbsrtowcs), WR_EXPORT(wcsrtombs),
    WR_EXPORT(_getmbcp));

}  // namespace winrun::crt
