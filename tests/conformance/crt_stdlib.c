/* crt_stdlib.c: msvcrt's number parsing and formatting (32-bit long, ERANGE/EINVAL, endptr when
 * nothing converts, strtoul's handling of negative numbers, atoi without overflow checks, strtod's
 * 'd' exponent and its clearing of errno), the _itoa family, qsort/bsearch/_lfind, div, and rand's
 * sequence. */
#include "ok.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <search.h>

static const char* volatile vs;
static const char* S(const char* s) { vs = s; return vs; }

static void test_strtol(void) {
    char* end;
    long l;
    unsigned long ul;

    errno = 0;
    l = strtol(S("  -123xyz"), &end, 10);
    ok(l == -123 && *end == 'x' && errno == 0, "strtol: %ld rest %s errno %d\n", l, end, errno);
    l = strtol(S("0x1F"), &end, 0);
    ok(l == 31 && !*end, "strtol base 0 hex: %ld\n", l);
    l = strtol(S("017"), &end, 0);
    ok(l == 15, "strtol base 0 octal: %ld\n", l);
    l = strtol(S("z"), &end, 36);
    ok(l == 35, "strtol base 36: %ld\n", l);
    vs = "  +";
    l = strtol(vs, &end, 10);
    ok(l == 0 && end == vs, "no digits: end is the start (%p %p)\n", end, vs);
    vs = "0x";
    l = strtol(vs, &end, 16);
    ok(l == 0, "strtol(\"0x\", 16) = %ld\n", l);

    errno = 0;
    l = strtol(S("2147483648"), &end, 10);
    ok(l == LONG_MAX && errno == ERANGE && !*end, "strtol overflow: %ld errno %d\n", l, errno);
    errno = 0;
    l = strtol(S("-2147483649"), NULL, 10);
    ok(l == LONG_MIN && errno == ERANGE, "strtol underflow: %ld errno %d\n", l, errno);
    errno = 0;
    l = strtol(S("-2147483648"), NULL, 10);
    ok(l == LONG_MIN && errno == 0, "strtol LONG_MIN: %ld errno %d\n", l, errno);

    errno = 0;
    ul = strtoul(S("4294967295"), NULL, 10);
    ok(ul == 4294967295UL && errno == 0, "strtoul max: %lu\n", ul);
    errno = 0;
    ul = strtoul(S("4294967296"), NULL, 10);
    ok(ul == ULONG_MAX && errno == ERANGE, "strtoul overflow: %lu errno %d\n", ul, errno);
    errno = 0;
    ul = strtoul(S("-1"), NULL, 10);
    ok(ul == ULONG_MAX && errno == 0, "strtoul(-1) wraps: %lu errno %d\n", ul, errno);
    errno = 0;
    ul = strtoul(S("-4294967295"), NULL, 0);
    ok(ul == 1 && errno == 0, "strtoul(-4294967295): %lu errno %d\n", ul, errno);
    errno = 0;
    ul = strtoul(S("-4294967296"), NULL, 0);
    ok(ul == 1 && errno == ERANGE, "strtoul(-4294967296): %lu errno %d\n", ul, errno);

    errno = 0;
    __int64 i64 = _strtoi64(S("9223372036854775807"), NULL, 10);
    ok(i64 == _I64_MAX && errno == 0, "_strtoi64 max\n");
    i64 = _strtoi64(S("99999999999999999999"), NULL, 10);
    ok(i64 == _I64_MAX && errno == ERANGE, "_strtoi64 overflow: errno %d\n", errno);
    errno = 0;
    unsigned __int64 u64 = _strtoui64(S("18446744073709551615"), NULL, 10);
    ok(u64 == _UI64_MAX && errno == 0, "_strtoui64 max\n");
    ok(_atoi64(S("-42")) == -42, "_atoi64\n");

    errno = 0;
    l = strtol(S("10"), &end, 1);
    ok(l == 0 && errno == EINVAL, "strtol base 1: %ld errno %d\n", l, errno);

    ok(wcstol(L" -77", NULL, 10) == -77, "wcstol\n");
    ok(wcstoul(L"ff", NULL, 16) == 255, "wcstoul\n");
    ok(_wtoi(L"12ab") == 12, "_wtoi\n");
}

