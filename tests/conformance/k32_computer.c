/* k32_computer.c: computer names (NetBIOS form upper case, at most 15 characters; size rules),
 * GlobalMemoryStatus(Ex), GetSystemTimes, processor counts and affinity masks, and the Windows
 * environment variables every process has. */
#include "ok.h"

static void test_names(void) {
    char name[64], dns[256];
    WCHAR wname[64];
    DWORD size, len;
    size = sizeof(name);
    ok(GetComputerNameA(name, &size), "GetComputerNameA failed: %lu\n", GetLastError());
    len = (DWORD)strlen(name);
    ok(size == len && len >= 1 && len <= MAX_COMPUTERNAME_LENGTH, "GetComputerNameA: size %lu, %s\n", size, name);
    for (DWORD i = 0; i < len; i++) ok(!(name[i] >= 'a' && name[i] <= 'z'), "lower-case letter in %s\n", name);
    size = 64;
    ok(GetComputerNameW(wname, &size) && size == len, "GetComputerNameW: %lu\n", size);
    size = 1;
    SetLastError(0xdeadbeef);
    ok(!GetComputerNameA(name, &size), "GetComputerNameA with a small buffer succeeded\n");
    ok(GetLastError() == ERROR_BUFFER_OVERFLOW && size == len + 1, "small buffer: error %lu, size %lu\n", GetLastError(), size);

    size = 0;
    SetLastError(0xdeadbeef);
    ok(!GetComputerNameExA(ComputerNameDnsHostname, NULL, &size), "size query succeeded\n");
    ok(GetLastError() == ERROR_MORE_DATA && size > 1, "GetComputerNameEx size query: error %lu, size %lu\n", GetLastError(), size);
    size = sizeof(dns);
    ok(GetComputerNameExA(ComputerNameDnsHostname, dns, &size) && size == strlen(dns), "DnsHostname: %s\n", dns);
    ok(!_strnicmp(dns, name, len), "NetBIOS name %s is not the start of the host name %s\n", name, dns);
    size = sizeof(dns);
    ok(GetComputerNameExA(ComputerNameNetBIOS, dns, &size) && !strcmp(dns, name), "ComputerNameNetBIOS: %s\n", dns);
    size = sizeof(dns);
    ok(GetComputerNameExA(ComputerNamePhysicalDnsFullyQualified, dns, &size) && size >= len, "FullyQualified: %s\n", dns);
    size = sizeof(dns);
    SetLastError(0xdeadbeef);
    ok(!GetComputerNameExA(ComputerNameMax, dns, &size) && GetLastError() == ERROR_INVALID_PARAMETER, "ComputerNameMax: %lu\n",
       GetLastError());
}

static void test_memory(void) {
    MEMORYSTATUSEX m;
    MEMORYSTATUS ms;
    memset(&m, 0, sizeof(m));
    SetLastError(0xdeadbeef);
    ok(!GlobalMemoryStatusEx(&m) && GetLastError() == ERROR_INVALID_PARAMETER, "dwLength 0 accepted: %lu\n", GetLastError());
    m.dwLength = sizeof(m);
    ok(GlobalMemoryStatusEx(&m), "GlobalMemoryStatusEx failed\n");
    ok(m.ullTotalPhys > 0 && m.ullAvailPhys <= m.ullTotalPhys, "phys %llu / %llu\n", m.ullAvailPhys, m.ullTotalPhys);
    ok(m.dwMemoryLoad <= 100, "load %lu\n", m.dwMemoryLoad);
    ok(m.ullTotalPageFile >= m.ullTotalPhys, "page file %llu\n", m.ullTotalPageFile);
    ok(m.ullTotalVirtual > 0x7F0000000000ull && m.ullTotalVirtual <= 0x800000000000ull, "total virtual %#llx\n", m.ullTotalVirtual);
    ok(m.ullAvailVirtual < m.ullTotalVirtual && m.ullAvailVirtual > 0, "avail virtual %#llx\n", m.ullAvailVirtual);
    memset(&ms, 0, sizeof(ms));
    GlobalMemoryStatus(&ms);
    ok(ms.dwLength == sizeof(ms) && ms.dwTotalPhys > 0, "GlobalMemoryStatus: %lu %llu\n", ms.dwLength, (unsigned long long)ms.dwTotalPhys);
}

