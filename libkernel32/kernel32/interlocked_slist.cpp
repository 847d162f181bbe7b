// Interlocked singly linked lists (SLIST_HEADER), processor numbers, FlushProcessWriteBuffers,
// SetThreadStackGuarantee and the lstr* string functions.
//
// SLIST_HEADER on x64 is 16 bytes, 16-aligned, changed with one cmpxchg16b: the low quadword holds
// the depth (16 bits) and a sequence number (48 bits) that defeats ABA; the high quadword holds the
// first entry (16-aligned, so its low 4 bits are free) with bit 0 set, the "16-byte header" type
// Windows x64 uses.
#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "k32.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
struct alignas(16) SLIST_HEADER {
    uint64_t lo, hi;
};
struct alignas(16) SLIST_ENTRY {
    SLIST_ENTRY* Next;
};
static_assert(sizeof(SLIST_HEADER) == 16);

bool cas16(SLIST_HEADER* h, SLIST_HEADER& expected, SLIST_HEADER desired) {
    bool ok;
    __asm__ __volatile__("lock cmpxchg16b %1\n\tsetz %0"
                         : "=q"(ok), "+m"(*h), "+a"(expected.lo), "+d"(expected.hi)
                         : "b"(desired.lo), "c"(desired.hi)
                         : "memory", "cc");
    return ok;
}
SLIST_HEADER snapshot(SLIST_HEADER* h) {
    SLIST_HEADER v{__atomic_load_n(&h->lo, __ATOMIC_ACQUIRE), __atomic_load_n(&h->hi, __ATOMIC_ACQUIRE)};
    return v;
}
SLIST_ENTRY* first_of(const SLIST_HEADER& v) { return reinterpret_cast<SLIST_ENTRY*>(v.hi & ~uint64_t(0xF)); }
uint64_t next_lo(uint64_t lo, int depth_change) {
    uint64_t depth = (lo + uint64_t(int64_t(depth_change))) & 0xFFFF;
    uint64_t seq = ((lo >> 16) + 1) & 0xFFFFFFFFFFFFull;
    return depth | (seq << 16);
}
}  // namespace

void WINAPI InitializeSListHead(SLIST_HEADER* h) {
    h->lo = 0;
    h->hi = 1;
}

SLIST_ENTRY* WINAPI InterlockedPushEntrySList(SLIST_HEADER* h, SLIST_ENTRY* e) {
    SLIST_HEADER old = snapshot(h);
    while (true) {
        e->Next = first_of(old);
        if (cas16(h, old, {next_lo(old.lo, +1), reinterpret_cast<uint64_t>(e) | 1})) return first_of(old);
    }
}

// Windows tolerates a concurrent pop freeing the entry read here through an exception handler;
// winrun has the same race and the same ABA protection (the sequence number).
SLIST_ENTRY* WINAPI InterlockedPopEntrySList(SLIST_HEADER* h) {
    SLIST_HEADER old = snapshot(h);
    while (true) {
        SLIST_ENTRY* first = first_of(old);
        if (!first) return nullptr;
        SLIST_ENTRY* next = __atomic_load_n(&first->Next, __ATOMIC_RELAXED);
        if (cas16(h, old, {next_lo(old.lo, -1), reinterpret_cast<uint64_t>(next) | 1})) return first;
    }
}

SLIST_ENTRY* WINAPI InterlockedFlushSList(SLIST_HEADER* h) {
    SLIST_HEADER old = snapshot(h);
    while (true) {
        if (!first_of(old)) return nullptr;
        if (cas16(h, old, {next_lo(old.lo, -int(old.lo & 0xFFFF)), 1})) return first_of(old);
    }
}

USHORT WINAPI QueryDepthSList(SLIST_HEADER* h) { return USHORT(snapshot(h).lo & 0xFFFF); }
SLIST_ENTRY* WINAPI RtlFirstEntrySList(const SLIST_HEADER* h) {
    return first_of(snapshot(const_cast<SLIST_HEADER*>(h)));
}

