// Formatting engine behind msvcrt.dll's printf and scanf families.
//
// Reproduces the behaviour of the Windows *system* msvcrt.dll (not glibc, not the UCRT):
// 3-digit exponents, "1.#INF00"-style infinities, %p as 16 upper-case hex digits, 'l' = 32 bits,
// I/I32/I64 size prefixes, legacy %s/%S swapping in the wide functions, %n disabled by default,
// 17 significant digits for floating output, and so on. See format.cpp for the per-quirk notes.
#pragma once
#include <bit>
#include <cstdint>
#include <string>

namespace winrun::crt {

// The arguments of a Windows x64 variadic call, as a Windows va_list sees them: consecutive 8-byte
// slots. Integers narrower than 64 bits occupy the low bytes of a slot; double occupies a full slot
// (its bit pattern); a float passed through "..." was promoted to double. Pointers are 8 bytes.
struct WinArgs {
    const uint64_t* slot;
    uint64_t next() { return *slot++; }
    double next_double() { return std::bit_cast<double>(next()); }  // reinterpret the next slot's bits
};

// Formats like msvcrt.dll's printf: appends to `out`, returns the number of characters produced,
// or -1 for a format msvcrt rejects (NULL format, %n while disabled, a wide string that cannot be
// converted to the narrow C locale). On -1, whatever was produced before the failing directive stays
// in `out` (the caller decides what a truncated sprintf buffer holds) and the caller should set
// errno to EINVAL (for %n) or EILSEQ (for the conversion failure) as msvcrt does; this engine
// touches no global state besides the two knobs declared below.
int format_printf(std::string& out, const char* fmt, WinArgs& args);

// The Universal CRT's printf (ucrtbase.dll's __stdio_common_* entry points) is the same engine with
// the differences the UCRT has from the system msvcrt.dll switched on. `ucrt_options` is the
// options word those entry points take (the _CRT_INTERNAL_PRINTF_* bits below).
//  - exponents have at least two digits ("1e+05") unless LEGACY_THREE_DIGIT_EXPONENTS;
//  - %e/%f/%g print the exact decimal value of the double, correctly rounded (ties to even), not
//    msvcrt's 17 significant digits;
//  - infinities and NaNs print as "inf", "nan", "-nan(ind)", "nan(snan)" ("INF" ... for %E/%F/%G)
//    unless LEGACY_MSVCRT_COMPATIBILITY, which keeps msvcrt's "1.#INF" forms;
//  - in the wide functions %s/%c take narrow arguments (C99; %ls/%lc wide) unless
//    LEGACY_WIDE_SPECIFIERS, which keeps msvcrt's "own width" rule; %S/%C are always the opposite;
//  - 'hh' is char-sized, %F is a conversion of its own.
constexpr uint64_t kUcrtLegacyVsprintfNullTermination = 0x1, kUcrtStandardSnprintf = 0x2,
                   kUcrtLegacyWideSpecifiers = 0x4, kUcrtLegacyMsvcrtCompatibility = 0x8,
                   kUcrtLegacyThreeDigitExponents = 0x10;
int format_printf_ucrt(std::string& out, const char* fmt, WinArgs& args, uint64_t ucrt_options);
int format_wprintf_ucrt(std::u16string& out, const char16_t* fmt, WinArgs& args, uint64_t ucrt_options);
// Wide variant (wprintf family): WCHAR is char16_t. In wide functions %s/%c take wide strings/chars,
// %S/%C narrow ones (and %hs/%ls etc. force width); in narrow functions it is the reverse.
int format_wprintf(std::u16string& out, const char16_t* fmt, WinArgs& args);

// scanf: a character source.
struct ScanSource {
    virtual ~ScanSource() = default;
    virtual int get() = 0;          // next character (0..255 for narrow, 0..0xFFFF wide), or -1 at end
    virtual void unget(int c) = 0;  // push back one character (c may be -1: ignore)
};
// Scans like msvcrt's scanf family: stores through the pointers in `args`; returns the number of
// fields assigned, or -1 (EOF) if input ended before the first conversion.
int scan_format(ScanSource& in, const char* fmt, WinArgs& args);
int scan_wformat(ScanSource& in, const char16_t* fmt, WinArgs& args);

// ---- ScanSource over in-memory strings (sscanf / swscanf and friends) ----------------------------

// Reads a narrow string up to its NUL or `len` bytes, whichever comes first.
class StringScanSource final : public ScanSource {
public:
    explicit StringScanSource(const char* s, size_t len = SIZE_MAX) : s_(s), len_(len) {}
    int get() override {
        if (pos_ >= len_ || s_[pos_] == '\0') return -1;
        return static_cast<unsigned char>(s_[pos_++]);
    }
    void unget(int c) override {
        if (c >= 0 && pos_ > 0) --pos_;
    }
    size_t consumed() const { return pos_; }

private:
    const char* s_;
    size_t len_;
    size_t pos_ = 0;
};

// Reads a wide (UTF-16 code unit) string up to its NUL or `len` units.
class WStringScanSource final : public ScanSource {
public:
    explicit WStringScanSource(const char16_t* s, size_t len = SIZE_MAX) : s_(s), len_(len) {}
    int get() override {
        if (pos_ >= len_ || s_[pos_] == u'\0') return -1;
        return s_[pos_++];
    }
    void unget(int c) override {
        if (c >= 0 && pos_ > 0) --pos_;
    }
    size_t consumed() const { return pos_; }

private:
    const char16_t* s_;
    size_t len_;
    size_t pos_ = 0;
};

// ---- Process-wide msvcrt knobs ----------------------------------------------------------------

// _set_printf_count_output / _get_printf_count_output. The system msvcrt.dll (Vista and later)
// ships with %n disabled: printf invokes the invalid-parameter handler and returns -1 without
// writing. Enabling it makes %n store the count as C requires. Returns the previous setting.
bool set_printf_count_output(bool enable);
bool get_printf_count_output();

// _set_output_format / _get_output_format. kTwoDigitExponent (_TWO_DIGIT_EXPONENT) makes %e/%g
// print exponents with at least two digits instead of msvcrt's default three. Returns the
// previous value.
constexpr unsigned kTwoDigitExponent = 0x1;
unsigned set_output_format(unsigned format);
unsigned get_output_format();

}  // namespace winrun::crt
