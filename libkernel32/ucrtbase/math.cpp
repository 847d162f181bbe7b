// ucrtbase.dll's C99 math (msvcrt.dll has none of these). The functions are glibc's libm; errno
// (EDOM and ERANGE have the same numbers on both systems) is carried over into the CRT's errno.
#include <cerrno>
#include <cmath>

#include "builtin/builtin.h"
#include "ucrt.h"

namespace winrun::ucrt {

namespace {
template <typename F, typename... A>
auto with_errno(F f, A... a) {
    errno = 0;
    auto r = f(a...);
    if (errno == EDOM || errno == ERANGE) set_errno(errno);
    return r;
}
}  // namespace

#define WR_MATH1(name, T) \
    T CDECL ucrt_##name(T x) { return with_errno(static_cast<T (*)(T)>(::name), x); }
#define WR_MATH2(name, T) \
    T CDECL ucrt_##name(T x, T y) { return with_errno(static_cast<T (*)(T, T)>(::name), x, y); }

WR_MATH1(acosh, double) WR_MATH1(acoshf, float) WR_MATH1(asinh, double) WR_MATH1(asinhf, float)
WR_MATH1(atanh, double) WR_MATH1(atanhf, float) WR_MATH1(cbrt, double) WR_MATH1(cbrtf, float)
WR_MATH1(exp2, double) WR_MATH1(exp2f, float) WR_MATH1(expm1, double) WR_MATH1(expm1f, float)
WR_MATH1(log2, double) WR_MATH1(log2f, float) WR_MATH1(log1p, double) WR_MATH1(log1pf, float)
WR_MATH1(trunc, double) WR_MATH1(truncf, float) WR_MATH1(round, double) WR_MATH1(roundf, float)
WR_MATH1(nearbyint, double) WR_MATH1(nearbyintf, float) WR_MATH1(rint, double) WR_MATH1(rintf, float)
WR_MATH1(erf, double) WR_MATH1(erff, float) WR_MATH1(erfc, double) WR_MATH1(erfcf, float)
WR_MATH1(tgamma, double) WR_MATH1(tgammaf, float) WR_MATH1(lgamma, double) WR_MATH1(lgammaf, float)
WR_MATH1(logb, double) WR_MATH1(logbf, float)
WR_MATH2(fmin, double) WR_MATH2(fminf, float) WR_MATH2(fmax, double) WR_MATH2(fmaxf, float)
WR_MATH2(fdim, double) WR_MATH2(fdimf, float) WR_MATH2(remainder, double) WR_MATH2(remainderf, float)
WR_MATH2(hypot, double) WR_MATH2(hypotf, float) WR_MATH2(copysign, double) WR_MATH2(copysignf, float)
WR_MATH2(nextafter, double) WR_MATH2(nextafterf, float)

double CDECL ucrt_fma(double x, double y, double z) { return with_errno(static_cast<double (*)(double, double, double)>(::fma), x, y, z); }
float CDECL ucrt_fmaf(float x, float y, float z) { return with_errno(static_cast<float (*)(float, float, float)>(::fmaf), x, y, z); }
int32_t CDECL ucrt_lround(double x) { return int32_t(with_errno(static_cast<long (*)(double)>(::lround), x)); }  // long is 32-bit
int64_t CDECL ucrt_llround(double x) { return with_errno(static_cast<long long (*)(double)>(::llround), x); }
int32_t CDECL ucrt_lrint(double x) { return int32_t(with_errno(static_cast<long (*)(double)>(::lrint), x)); }
int64_t CDECL ucrt_llrint(double x) { return with_errno(static_cast<long long (*)(double)>(::llrint), x); }
int CDECL ucrt_ilogb(double x) { return ::ilogb(x); }
double CDECL ucrt_scalbn(double x, int n) { return with_errno(static_cast<double (*)(double, int)>(::scalbn), x, n); }
double CDECL ucrt_remquo(double x, double y, int* q) { return ::remquo(x, y, q); }
double CDECL ucrt_nan(const char* tag) { return ::nan(tag ? tag : ""); }

#define E(name) WR_EXPORT_AS(#name, ucrt_##name)
WR_EXPORT_PART(ucrtbase_math,
    E(acosh), E(acoshf), E(asinh), E(asinhf), E(atanh), E(atanhf), E(cbrt), E(cbrtf), E(exp2), E(exp2f), E(expm1),
    E(expm1f), E(log2), E(log2f), E(log1p), E(log1pf), E(trunc), E(truncf), E(round), E(roundf), E(nearbyint),
    E(nearbyintf), E(rint), E(rintf), E(erf), E(erff), E(erfc), E(erfcf), E(tgamma), E(tgammaf), E(lgamma), E(lgammaf),
    E(logb), E(logbf), E(fmin), E(fminf), E(fmax), E(fmaxf), E(fdim), E(fdimf), E(remainder), E(remainderf),
    E(hypot), E(hypotf), E(copysign), E(copysignf), E(nextafter), E(nextafterf), E(fma), E(fmaf), E(lround),
    E(llround), E(lrint), E(llrint), E(ilogb), E(scalbn), E(remquo), E(nan));
#undef E

}  // namespace winrun::ucrt