// ---- processors ------------------------------------------------------------------------------
DWORD WINAPI GetCurrentProcessorNumber() {
    int cpu = sched_getcpu();
    return cpu < 0 ? 0 : DWORD(cpu);
}
struct PROCESSOR_NUMBER {
    WORD Group;
    BYTE Number, Reserved;
};
void WINAPI GetCurrentProcessorNumberEx(PROCESSOR_NUMBER* p) {
    p->Group = 0;
    p->Number = BYTE(GetCurrentProcessorNumber());
    p->Reserved = 0;
}

// Every thread of the process passes a full memory barrier before this returns (membarrier(2)).
void WINAPI FlushProcessWriteBuffers() {
    static std::once_flag once;
    static bool expedited = false;
    std::call_once(once, [] {
        expedited = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
    });
    if (!expedited || syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
        syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

// The stack a thread keeps for handling a stack overflow. Every winrun thread has a 64 KiB region
// below its stack for this (see ntdll/seh_dispatch.cpp): guarantees up to that size hold. Returns
// the previous guarantee in *size, as Windows does.
BOOL WINAPI SetThreadStackGuarantee(ULONG* size) {
    thread_local ULONG t_guarantee = 0;
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    if (*size > 64 * 1024) return fail(ERROR_INVALID_PARAMETER);
    ULONG previous = t_guarantee;
    if (*size > t_guarantee) t_guarantee = *size;  // it can grow, never shrink
    *size = previous;
    return TRUE;
}

// ---- lstr* -----------------------------------------------------------------------------------
// NULL counts as an empty string, as Windows' exception handler inside these functions makes it.
int WINAPI lstrlenA(LPCSTR s) { return s ? int(std::strlen(s)) : 0; }
int WINAPI lstrlenW(LPCWSTR s) { return s ? int(wcslen16(s)) : 0; }
LPSTR WINAPI lstrcpyA(LPSTR d, LPCSTR s) {
    if (!d || !s) return nullptr;
    return std::strcpy(d, s);
}
LPWSTR WINAPI lstrcpyW(LPWSTR d, LPCWSTR s) {
    if (!d || !s) return nullptr;
    std::memcpy(d, s, (wcslen16(s) + 1) * 2);
    return d;
}
// Copies at most n-1 characters and always terminates (n > 0).
LPSTR WINAPI lstrcpynA(LPSTR d, LPCSTR s, int n) {
    if (!d || !s || n <= 0) return d;
    int i = 0;
    for (; i < n - 1 && s[i]; i++) d[i] = s[i];
    d[i] = 0;
    return d;
}
LPWSTR WINAPI lstrcpynW(LPWSTR d, LPCWSTR s, int n) {
    if (!d || !s || n <= 0) return d;
    int i = 0;
    for (; i < n - 1 && s[i]; i++) d[i] = s[i];
    d[i] = 0;
    return d;
}
LPSTR WINAPI lstrcatA(LPSTR d, LPCSTR s) {
    if (!d || !s) return nullptr;
    return std::strcat(d, s);
}
LPWSTR WINAPI lstrcatW(LPWSTR d, LPCWSTR s) {
    if (!d || !s) return nullptr;
    lstrcpyW(d + wcslen16(d), s);
    return d;
}

WR_EXPORT_PART(kernel32_interlocked_slist,
    WR_EXPORT(InitializeSListHead),
    WR_EXPORT(InterlockedPushEntrySList),
    WR_EXPORT(InterlockedPopEntrySList),
    WR_EXPORT(InterlockedFlushSList),
    WR_EXPORT(QueryDepthSList),
    WR_EXPORT(GetCurrentProcessorNumber),
    WR_EXPORT(GetCurrentProcessorNumberEx),
    WR_EXPORT(FlushProcessWriteBuffers),
    WR_EXPORT(SetThreadStackGuarantee),
    WR_EXPORT(lstrlenA),
    WR_EXPORT(lstrlenW),
    WR_EXPORT(lstrcpyA),
    WR_EXPORT(lstrcpyW),
    WR_EXPORT(lstrcpynA),
    WR_EXPORT(lstrcpynW),
    WR_EXPORT(lstrcatA),
    WR_EXPORT(lstrcatW));

// ntdll's name for looking at the first entry (kernel32 has none).
WR_EXPORT_PART(ntdll_slist, WR_EXPORT(RtlFirstEntrySList));

}  // namespace winrun::k32
