// Tests for the msvcrt printf/scanf formatting engine (libkernel32/msvcrt/format.cpp).
//
// Expected strings are those of the Windows system msvcrt.dll; most come from the native results
// recorded in Wine's dlls/msvcrt/tests/printf.c and scanf.c.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "msvcrt/format.h"

using namespace winrun::crt;

namespace {

// ---- building a Windows x64 va_list -------------------------------------------------------------

// A 32-bit int occupies the low half of its slot; the high half is garbage on Windows, so the
// helpers put garbage there to prove the engine only looks at the bits it should.
uint64_t slot(int v) { return 0xDEADBEEF00000000ull | static_cast<uint32_t>(v); }
uint64_t slot(unsigned v) { return 0xDEADBEEF00000000ull | v; }
uint64_t slot(long long v) { return static_cast<uint64_t>(v); }
uint64_t slot(unsigned long long v) { return v; }
uint64_t slot(double v) { return std::bit_cast<uint64_t>(v); }
uint64_t slot(std::nullptr_t) { return 0; }
template <typename T>
uint64_t slot(T* p) {
    return reinterpret_cast<uintptr_t>(p);
}

struct Printed {
    std::string text;
    int ret;
};

template <typename... A>
Printed printed(const char* fmt, A... a) {
    const uint64_t slots[] = {slot(a)..., 0xBADBADBADBADBADBull};
    WinArgs args{slots};
    Printed p;
    p.ret = format_printf(p.text, fmt, args);
    return p;
}

// The formatted text; also checks that the return value is its length.
template <typename... A>
std::string pf(const char* fmt, A... a) {
    const Printed p = printed(fmt, a...);
    CHECK(p.ret == static_cast<int>(p.text.size()));
    return p.text;
}

template <typename... A>
std::u16string wpf(const char16_t* fmt, A... a) {
    const uint64_t slots[] = {slot(a)..., 0xBADBADBADBADBADBull};
    WinArgs args{slots};
    std::u16string out;
    const int r = format_wprintf(out, fmt, args);
    CHECK(r == static_cast<int>(out.size()));
    return out;
}

template <typename... A>
int sf(const char* input, const char* fmt, A*... ptrs) {
    const uint64_t slots[] = {slot(ptrs)..., 0};
    WinArgs args{slots};
    StringScanSource src(input);
    return scan_format(src, fmt, args);
}

template <typename... A>
int wsf(const char16_t* input, const char16_t* fmt, A*... ptrs) {
    const uint64_t slots[] = {slot(ptrs)..., 0};
    WinArgs args{slots};
    WStringScanSource src(input);
    return scan_wformat(src, fmt, args);
}

const double kInf = std::bit_cast<double>(0x7FF0000000000000ull);
const double kNan = std::bit_cast<double>(0x7FF8000000000000ull);   // what mingw's NAN promotes to
const double kInd = std::bit_cast<double>(0xFFF8000000000000ull);   // the "indefinite" NaN
const double kSnan = std::bit_cast<double>(0x7FF0000000000001ull);  // signalling NaN
const long long kBig = static_cast<long long>(0xFFFFFFFFull * 0xFFFFFFFFull);

}  // namespace

// ------------------------------------------------------------------------------------------------
// printf: integers
// ------------------------------------------------------------------------------------------------

TEST_CASE("printf 64-bit integers with flags, width and precision", "[format][printf]") {
    CHECK(pf("%I64d", kBig) == "-8589934591");
    CHECK(pf("%+8I64d", 100LL) == "    +100");
    CHECK(pf("%+.8I64d", 100LL) == "+00000100");
    CHECK(pf("%+10.8I64d", 100LL) == " +00000100");
    CHECK(pf("%-1.5I64d", -100LL) == "-00100");
    CHECK(pf("%5I64d", 100LL) == "  100");
    CHECK(pf("%5I64d", -100LL) == " -100");
    CHECK(pf("%-5I64d", 100LL) == "100  ");
    CHECK(pf("%-5I64d", -100LL) == "-100 ");
    CHECK(pf("%-.5I64d", 100LL) == "00100");
    CHECK(pf("%-.5I64d", -100LL) == "-00100");
    CHECK(pf("%-8.5I64d", 100LL) == "00100   ");
    CHECK(pf("%-8.5I64d", -100LL) == "-00100  ");
    CHECK(pf("%05I64d", 100LL) == "00100");
    CHECK(pf("%05I64d", -100LL) == "-0100");
    CHECK(pf("% I64d", 100LL) == " 100");
    CHECK(pf("% I64d", -100LL) == "-100");
    CHECK(pf("% 5I64d", 100LL) == "  100");
    CHECK(pf("% 5I64d", -100LL) == " -100");
    CHECK(pf("% .5I64d", 100LL) == " 00100");
    CHECK(pf("% .5I64d", -100LL) == "-00100");
    CHECK(pf("% 8.5I64d", 100LL) == "   00100");
    CHECK(pf("% 8.5I64d", -100LL) == "  -00100");
    CHECK(pf("%.0I64d", 0LL) == "");
    CHECK(pf("%#+21.18I64x", -100LL) == " 0x00ffffffffffffff9c");
    CHECK(pf("%#.25I64o", -100LL) == "0001777777777777777777634");
    CHECK(pf("%#+24.20I64o", -100LL) == " 01777777777777777777634");
    CHECK(pf("%#+18.21I64X", -100LL) == "0X00000FFFFFFFFFFFFFF9C");
    CHECK(pf("%#+20.24I64o", -100LL) == "001777777777777777777634");
    CHECK(pf("%#+25.22I64u", -1LL) == "   0018446744073709551615");
    CHECK(pf("%#+30.25I64u", -1LL) == "     0000018446744073709551615");
    CHECK(pf("%+#25.22I64d", -1LL) == "  -0000000000000000000001");
    CHECK(pf("%#-8.5I64o", 100LL) == "00144   ");
    CHECK(pf("%#-+ 08.5I64d", 100LL) == "+00100  ");
    CHECK(pf("%.80I64d", 1LL) == std::string(79, '0') + "1");
    CHECK(pf("% .80I64d", 1LL) == " " + std::string(79, '0') + "1");
    CHECK(pf("% .80d", 1) == " " + std::string(79, '0') + "1");
}

