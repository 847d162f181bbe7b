/* sysinfo.c: GetSystemInfo/GetNativeSystemInfo, the version functions without a compatibility
 * manifest (6.2.9200), RtlGetVersion (the real version), system directories, pseudo-handles,
 * process and thread ids in the TEB. */
#include "ok.h"

static char* teb(void) {
    char* p;
    __asm__("movq %%gs:0x30, %0" : "=r"(p));
    return p;
}

static int stricmp_a(const char* a, const char* b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y || !x) return x - y;
    }
}

static void check_si(const SYSTEM_INFO* si, const char* which) {
    ok(si->wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64, "%s: architecture %u, expected AMD64 (9)\n", which,
       si->wProcessorArchitecture);
    ok(si->dwPageSize == 4096, "%s: page size %lu, expected 4096\n", which, si->dwPageSize);
    ok(si->dwAllocationGranularity == 65536, "%s: allocation granularity %lu, expected 65536\n", which, si->dwAllocationGranularity);
    ok(si->lpMinimumApplicationAddress == (void*)0x10000, "%s: minimum address %p, expected 0x10000\n", which,
       si->lpMinimumApplicationAddress);
    ok(si->lpMaximumApplicationAddress == (void*)0x7ffffffeffffull, "%s: maximum address %p, expected 0x7ffffffeffff\n", which,
       si->lpMaximumApplicationAddress);
    ok(si->dwNumberOfProcessors >= 1 && si->dwNumberOfProcessors <= 1024, "%s: %lu processors\n", which, si->dwNumberOfProcessors);
    ok(si->dwActiveProcessorMask != 0, "%s: no active processors in the mask\n", which);
    ok(si->dwProcessorType == PROCESSOR_AMD_X8664, "%s: processor type %lu, expected 8664\n", which, si->dwProcessorType);
}

static void test_system_info(void) {
    SYSTEM_INFO si, nsi;
    memset(&si, 0xcc, sizeof(si));
    GetSystemInfo(&si);
    check_si(&si, "GetSystemInfo");
    memset(&nsi, 0xcc, sizeof(nsi));
    GetNativeSystemInfo(&nsi);
    check_si(&nsi, "GetNativeSystemInfo");
    ok(*(DWORD*)(*(char**)(teb() + 0x60) + 0xb8) == si.dwNumberOfProcessors, "PEB.NumberOfProcessors %lu, GetSystemInfo %lu\n",
       *(DWORD*)(*(char**)(teb() + 0x60) + 0xb8), si.dwNumberOfProcessors);
    ok(IsProcessorFeaturePresent(PF_XMMI64_INSTRUCTIONS_AVAILABLE), "SSE2 is not reported\n");
    ok(IsProcessorFeaturePresent(PF_NX_ENABLED), "NX is not reported\n");
}

static void test_version(void) {
    OSVERSIONINFOA va;
    OSVERSIONINFOEXW vw;
    DWORD v;
    LONG (WINAPI * pRtlGetVersion)(RTL_OSVERSIONINFOW*) = (void*)GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlGetVersion");
    RTL_OSVERSIONINFOW rv;

    /* no compatibility manifest: Windows 8 (6.2.9200) */
    v = GetVersion();
    ok(v == 0x23f00206, "GetVersion: expected 0x23f00206, got 0x%lx\n", v);

    memset(&va, 0, sizeof(va));
    va.dwOSVersionInfoSize = sizeof(va);
    ok(GetVersionExA(&va), "GetVersionExA failed: %lu\n", GetLastError());
    ok(va.dwMajorVersion == 6 && va.dwMinorVersion == 2 && va.dwBuildNumber == 9200,
       "GetVersionExA: expected 6.2.9200, got %lu.%lu.%lu\n", va.dwMajorVersion, va.dwMinorVersion, va.dwBuildNumber);
    ok(va.dwPlatformId == VER_PLATFORM_WIN32_NT, "dwPlatformId %lu\n", va.dwPlatformId);

    memset(&vw, 0, sizeof(vw));
    vw.dwOSVersionInfoSize = sizeof(vw);
    ok(GetVersionExW((OSVERSIONINFOW*)&vw), "GetVersionExW(EX) failed: %lu\n", GetLastError());
    ok(vw.dwMajorVersion == 6 && vw.dwMinorVersion == 2 && vw.dwBuildNumber == 9200, "GetVersionExW: %lu.%lu.%lu\n",
       vw.dwMajorVersion, vw.dwMinorVersion, vw.dwBuildNumber);

    memset(&va, 0, sizeof(va));
    va.dwOSVersionInfoSize = 0;
    SetLastError(0xdeadbeef);
    ok(!GetVersionExA(&va), "GetVersionExA with size 0 succeeded\n");
    ok(GetLastError() == ERROR_INSUFFICIENT_BUFFER, "size 0: expected ERROR_INSUFFICIENT_BUFFER, got %lu\n", GetLastError());

    ok(GetModuleHandleA("ntdll.dll") != NULL, "ntdll.dll is not loaded (every Windows process has it)\n");
    ok(pRtlGetVersion != NULL, "no ntdll.dll!RtlGetVersion\n");
    if (pRtlGetVersion) {
        memset(&rv, 0, sizeof(rv));
        rv.dwOSVersionInfoSize = sizeof(rv);
        ok(pRtlGetVersion(&rv) == 0, "RtlGetVersion failed\n");
        ok(rv.dwMajorVersion == 10 && rv.dwMinorVersion == 0, "RtlGetVersion: expected 10.0, got %lu.%lu\n", rv.dwMajorVersion,
           rv.dwMinorVersion);
    }
    /* the PEB carries the real version too */
    {
        char* peb = *(char**)(teb() + 0x60);
        ok(*(DWORD*)(peb + 0x118) == 10, "PEB.OSMajorVersion: %lu\n", *(DWORD*)(peb + 0x118));
    }
}

