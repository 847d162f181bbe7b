// VirtualAlloc / VirtualFree / VirtualProtect / VirtualQuery on top of mmap, with the Windows view
// of each region kept in vm.cpp (allocation base, reserved vs committed, protections as asked).
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "vm.h"

namespace winrun::k32 {

using namespace winrun::vm;

struct MEMORY_BASIC_INFORMATION {
    void* BaseAddress;
    void* AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
};
static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 48);
static_assert(offsetof(MEMORY_BASIC_INFORMATION, RegionSize) == 24);
static_assert(offsetof(MEMORY_BASIC_INFORMATION, State) == 32);

namespace {
constexpr uintptr_t k_user_max = 0x7FFFFFFEFFFFull;  // highest user-mode address on x64 Windows

uintptr_t page_down(uintptr_t a) { return a & ~(PAGE_SIZE - 1); }
uintptr_t page_up(uintptr_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

void* reserve_aligned(size_t size, int prot) {
    size_t span = size + ALLOCATION_GRANULARITY;
    void* p = mmap(nullptr, span, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    uintptr_t al = (a + ALLOCATION_GRANULARITY - 1) & ~(ALLOCATION_GRANULARITY - 1);
    if (al > a) munmap(p, al - a);
    if (a + span > al + size) munmap(reinterpret_cast<void*>(al + size), a + span - (al + size));
    return reinterpret_cast<void*>(al);
}
}  // namespace

LPVOID WINAPI VirtualAlloc(LPVOID addr, SIZE_T size, DWORD type, DWORD protect) {
    if (size == 0 || !valid_protect(protect) || !(type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET))) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    if (type & MEM_RESET) return addr;  // contents may be discarded; keeping them is allowed
    // MEM_COMMIT alone with no address reserves and commits, as Windows does.
    bool reserve = (type & MEM_RESERVE) || !addr;
    bool commit = type & MEM_COMMIT;
    int prot = commit ? linux_prot(protect) : PROT_NONE;
    if (reserve) {
        uintptr_t a = reinterpret_cast<uintptr_t>(addr);
        void* p;
        size_t len;
        if (a) {
            uintptr_t base = a & ~(ALLOCATION_GRANULARITY - 1);
            len = page_up(a + size) - base;
            p = mmap(reinterpret_cast<void*>(base), len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
            if (p == MAP_FAILED || p != reinterpret_cast<void*>(base)) {
                if (p != MAP_FAILED) munmap(p, len);
                set_last_error(ERROR_INVALID_ADDRESS);
                return nullptr;
            }
        } else {
            len = page_up(size);
            p = reserve_aligned(len, prot);
            if (!p) {
                set_last_error(ERROR_NOT_ENOUGH_MEMORY);
                return nullptr;
            }
        }
        register_region(p, len, MEM_PRIVATE, commit ? protect : 0, protect);
        // The region's AllocationProtect is the protection given at reservation.
        WR_TRACE(heap, "VirtualAlloc({}, {:#x}, {:#x}, {:#x}) -> {}", addr, size, type, protect, p);
        return p;  // a reservation starts at the address rounded down to 64 KiB
    }
    uintptr_t start = page_down(reinterpret_cast<uintptr_t>(addr));
    uintptr_t end = page_up(reinterpret_cast<uintptr_t>(addr) + size);
    auto q = query(start);
    if (!q.found || end > q.alloc_base + [&] { size_t s; uint32_t t; region_info(q.alloc_base, s, t); return s; }()) {
        set_last_error(ERROR_INVALID_ADDRESS);
        return nullptr;
    }
    if (mprotect(reinterpret_cast<void*>(start), end - start, prot) != 0) {
        set_last_error(error_from_errno(errno));
        return nullptr;
    }
    set_committed(start, end - start, protect);
    return reinterpret_cast<void*>(start);  // a commit returns the page-rounded address
}

BOOL WINAPI VirtualFree(LPVOID addr, SIZE_T size, DWORD type) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    if (type == MEM_RELEASE) {
        size_t rsize;
        uint32_t rtype;
        if (size != 0) return fail(ERROR_INVALID_PARAMETER);
        // Not the base of a live allocation (already released, or inside one): Windows reports
        // STATUS_MEMORY_NOT_ALLOCATED, i.e. ERROR_INVALID_ADDRESS.
        if (!region_info(a, rsize, rtype) || rtype != MEM_PRIVATE) return fail(ERROR_INVALID_ADDRESS);
        munmap(addr, rsize);
        unregister_region(addr);
        return TRUE;
    }
    if (type == MEM_DECOMMIT) {
        auto q = query(a);
        if (!q.found || q.type != MEM_PRIVATE) return fail(ERROR_INVALID_ADDRESS);
        size_t rsize;
        uint32_t rtype;
        region_info(q.alloc_base, rsize, rtype);
        uintptr_t start = page_down(a);
        uintptr_t end = size ? page_up(a + size) : q.alloc_base + rsize;
        if (end > q.alloc_base + rsize) return fail(ERROR_INVALID_PARAMETER);
        mmap(reinterpret_cast<void*>(start), end - start, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        set_committed(start, end - start, 0);
        return TRUE;
    }
    return fail(ERROR_INVALID_PARAMETER);
}

BOOL WINAPI VirtualProtect(LPVOID addr, SIZE_T size, DWORD protect, DWORD* old) {
    if (!valid_protect(protect)) return fail(ERROR_INVALID_PARAMETER);
    uintptr_t start = page_down(reinterpret_cast<uintptr_t>(addr));
    uintptr_t end = page_up(reinterpret_cast<uintptr_t>(addr) + size);
    if (end == start) end = start + PAGE_SIZE;
    uint32_t prev = committed_protect(start, end - start);
    auto q = query(start);
    if (q.found && !prev) return fail(ERROR_INVALID_ADDRESS);  // reserved, not committed
    if (!q.found) prev = PAGE_READWRITE;  // memory Windows code got from elsewhere (malloc, stack)
    if (mprotect(reinterpret_cast<void*>(start), end - start, linux_prot(protect)) != 0) return fail_errno();
    if (q.found) note_protection(reinterpret_cast<void*>(start), end - start, protect);
    if (old) *old = prev;
    else return fail(ERROR_NOACCESS);  // Windows requires lpflOldProtect
    return TRUE;
}

SIZE_T WINAPI VirtualQuery(LPCVOID addr, MEMORY_BASIC_INFORMATION* mbi, SIZE_T len) {
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    if (a > k_user_max) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (len < sizeof *mbi) {
        set_last_error(24 /* ERROR_BAD_LENGTH */);
        return 0;
    }
    auto q = query(a);
    std::memset(mbi, 0, sizeof *mbi);
    mbi->BaseAddress = reinterpret_cast<void*>(q.region_start);
    mbi->RegionSize = q.region_size;
    if (q.found) {
        mbi->AllocationBase = reinterpret_cast<void*>(q.alloc_base);
        mbi->AllocationProtect = q.alloc_protect;
        mbi->State = q.state;
        mbi->Protect = q.state == MEM_COMMIT ? q.protect : 0;
        mbi->Type = q.type;
    } else if (msync(reinterpret_cast<void*>(page_down(a)), PAGE_SIZE, MS_ASYNC) == 0) {
        // Mapped, but not through a Windows API (the C library's heap, for instance).
        mbi->BaseAddress = reinterpret_cast<void*>(page_down(a));
        mbi->AllocationBase = mbi->BaseAddress;
        mbi->RegionSize = PAGE_SIZE;
        mbi->AllocationProtect = mbi->Protect = PAGE_READWRITE;
        mbi->State = MEM_COMMIT;
        mbi->Type = MEM_PRIVATE;
    } else {
        mbi->State = MEM_FREE;
        mbi->Protect = PAGE_NOACCESS;
    }
    return sizeof *mbi;
}

WR_EXPORT_PART(kernel32_memory,
    WR_EXPORT(VirtualAlloc),
    WR_EXPORT(VirtualFree),
    WR_EXPORT(VirtualProtect),
    WR_EXPORT(VirtualQuery));

}  // namespace winrun::k32
