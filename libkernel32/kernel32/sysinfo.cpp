// System information and version. Version quirk reproduced: GetVersion/GetVersionEx report 6.2
// (build 9200) to programs without a Windows 10 compatibility manifest, as Windows 8.1+ does;
// RtlGetVersion (ntdll) always tells the truth (10.0.19045).
#include <cpuid.h>
#include <unistd.h>

#include <cstring>

#include "builtin/builtin.h"
#include "k32.h"
#include "unicode.h"

namespace winrun::k32 {

struct SYSTEM_INFO {
    WORD wProcessorArchitecture;
    WORD wReserved;
    DWORD dwPageSize;
    LPVOID lpMinimumApplicationAddress;
    LPVOID lpMaximumApplicationAddress;
    ULONG_PTR dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    WORD wProcessorLevel;
    WORD wProcessorRevision;
};
static_assert(sizeof(SYSTEM_INFO) == 48);

void WINAPI GetSystemInfo(SYSTEM_INFO* si) {
    std::memset(si, 0, sizeof *si);
    si->wProcessorArchitecture = 9;  // PROCESSOR_ARCHITECTURE_AMD64
    si->dwPageSize = 4096;
    si->lpMinimumApplicationAddress = reinterpret_cast<void*>(0x10000);
    si->lpMaximumApplicationAddress = reinterpret_cast<void*>(0x7FFFFFFEFFFFull);
    const int n = online_processor_count();
    si->dwNumberOfProcessors = DWORD(n);
    si->dwActiveProcessorMask = n == 64 ? ~0ull : ((1ull << n) - 1);
    si->dwProcessorType = 8664;  // PROCESSOR_AMD_X8664
    si->dwAllocationGranularity = 0x10000;
    si->wProcessorLevel = 6;
    si->wProcessorRevision = 0;
}
void WINAPI GetNativeSystemInfo(SYSTEM_INFO* si) { GetSystemInfo(si); }

DWORD WINAPI GetVersion() { return (9200u << 16) | (2u << 8) | 6u; }

struct OSVERSIONINFOEXW {
    DWORD dwOSVersionInfoSize, dwMajorVersion, dwMinorVersion, dwBuildNumber, dwPlatformId;
    WCHAR szCSDVersion[128];
    WORD wServicePackMajor, wServicePackMinor, wSuiteMask;
    BYTE wProductType, wReserved;
};
static_assert(sizeof(OSVERSIONINFOEXW) == 284);
struct OSVERSIONINFOEXA {
    DWORD dwOSVersionInfoSize, dwMajorVersion, dwMinorVersion, dwBuildNumber, dwPlatformId;
    CHAR szCSDVersion[128];
    WORD wServicePackMajor, wServicePackMinor, wSuiteMask;
    BYTE wProductType, wReserved;
};
static_assert(sizeof(OSVERSIONINFOEXA) == 156);

template <typename T>
BOOL fill_version(T* v, DWORD basic_size, DWORD major, DWORD minor, DWORD build) {
    if (!v || (v->dwOSVersionInfoSize != basic_size && v->dwOSVersionInfoSize != sizeof(T)))
        return fail(ERROR_INSUFFICIENT_BUFFER);
    DWORD size = v->dwOSVersionInfoSize;
    std::memset(reinterpret_cast<BYTE*>(v) + sizeof(DWORD), 0, size - sizeof(DWORD));
    v->dwMajorVersion = major;
    v->dwMinorVersion = minor;
    v->dwBuildNumber = build;
    v->dwPlatformId = 2;
    if (size == sizeof(T)) v->wProductType = 1;  // VER_NT_WORKSTATION
    return TRUE;
}
BOOL WINAPI GetVersionExW(OSVERSIONINFOEXW* v) { return fill_version(v, 276, 6, 2, 9200); }
BOOL WINAPI GetVersionExA(OSVERSIONINFOEXA* v) { return fill_version(v, 148, 6, 2, 9200); }
NTSTATUS WINAPI RtlGetVersion(OSVERSIONINFOEXW* v) {
    if (!fill_version(v, 276, 10, 0, 19045)) return NTSTATUS(0xC000000D);  // STATUS_INVALID_PARAMETER
    return 0;
}

namespace {
// CPU features from cpuid, read on first use. (Not __builtin_cpu_supports: it links libgcc's
// constructor that runs cpuid at every process start, and cpuid is slow in a virtual machine.)
struct CpuFeatures {
    bool mmx, sse, sse2, sse3, ssse3, sse41, sse42, avx, avx2, avx512f;
};
const CpuFeatures& cpu_features() {
    static const CpuFeatures f = [] {
        CpuFeatures c{};
        unsigned a, b, cx, d;
        if (__get_cpuid(1, &a, &b, &cx, &d)) {
            c.mmx = d & (1u << 23);
            c.sse = d & (1u << 25);
            c.sse2 = d & (1u << 26);
            c.sse3 = cx & 1u;
            c.ssse3 = cx & (1u << 9);
            c.sse41 = cx & (1u << 19);
            c.sse42 = cx & (1u << 20);
            // AVX needs the CPU bit and the OS saving the YMM state (OSXSAVE, XCR0 bits 1 and 2).
            bool osxsave = cx & (1u << 27);
            uint64_t xcr0 = 0;
            if (osxsave) {
                uint32_t lo, hi;
                __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
                xcr0 = (uint64_t(hi) << 32) | lo;
            }
            c.avx = (cx & (1u << 28)) && (xcr0 & 6) == 6;
            if (__get_cpuid_count(7, 0, &a, &b, &cx, &d)) {
                c.avx2 = c.avx && (b & (1u << 5));
                c.avx512f = c.avx && (b & (1u << 16)) && (xcr0 & 0xE0) == 0xE0;
            }
        }
        return c;
    }();
    return f;
}
}  // namespace

BOOL WINAPI IsProcessorFeaturePresent(DWORD feature) {
    const CpuFeatures& f = cpu_features();
    switch (feature) {
    case 2: return TRUE;          // PF_COMPARE_EXCHANGE_DOUBLE
    case 3: return f.mmx;         // PF_MMX_INSTRUCTIONS_AVAILABLE
    case 6: return f.sse;         // PF_XMMI_INSTRUCTIONS_AVAILABLE
    case 8: return TRUE;          // PF_RDTSC_INSTRUCTION_AVAILABLE
    case 10: return f.sse2;       // PF_XMMI64_INSTRUCTIONS_AVAILABLE
    case 12: return TRUE;         // PF_NX_ENABLED
    case 13: return f.sse3;       // PF_SSE3_INSTRUCTIONS_AVAILABLE
    case 14: return TRUE;         // PF_COMPARE_EXCHANGE128
    case 17: return TRUE;         // PF_XSAVE_ENABLED
    case 23: return TRUE;         // PF_FASTFAIL_AVAILABLE
    case 36: return f.ssse3;      // PF_SSSE3_INSTRUCTIONS_AVAILABLE
    case 37: return f.sse41;      // PF_SSE4_1_INSTRUCTIONS_AVAILABLE
    case 38: return f.sse42;      // PF_SSE4_2_INSTRUCTIONS_AVAILABLE
    case 39: return f.avx;        // PF_AVX_INSTRUCTIONS_AVAILABLE
    case 40: return f.avx2;       // PF_AVX2_INSTRUCTIONS_AVAILABLE
    case 41: return f.avx512f;    // PF_AVX512F_INSTRUCTIONS_AVAILABLE
    default: return FALSE;
    }
}

WR_EXPORT_PART(kernel32_sysinfo,
    WR_EXPORT(GetSystemInfo),
    WR_EXPORT(GetNativeSystemInfo),
    WR_EXPORT(GetVersion),
    WR_EXPORT(GetVersionExA),
    WR_EXPORT(GetVersionExW),
    WR_EXPORT(IsProcessorFeaturePresent));

WR_EXPORT_PART(ntdll_version, WR_EXPORT(RtlGetVersion));

}  // namespace winrun::k32
