#include "vm.h"

#include <sys/mman.h>

#include <map>
#include <mutex>
#include <vector>

namespace winrun::vm {

namespace {
struct Region {
    size_t size;
    uint32_t type;
    uint32_t alloc_protect;
    std::vector<uint32_t> page_protect;  // 0 = reserved, not committed
};
std::mutex g_mutex;
std::map<uintptr_t, Region> g_regions;
using RegionIt = std::map<uintptr_t, Region>::iterator;

// The region that holds all of [addr, addr + size), or g_regions.end(). Under g_mutex.
RegionIt region_of(uintptr_t addr, size_t size) {
    auto it = g_regions.upper_bound(addr);
    if (it == g_regions.begin()) return g_regions.end();
    --it;
    return addr + size > it->first + it->second.size ? g_regions.end() : it;
}

// The page indexes of region `r` that [addr, addr + size) touches.
std::pair<size_t, size_t> page_span(RegionIt r, uintptr_t addr, size_t size) {
    return {(addr - r->first) / PAGE_SIZE, (size + (addr % PAGE_SIZE) + PAGE_SIZE - 1) / PAGE_SIZE};
}
}  // namespace

bool valid_protect(uint32_t p) {
    switch (p & 0xFF) {
    case PAGE_NOACCESS: case PAGE_READONLY: case PAGE_READWRITE: case PAGE_WRITECOPY: case PAGE_EXECUTE:
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY:
        return (p & ~0x7FFu) == 0;
    default:
        return false;
    }
}

int linux_prot(uint32_t p) {
    switch (p & 0xFF) {
    case PAGE_NOACCESS: return PROT_NONE;
    case PAGE_READONLY: return PROT_READ;
    case PAGE_READWRITE: case PAGE_WRITECOPY: return PROT_READ | PROT_WRITE;
    case PAGE_EXECUTE: return PROT_EXEC | PROT_READ;
    case PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
    case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY: return PROT_READ | PROT_WRITE | PROT_EXEC;
    default: return -1;
    }
}

void register_region(void* base, size_t size, uint32_t type, uint32_t protect, uint32_t alloc_protect) {
    std::lock_guard lock(g_mutex);
    size_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    g_regions[reinterpret_cast<uintptr_t>(base)] = Region{pages * PAGE_SIZE, type, alloc_protect ? alloc_protect : protect,
                                                          std::vector<uint32_t>(pages, protect)};
}

void unregister_region(void* base) {
    std::lock_guard lock(g_mutex);
    g_regions.erase(reinterpret_cast<uintptr_t>(base));
}

void note_protection(void* base, size_t size, uint32_t protect) {
    set_committed(reinterpret_cast<uintptr_t>(base), size, protect);
}

QueryResult query(uintptr_t addr) {
    std::lock_guard lock(g_mutex);
    auto it = g_regions.upper_bound(addr);
    if (it != g_regions.begin()) {
        auto r = std::prev(it);
        if (addr < r->first + r->second.size) {
            size_t page = (addr - r->first) / PAGE_SIZE;
            uint32_t p = r->second.page_protect[page];
            size_t end = page;
            while (end < r->second.page_protect.size() && r->second.page_protect[end] == p) end++;
            return {true, r->first, r->second.alloc_protect, r->first + page * PAGE_SIZE, (end - page) * PAGE_SIZE,
                    p ? MEM_COMMIT : MEM_RESERVE, p, r->second.type};
        }
    }
    // Free: up to the next registered region.
    uintptr_t start = addr & ~(PAGE_SIZE - 1);
    uintptr_t next = it == g_regions.end() ? 0x7FFFFFFF0000ull : it->first;
    return {false, 0, 0, start, next > start ? next - start : PAGE_SIZE, MEM_FREE, PAGE_NOACCESS, 0};
}

bool region_info(uintptr_t base, size_t& size, uint32_t& type) {
    std::lock_guard lock(g_mutex);
    auto it = g_regions.find(base);
    if (it == g_regions.end()) return false;
    size = it->second.size;
    type = it->second.type;
    return true;
}

bool set_committed(uintptr_t addr, size_t size, uint32_t protect) {
    std::lock_guard lock(g_mutex);
    auto r = region_of(addr, size);
    if (r == g_regions.end()) return false;
    auto [first, count] = page_span(r, addr, size);
    for (size_t i = first; i < first + count; i++) r->second.page_protect[i] = protect;
    return true;
}

// Old protection of the first page when the whole range is committed inside one region, else 0.
uint32_t committed_protect(uintptr_t addr, size_t size) {
    std::lock_guard lock(g_mutex);
    auto r = region_of(addr, size);
    if (r == g_regions.end()) return 0;
    auto [first, count] = page_span(r, addr, size);
    for (size_t i = first; i < first + count; i++)
        if (!r->second.page_protect[i]) return 0;
    return r->second.page_protect[first];
}

}  // namespace winrun::vm
