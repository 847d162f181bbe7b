// The machine as a program sees it: computer names, memory status, CPU times, processor counts and
// affinity masks. Everything comes from Linux (gethostname, /proc/meminfo, /proc/stat,
// sched_getaffinity) at the time of the call.
#include <dirent.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "builtin/builtin.h"
#include "k32.h"
#include "process_handle.h"
#include "thread.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr DWORD MAX_COMPUTERNAME_LENGTH = 15;

std::string host_name() {
    char h[256] = {};
    if (gethostname(h, sizeof h - 1) != 0 || !h[0]) return "localhost";
    return h;
}

// The NetBIOS name Windows derives from the host name: the first label, upper-cased, at most 15
// characters.
std::u16string netbios_name() {
    std::string h = host_name();
    h = h.substr(0, h.find('.'));
    if (h.size() > MAX_COMPUTERNAME_LENGTH) h.resize(MAX_COMPUTERNAME_LENGTH);
    for (char& c : h) c = char(std::toupper(static_cast<unsigned char>(c)));
    return utf8_to_utf16(h);
}

enum COMPUTER_NAME_FORMAT {
    ComputerNameNetBIOS, ComputerNameDnsHostname, ComputerNameDnsDomain, ComputerNameDnsFullyQualified,
    ComputerNamePhysicalNetBIOS, ComputerNamePhysicalDnsHostname, ComputerNamePhysicalDnsDomain,
    ComputerNamePhysicalDnsFullyQualified,
};

std::u16string computer_name(int type) {
    std::string h = host_name();
    size_t dot = h.find('.');
    switch (type) {
    case ComputerNameNetBIOS: case ComputerNamePhysicalNetBIOS: return netbios_name();
    case ComputerNameDnsHostname: case ComputerNamePhysicalDnsHostname: return utf8_to_utf16(h.substr(0, dot));
    case ComputerNameDnsDomain: case ComputerNamePhysicalDnsDomain:
        return dot == std::string::npos ? u"" : utf8_to_utf16(h.substr(dot + 1));
    default: return utf8_to_utf16(h);
    }
}

// GetComputerName: too small fails with ERROR_BUFFER_OVERFLOW; GetComputerNameEx with
// ERROR_MORE_DATA. Both put the size needed (with the terminator) in *size; on success *size is the
// length without it.
template <typename C>
BOOL return_name(const std::basic_string<C>& name, C* buf, DWORD* size, DWORD too_small) {
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    if (!buf || *size < name.size() + 1) {
        *size = DWORD(name.size() + 1);
        return fail(too_small);
    }
    std::memcpy(buf, name.c_str(), (name.size() + 1) * sizeof(C));
    *size = DWORD(name.size());
    return TRUE;
}
}  // namespace

std::u16string computer_netbios_name() { return netbios_name(); }

BOOL WINAPI GetComputerNameW(LPWSTR buf, DWORD* size) { return return_name(netbios_name(), buf, size, ERROR_BUFFER_OVERFLOW); }
BOOL WINAPI GetComputerNameA(LPSTR buf, DWORD* size) {
    return return_name(wide_to_ansi(netbios_name()), buf, size, ERROR_BUFFER_OVERFLOW);
}
BOOL WINAPI GetComputerNameExW(int type, LPWSTR buf, DWORD* size) {
    if (type < ComputerNameNetBIOS || type > ComputerNamePhysicalDnsFullyQualified) return fail(ERROR_INVALID_PARAMETER);
    return return_name(computer_name(type), buf, size, ERROR_MORE_DATA);
}
BOOL WINAPI GetComputerNameExA(int type, LPSTR buf, DWORD* size) {
    if (type < ComputerNameNetBIOS || type > ComputerNamePhysicalDnsFullyQualified) return fail(ERROR_INVALID_PARAMETER);
    return return_name(wide_to_ansi(computer_name(type)), buf, size, ERROR_MORE_DATA);
}

// ---- memory ---------------------------------------------------------------------------------
struct MEMORYSTATUSEX {
    DWORD dwLength, dwMemoryLoad;
    ULONGLONG ullTotalPhys, ullAvailPhys, ullTotalPageFile, ullAvailPageFile, ullTotalVirtual, ullAvailVirtual,
        ullAvailExtendedVirtual;
};
static_assert(sizeof(MEMORYSTATUSEX) == 64);
struct MEMORYSTATUS {
    DWORD dwLength, dwMemoryLoad;
    SIZE_T dwTotalPhys, dwAvailPhys, dwTotalPageFile, dwAvailPageFile, dwTotalVirtual, dwAvailVirtual;
};
static_assert(sizeof(MEMORYSTATUS) == 56);