TEST_CASE("printf integer size prefixes follow msvcrt (l is 32-bit, hh is short)", "[format][printf]") {
    CHECK(pf("%lld", kBig) == "-8589934591");  // ll is 64-bit on Vista+ msvcrt
    CHECK(pf("%I32d", 1) == "1");
    CHECK(pf("%jd", -1LL) == "-1");
    CHECK(pf("%zx", 1LL) == "1");
    CHECK(pf("%tx", 1LL) == "1");
    CHECK(pf("%Ix %d", 0x12345678123456LL, 1) == "12345678123456 1");
    CHECK(pf("%Id", -5LL) == "-5");
    CHECK(pf("%ld", -1) == "-1");  // upper half of the slot is garbage and must be ignored
    CHECK(pf("%lu", -1) == "4294967295");
    CHECK(pf("%u", -1) == "4294967295");
    CHECK(pf("%llu", ~0ull) == "18446744073709551615");
    CHECK(pf("%u", 3000000000u) == "3000000000");
    CHECK(pf("%hx", 0x12345) == "2345");
    CHECK(pf("%hhx", 0x123) == "123");
    CHECK(pf("%hhx", 0x12345) == "2345");
    CHECK(pf("%hd", 0x18000) == "-32768");
    CHECK(pf("%hu", -1) == "65535");
    CHECK(pf("%Ld", 7) == "7");  // L has no effect on integers
    CHECK(pf("%I64I32d", 3) == "3");
}

TEST_CASE("printf integer flags", "[format][printf]") {
    CHECK(pf("% d", 1) == " 1");
    CHECK(pf("%+ d", 1) == "+1");
    CHECK(pf("%-i", -1) == "-1");
    CHECK(pf("%-i", 1) == "1");
    CHECK(pf("%+i", 1) == "+1");
    CHECK(pf("%+u", 1) == "1");  // no sign on unsigned conversions
    CHECK(pf("%o", 10) == "12");
    CHECK(pf("%3d", 1234) == "1234");
    CHECK(pf("%-1d", 2) == "2");
    CHECK(pf("%05d", -42) == "-0042");
    CHECK(pf("%08.3d", 7) == "     007");  // an explicit precision turns '0' off
    CHECK(pf("%#x", 255) == "0xff");
    CHECK(pf("%#X", 255) == "0XFF");
    CHECK(pf("%#012x", 1) == "0x0000000001");
    CHECK(pf("%#012x", 0) == "000000000000");
    CHECK(pf("%#04.8x", 1) == "0x00000001");
    CHECK(pf("%#04.8x", 0) == "00000000");
    CHECK(pf("%#-08.2x", 1) == "0x01    ");
    CHECK(pf("%#-08.2x", 0) == "00      ");
    CHECK(pf("%#.0x", 1) == "0x1");
    CHECK(pf("%#.0x", 0) == "");
    CHECK(pf("%#08o", 1) == "00000001");
    CHECK(pf("%#o", 1) == "01");
    CHECK(pf("%#o", 0) == "0");
    CHECK(pf("%.0d", 0) == "");
    CHECK(pf("%5.0d|", 0) == "     |");
}

TEST_CASE("printf width and precision from arguments", "[format][printf]") {
    CHECK(pf("%*d", 5, 42) == "   42");
    CHECK(pf("%*d", -5, 42) == "42   ");
    CHECK(pf("%.*d", 4, 42) == "0042");
    CHECK(pf("%.*d", -4, 42) == "42");  // negative precision: as if omitted
    CHECK(pf("%.*s", 1, "foo") == "f");
    CHECK(pf("%*s", -5, "foo") == "foo  ");
    // Digits after '*' keep accumulating onto the argument's value.
    CHECK(pf("%*1d", 1, 3) == "          3");
    CHECK(pf("%0*0d", 1, 2) == "0000000002");
    CHECK(pf("% *2d", 0, 7) == " 7");
}