static void test_directories(void) {
    char buf[MAX_PATH], win[MAX_PATH], small[4];
    UINT n, w;
    n = GetSystemDirectoryA(buf, sizeof(buf));
    ok(n > 0 && n == strlen(buf), "GetSystemDirectoryA: %u %s\n", n, buf);
    ok(!stricmp_a(buf, "C:\\windows\\system32"), "system directory: expected C:\\windows\\system32 (any case), got %s\n", buf);
    n = GetSystemDirectoryA(small, sizeof(small));
    ok(n == strlen(buf) + 1, "GetSystemDirectoryA with a small buffer: expected %u (size with NUL), got %u\n",
       (unsigned)strlen(buf) + 1, n);
    w = GetWindowsDirectoryA(win, sizeof(win));
    ok(w > 0 && !stricmp_a(win, "C:\\windows"), "GetWindowsDirectoryA: %u %s\n", w, win);
}

static void test_process_ids(void) {
    char* t = teb();
    ok(GetCurrentProcess() == (HANDLE)(LONG_PTR)-1, "GetCurrentProcess: %p, expected -1\n", GetCurrentProcess());
    ok(GetCurrentThread() == (HANDLE)(LONG_PTR)-2, "GetCurrentThread: %p, expected -2\n", GetCurrentThread());
    ok(*(char**)(t + 0x30) == t, "TEB.Self is not the TEB\n");
    ok(*(DWORD_PTR*)(t + 0x40) == GetCurrentProcessId(), "TEB.ClientId.UniqueProcess %llu, GetCurrentProcessId %lu\n",
       *(DWORD_PTR*)(t + 0x40), GetCurrentProcessId());
    ok(*(DWORD_PTR*)(t + 0x48) == GetCurrentThreadId(), "TEB.ClientId.UniqueThread %llu, GetCurrentThreadId %lu\n",
       *(DWORD_PTR*)(t + 0x48), GetCurrentThreadId());
    ok(GetCurrentProcessId() % 4 == 0 && GetCurrentThreadId() % 4 == 0, "process/thread ids %lu/%lu are not multiples of 4\n",
       GetCurrentProcessId(), GetCurrentThreadId());
    {   /* stack bounds: this frame is inside [StackLimit, StackBase) */
        char here;
        char* base = *(char**)(t + 0x08);
        char* limit = *(char**)(t + 0x10);
        ok(&here < base && &here >= limit, "a local %p is outside the TEB stack [%p, %p)\n", &here, limit, base);
    }
    {   /* LastErrorValue lives at TEB+0x68 */
        SetLastError(0x1234);
        ok(*(DWORD*)(t + 0x68) == 0x1234, "TEB.LastErrorValue: expected 0x1234, got 0x%lx\n", *(DWORD*)(t + 0x68));
        *(DWORD*)(t + 0x68) = 0x4321;
        ok(GetLastError() == 0x4321, "GetLastError does not read TEB.LastErrorValue: 0x%lx\n", GetLastError());
    }
}

START_TEST(sysinfo)
{
    test_system_info();
    test_version();
    test_directories();
    test_process_ids();
}