static void test_atoi(void) {
    errno = 0;
    ok(atoi(S("  42abc")) == 42, "atoi\n");
    ok(atoi(S("-17")) == -17 && atol(S("+9")) == 9, "atoi signs\n");
    /* msvcrt.dll's atoi does not check for overflow: the value wraps and errno is untouched. */
    ok(atoi(S("4294967297")) == 1, "atoi wraps: %d\n", atoi(S("4294967297")));
    ok(errno == 0, "atoi leaves errno: %d\n", errno);
}

/* mingw's headers send strtod/wcstod to mingw's own C99 parser: msvcrt's are looked up directly. */
static double(__cdecl* p_strtod)(const char*, char**);
static double(__cdecl* p_wcstod)(const wchar_t*, wchar_t**);

static void test_strtod(void) {
    char* end;
    double d;
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    p_strtod = (void*)GetProcAddress(crt, "strtod");
    p_wcstod = (void*)GetProcAddress(crt, "wcstod");
    if (!p_strtod || !p_wcstod) {
        skip("msvcrt strtod/wcstod not found\n");
        return;
    }
#define strtod p_strtod
#define wcstod p_wcstod

    d = strtod(S("1.5e3x"), &end);
    ok(d == 1500.0 && *end == 'x', "strtod: %g rest %s\n", d, end);
    d = strtod(S("2d2"), &end);
    ok(d == 200.0 && !*end, "msvcrt accepts a Fortran 'd' exponent: %g rest %s\n", d, end);
    d = strtod(S("  -.25"), &end);
    ok(d == -0.25 && !*end, "strtod leading dot: %g\n", d);
    d = strtod(S("1e"), &end);
    ok(d == 1.0 && !strcmp(end, "e"), "an incomplete exponent is not consumed: rest %s\n", end);
    vs = "abc";
    d = strtod(vs, &end);
    ok(d == 0 && end == vs, "strtod no digits\n");
    vs = "inf";
    d = strtod(vs, &end);
    ok(d == 0 && end == vs, "msvcrt.dll's strtod does not parse \"inf\": %g\n", d);
    errno = ERANGE;
    d = strtod(S("1"), NULL);
    ok(d == 1 && errno == 0, "msvcrt's strtod clears errno: %d\n", errno);
    errno = 0;
    d = strtod(S("1e400"), NULL);
    ok(d == HUGE_VAL && errno == ERANGE, "strtod overflow: %g errno %d\n", d, errno);
    errno = 0;
    d = strtod(S("-1e-400"), NULL);
    ok(d == 0 && errno == ERANGE, "strtod underflow: %g errno %d\n", d, errno);
    d = strtod(S("4e-320"), NULL);
    ok(d > 0 && d < 1e-300, "a subnormal result: %g\n", d);
    d = strtod(S("0.1"), NULL);
    ok(d == 0.1, "strtod rounds correctly\n");
    ok(atof(S("3.25")) == 3.25, "atof\n");
    ok(wcstod(L"6.5e1", NULL) == 65.0, "wcstod\n");
#undef strtod
#undef wcstod
}