TEST_CASE("printf %p", "[format][printf]") {
    const void* p57 = reinterpret_cast<const void*>(57);
    CHECK(pf("%p", p57) == "0000000000000039");
    CHECK(pf("%p", reinterpret_cast<const void*>(42)) == "000000000000002A");
    CHECK(pf("%#020p", p57) == "  0X0000000000000039");
    CHECK(pf("%#-020p", p57) == "0X0000000000000039  ");
    CHECK(pf("%Fp", p57) == "0000000000000039");
    CHECK(pf("%Np", p57) == "0000000000000039");
    CHECK(pf("%p", nullptr) == "0000000000000000");
    CHECK(pf("%#p", nullptr) == "0000000000000000");
    CHECK(pf("%p", reinterpret_cast<const void*>(0x7FF612345678ull)) == "00007FF612345678");
}

// ------------------------------------------------------------------------------------------------
// printf: malformed directives
// ------------------------------------------------------------------------------------------------

TEST_CASE("printf prints unknown or misplaced characters literally", "[format][printf]") {
    CHECK(pf("%_1I64d", 100LL) == "_1I64d");
    CHECK(pf("%I", 1) == "I");
    CHECK(pf("%Iq", 1) == "Iq");
    CHECK(pf("%Ihd", 1) == "Ihd");
    CHECK(pf("%I0d", 1) == "I0d");
    CHECK(pf("%I64D", -1LL) == "D");
    CHECK(pf("%z", 1) == "z");
    CHECK(pf("%t", 1) == "t");
    CHECK(pf("%b") == "b");
    CHECK(pf("%3h") == "");
    CHECK(pf("%k%m%q%r%t%v%y%z") == "kmqrtvyz");
    CHECK(pf("%w", -1) == "");
    CHECK(pf("%h", -1) == "");
    CHECK(pf("%j", -1LL) == "");
    CHECK(pf("%F", -1) == "");
    CHECK(pf("%N", -1) == "");
    CHECK(pf("%H", -1) == "H");
    CHECK(pf("%%0") == "%0");
    CHECK(pf("%w0s", u"wide") == "0s");
    CHECK(pf("%w-s", u"wide") == "-s");
    CHECK(pf("hello") == "hello");
    CHECK(pf("100%") == "100");      // a directive cut short by the end prints nothing
    CHECK(pf("%5%") == "%");         // '%' inside a directive is printed, it starts nothing
    CHECK(pf("%l%d", 5) == "%d");    // ... and consumes no argument
    CHECK(pf("%5*d", 1) == "*d");    // '*' after width digits is not accepted
    CHECK(pf("%.5.3d", 1) == ".3d");
}

// ------------------------------------------------------------------------------------------------
// printf: characters and strings
// ------------------------------------------------------------------------------------------------

TEST_CASE("printf characters", "[format][printf]") {
    CHECK(pf("%04c", '1') == "0001");
    CHECK(pf("%-04c", '1') == "1   ");
    CHECK(pf("%3c", 'a') == "  a");
    CHECK(pf("x%cx", 0x100 + 'X') == "xXx");
    CHECK(pf("%c", 0xa082) == "\x82");
    CHECK(pf("%C", 'a') == "a");
    CHECK(pf("%C", 0x3042) == "");  // no C-locale byte: nothing, not even padding
    CHECK(pf("a%Cb", 0x3042) == "ab");
    CHECK(pf("a%5Cb", 0x3042) == "ab");
    CHECK(pf("%lc", 0xE9) == "\xE9");
    CHECK(pf("%wc", 'w') == "w");
    CHECK(pf("%hC", 'h') == "h");
    const Printed nul = printed("contains%cnull", 0);
    CHECK(nul.ret == 13);
    CHECK(nul.text == std::string("contains\0null", 13));
}

TEST_CASE("printf strings", "[format][printf]") {
    CHECK(pf("%04s", "foo") == "0foo");
    CHECK(pf("%.1s", "foo") == "f");
    CHECK(pf("%-6s|", "ab") == "ab    |");
    CHECK(pf("%s", nullptr) == "(null)");
    CHECK(pf("%.3s", nullptr) == "(nu");
    CHECK(pf("%S", nullptr) == "(null)");  // a NULL wide string prints "(null)" too
    CHECK(pf("%s", "%%%%") == "%%%%");
    CHECK(pf("%S", u"wide") == "wide");
    CHECK(pf("%ws", u"wide") == "wide");
    CHECK(pf("%-10ws", u"wide") == "wide      ");
    CHECK(pf("%10ws", u"wide") == "      wide");
    CHECK(pf("%#+ -03whlls", u"wide") == "wide");
    CHECK(pf("%ls", u"wide") == "wide");
    CHECK(pf("%Ls", "not wide") == "not wide");
    CHECK(pf("%hS", "narrow") == "narrow");
    CHECK(pf("%.2S", u"wide") == "wi");
    CHECK(pf("%S", u"caf\u00e9") == "caf\xE9");  // <= 0xFF converts byte for byte
    // A WCHAR with no single-byte form makes the whole call fail.
    const Printed bad = printed("x%Sy", u"\u3042");
    CHECK(bad.ret == -1);
    // Precision stops the read before the unconvertible character.
    CHECK(pf("%.1S", u"a\u3042") == "a");
}

