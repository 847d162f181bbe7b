// KUSER_SHARED_DATA: the page Windows maps read-only at 0x7FFE0000 in every process, which programs
// read directly instead of calling the kernel. The Go runtime reads its clock there (InterruptTime
// at +0x08 for nanotime, SystemTime at +0x14), MSVC's CRT reads processor features. Offsets are
// the documented ones (ntddk.h / the public KUSER_SHARED_DATA layout).
//
// The page is mapped at start-up with the static fields; the clocks in it are kept current by one
// internal thread (no TEB, all signals blocked) ticking every millisecond (Windows ticks every
// 15.6 ms unless a program raises the timer resolution). That thread starts with the first
// LoadLibrary, which every program that reads the clocks directly does first (the Go runtime loads
// its optional DLLs before osinit); before that the clocks hold the start time. A program that
// never loads a library and reads the page's clocks sees them stand still: documented limit.
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <ctime>

#include "k32.h"
#include "vm.h"

namespace winrun::k32 {

namespace {
constexpr uintptr_t k_address = 0x7FFE0000;
uint8_t* g_page = nullptr;
std::atomic<bool> g_clock_started{false};

template <class T>
void put(size_t off, T v) {
    std::memcpy(g_page + off, &v, sizeof v);
}

// KSYSTEM_TIME {LowPart, High1Time, High2Time}: High2Time first, then LowPart and High1Time in one
// 64-bit store, so a reader that compares High1Time with High2Time (or reads 64 bits) never sees a
// torn value.
void put_ksystem_time(size_t off, uint64_t v) {
    __atomic_store_n(reinterpret_cast<uint32_t*>(g_page + off + 8), uint32_t(v >> 32), __ATOMIC_RELEASE);
    __atomic_store_n(reinterpret_cast<uint64_t*>(g_page + off), v, __ATOMIC_RELEASE);
}

uint64_t hundred_ns(clockid_t clock) {
    timespec t;
    clock_gettime(clock, &t);
    return uint64_t(t.tv_sec) * 10000000ull + uint64_t(t.tv_nsec) / 100;
}

void update_clocks() {
    uint64_t interrupt = hundred_ns(CLOCK_BOOTTIME);
    put_ksystem_time(0x08, interrupt);                                          // InterruptTime
    put_ksystem_time(0x14, hundred_ns(CLOCK_REALTIME) + 116444736000000000ull);  // SystemTime (FILETIME)
    uint64_t ticks = interrupt / 10000;                                         // ms since boot
    put_ksystem_time(0x320, ticks);                                             // TickCount
    __atomic_store_n(reinterpret_cast<uint32_t*>(g_page + 0x0), uint32_t(ticks), __ATOMIC_RELEASE);  // TickCountLowDeprecated
}

void* clock_thread(void*) {
    timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        update_clocks();
        next.tv_nsec += 1000000;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
    }
    return nullptr;
}
}  // namespace

void init_user_shared_data() {
    void* p = mmap(reinterpret_cast<void*>(k_address), 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != reinterpret_cast<void*>(k_address)) {
        if (p != MAP_FAILED) munmap(p, 4096);
        return;  // something of winrun's own lives there: programs that read the page will fault
    }
    g_page = static_cast<uint8_t*>(p);
    put<uint32_t>(0x04, 0x0FA00000);   // TickCountMultiplier (ms = ticks * mult >> 24)
    put<uint16_t>(0x2C, 0x8664);       // ImageNumberLow (AMD64)
    put<uint16_t>(0x2E, 0x8664);       // ImageNumberHigh
    put<uint32_t>(0x260, 19045);       // NtBuildNumber (what RtlGetVersion reports)
    put<uint32_t>(0x264, 1);           // NtProductType: NtProductWinNt
    put<uint8_t>(0x268, 1);            // ProductTypeIsValid
    put<uint16_t>(0x26A, 0x8664);      // NativeProcessorArchitecture... (AMD64 image)
    put<uint32_t>(0x26C, 10);          // NtMajorVersion
    put<uint32_t>(0x270, 0);           // NtMinorVersion
    put<uint32_t>(0x2E8, uint32_t(sysconf(_SC_PHYS_PAGES)));  // NumberOfPhysicalPages
    put<uint32_t>(0x3C0, uint32_t(online_processor_count()));  // ActiveProcessorCount
    put<uint64_t>(0x300, 10000000);    // QpcFrequency (QueryPerformanceFrequency: 10 MHz)
    update_clocks();
    vm::register_region(p, 4096, vm::MEM_PRIVATE, vm::PAGE_READONLY);
}

void start_user_shared_clock() {
    if (!g_page || g_clock_started.exchange(true)) return;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);  // the thread inherits "everything blocked"
    pthread_t t;
    pthread_create(&t, &attr, clock_thread, nullptr);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    pthread_attr_destroy(&attr);
}

}  // namespace winrun::k32