static void test_itoa(void) {
    char buf[80];
    wchar_t wbuf[80];
    ok(!strcmp(_itoa(-123, buf, 10), "-123"), "_itoa: %s\n", buf);
    ok(!strcmp(_itoa(-1, buf, 16), "ffffffff"), "_itoa hex of -1: %s\n", buf);
    ok(!strcmp(_itoa(255, buf, 2), "11111111"), "_itoa binary: %s\n", buf);
    ok(!strcmp(_ltoa(-5, buf, 8), "37777777773"), "_ltoa octal: %s\n", buf);
    ok(!strcmp(_ultoa(4000000000UL, buf, 10), "4000000000"), "_ultoa: %s\n", buf);
    ok(!strcmp(_i64toa(-9223372036854775807LL - 1, buf, 10), "-9223372036854775808"), "_i64toa: %s\n", buf);
    ok(!strcmp(_ui64toa(0xfedcba9876543210ULL, buf, 16), "fedcba9876543210"), "_ui64toa: %s\n", buf);
    ok(!strcmp(_itoa(35, buf, 36), "z"), "_itoa base 36: %s\n", buf);
    ok(!wcscmp(_itow(-42, wbuf, 10), L"-42"), "_itow\n");
    ok(_itoa_s(12345, buf, 5, 10) == ERANGE && buf[0] == 0, "_itoa_s too small\n");
    ok(_itoa_s(1234, buf, 5, 10) == 0 && !strcmp(buf, "1234"), "_itoa_s fits\n");
}

static int __cdecl cmp_int(const void* a, const void* b) {
    return *(const int*)a - *(const int*)b;
}
struct pair {
    int key, tag;
};
static int __cdecl cmp_key(const void* a, const void* b) {
    return ((const struct pair*)a)->key - ((const struct pair*)b)->key;
}

static void test_sort(void) {
    int v[40], i, sorted = 1;
    for (i = 0; i < 40; i++) v[i] = (i * 37 + 11) % 40;
    qsort(v, 40, sizeof(int), cmp_int);
    for (i = 0; i < 40; i++) sorted &= v[i] == i;
    ok(sorted, "qsort sorts\n");
    int key = 17;
    int* found = bsearch(&key, v, 40, sizeof(int), cmp_int);
    ok(found == &v[17], "bsearch\n");
    key = 99;
    ok(bsearch(&key, v, 40, sizeof(int), cmp_int) == NULL, "bsearch missing\n");

    struct pair p[12];
    for (i = 0; i < 12; i++) p[i].key = i % 3, p[i].tag = i;
    qsort(p, 12, sizeof(p[0]), cmp_key);
    for (i = 1, sorted = 1; i < 12; i++) sorted &= p[i - 1].key <= p[i].key;
    ok(sorted, "qsort with equal keys\n");

    int arr[] = {5, 3, 9};
    unsigned n = 3;
    key = 3;
    ok(_lfind(&key, arr, &n, sizeof(int), cmp_int) == &arr[1], "_lfind\n");
}

static void test_misc(void) {
    div_t d = div(-7, 2);
    ok(d.quot == -3 && d.rem == -1, "div: %d %d\n", d.quot, d.rem);
    ldiv_t ld = ldiv(100000L, 7L);
    ok(ld.quot == 14285 && ld.rem == 5, "ldiv\n");
    ok(abs(-5) == 5 && labs(-6L) == 6 && _abs64(-7LL) == 7, "abs\n");
    ok(_rotl(0x80000001u, 1) == 3 && _rotr(3u, 1) == 0x80000001u, "_rotl/_rotr\n");
    ok(_rotl64(1ULL << 63, 1) == 1, "_rotl64\n");

    /* The Visual C++ LCG: seed * 214013 + 2531011, bits 16..30. */
    srand(1);
    int r1 = rand(), r2 = rand(), r3 = rand();
    ok(r1 == 41 && r2 == 18467 && r3 == 6334, "rand after srand(1): %d %d %d\n", r1, r2, r3);
    srand(42);
    ok(rand() == 175, "rand after srand(42)\n");
    ok(RAND_MAX == 0x7fff, "RAND_MAX\n");
}

START_TEST(crt_stdlib)
{
    test_strtol();
    test_atoi();
    test_strtod();
    test_itoa();
    test_sort();
    test_misc();
}