TEST_CASE("printf %Z counted strings", "[format][printf]") {
    struct AnsiString {
        uint16_t length, maximum;
        uint32_t pad;
        const char* buffer;
    };
    struct UnicodeString {
        uint16_t length, maximum;
        uint32_t pad;
        const char16_t* buffer;
    };
    const AnsiString a{5, 6, 0, "hello, world"};
    const UnicodeString u{8, 10, 0, u"wide string"};
    const AnsiString empty{0, 0, 0, nullptr};
    CHECK(pf("[%Z]", &a) == "[hello]");
    CHECK(pf("[%wZ]", &u) == "[wide]");
    CHECK(pf("[%6Z]", &a) == "[ hello]");
    CHECK(pf("[%Z]", &empty) == "[(null)]");
    CHECK(pf("[%Z]", nullptr) == "[(null)]");
}

// ------------------------------------------------------------------------------------------------
// printf: floating point
// ------------------------------------------------------------------------------------------------

TEST_CASE("printf %e uses three exponent digits", "[format][printf][float]") {
    const double pnumber = 789456123;
    CHECK(pf("%+#23.15e", pnumber) == "+7.894561230000000e+008");
    CHECK(pf("%-#23.15e", pnumber) == "7.894561230000000e+008 ");
    CHECK(pf("%#23.15e", pnumber) == " 7.894561230000000e+008");
    CHECK(pf("%#1.1g", pnumber) == "8.e+008");
    CHECK(pf("%2.4e", 8.6) == "8.6000e+000");
    CHECK(pf("% 2.4e", 8.6) == " 8.6000e+000");
    CHECK(pf("% 014.4e", 8.6) == " 008.6000e+000");
    CHECK(pf("% 2.4e", -8.6) == "-8.6000e+000");
    CHECK(pf("%+2.4e", 8.6) == "+8.6000e+000");
    CHECK(pf("%e", 1.0) == "1.000000e+000");
    CHECK(pf("%E", 1.5e-10) == "1.500000E-010");
    CHECK(pf("%e", 0.0) == "0.000000e+000");
    CHECK(pf("%e", 1e300) == "1.000000e+300");
    CHECK(pf("%.0e", 12345.0) == "1e+004");
    CHECK(pf("%#.0e", 12345.0) == "1.e+004");
    CHECK(pf("%.1e", 9.96) == "1.0e+001");  // rounding carries into the exponent
    CHECK(pf("%e", 4.9406564584124654e-324) == "4.940656e-324");
}

TEST_CASE("printf %f", "[format][printf][float]") {
    CHECK(pf("%2.4f", 8.6) == "8.6000");
    CHECK(pf("%0f", 0.6) == "0.600000");
    CHECK(pf("%.0f", 0.6) == "1");
    CHECK(pf("%f", 3.141592653590000) == "3.141593");
    CHECK(pf("%.10f", 3.141592653590000) == "3.1415926536");
    CHECK(pf("%.11f", 3.141592653590000) == "3.14159265359");
    CHECK(pf("%.15f", 3.141592653590000) == "3.141592653590000");
    CHECK(pf("%.15f", M_PI) == "3.141592653589793");
    CHECK(pf("%.13f", 37.866261574537077) == "37.8662615745371");
    CHECK(pf("%.14f", 37.866261574537077) == "37.86626157453708");
    CHECK(pf("%.15f", 37.866261574537077) == "37.866261574537077");
    CHECK(pf("%f", -0.0) == "-0.000000");
    CHECK(pf("%f", 0.0) == "0.000000");
    CHECK(pf("%#.0f", 3.0) == "3.");
    CHECK(pf("%+.2f", 2.0) == "+2.00");
    CHECK(pf("%08.2f", -3.14159) == "-0003.14");
    CHECK(pf("%-8.2f|", 3.14159) == "3.14    |");
    CHECK(pf("%.2f", 0.006) == "0.01");
    CHECK(pf("%.2f", 0.004) == "0.00");
    CHECK(pf("%.1f", 9.96) == "10.0");
    CHECK(pf("%lf", 1.5) == "1.500000");
    CHECK(pf("%Lf", 1.5) == "1.500000");  // long double is double
}

TEST_CASE("printf rounds the decimal string half away from zero", "[format][printf][float]") {
    CHECK(pf("%.0f", -1.5) == "-2");
    CHECK(pf("%.0f", -0.5) == "-1");
    CHECK(pf("%.0f", 0.5) == "1");
    CHECK(pf("%.0f", 1.5) == "2");
    CHECK(pf("%.0f", 2.5) == "3");      // glibc: "2"
    CHECK(pf("%.2f", 0.125) == "0.13");  // glibc: "0.12"
    CHECK(pf("%.0f", 0.4) == "0");
    CHECK(pf("%.0f", -0.4) == "-0");
}

TEST_CASE("printf generates only 17 significant digits", "[format][printf][float]") {
    CHECK(pf("%.30f", 1.0 / 3.0) == "0.333333333333333310000000000000");
    CHECK(pf("%.30lf", std::sqrt(2.0)) == "1.414213562373095100000000000000");
    CHECK(pf("%.0f", 123456789012345678901.0) == "123456789012345680000");
    // 1e300 is 1.0000000000000000525e300: the 17th digit rounds up, the rest are zeros.
    CHECK(pf("%f", 1e300) == "10000000000000001" + std::string(284, '0') + ".000000");
    CHECK(pf("%.20e", 0.1) == "1.00000000000000010000e-001");
}

