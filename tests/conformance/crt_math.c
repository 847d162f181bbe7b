/* crt_math.c: msvcrt's math error reporting. A domain error or singularity in an msvcrt math
 * function builds a struct _exception and calls the handler registered with __setusermatherr (mingw's
 * start-up code registers _matherr only when _MINGW_INSTALL_DEBUG_MATHERR is set, so the test
 * registers its handler itself); when it returns 0 errno becomes
 * EDOM/ERANGE, when it returns non-zero its retval is the result and errno is left alone.
 * mingw-w64 links its own sin/log/pow/sqrt..., so msvcrt's are called through GetProcAddress; acos,
 * asin, log10 and tan come from msvcrt.dll directly. Also _fpclass, _finite/_isnan, _copysign,
 * _hypot, _chgsign, frexp/ldexp/modf. */
#include "ok.h"
#include <errno.h>
#include <float.h>
#include <math.h>

static volatile int matherr_calls, matherr_type, matherr_override;
static char matherr_name[32];
static double matherr_arg1;



static int __cdecl handler(struct _exception* e) {
    matherr_calls++;
    matherr_type = e->type;
    matherr_arg1 = e->arg1;
    strncpy(matherr_name, e->name, sizeof(matherr_name) - 1);
    if (matherr_override) {
        e->retval = 42.0;
        return 1;
    }
    return 0;
}

static volatile double zero = 0.0, two = 2.0, minus_one = -1.0, big = 1000.0;

static void reset(void) {
    matherr_calls = 0;
    matherr_type = 0;
    matherr_name[0] = 0;
    errno = 0;
}

typedef double(__cdecl* fn1)(double);
typedef double(__cdecl* fn2)(double, double);

START_TEST(crt_math)
{
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    fn1 p_log = (fn1)GetProcAddress(crt, "log");
    fn1 p_sqrt = (fn1)GetProcAddress(crt, "sqrt");
    fn1 p_exp = (fn1)GetProcAddress(crt, "exp");
    fn2 p_pow = (fn2)GetProcAddress(crt, "pow");
    double r;

    __setusermatherr(handler); /* mingw routes this to msvcrt.dll's __setusermatherr */

    reset();
    r = acos(two);
    ok(isnan(r) && errno == EDOM, "acos(2): %f errno %d\n", r, errno);
    ok(matherr_calls == 1 && matherr_type == _DOMAIN && !strcmp(matherr_name, "acos") && matherr_arg1 == 2.0,
       "_matherr called for acos: %d %d %s\n", matherr_calls, matherr_type, matherr_name);

    reset();
    r = asin(-two);
    ok(isnan(r) && errno == EDOM && matherr_type == _DOMAIN && !strcmp(matherr_name, "asin"), "asin(-2)\n");

    reset();
    r = log10(zero);
    ok(r == -HUGE_VAL && errno == ERANGE, "log10(0): %f errno %d\n", r, errno);
    ok(matherr_type == _SING && !strcmp(matherr_name, "log10"), "log10(0) is a singularity: %d %s\n", matherr_type,
       matherr_name);
    reset();
    r = log10(minus_one);
    ok(isnan(r) && errno == EDOM && matherr_type == _DOMAIN, "log10(-1)\n");

    reset();
    r = tan(INFINITY * two);
    ok(isnan(r) && errno == EDOM && matherr_type == _DOMAIN && !strcmp(matherr_name, "tan"), "tan(inf): errno %d\n", errno);

    reset();
    r = acos(0.5 * two);
    ok(r == 0.0 && matherr_calls == 0 && errno == 0, "acos(1) is no error\n");

    /* A handler that returns non-zero replaces the result and keeps errno. */
    reset();
    matherr_override = 1;
    r = acos(two);
    matherr_override = 0;
    ok(r == 42.0 && errno == 0 && matherr_calls == 1, "_matherr's retval: %f errno %d\n", r, errno);

    if (p_log && p_sqrt && p_exp && p_pow) {
        reset();
        r = p_log(zero);
        ok(r == -HUGE_VAL && errno == ERANGE && matherr_type == _SING && !strcmp(matherr_name, "log"), "msvcrt log(0)\n");
        reset();
        r = p_log(minus_one);
        ok(isnan(r) && errno == EDOM && matherr_type == _DOMAIN, "msvcrt log(-1)\n");
        reset();
        r = p_sqrt(minus_one);
        ok(isnan(r) && errno == EDOM && !strcmp(matherr_name, "sqrt"), "msvcrt sqrt(-1): %s\n", matherr_name);
        reset();
        r = p_exp(big);
        ok(r == HUGE_VAL && errno == ERANGE && matherr_type == _OVERFLOW, "msvcrt exp(1000): type %d\n", matherr_type);
        reset();
        r = p_exp(-big);
        ok(r == 0 && errno == 0 && matherr_type == _UNDERFLOW, "msvcrt exp(-1000): underflow sets no errno (%d)\n",
           errno);
        reset();
        r = p_pow(zero, minus_one);
        ok(r == HUGE_VAL && errno == ERANGE && matherr_type == _SING, "msvcrt pow(0, -1): type %d\n", matherr_type);
        reset();
        r = p_pow(minus_one, 0.5 * -minus_one);
        ok(isnan(r) && errno == EDOM, "msvcrt pow(-1, 0.5)\n");
        reset();
        r = p_pow(two, two);
        ok(r == 4.0 && matherr_calls == 0, "msvcrt pow(2, 2)\n");
    } else {
        skip("msvcrt log/sqrt/exp/pow not found\n");
    }

    ok(_fpclass(-zero * 1.0) == _FPCLASS_NZ || _fpclass(-zero) == _FPCLASS_NZ, "_fpclass(-0)\n");
    ok(_fpclass(1.0) == _FPCLASS_PN && _fpclass(-INFINITY) == _FPCLASS_NINF && _fpclass(NAN) == _FPCLASS_QNAN,
       "_fpclass\n");
    ok(_fpclass(DBL_MIN / 4) == _FPCLASS_PD, "_fpclass subnormal\n");
    ok(_finite(two) && !_finite(INFINITY) && _isnan(NAN) && !_isnan(two), "_finite/_isnan\n");
    ok(_copysign(two, -1.0) == -2.0 && _chgsign(two) == -2.0, "_copysign/_chgsign\n");
    ok(_hypot(3.0, 4.0 * two / 2) == 5.0, "_hypot\n");
    struct _complex c = {3.0 * two / 2, 4.0};
    ok(_cabs(c) == 5.0, "_cabs (a 16-byte struct passed by value)\n");
    int e;
    ok(frexp(8.0 * two, &e) == 0.5 && e == 5, "frexp\n");
    ok(ldexp(0.5 * two, 10) == 1024.0, "ldexp\n");
    double ip;
    ok(modf(2.75 * two / 2, &ip) == 0.75 && ip == 2.0, "modf\n");
}
