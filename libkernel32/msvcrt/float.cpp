// <float.h>: the floating-point control and status words (_control87, _controlfp, _clearfp,
// _statusfp, _fpreset) on top of SSE's MXCSR, where x64 does its floating point, plus the x87
// control word for precision control; and the _ecvt/_fcvt conversions.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "crt.h"

namespace winrun::crt {

namespace {
// _controlfp / _control87 bits (float.h)
constexpr unsigned EM_INEXACT = 0x1, EM_UNDERFLOW = 0x2, EM_OVERFLOW = 0x4, EM_ZERODIVIDE = 0x8, EM_INVALID = 0x10,
                   EM_DENORMAL = 0x80000, RC_DOWN = 0x100, RC_UP = 0x200, RC_CHOP = 0x300, MCW_RC = 0x300,
                   MCW_EM = 0x8001F, PC_24 = 0x20000, PC_53 = 0x10000, MCW_PC = 0x30000, IC_AFFINE = 0x40000,
                   MCW_IC = 0x40000, DN_FLUSH = 0x1000000, MCW_DN = 0x3000000;
// MXCSR
constexpr unsigned MX_IM = 1u << 7, MX_DM = 1u << 8, MX_ZM = 1u << 9, MX_OM = 1u << 10, MX_UM = 1u << 11,
                   MX_PM = 1u << 12, MX_RC_SHIFT = 13, MX_FZ = 1u << 15, MX_DAZ = 1u << 6;

unsigned get_mxcsr() {
    unsigned v;
    asm volatile("stmxcsr %0" : "=m"(v));
    return v;
}
void set_mxcsr(unsigned v) { asm volatile("ldmxcsr %0" : : "m"(v)); }
uint16_t get_x87_cw() {
    uint16_t v;
    asm volatile("fnstcw %0" : "=m"(v));
    return v;
}
void set_x87_cw(uint16_t v) { asm volatile("fldcw %0" : : "m"(v)); }

unsigned current_word() {
    unsigned mx = get_mxcsr(), r = 0;
    if (mx & MX_IM) r |= EM_INVALID;
    if (mx & MX_DM) r |= EM_DENORMAL;
    if (mx & MX_ZM) r |= EM_ZERODIVIDE;
    if (mx & MX_OM) r |= EM_OVERFLOW;
    if (mx & MX_UM) r |= EM_UNDERFLOW;
    if (mx & MX_PM) r |= EM_INEXACT;
    static const unsigned rc[] = {0, RC_DOWN, RC_UP, RC_CHOP};
    r |= rc[(mx >> MX_RC_SHIFT) & 3];
    if (mx & MX_FZ) r |= DN_FLUSH;
    switch ((get_x87_cw() >> 8) & 3) {  // x87 precision control
    case 0: r |= PC_24; break;
    case 2: r |= PC_53; break;
    default: break;  // 64 bits: _PC_64 is 0
    }
    return r;
}

void apply_word(unsigned w) {
    unsigned mx = get_mxcsr() & ~(MX_IM | MX_DM | MX_ZM | MX_OM | MX_UM | MX_PM | (3u << MX_RC_SHIFT) | MX_FZ);
    if (w & EM_INVALID) mx |= MX_IM;
    if (w & EM_DENORMAL) mx |= MX_DM;
    if (w & EM_ZERODIVIDE) mx |= MX_ZM;
    if (w & EM_OVERFLOW) mx |= MX_OM;
    if (w & EM_UNDERFLOW) mx |= MX_UM;
    if (w & EM_INEXACT) mx |= MX_PM;
    switch (w & MCW_RC) {
    case RC_DOWN: mx |= 1u << MX_RC_SHIFT; break;
    case RC_UP: mx |= 2u << MX_RC_SHIFT; break;
    case RC_CHOP: mx |= 3u << MX_RC_SHIFT; break;
    default: break;
    }
    if (w & DN_FLUSH) mx |= MX_FZ;
    set_mxcsr(mx);
    uint16_t cw = get_x87_cw() & ~uint16_t(0x300);
    cw |= (w & MCW_PC) == PC_24 ? 0x000 : (w & MCW_PC) == PC_53 ? 0x200 : 0x300;
    set_x87_cw(cw);
}

unsigned status_word() {
    unsigned mx = get_mxcsr(), r = 0;
    uint16_t sw;
    asm volatile("fnstsw %0" : "=m"(sw));
    mx |= sw & 0x3F;  // the x87 flags use the same bit order (IE DE ZE OE UE PE)
    if (mx & 0x01) r |= 0x10;     // _SW_INVALID
    if (mx & 0x02) r |= 0x80000;  // _SW_DENORMAL
    if (mx & 0x04) r |= 0x08;     // _SW_ZERODIVIDE
    if (mx & 0x08) r |= 0x04;     // _SW_OVERFLOW
    if (mx & 0x10) r |= 0x02;     // _SW_UNDERFLOW
    if (mx & 0x20) r |= 0x01;     // _SW_INEXACT
    return r;
}
}  // namespace

unsigned CDECL _control87(unsigned value, unsigned mask) {
    if (mask) apply_word((current_word() & ~mask) | (value & mask));
    return current_word();
}
// x64 _controlfp leaves the denormal-exception mask alone, as msvcrt does.
unsigned CDECL _controlfp(unsigned value, unsigned mask) { return _control87(value, mask & ~EM_DENORMAL); }
int CDECL _controlfp_s(unsigned* cur, unsigned value, unsigned mask) {
    constexpr unsigned valid = MCW_EM | MCW_RC | MCW_PC | MCW_IC | MCW_DN;
    if (mask & ~valid) {
        if (cur) *cur = current_word();
        return set_errno(EINVAL_), EINVAL_;
    }
    unsigned r = _controlfp(value, mask);
    if (cur) *cur = r;
    return 0;
}
unsigned CDECL _statusfp() { return status_word(); }
unsigned CDECL _clearfp() {
    unsigned r = status_word();
    set_mxcsr(get_mxcsr() & ~0x3Fu);
    asm volatile("fnclex");
    return r;
}
// _fpreset: the start-up state (all exceptions masked, round to nearest; x87 at 53-bit precision).
void CDECL _fpreset() {
    set_mxcsr(0x1F80);
    asm volatile("fninit");
    set_x87_cw(0x27F);
}
int* CDECL __fpecode() {
    static thread_local int code = 0;
    return &code;
}

// ---- _ecvt / _fcvt -----------------------------------------------------------------------------------------
// The digits of the value (no point, no sign) in a per-thread buffer; *dec is where the decimal point
// goes, *sign whether the value is negative. _ecvt: `n` significant digits; _fcvt: `n` digits after
// the point.
namespace {
thread_local char t_cvt_buf[400];
}
char* CDECL _ecvt(double v, int n, int* dec, int* sign) {
    if (!dec || !sign) return set_errno(EINVAL_), nullptr;
    n = std::clamp(n, 1, 349);
    *sign = std::signbit(v) ? 1 : 0;
    char tmp[420];
    ::snprintf(tmp, sizeof tmp, "%.*e", n - 1, std::fabs(v));
    std::string digits;
    const char* p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits.push_back(*p);
    int exp = *p == 'e' ? std::atoi(p + 1) : 0;
    *dec = v == 0 ? 0 : exp + 1;
    std::memcpy(t_cvt_buf, digits.c_str(), digits.size() + 1);
    return t_cvt_buf;
}
char* CDECL _fcvt(double v, int n, int* dec, int* sign) {
    if (!dec || !sign) return set_errno(EINVAL_), nullptr;
    n = std::clamp(n, 0, 60);
    *sign = std::signbit(v) ? 1 : 0;
    char tmp[400];
    ::snprintf(tmp, sizeof tmp, "%.*f", n, std::fabs(v));
    std::string ip = tmp, fp;
    if (size_t dot = ip.find('.'); dot != std::string::npos) {
        fp = ip.substr(dot + 1);
        ip.resize(dot);
    }
    std::string digits;
    if (ip != "0") {
        digits = ip + fp;
        *dec = int(ip.size());
    } else {
        size_t z = fp.find_first_not_of('0');
        if (z == std::string::npos) {
            digits = fp;  // all zero: the zeros of the fraction, point at 0
            *dec = 0;
        } else {
            digits = fp.substr(z);
            *dec = -int(z);
        }
    }
    if (digits.size() >= sizeof t_cvt_buf) digits.resize(sizeof t_cvt_buf - 1);
    std::memcpy(t_cvt_buf, digits.c_str(), digits.size() + 1);
    return t_cvt_buf;
}

WR_EXPORT_PART(msvcrt_float,
    WR_EXPORT(_control87), WR_EXPORT(_controlfp), WR_EXPORT(_controlfp_s), WR_EXPORT(_statusfp), WR_EXPORT(_clearfp),
    WR_EXPORT(_fpreset), WR_EXPORT(__fpecode), WR_EXPORT(_ecvt), WR_EXPORT(_fcvt));

}  // namespace winrun::crt