TEST_CASE("printf %g", "[format][printf][float]") {
    CHECK(pf("%2.4g", 8.6) == "8.6");
    CHECK(pf("%g", 0.0005) == "0.0005");
    CHECK(pf("%g", 0.00005) == "5e-005");
    CHECK(pf("%g", 0.000005) == "5e-006");
    CHECK(pf("%g", 999999999999999.0) == "1e+015");
    CHECK(pf("%g", 1000000000000000.0) == "1e+015");
    CHECK(pf("%.15g", 0.0005) == "0.0005");
    CHECK(pf("%.15g", 0.00005) == "5e-005");
    CHECK(pf("%.15g", 0.000005) == "5e-006");
    CHECK(pf("%.15g", 999999999999999.0) == "999999999999999");
    CHECK(pf("%.15g", 1000000000000000.0) == "1e+015");
    CHECK(pf("%g", 1e20) == "1e+020");
    CHECK(pf("%g", 100000.0) == "100000");
    CHECK(pf("%g", 1000000.0) == "1e+006");
    CHECK(pf("%g", 0.0) == "0");
    CHECK(pf("%#g", 0.0) == "0.00000");
    CHECK(pf("%#g", 1.0) == "1.00000");
    CHECK(pf("%g", 1.5) == "1.5");
    CHECK(pf("%G", 1.5e-7) == "1.5E-007");
    CHECK(pf("%.0g", 123.0) == "1e+002");
    CHECK(pf("%g", 9.9999999) == "10");
    CHECK(pf("%10.3g|", 3.14159) == "      3.14|");
    CHECK(pf("%-10g|", -2.5) == "-2.5      |");
}

TEST_CASE("printf infinities and NaNs, msvcrt style", "[format][printf][float]") {
    CHECK(pf("%lf", kInd) == "-1.#IND00");
    CHECK(pf("%lf", kNan) == "1.#QNAN0");
    CHECK(pf("%lf", kInf) == "1.#INF00");
    CHECK(pf("%f", -kInf) == "-1.#INF00");
    CHECK(pf("%f", kSnan) == "1.#SNAN0");
    CHECK(pf("%f", -kNan) == "-1.#IND00");  // -NAN has exactly the indefinite bit pattern
    CHECK(pf("%f", std::bit_cast<double>(0xFFF8000000000001ull)) == "-1.#QNAN0");
    CHECK(pf("%le", kInd) == "-1.#IND00e+000");
    CHECK(pf("%le", kNan) == "1.#QNAN0e+000");
    CHECK(pf("%le", kInf) == "1.#INF00e+000");
    CHECK(pf("%lg", kInd) == "-1.#IND");
    CHECK(pf("%lg", kNan) == "1.#QNAN");
    CHECK(pf("%lg", kInf) == "1.#INF");
    // The "#INF" characters are rounded like digits ('I' + 1 == 'J', '#' + 1 == '$').
    CHECK(pf("%010.2lf", kInd) == "-000001.#J");
    CHECK(pf("%010.2lf", kNan) == "0000001.#R");
    CHECK(pf("%010.2lf", kInf) == "0000001.#J");
    CHECK(pf("%.1f", kInf) == "1.$");
    CHECK(pf("%.0f", kInf) == "1");
    CHECK(pf("%.3g", kInf) == "1.#J");
    CHECK(pf("%+f", kInf) == "+1.#INF00");
    CHECK(pf("%12f|", kInf) == "    1.#INF00|");
    CHECK(pf("%E", kInf) == "1.#INF00E+000");
    CHECK(pf("%a", kInf) == "0x1.#INF000000000p+0");
}

TEST_CASE("printf %a", "[format][printf][float]") {
    CHECK(pf("%a", 1.0) == "0x1.0000000000000p+0");
    CHECK(pf("%A", 0.5) == "0X1.0000000000000P-1");
    CHECK(pf("%a", -2.0) == "-0x1.0000000000000p+1");
    CHECK(pf("%a", 0.0) == "0x0.0000000000000p+0");
    CHECK(pf("%.1a", 1.96875) == "0x2.0p+0");  // 0x1.f8: the next digit >= 8 rounds up
    CHECK(pf("%.0a", 1.5) == "0x2p+0");
    CHECK(pf("%#.0a", 1.0) == "0x1.p+0");
    CHECK(pf("%.3a", 1.0) == "0x1.000p+0");
    CHECK(pf("%a", 4.9406564584124654e-324) == "0x0.0000000000001p-1022");
    CHECK(pf("%025a", 1.0) == "0x000001.0000000000000p+0");
}

TEST_CASE("printf two-digit exponent mode", "[format][printf][float]") {
    const unsigned old = set_output_format(kTwoDigitExponent);
    CHECK(pf("%e", 1.0) == "1.000000e+00");
    CHECK(pf("%g", 1e20) == "1e+20");
    CHECK(pf("%e", 1e100) == "1.000000e+100");
    CHECK(pf("%e", kInf) == "1.#INF00e+00");
    set_output_format(old);
    CHECK(pf("%e", 1.0) == "1.000000e+000");
}

TEST_CASE("printf large precisions are clamped to 512", "[format][printf][float]") {
    const std::string f = pf("%.600f", 1.0);
    CHECK(f.size() == 2 + 512);
    CHECK(pf("%.600d", 1).size() == 512);
}

// ------------------------------------------------------------------------------------------------
// printf: %n and return values
// ------------------------------------------------------------------------------------------------