namespace {
// The user address space of a 64-bit process: 0x10000 to 0x7FFFFFFEFFFF (GetSystemInfo's bounds).
constexpr ULONGLONG k_user_space = 0x7FFFFFFF0000ull - 0x10000ull;

struct MemInfo {
    ULONGLONG total = 0, avail = 0, swap_total = 0, swap_free = 0;
};
MemInfo read_meminfo() {
    MemInfo m;
    FILE* f = std::fopen("/proc/meminfo", "re");
    if (!f) return m;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (std::sscanf(line, "MemTotal: %llu kB", &kb) == 1) m.total = kb * 1024;
        else if (std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1) m.avail = kb * 1024;
        else if (std::sscanf(line, "SwapTotal: %llu kB", &kb) == 1) m.swap_total = kb * 1024;
        else if (std::sscanf(line, "SwapFree: %llu kB", &kb) == 1) m.swap_free = kb * 1024;
    }
    std::fclose(f);
    return m;
}

ULONGLONG process_vm_size() {
    FILE* f = std::fopen("/proc/self/statm", "re");
    if (!f) return 0;
    unsigned long long pages = 0;
    if (std::fscanf(f, "%llu", &pages) != 1) pages = 0;
    std::fclose(f);
    return pages * 4096;
}

void fill_memory_status(MEMORYSTATUSEX* m) {
    MemInfo mi = read_meminfo();
    m->ullTotalPhys = mi.total;
    m->ullAvailPhys = mi.avail;
    m->dwMemoryLoad = mi.total ? DWORD((mi.total - mi.avail) * 100 / mi.total) : 0;
    // The commit limit: physical memory plus the swap (page file).
    m->ullTotalPageFile = mi.total + mi.swap_total;
    m->ullAvailPageFile = mi.avail + mi.swap_free;
    m->ullTotalVirtual = k_user_space;
    ULONGLONG used = process_vm_size();
    m->ullAvailVirtual = used < k_user_space ? k_user_space - used : 0;
    m->ullAvailExtendedVirtual = 0;
}
}  // namespace

BOOL WINAPI GlobalMemoryStatusEx(MEMORYSTATUSEX* m) {
    if (!m || m->dwLength != sizeof(MEMORYSTATUSEX)) return fail(ERROR_INVALID_PARAMETER);
    fill_memory_status(m);
    return TRUE;
}

void WINAPI GlobalMemoryStatus(MEMORYSTATUS* m) {
    MEMORYSTATUSEX x{};
    fill_memory_status(&x);
    m->dwLength = sizeof(MEMORYSTATUS);
    m->dwMemoryLoad = x.dwMemoryLoad;
    m->dwTotalPhys = x.ullTotalPhys;
    m->dwAvailPhys = x.ullAvailPhys;
    m->dwTotalPageFile = x.ullTotalPageFile;
    m->dwAvailPageFile = x.ullAvailPageFile;
    m->dwTotalVirtual = x.ullTotalVirtual;
    m->dwAvailVirtual = x.ullAvailVirtual;
}

// ---- CPU times and processors ----------------------------------------------------------------
// Windows quirk reproduced: the kernel time includes the idle time.
BOOL WINAPI GetSystemTimes(FILETIME* idle, FILETIME* kernel, FILETIME* user) {
    FILE* f = std::fopen("/proc/stat", "re");
    if (!f) return fail_errno();
    unsigned long long u = 0, n = 0, s = 0, i = 0, w = 0, irq = 0, sirq = 0, steal = 0;
    int got = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &i, &w, &irq, &sirq, &steal);
    std::fclose(f);
    if (got < 4) return fail(ERROR_NOT_SUPPORTED);
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0) hz = 100;
    auto ft = [hz](unsigned long long ticks) {
        ULONGLONG v = ticks * (10000000ull / ULONGLONG(hz));
        return FILETIME{DWORD(v), DWORD(v >> 32)};
    };
    if (idle) *idle = ft(i + w);
    if (kernel) *kernel = ft(s + irq + sirq + i + w);
    if (user) *user = ft(u + n);
    return TRUE;
}

// sysconf reads /sys/devices/system/cpu/online at each call; Windows fixes the count at boot, so
// one reading serves the process (the environment, the PEB, shared user data, GetSystemInfo).
int online_processor_count() {
    static const int n = [] {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        return c < 1 ? 1 : c > 64 ? 64 : int(c);
    }();
    return n;
}

namespace {
ULONG_PTR system_mask() {
    int n = online_processor_count();
    return n == 64 ? ~0ull : (1ull << n) - 1;
}
ULONG_PTR mask_of(const cpu_set_t& set) {
    ULONG_PTR m = 0;
    for (int c = 0; c < 64; c++)
        if (CPU_ISSET(c, &set)) m |= 1ull << c;
    return m;
}
cpu_set_t set_of(ULONG_PTR m) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c = 0; c < 64; c++)
        if (m & (1ull << c)) CPU_SET(c, &set);
    return set;
}
bool is_own_process(HANDLE h) {
    if (h == PSEUDO_PROCESS) return true;
    auto obj = handle_get(h);
    if (!obj || obj->kind != ObjectKind::Process) return false;
    return static_cast<ProcessObject*>(obj.get())->self;
}
}  // namespace