static void test_cpus(void) {
    FILETIME idle, kernel, user;
    ULARGE_INTEGER i, k;
    DWORD_PTR pmask = 0, smask = 0, old, again;
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    ok(GetSystemTimes(&idle, &kernel, &user), "GetSystemTimes failed\n");
    i.LowPart = idle.dwLowDateTime; i.HighPart = idle.dwHighDateTime;
    k.LowPart = kernel.dwLowDateTime; k.HighPart = kernel.dwHighDateTime;
    ok(k.QuadPart >= i.QuadPart, "kernel time %llu does not include idle time %llu\n", k.QuadPart, i.QuadPart);
    ok(GetSystemTimes(NULL, NULL, &user), "GetSystemTimes with NULLs failed\n");

    ok(GetActiveProcessorCount(ALL_PROCESSOR_GROUPS) == si.dwNumberOfProcessors, "GetActiveProcessorCount %lu\n",
       GetActiveProcessorCount(ALL_PROCESSOR_GROUPS));
    ok(GetActiveProcessorCount(0) == si.dwNumberOfProcessors, "GetActiveProcessorCount(0)\n");
    ok(GetMaximumProcessorCount(ALL_PROCESSOR_GROUPS) >= si.dwNumberOfProcessors, "GetMaximumProcessorCount\n");

    ok(GetProcessAffinityMask(GetCurrentProcess(), &pmask, &smask), "GetProcessAffinityMask failed\n");
    ok(smask == si.dwActiveProcessorMask, "system mask %#llx, GetSystemInfo %#llx\n", (unsigned long long)smask,
       (unsigned long long)si.dwActiveProcessorMask);
    ok(pmask && (pmask & ~smask) == 0, "process mask %#llx\n", (unsigned long long)pmask);
    old = SetThreadAffinityMask(GetCurrentThread(), pmask & -pmask);
    ok(old == pmask, "SetThreadAffinityMask returned %#llx, expected %#llx\n", (unsigned long long)old, (unsigned long long)pmask);
    again = SetThreadAffinityMask(GetCurrentThread(), pmask);
    ok(again == (pmask & -pmask), "second SetThreadAffinityMask returned %#llx\n", (unsigned long long)again);
    SetLastError(0xdeadbeef);
    ok(!SetThreadAffinityMask(GetCurrentThread(), 0) && GetLastError() == ERROR_INVALID_PARAMETER, "mask 0: %lu\n", GetLastError());
    ok(SetProcessAffinityMask(GetCurrentProcess(), pmask), "SetProcessAffinityMask failed: %lu\n", GetLastError());
}

static void test_environment(void) {
    static const char* names[] = {"USERPROFILE", "TEMP", "TMP", "SystemRoot", "windir", "COMSPEC", "PATHEXT", "COMPUTERNAME",
                                  "USERNAME", "ProgramFiles", "ProgramData", "APPDATA", "LOCALAPPDATA", "OS",
                                  "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE", "SystemDrive"};
    char buf[MAX_PATH], name[64], num[16];
    DWORD size = sizeof(name);
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        ok(GetEnvironmentVariableA(names[i], buf, sizeof(buf)) > 0, "%s is not set\n", names[i]);
    GetEnvironmentVariableA("OS", buf, sizeof(buf));
    ok(!strcmp(buf, "Windows_NT"), "OS=%s\n", buf);
    GetEnvironmentVariableA("PROCESSOR_ARCHITECTURE", buf, sizeof(buf));
    ok(!strcmp(buf, "AMD64"), "PROCESSOR_ARCHITECTURE=%s\n", buf);
    GetComputerNameA(name, &size);
    GetEnvironmentVariableA("COMPUTERNAME", buf, sizeof(buf));
    ok(!strcmp(buf, name), "COMPUTERNAME=%s, GetComputerName %s\n", buf, name);
    sprintf(num, "%u", (unsigned)GetActiveProcessorCount(ALL_PROCESSOR_GROUPS));
    GetEnvironmentVariableA("NUMBER_OF_PROCESSORS", buf, sizeof(buf));
    ok(!strcmp(buf, num), "NUMBER_OF_PROCESSORS=%s\n", buf);
    GetEnvironmentVariableA("LOCALAPPDATA", buf, sizeof(buf));
    ok(!_strnicmp(buf, "C:\\users\\", 9), "LOCALAPPDATA=%s\n", buf);
    ok(GetTempPathA(sizeof(buf), buf) && GetFileAttributesA(buf) != INVALID_FILE_ATTRIBUTES, "temp directory %s does not exist\n", buf);
}

START_TEST(k32_computer)
{
    test_names();
    test_memory();
    test_cpus();
    test_environment();
}