TEST_CASE("printf %n is disabled by default", "[format][printf]") {
    REQUIRE_FALSE(get_printf_count_output());
    int x = 0;
    const Printed p = printed("asdf%n", &x);
    CHECK(p.ret == -1);
    CHECK(x == 0);

    set_printf_count_output(true);
    const Printed q = printed("asdf%nxyz", &x);
    CHECK(q.ret == 7);
    CHECK(q.text == "asdfxyz");
    CHECK(x == 4);
    short hs = 0;
    CHECK(pf("ab%hn", &hs) == "ab");
    CHECK(hs == 2);
    set_printf_count_output(false);
}

TEST_CASE("printf appends to the output and counts only its own characters", "[format][printf]") {
    const uint64_t slots[] = {slot(12)};
    WinArgs args{slots};
    std::string out = "prefix:";
    CHECK(format_printf(out, "%d!", args) == 3);
    CHECK(out == "prefix:12!");
}

// ------------------------------------------------------------------------------------------------
// wprintf
// ------------------------------------------------------------------------------------------------

TEST_CASE("wprintf swaps %s and %S", "[format][wprintf]") {
    CHECK(wpf(u"%s", u"wide") == u"wide");
    CHECK(wpf(u"%S", "string") == u"string");
    CHECK(wpf(u"%hs", "string") == u"string");
    CHECK(wpf(u"%ls", u"wide") == u"wide");
    CHECK(wpf(u"%ws", u"wide") == u"wide");
    CHECK(wpf(u"%hS", "narrow") == u"narrow");
    CHECK(wpf(u"%s", nullptr) == u"(null)");
    CHECK(wpf(u"%S", nullptr) == u"(null)");
    CHECK(wpf(u"%-6s|", u"\u3042") == u"\u3042     |");
    CHECK(wpf(u"%S", "caf\xE9") == u"caf\u00e9");
    CHECK(wpf(u"%.2S", "abc") == u"ab");
}

TEST_CASE("wprintf characters", "[format][wprintf]") {
    CHECK(wpf(u"%c", 0x3042) == u"\u3042");
    CHECK(wpf(u"%C", 'a') == u"a");
    CHECK(wpf(u"%hc", 0x141) == u"A");
    CHECK(wpf(u"%3c", 'z') == u"  z");
}

TEST_CASE("wprintf numbers and quirks", "[format][wprintf]") {
    CHECK(wpf(u"%+#23.15e", 789456123.0) == u"+7.894561230000000e+008");
    CHECK(wpf(u"%I64d", kBig) == u"-8589934591");
    CHECK(wpf(u"%p", reinterpret_cast<const void*>(42)) == u"000000000000002A");
    CHECK(wpf(u"%f", kInf) == u"1.#INF00");
    CHECK(wpf(u"%5.1f|", 2.25) == u"  2.3|");
    CHECK(wpf(u"\u3042%d\u3044", 5) == u"\u30425\u3044");
    CHECK(wpf(u"%\u3042") == u"\u3042");
    CHECK(wpf(u"%%") == u"%");
}

// ------------------------------------------------------------------------------------------------
// scanf
// ------------------------------------------------------------------------------------------------

TEST_CASE("scanf returns EOF only when input ends before the first conversion", "[format][scanf]") {
    int result = 0;
    char buffer[100], buffer1[100];
    CHECK(sf("", "%d", &result) == -1);
    CHECK(sf(" \t\n\n", "%s", buffer) == -1);
    buffer1[0] = 'a';
    CHECK(sf("test\n", "%s%c", buffer, buffer1) == 2);
    CHECK(std::string(buffer) == "test");
    CHECK(buffer1[0] == '\n');
    buffer1[0] = 'b';
    CHECK(sf("a", "%s%s", buffer, buffer1) == 1);
    CHECK(buffer[0] == 'a');
    CHECK(buffer[1] == '\0');
    CHECK(buffer1[0] == 'b');
    CHECK(sf("abc", "%d", &result) == 0);  // a matching failure is not EOF
    int skipped_then = 0;
    CHECK(sf("5", "%*d%d", &skipped_then) == 0);  // a suppressed conversion did complete
    CHECK(sf("", "") == 0);
}

