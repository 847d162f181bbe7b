// <math.h> and <float.h> of msvcrt (x64: the double functions plus the float ones msvcrt.dll has for
// x64 only, such as sinf).
//
// Results come from the C library. What msvcrt adds is its error reporting: a domain error (log(-1),
// sqrt(-1), asin(2) ...), a singularity (log(0)) or an overflow builds a struct _exception and
// passes it to the handler the program registered with __setusermatherr (mingw's start-up code
// registers its _matherr, which prints "_matherr(): ..." on stderr); when there is no handler or it
// returns 0, errno becomes EDOM (domain) or ERANGE (singularity, overflow); an underflow sets nothing.
#include <cfloat>
#include <cmath>
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"

namespace winrun::crt {

namespace {
enum MathErr { DOMAIN_ = 1, SING_ = 2, OVERFLOW_ = 3, UNDERFLOW_ = 4, TLOSS_ = 5, PLOSS_ = 6 };

struct Exception {  // struct _exception (math.h)
    int type;
    const char* name;
    double arg1, arg2, retval;
};
static_assert(sizeof(Exception) == 40 && offsetof(Exception, arg1) == 16 && offsetof(Exception, retval) == 32);

using MathErrFn = int(CDECL*)(Exception*);
MathErrFn g_user_matherr;
double* p_huge;

double math_error(int type, const char* name, double a1, double a2, double ret) {
    if (g_user_matherr) {
        Exception e{type, name, a1, a2, ret};
        if (g_user_matherr(&e)) return e.retval;
    }
    switch (type) {
    case DOMAIN_: set_errno(EDOM_); break;
    case SING_:
    case OVERFLOW_:
    case TLOSS_: set_errno(ERANGE_); break;
    default: break;  // underflow, partial loss: errno untouched
    }
    return ret;
}

template <typename T>
T err(int type, const char* name, T a1, T a2, T ret) {
    return T(math_error(type, name, double(a1), double(a2), double(ret)));
}
}  // namespace

void CDECL __setusermatherr(MathErrFn fn) { g_user_matherr = fn; }

// ---- the functions, double and float -------------------------------------------------------------------
// One template per rule; N is the name msvcrt reports ("sqrt" / "sqrtf").
#define UNARY(name, fname, expr_d, expr_f, check)                                  \
    namespace {                                                                    \
    template <typename T>                                                          \
    T name##_impl(T x, const char* n) {                                            \
        T r = sizeof(T) == 8 ? T(expr_d) : T(expr_f);                              \
        check;                                                                     \
        return r;                                                                  \
    }                                                                              \
    }                                                                              \
    double CDECL name(double x) { return name##_impl<double>(x, #name); }         \
    float CDECL fname(float x) { return name##_impl<float>(x, #fname); }

// Domain error outside [-1, 1] (a NaN passes through).
UNARY(acos, acosf, ::acos(double(x)), ::acosf(float(x)), if (std::fabs(x) > 1) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(asin, asinf, ::asin(double(x)), ::asinf(float(x)), if (std::fabs(x) > 1) return err<T>(DOMAIN_, n, x, 0, r))
// msvcrt.dll reports atan(NaN) as a domain error.
UNARY(atan, atanf, ::atan(double(x)), ::atanf(float(x)), if (std::isnan(x)) return err<T>(DOMAIN_, n, x, 0, r))
// The trigonometric functions of an infinity (or NaN) are domain errors.
UNARY(sin, sinf, ::sin(double(x)), ::sinf(float(x)), if (!std::isfinite(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(cos, cosf, ::cos(double(x)), ::cosf(float(x)), if (!std::isfinite(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(tan, tanf, ::tan(double(x)), ::tanf(float(x)), if (!std::isfinite(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(sinh, sinhf, ::sinh(double(x)), ::sinhf(float(x)), if (std::isnan(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(cosh, coshf, ::cosh(double(x)), ::coshf(float(x)), if (std::isnan(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(tanh, tanhf, ::tanh(double(x)), ::tanhf(float(x)), if (std::isnan(x)) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(exp, expf, ::exp(double(x)), ::expf(float(x)), {
    if (std::isnan(x)) return err<T>(DOMAIN_, n, x, 0, r);
    if (std::isfinite(x) && r == 0) return err<T>(UNDERFLOW_, n, x, 0, r);
    if (std::isfinite(x) && !std::isfinite(r)) return err<T>(OVERFLOW_, n, x, 0, r);
})
UNARY(log, logf, ::log(double(x)), ::logf(float(x)), {
    if (x < 0) return err<T>(DOMAIN_, n, x, 0, r);
    if (x == 0) return err<T>(SING_, n, x, 0, r);
})
UNARY(log10, log10f, ::log10(double(x)), ::log10f(float(x)), {
    if (x < 0) return err<T>(DOMAIN_, n, x, 0, r);
    if (x == 0) return err<T>(SING_, n, x, 0, r);
})
UNARY(sqrt, sqrtf, ::sqrt(double(x)), ::sqrtf(float(x)), if (x < 0) return err<T>(DOMAIN_, n, x, 0, r))
UNARY(floor, floorf, ::floor(double(x)), ::floorf(float(x)), (void)n)
UNARY(ceil, ceilf, ::ceil(double(x)), ::ceilf(float(x)), (void)n)
UNARY(fabs, fabsf, ::fabs(double(x)), ::fabsf(float(x)), (void)n)
#undef UNARY

namespace {
template <typename T>
T pow_impl(T x, T y, const char* n) {
    T z = sizeof(T) == 8 ? T(::pow(double(x), double(y))) : T(::powf(float(x), float(y)));
    if (x < 0 && y != std::floor(y)) return err<T>(DOMAIN_, n, x, y, z);
    if (x == 0 && std::isfinite(y) && y < 0) return err<T>(SING_, n, x, y, z);
    if (std::isfinite(x) && std::isfinite(y) && !std::isfinite(z)) return err<T>(OVERFLOW_, n, x, y, z);
    if (x != 0 && std::isfinite(x) && std::isfinite(y) && z == 0) return err<T>(UNDERFLOW_, n, x, y, z);
    return z;
}
// fmod: an infinite x is a domain error; a zero or NaN divisor just gives NaN.
template <typename T>
T fmod_impl(T x, T y, const char* n) {
    T r = sizeof(T) == 8 ? T(::fmod(double(x), double(y))) : T(::fmodf(float(x), float(y)));
    if (std::isinf(x)) return err<T>(DOMAIN_, n, x, y, r);
    return r;
}
}  // namespace
double CDECL pow(double x, double y) { return pow_impl(x, y, "pow"); }
float CDECL powf(float x, float y) { return pow_impl(x, y, "powf"); }
double CDECL fmod(double x, double y) { return fmod_impl(x, y, "fmod"); }
float CDECL fmodf(float x, float y) { return fmod_impl(x, y, "fmodf"); }
double CDECL atan2(double y, double x) { return ::atan2(y, x); }
float CDECL atan2f(float y, float x) { return ::atan2f(y, x); }
double CDECL modf(double x, double* ip) { return ::modf(x, ip); }
float CDECL modff(float x, float* ip) { return ::modff(x, ip); }
double CDECL frexp(double x, int* e) { return ::frexp(x, e); }
double CDECL ldexp(double x, int e) {
    double z = ::ldexp(x, e);
    if (std::isfinite(x) && !std::isfinite(z)) return math_error(OVERFLOW_, "ldexp", x, e, z);
    if (x != 0 && std::isfinite(x) && z == 0) return math_error(UNDERFLOW_, "ldexp", x, e, z);
    return z;
}
double CDECL _scalb(double x, int32_t e) {
    double z = ::ldexp(x, e);
    if (std::isfinite(x) && !std::isfinite(z)) return math_error(OVERFLOW_, "_scalb", x, e, z);
    return z;
}
float CDECL _scalbf(float x, int32_t e) { return float(_scalb(x, e)); }
double CDECL _hypot(double x, double y) { return ::hypot(x, y); }
float CDECL _hypotf(float x, float y) { return ::hypotf(x, y); }
struct Complex {
    double x, y;
};
double CDECL _cabs(Complex c) { return ::hypot(c.x, c.y); }
double CDECL _logb(double x) {
    double r = ::logb(x);
    if (x == 0) return math_error(SING_, "_logb", x, 0, r);
    return r;
}
float CDECL _logbf(float x) { return float(_logb(x)); }
double CDECL _nextafter(double x, double y) {
    double r = ::nextafter(x, y);
    if (std::isfinite(x) && !std::isfinite(r)) set_errno(ERANGE_);
    return r;
}
float CDECL _nextafterf(float x, float y) {
    float r = ::nextafterf(x, y);
    if (std::isfinite(x) && !std::isfinite(r)) set_errno(ERANGE_);
    return r;
}
double CDECL _copysign(double x, double y) { return std::copysign(x, y); }
float CDECL _copysignf(float x, float y) { return std::copysign(x, y); }
double CDECL _chgsign(double x) { return -x; }
float CDECL _chgsignf(float x) { return -x; }
int CDECL _finite(double x) { return std::isfinite(x); }
int CDECL _finitef(float x) { return std::isfinite(x); }
int CDECL _isnan(double x) { return std::isnan(x); }
int CDECL _isnanf(float x) { return std::isnan(x); }

namespace {
template <typename T, typename Bits>
int fpclass(T x, Bits quiet_bit) {
    // _FPCLASS_*: SNAN 1, QNAN 2, NINF 4, NN 8, ND 0x10, NZ 0x20, PZ 0x40, PD 0x80, PN 0x100, PINF 0x200.
    constexpr int C_SNAN = 1, C_QNAN = 2, C_NINF = 4, C_NN = 8, C_ND = 0x10, C_NZ = 0x20, C_PZ = 0x40, C_PD = 0x80,
                  C_PN = 0x100, C_PINF = 0x200;
    bool neg = std::signbit(x);
    switch (std::fpclassify(x)) {
    case FP_NAN: {
        Bits b;
        std::memcpy(&b, &x, sizeof b);
        return (b & quiet_bit) ? C_QNAN : C_SNAN;
    }
    case FP_INFINITE: return neg ? C_NINF : C_PINF;
    case FP_ZERO: return neg ? C_NZ : C_PZ;
    case FP_SUBNORMAL: return neg ? C_ND : C_PD;
    default: return neg ? C_NN : C_PN;
    }
}
}  // namespace
int CDECL _fpclass(double x) { return fpclass(x, uint64_t(1) << 51); }
int CDECL _fpclassf(float x) { return fpclass(x, uint32_t(1) << 22); }

// Bessel functions; the second kind is undefined for x < 0 (domain) and infinite at 0 (singularity).
double CDECL _j0(double x) { return ::j0(x); }
double CDECL _j1(double x) { return ::j1(x); }
double CDECL _jn(int n, double x) { return ::jn(n, x); }
namespace {
double bessel_y(double r, double x, const char* name) {
    if (x < 0) return math_error(DOMAIN_, name, x, 0, -HUGE_VAL);
    if (x == 0) return math_error(SING_, name, x, 0, -HUGE_VAL);
    return r;
}
}  // namespace
double CDECL _y0(double x) { return bessel_y(::y0(x), x, "_y0"); }
double CDECL _y1(double x) { return bessel_y(::y1(x), x, "_y1"); }
double CDECL _yn(int n, double x) { return bessel_y(::yn(n, x), x, "_yn"); }

void init_math() { *p_huge = HUGE_VAL; }

WR_EXPORT_PART(msvcrt_math,
    WR_DATA("_HUGE", p_huge, 8), WR_EXPORT(__setusermatherr),
    WR_EXPORT(acos), WR_EXPORT(acosf), WR_EXPORT(asin), WR_EXPORT(asinf), WR_EXPORT(atan), WR_EXPORT(atanf),
    WR_EXPORT(sin), WR_EXPORT(sinf), WR_EXPORT(cos), WR_EXPORT(cosf), WR_EXPORT(tan), WR_EXPORT(tanf), WR_EXPORT(sinh),
    WR_EXPORT(sinhf), WR_EXPORT(cosh), WR_EXPORT(coshf), WR_EXPORT(tanh), WR_EXPORT(tanhf), WR_EXPORT(exp),
    WR_EXPORT(expf), WR_EXPORT(log), WR_EXPORT(logf), WR_EXPORT(log10), WR_EXPORT(log10f), WR_EXPORT(sqrt),
    WR_EXPORT(sqrtf), WR_EXPORT(floor), WR_EXPORT(floorf), WR_EXPORT(ceil), WR_EXPORT(ceilf), WR_EXPORT(fabs),
    WR_EXPORT(pow), WR_EXPORT(powf), WR_EXPORT(fmod), WR_EXPORT(fmodf), WR_EXPORT(atan2), WR_EXPORT(atan2f),
    WR_EXPORT(modf), WR_EXPORT(modff), WR_EXPORT(frexp), WR_EXPORT(ldexp), WR_EXPORT(_scalb), WR_EXPORT(_scalbf),
    WR_EXPORT(_hypot), WR_EXPORT(_hypotf), WR_EXPORT(_cabs), WR_EXPORT(_logb), WR_EXPORT(_logbf),
    WR_EXPORT(_nextafter), WR_EXPORT(_nextafterf), WR_EXPORT(_copysign), WR_EXPORT(_copysignf), WR_EXPORT(_chgsign),
    WR_EXPORT(_chgsignf), WR_EXPORT(_finite), WR_EXPORT(_finitef), WR_EXPORT(_isnan), WR_EXPORT(_isnanf),
    WR_EXPORT(_fpclass), WR_EXPORT(_fpclassf), WR_EXPORT(_j0), WR_EXPORT(_j1), WR_EXPORT(_jn), WR_EXPORT(_y0),
    WR_EXPORT(_y1), WR_EXPORT(_yn));

}  // namespace winrun::crt