constexpr WORD ALL_PROCESSOR_GROUPS = 0xFFFF;

DWORD WINAPI GetActiveProcessorCount(WORD group) {
    if (group != 0 && group != ALL_PROCESSOR_GROUPS) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return DWORD(online_processor_count());
}
DWORD WINAPI GetMaximumProcessorCount(WORD group) { return GetActiveProcessorCount(group); }
WORD WINAPI GetActiveProcessorGroupCount() { return 1; }
WORD WINAPI GetMaximumProcessorGroupCount() { return 1; }

BOOL WINAPI GetProcessAffinityMask(HANDLE process, ULONG_PTR* process_mask, ULONG_PTR* sys_mask) {
    if (!process_mask || !sys_mask) return fail(ERROR_INVALID_PARAMETER);
    auto obj = process == PSEUDO_PROCESS ? nullptr : handle_get(process);
    if (process != PSEUDO_PROCESS && (!obj || obj->kind != ObjectKind::Process)) return fail(ERROR_INVALID_HANDLE);
    cpu_set_t set;
    pid_t pid = 0;
    if (obj && !static_cast<ProcessObject*>(obj.get())->self) pid = pid_t(static_cast<ProcessObject*>(obj.get())->linux_pid);
    if (obj && !static_cast<ProcessObject*>(obj.get())->self && pid == 0) {
        // A process that has ended (or one we cannot see): every processor, as Windows reports for it.
        *process_mask = *sys_mask = system_mask();
        return TRUE;
    }
    if (sched_getaffinity(pid, sizeof set, &set) != 0) return fail_errno();
    *sys_mask = system_mask();
    *process_mask = mask_of(set) & *sys_mask;
    return TRUE;
}

// Applies to every thread of this process (Linux affinity is per thread).
BOOL WINAPI SetProcessAffinityMask(HANDLE process, ULONG_PTR mask) {
    if (!is_own_process(process)) return fail(ERROR_ACCESS_DENIED);
    if (!mask || (mask & ~system_mask())) return fail(ERROR_INVALID_PARAMETER);
    cpu_set_t set = set_of(mask);
    DIR* d = opendir("/proc/self/task");
    if (!d) return fail_errno();
    bool ok = true;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        if (sched_setaffinity(pid_t(std::atoi(e->d_name)), sizeof set, &set) != 0 && errno != ESRCH) ok = false;
    }
    closedir(d);
    return ok ? TRUE : fail_errno();
}

// Returns the previous mask. Only the calling thread's handle can be changed here (other threads'
// Linux ids are private to thread.cpp): another thread's handle fails with ERROR_NOT_SUPPORTED.
ULONG_PTR WINAPI SetThreadAffinityMask(HANDLE thread, ULONG_PTR mask) {
    if (thread != PSEUDO_THREAD) {
        auto obj = handle_get(thread);
        if (!obj || obj->kind != ObjectKind::Thread) {
            set_last_error(ERROR_INVALID_HANDLE);
            return 0;
        }
        if (obj != current_thread_object()) {
            set_last_error(ERROR_NOT_SUPPORTED);
            return 0;
        }
    }
    cpu_set_t old;
    if (sched_getaffinity(0, sizeof old, &old) != 0) {
        fail_errno();
        return 0;
    }
    ULONG_PTR process_mask = 0, sys = 0;
    GetProcessAffinityMask(PSEUDO_PROCESS, &process_mask, &sys);
    // The new mask must name processors that exist (Windows: a subset of the process mask).
    if (!mask || (mask & ~sys)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    cpu_set_t set = set_of(mask);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        fail_errno();
        return 0;
    }
    return mask_of(old) & sys;
}

WR_EXPORT_PART(kernel32_computer,
    WR_EXPORT(GetComputerNameA),
    WR_EXPORT(GetComputerNameW),
    WR_EXPORT(GetComputerNameExA),
    WR_EXPORT(GetComputerNameExW),
    WR_EXPORT(GlobalMemoryStatusEx),
    WR_EXPORT(GlobalMemoryStatus),
    WR_EXPORT(GetSystemTimes),
    WR_EXPORT(GetActiveProcessorCount),
    WR_EXPORT(GetMaximumProcessorCount),
    WR_EXPORT(GetActiveProcessorGroupCount),
    WR_EXPORT(GetMaximumProcessorGroupCount),
    WR_EXPORT(GetProcessAffinityMask),
    WR_EXPORT(SetProcessAffinityMask),
    WR_EXPORT(SetThreadAffinityMask));

}  // namespace winrun::k32
