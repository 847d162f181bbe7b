// The address-space bookkeeping behind VirtualAlloc/VirtualProtect/VirtualQuery/VirtualFree.
// Linux does not tell us the Windows view (allocation base, reserved vs committed, the protection
// Windows code asked for), so every region the Windows side sees is registered here.
// Lock rule: all functions take the vm mutex themselves; callers hold nothing.
#pragma once
#include <cstddef>
#include <cstdint>

namespace winrun::vm {

constexpr uint32_t MEM_COMMIT = 0x1000, MEM_RESERVE = 0x2000, MEM_DECOMMIT = 0x4000, MEM_RELEASE = 0x8000,
                   MEM_FREE = 0x10000, MEM_PRIVATE = 0x20000, MEM_MAPPED = 0x40000, MEM_RESET = 0x80000,
                   MEM_TOP_DOWN = 0x100000, MEM_IMAGE = 0x1000000;
constexpr uint32_t PAGE_NOACCESS = 0x01, PAGE_READONLY = 0x02, PAGE_READWRITE = 0x04, PAGE_WRITECOPY = 0x08,
                   PAGE_EXECUTE = 0x10, PAGE_EXECUTE_READ = 0x20, PAGE_EXECUTE_READWRITE = 0x40,
                   PAGE_EXECUTE_WRITECOPY = 0x80, PAGE_GUARD = 0x100, PAGE_NOCACHE = 0x200;
constexpr size_t PAGE_SIZE = 4096;
constexpr size_t ALLOCATION_GRANULARITY = 0x10000;

int linux_prot(uint32_t win_protect);  // PROT_* for a PAGE_* value; -1 when invalid
bool valid_protect(uint32_t win_protect);

// Registers a region that is already mapped (images, stacks, builtin images) as committed with the
// given protection for all pages.
// alloc_protect: the region's AllocationProtect (the protection given at reservation); 0 = protect.
void register_region(void* base, size_t size, uint32_t type, uint32_t protect, uint32_t alloc_protect = 0);
// Records a protection change that the caller already applied with mprotect.
void note_protection(void* base, size_t size, uint32_t protect);
void unregister_region(void* base);

}  // namespace winrun::vm

namespace winrun::vm {
struct QueryResult {
    bool found;
    uintptr_t alloc_base;
    uint32_t alloc_protect;
    uintptr_t region_start;
    size_t region_size;
    uint32_t state;
    uint32_t protect;
    uint32_t type;
};
QueryResult query(uintptr_t addr);
bool region_info(uintptr_t base, size_t& size, uint32_t& type);
bool set_committed(uintptr_t addr, size_t size, uint32_t protect);  // protect 0 = decommit
uint32_t committed_protect(uintptr_t addr, size_t size);
}  // namespace winrun::vm
