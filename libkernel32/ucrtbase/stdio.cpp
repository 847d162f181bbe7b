// ucrtbase.dll stdio: the UCRT's FILE is opaque, so its streams are msvcrt's (__acrt_iob_func hands
// out the same _iob entries), and every printf/scanf of the UCRT headers arrives at one of the
// __stdio_common_* entry points below with an options word. Formatting is msvcrt's engine in its
// UCRT flavour (format.h); the stream and buffer rules are the UCRT's.
#include "builtin/builtin.h"
#include "ucrt.h"

namespace winrun::ucrt {

namespace {
WinArgs args_of(__builtin_ms_va_list ap) { return WinArgs{reinterpret_cast<const uint64_t*>(ap)}; }

// __stdio_common_vsprintf / vswprintf: the three buffer rules the options choose between.
//  - STANDARD_SNPRINTF_BEHAVIOR (C99 snprintf): what fits of count-1 characters and a NUL, returns
//    the full length;
//  - LEGACY_VSPRINTF_NULL_TERMINATION (_snprintf): up to count characters, a NUL only if there is
//    room, -1 when the output did not fit (an exact fit returns its length, unterminated);
//  - neither (vsprintf, swprintf): a NUL always; output that does not fit leaves count-1
//    characters and returns -2 (an exact fit counts as not fitting).
// A NULL buffer with count 0 returns the length the output would have.
template <typename C>
int bounded_store(uint64_t options, C* buf, size_t count, const std::basic_string<C>& s, int r) {
    if (r < 0) {
        if (buf && count) buf[0] = 0;
        return r;
    }
    const size_t len = s.size();
    if (!buf && count == 0) return r;
    if (!buf) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (options & kUcrtStandardSnprintf) {
        if (count == 0) return r;
        size_t n = std::min(len, count - 1);
        std::memcpy(buf, s.data(), n * sizeof(C));
        buf[n] = 0;
        return r;
    }
    if (options & kUcrtLegacyVsprintfNullTermination) {
        size_t n = std::min(len, count);
        std::memcpy(buf, s.data(), n * sizeof(C));
        if (len < count) buf[len] = 0;
        return len > count ? -1 : r;
    }
    if (count == 0) return -2;
    if (len >= count) {
        std::memcpy(buf, s.data(), (count - 1) * sizeof(C));
        buf[count - 1] = 0;
        return -2;
    }
    std::memcpy(buf, s.data(), len * sizeof(C));
    buf[len] = 0;
    return r;
}

// sprintf_s / swprintf_s: everything must fit, else the buffer is emptied, ERANGE and the
// invalid-parameter handler.
template <typename C>
int secure_store(C* buf, size_t size, const std::basic_string<C>& s, int r) {
    if (!buf || !size) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (r < 0) {
        buf[0] = 0;
        return r;
    }
    if (s.size() >= size) {
        buf[0] = 0;
        set_errno(ERANGE_);
        invalid_parameter();
        return -1;
    }
    std::memcpy(buf, s.data(), s.size() * sizeof(C));
    buf[s.size()] = 0;
    return r;
}

template <typename C>
int format_any(uint64_t options, std::basic_string<C>& out, const C* fmt, __builtin_ms_va_list ap) {
    WinArgs a = args_of(ap);
    if constexpr (sizeof(C) == 1) return format_printf_ucrt(out, fmt, a, options);
    else return format_wprintf_ucrt(out, fmt, a, options);
}
}  // namespace

FILE* CDECL __acrt_iob_func(unsigned index) { return index < 3 ? iob(int(index)) : nullptr; }

int CDECL __stdio_common_vfprintf(uint64_t options, FILE* f, const char* fmt, void* /*locale*/,
                                  __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::string out;
    int r = format_any(options, out, fmt, ap);
    if (r < 0) return set_errno(EINVAL_), r;
    return put_string(f, out);
}
int CDECL __stdio_common_vfprintf_s(uint64_t options, FILE* f, const char* fmt, void* locale, __builtin_ms_va_list ap) {
    return __stdio_common_vfprintf(options, f, fmt, locale, ap);
}
int CDECL __stdio_common_vfwprintf(uint64_t options, FILE* f, const char16_t* fmt, void* /*locale*/,
                                   __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::u16string out;
    int r = format_any(options, out, fmt, ap);
    if (r < 0) return set_errno(EINVAL_), r;
    return put_wstring(f, out);
}
int CDECL __stdio_common_vfwprintf_s(uint64_t options, FILE* f, const char16_t* fmt, void* locale,
                                     __builtin_ms_va_list ap) {
    return __stdio_common_vfwprintf(options, f, fmt, locale, ap);
}

int CDECL __stdio_common_vsprintf(uint64_t options, char* buf, size_t count, const char* fmt, void* /*locale*/,
                                  __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::string out;
    int r = format_any(options, out, fmt, ap);
    return bounded_store(options, buf, count, out, r);
}
int CDECL __stdio_common_vswprintf(uint64_t options, char16_t* buf, size_t count, const char16_t* fmt, void*,
                                   __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::u16string out;
    int r = format_any(options, out, fmt, ap);
    return bounded_store(options, buf, count, out, r);
}
int CDECL __stdio_common_vsprintf_s(uint64_t options, char* buf, size_t size, const char* fmt, void*,
                                    __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::string out;
    int r = format_any(options, out, fmt, ap);
    return secure_store(buf, size, out, r);
}
int CDECL __stdio_common_vswprintf_s(uint64_t options, char16_t* buf, size_t size, const char16_t* fmt, void*,
                                     __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::u16string out;
    int r = format_any(options, out, fmt, ap);
    return secure_store(buf, size, out, r);
}
int CDECL __stdio_common_vsnprintf_s(uint64_t options, char* buf, size_t size, size_t count, const char* fmt, void*,
                                     __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::string out;
    int r = format_any(options, out, fmt, ap);
    return secure_copy(buf, size, count, out, r);
}
int CDECL __stdio_common_vsnwprintf_s(uint64_t options, char16_t* buf, size_t size, size_t count,
                                      const char16_t* fmt, void*, __builtin_ms_va_list ap) {
    if (!fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    std::u16string out;
    int r = format_any(options, out, fmt, ap);
    return secure_copy(buf, size, count, out, r);
}

// ---- scanf ----------------------------------------------------------------------------------------
// Options: _CRT_INTERNAL_SCANF_SECURECRT (1: %s %c %[ take a buffer size, the *_s functions) is not
// supported by the engine yet: such calls fail with EINVAL instead of writing past buffers.
// LEGACY_WIDE_SPECIFIERS (2) and LEGACY_MSVCRT_COMPATIBILITY (4) are what the engine does anyway.
constexpr uint64_t kScanfSecure = 1;
int CDECL __stdio_common_vsscanf(uint64_t options, const char* s, size_t count, const char* fmt, void*,
                                 __builtin_ms_va_list ap) {
    if (!s || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (options & kScanfSecure) return set_errno(EINVAL_), -1;
    StringScanSource src(s, count);
    WinArgs a = args_of(ap);
    return scan_format(src, fmt, a);
}
int CDECL __stdio_common_vswscanf(uint64_t options, const char16_t* s, size_t count, const char16_t* fmt, void*,
                                  __builtin_ms_va_list ap) {
    if (!s || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (options & kScanfSecure) return set_errno(EINVAL_), -1;
    WStringScanSource src(s, count);
    WinArgs a = args_of(ap);
    return scan_wformat(src, fmt, a);
}
int CDECL __stdio_common_vfscanf(uint64_t options, FILE* f, const char* fmt, void*, __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (options & kScanfSecure) return set_errno(EINVAL_), -1;
    WinArgs a = args_of(ap);
    return scan_stream(f, fmt, a);
}
int CDECL __stdio_common_vfwscanf(uint64_t options, FILE* f, const char16_t* fmt, void*, __builtin_ms_va_list ap) {
    if (!f || !fmt) return set_errno(EINVAL_), invalid_parameter(), -1;
    if (options & kScanfSecure) return set_errno(EINVAL_), -1;
    WinArgs a = args_of(ap);
    return scan_wstream(f, fmt, a);
}

WR_EXPORT_PART(ucrtbase_stdio,
    WR_EXPORT(__acrt_iob_func), WR_EXPORT(__stdio_common_vfprintf), WR_EXPORT(__stdio_common_vfprintf_s),
    WR_EXPORT(__stdio_common_vfwprintf), WR_EXPORT(__stdio_common_vfwprintf_s), WR_EXPORT(__stdio_common_vsprintf),
    WR_EXPORT(__stdio_common_vswprintf), WR_EXPORT(__stdio_common_vsprintf_s), WR_EXPORT(__stdio_common_vswprintf_s),
    WR_EXPORT(__stdio_common_vsnprintf_s), WR_EXPORT(__stdio_common_vsnwprintf_s), WR_EXPORT(__stdio_common_vsscanf),
    WR_EXPORT(__stdio_common_vswscanf), WR_EXPORT(__stdio_common_vfscanf), WR_EXPORT(__stdio_common_vfwscanf));

}  // namespace winrun::ucrt