TEST_CASE("scanf %p and %x", "[format][scanf]") {
    void* ptr = nullptr;
    CHECK(sf("000000000046F170", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x46F170));
    CHECK(sf("0046F171", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x46F171));
    CHECK(sf("46F172", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x46F172));
    CHECK(sf("0x46F173", "%p", &ptr) == 1);  // no 0x prefix for %p: reads "0"
    CHECK(ptr == nullptr);
    CHECK(sf("-46F174", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(static_cast<uintptr_t>(-0x46f174)));
    CHECK(sf("+46F175", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x46F175));
    CHECK(sf("1233", "%p", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x1233));
    CHECK(sf("1234", "%P", &ptr) == 1);
    CHECK(ptr == reinterpret_cast<void*>(0x1234));

    int result = 0;
    CHECK(sf("0x519", "%x", &result) == 1);
    CHECK(result == 0x519);
    CHECK(sf("0x51a", "%x", &result) == 1);
    CHECK(result == 0x51a);
    CHECK(sf("0x51g", "%x", &result) == 1);
    CHECK(result == 0x51);
    result = 0;
    CHECK(sf("-1", "%x", &result) == 1);
    CHECK(result == -1);
    long long big = 0;
    CHECK(sf("fedcba9876543210", "%I64x", &big) == 1);
    CHECK(static_cast<unsigned long long>(big) == 0xfedcba9876543210ull);
}

TEST_CASE("scanf integers and size prefixes", "[format][scanf]") {
    int result = 0;
    CHECK(sf("123", "%i", &result) == 1);
    CHECK(result == 123);
    CHECK(sf("-1", "%i", &result) == 1);
    CHECK(result == -1);
    CHECK(sf("-1", "%d", &result) == 1);
    CHECK(result == -1);
    CHECK(sf("017", "%i", &result) == 1);
    CHECK(result == 15);
    CHECK(sf("0x17", "%i", &result) == 1);
    CHECK(result == 23);
    CHECK(sf("-0x1A", "%i", &result) == 1);
    CHECK(result == -26);
    result = 0;
    CHECK(sf("-1", "%o", &result) == 1);
    CHECK(result == -1);
    result = 0;
    CHECK(sf("-1", "%u", &result) == 1);
    CHECK(result == -1);

    // 'h' stores a short; width and size prefixes may be interleaved; "hh" stores a full int.
    auto with_garbage = [](const char* input, const char* fmt) {
        unsigned r = 0xdeadbeef;
        CHECK(sf(input, fmt, &r) == 1);
        return r;
    };
    CHECK(with_garbage("12345678", "%hd") == 0xdead614eu);
    CHECK(with_garbage("12345678", "%02hd") == 0xdead000cu);
    CHECK(with_garbage("12345678", "%h02d") == 0xdead000cu);
    CHECK(with_garbage("12345678", "%000h02d") == 0xdead000cu);
    CHECK(with_garbage("12345678", "%2h0d") == 0xdead614eu);
    CHECK(with_garbage("12345678", "%hhd") == 0xbc614eu);
    CHECK(with_garbage("12345678", "%ld") == 12345678u);

    long long r64 = 0;
    CHECK(sf("12345678901234", "%lld", &r64) == 1);
    CHECK(r64 == 12345678901234LL);
    CHECK(sf("-9223372036854775808", "%I64d", &r64) == 1);
    CHECK(r64 == INT64_MIN);
    CHECK(sf("4294967297", "%d", &result) == 1);  // wraps like msvcrt's accumulator
    CHECK(result == 1);
    CHECK(sf("  +42", "%3d", &result) == 1);  // width counts the sign
    CHECK(result == 42);
}

TEST_CASE("scanf floats", "[format][scanf]") {
    float f1 = 0, f2 = 0;
    const std::string text = pf("%f %f", static_cast<double>(-82.6267f), static_cast<double>(27.76f));
    CHECK(text == "-82.626701 27.760000");
    CHECK(sf(text.c_str(), "%f%f", &f1, &f2) == 2);
    CHECK(f1 == -82.6267f);
    CHECK(f2 == 27.76f);

    double d = 0;
    CHECK(sf("32.715", "%lf", &d) == 1);
    CHECK(d == 32.715);
    d = 0;
    CHECK(sf("32.715", "%Lf", &d) == 1);
    CHECK(d == 32.715);
    CHECK(sf("1.1e-30", "%lf", &d) == 1);
    CHECK(d == 1.1e-30);
    d = 1;
    CHECK(sf("", "%lf", &d) == -1);
    CHECK(d == 1);
    CHECK(sf(".5", "%lf", &d) == 1);
    CHECK(d == 0.5);
    CHECK(sf("-2.5E+2x", "%le", &d) == 1);
    CHECK(d == -250.0);
    CHECK(sf("123456", "%3lf", &d) == 1);
    CHECK(d == 123.0);
    CHECK(sf("x", "%lf", &d) == 0);
    CHECK(sf("-", "%lf", &d) == 0);
}

TEST_CASE("scanf strings, characters and sets", "[format][scanf]") {
    char buffer[100], buffer1[100];
    const std::string pname = " St. Petersburg, Florida\n";
    const std::string text = pf(" %s", pname.c_str());
    CHECK(sf(text.c_str(), "%*c%[^\n]", buffer1) == 1);
    CHECK(std::string(buffer1) == pname.substr(0, pname.size() - 1));

    CHECK(sf("abcefgdh", "%*[a-cg-e]%c", &buffer[0]) == 1);
    CHECK(buffer[0] == 'd');
    CHECK(sf("abcefgdh", "%*[a-cd-dg-e]%c", &buffer[0]) == 1);
    CHECK(buffer[0] == 'h');
    CHECK(sf("-123", "%[-0-9]", buffer) == 1);
    CHECK(std::string(buffer) == "-123");
    CHECK(sf("-321", "%[0-9-]", buffer) == 1);
    CHECK(std::string(buffer) == "-321");
    CHECK(sf("-4123", "%[1-2-4]", buffer) == 1);
    CHECK(std::string(buffer) == "-412");
    CHECK(sf("-456123", "%[1-2-45-6]", buffer) == 1);
    CHECK(std::string(buffer) == "-45612");
    CHECK(sf("]]x", "%[]]", buffer) == 1);
    CHECK(std::string(buffer) == "]]");
    CHECK(sf("xyz", "%[a-c]", buffer) == 0);

    buffer[0] = 0;
    buffer1[0] = 0;
    CHECK(sf("test=value\xda", "%[^=] = %[^;]", buffer, buffer1) == 2);
    CHECK(std::string(buffer) == "test");
    CHECK(std::string(buffer1) == "value\xda");
    CHECK(sf("\x81\x82test", "\x81%\x82%s", buffer) == 1);
    CHECK(std::string(buffer) == "test");

    char c = 0x55;
    CHECK(sf("a", "%c", &c) == 1);
    CHECK(c == 'a');
    CHECK(sf(" a", "%c", &c) == 1);
    CHECK(c == ' ');
    int hour = 0, min = 0;
    c = 0x55;
    CHECK(sf("18:59", "%d:%d%c", &hour, &min, &c) == 2);
    CHECK(hour == 18);
    CHECK(min == 59);
    CHECK(c == 0x55);

    std::memset(buffer, 'z', sizeof buffer);
    CHECK(sf("abcdef", "%3c", buffer) == 1);
    CHECK(std::string(buffer, 4) == "abcz");  // %Nc stores no terminator
    CHECK(sf("abcdef", "%3s", buffer) == 1);
    CHECK(std::string(buffer) == "abc");

    char16_t wbuf[16] = {};
    CHECK(sf("hi there", "%ls", wbuf) == 1);
    CHECK(std::u16string(wbuf) == u"hi");
    CHECK(sf("hi there", "%S", wbuf) == 1);
    CHECK(std::u16string(wbuf) == u"hi");
    char16_t wc = 0;
    CHECK(sf("\xE9", "%C", &wc) == 1);
    CHECK(wc == 0xE9);
}

TEST_CASE("scanf %n and literal matching", "[format][scanf]") {
    int number = 0, number_so_far = 0, result = 0;
    const std::string text = pf("%d:%d:%d", 21, 59, 20);
    CHECK(sf(text.c_str(), "%d%n", &number, &number_so_far) == 1);
    CHECK(number == 21);
    CHECK(number_so_far == 2);
    CHECK(sf(text.c_str() + 2, "%*c%n", &number_so_far) == 0);
    CHECK(number_so_far == 1);

    char buffer[100], buffer1[100];
    CHECK(sf("abc   def", "%s %n%s", buffer, &number_so_far, buffer1) == 2);
    CHECK(std::string(buffer) == "abc");
    CHECK(std::string(buffer1) == "def");
    CHECK(number_so_far == 6);

    int hour = 0, min = 0;
    CHECK(sf("3:45", "%d:%d%n", &hour, &min, &number_so_far) == 2);
    CHECK(number_so_far == 4);

    // '%' followed by a character with no meaning matches that character.
    CHECK(sf("\"%12@", "%\"%%%d%@", &result) == 1);
    CHECK(result == 12);
    CHECK(sf("50 %", "%d%%", &result) == 1);
    CHECK(sf("x=5", "y=%d", &result) == 0);
    CHECK(sf("x", "x%d", &result) == -1);  // input ended before the first conversion
}

TEST_CASE("scanf leaves unconsumed input in the source", "[format][scanf]") {
    StringScanSource src("12abc");
    int v = 0;
    const uint64_t slots[] = {slot(&v)};
    WinArgs args{slots};
    CHECK(scan_format(src, "%d", args) == 1);
    CHECK(v == 12);
    CHECK(src.consumed() == 2);
    CHECK(src.get() == 'a');
}

TEST_CASE("wscanf", "[format][wscanf]") {
    int result = 0;
    CHECK(wsf(u"", u"%d", &result) == -1);
    char16_t results[100];
    // The wide functions return 0, not EOF, when the input runs out before the first conversion.
    CHECK(wsf(u" \t\n\n", u"%s", results) == 0);

    char16_t c = 0;
    const char16_t input[] = {'a', 0x1234, 0x1234, 'b', 0};
    const char16_t format[] = {'a', 0x1234, '%', 0x1234, '%', 'c', 0};
    CHECK(wsf(input, format, &c) == 1);
    CHECK(c == 'b');

    CHECK(wsf(u"  42 \u3042\u3044 x", u"%d %s", &result, results) == 2);
    CHECK(result == 42);
    CHECK(std::u16string(results) == u"\u3042\u3044");

    char narrow[16];
    CHECK(wsf(u"abc def", u"%S", narrow) == 1);
    CHECK(std::string(narrow) == "abc");
    CHECK(wsf(u"a\u3042c", u"%hs", narrow) == 1);
    CHECK(std::string(narrow) == "a?c");
    CHECK(wsf(u"\u3042\u3042\u3044", u"%[\u3042]", results) == 1);
    CHECK(std::u16string(results) == u"\u3042\u3042");
    double d = 0;
    CHECK(wsf(u"6.25", u"%lf", &d) == 1);
    CHECK(d == 6.25);
}

TEST_CASE("a NULL format is rejected", "[format]") {
    const uint64_t slots[] = {0};
    WinArgs args{slots};
    std::string out;
    CHECK(format_printf(out, nullptr, args) == -1);
    std::u16string wout;
    CHECK(format_wprintf(wout, nullptr, args) == -1);
    StringScanSource src("1");
    CHECK(scan_format(src, nullptr, args) == -1);
}
