// Heaps. Every block has a 32-byte header in front (requested size, owning heap, list links), so
// HeapSize returns the size asked for, as Windows does, and user pointers stay 16-byte aligned.
// Blocks of private heaps (HeapCreate) are linked into their heap: HeapDestroy frees them, and a
// fixed-size heap (dwMaximumSize != 0) refuses allocations past its maximum. The process heap keeps
// no list (it is never destroyed) and so takes no lock.
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "k32.h"
#include "exception.h"
#include "log.h"

namespace winrun::k32 {

namespace {
constexpr DWORD HEAP_NO_SERIALIZE = 0x1, HEAP_GENERATE_EXCEPTIONS = 0x4, HEAP_ZERO_MEMORY = 0x8,
                HEAP_REALLOC_IN_PLACE_ONLY = 0x10;
constexpr DWORD STATUS_NO_MEMORY = 0xC0000017;
constexpr uint64_t k_magic = 0x5057524E48454150ull;  // "PAEHNRWP"
// A fixed-size heap refuses single blocks above this (documented: 0x7FFF8 on 64-bit Windows is the
// largest block a non-growable heap hands out).
constexpr SIZE_T k_fixed_heap_block_max = 0x7FFF8;

struct Block;
struct Heap {
    uint64_t magic = k_magic;
    DWORD flags = 0;
    SIZE_T maximum = 0;      // 0: growable
    SIZE_T in_use = 0;       // bytes of live blocks (private heaps)
    std::mutex mutex;        // guards the list and in_use (private heaps only)
    Block* blocks = nullptr; // live blocks of a private heap, freed by HeapDestroy
};
Heap g_process_heap;

// 32 bytes, so user pointers stay 16-byte aligned.
struct alignas(16) Block {
    uint64_t size;
    Heap* heap;
    Block* prev;
    Block* next;
};
static_assert(sizeof(Block) == 32);

Block* block_of(void* p) { return static_cast<Block*>(p) - 1; }
bool valid_heap(HANDLE h) { return h && static_cast<Heap*>(h)->magic == k_magic; }
bool is_private(Heap* h) { return h != &g_process_heap; }

void link(Heap* h, Block* b) {
    b->prev = nullptr;
    b->next = h->blocks;
    if (h->blocks) h->blocks->prev = b;
    h->blocks = b;
}
void unlink(Heap* h, Block* b) {
    if (b->prev) b->prev->next = b->next;
    else h->blocks = b->next;
    if (b->next) b->next->prev = b->prev;
}

void* out_of_memory(Heap* h, DWORD flags) {
    // HeapAlloc sets no last error (documented); with HEAP_GENERATE_EXCEPTIONS it raises instead.
    if ((flags | h->flags) & HEAP_GENERATE_EXCEPTIONS) seh::raise(STATUS_NO_MEMORY, 0, 0, nullptr, __builtin_return_address(0));
    return nullptr;
}

// Would `grow` more bytes exceed a fixed heap's maximum? Under h->mutex.
bool over_limit(Heap* h, SIZE_T size, SIZE_T grow) {
    return h->maximum && (size > k_fixed_heap_block_max || h->in_use + grow > h->maximum);
}
}  // namespace

HANDLE process_heap() { return &g_process_heap; }

HANDLE WINAPI GetProcessHeap() { return &g_process_heap; }

HANDLE WINAPI HeapCreate(DWORD options, SIZE_T initial, SIZE_T maximum) {
    if (maximum && initial > maximum) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    auto* h = new Heap;
    h->flags = options;
    h->maximum = maximum;
    return h;
}

BOOL WINAPI HeapDestroy(HANDLE hh) {
    if (!valid_heap(hh) || hh == &g_process_heap) return fail(ERROR_INVALID_HANDLE);
    auto* h = static_cast<Heap*>(hh);
    // Every block still allocated from the heap goes with it.
    for (Block* b = h->blocks; b;) {
        Block* next = b->next;
        free(b);
        b = next;
    }
    h->magic = 0;
    delete h;
    return TRUE;
}

LPVOID WINAPI HeapAlloc(HANDLE hh, DWORD flags, SIZE_T size) {
    auto* h = static_cast<Heap*>(hh);
    if (size > (SIZE_T(1) << 47)) return out_of_memory(h, flags);
    if (is_private(h)) {
        std::lock_guard lock(h->mutex);
        if (over_limit(h, size, size)) return out_of_memory(h, flags);
        h->in_use += size;
    }
    auto* b = static_cast<Block*>((flags & HEAP_ZERO_MEMORY) ? calloc(1, sizeof(Block) + size) : malloc(sizeof(Block) + size));
    if (!b) {
        if (is_private(h)) {
            std::lock_guard lock(h->mutex);
            h->in_use -= size;
        }
        return out_of_memory(h, flags);
    }
    b->size = size;
    b->heap = h;
    if (is_private(h)) {
        std::lock_guard lock(h->mutex);
        link(h, b);
    }
    return b + 1;
}

BOOL WINAPI HeapFree(HANDLE, DWORD, LPVOID p) {
    if (!p) return TRUE;
    Block* b = block_of(p);
    Heap* h = b->heap;
    if (is_private(h)) {
        std::lock_guard lock(h->mutex);
        unlink(h, b);
        h->in_use -= b->size;
    }
    free(b);
    return TRUE;
}

LPVOID WINAPI HeapReAlloc(HANDLE hh, DWORD flags, LPVOID p, SIZE_T size) {
    if (!p) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    Block* old = block_of(p);
    Heap* h = old->heap;
    uint64_t old_size = old->size;
    std::unique_lock<std::mutex> lock;
    if (is_private(h)) {
        lock = std::unique_lock(h->mutex);
        if (size > old_size && over_limit(h, size, size - old_size)) return out_of_memory(h, flags);
    }
    if (flags & HEAP_REALLOC_IN_PLACE_ONLY) {
        if (size <= old_size || malloc_usable_size(old) >= sizeof(Block) + size) {
            if ((flags & HEAP_ZERO_MEMORY) && size > old_size) std::memset(static_cast<char*>(p) + old_size, 0, size - old_size);
            if (is_private(h)) h->in_use = h->in_use - old_size + size;
            old->size = size;
            return p;
        }
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return nullptr;
    }
    if (is_private(h)) unlink(h, old);
    auto* b = static_cast<Block*>(realloc(old, sizeof(Block) + size));
    if (!b) {
        if (is_private(h)) link(h, old);
        return out_of_memory(h, flags);
    }
    if ((flags & HEAP_ZERO_MEMORY) && size > old_size) std::memset(reinterpret_cast<char*>(b + 1) + old_size, 0, size - old_size);
    b->size = size;
    if (is_private(h)) {
        link(h, b);
        h->in_use = h->in_use - old_size + size;
    }
    return b + 1;
}

SIZE_T WINAPI HeapSize(HANDLE, DWORD, LPCVOID p) {
    if (!p) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return SIZE_T(-1);
    }
    return block_of(const_cast<void*>(p))->size;
}

BOOL WINAPI HeapValidate(HANDLE h, DWORD, LPCVOID) { return valid_heap(h); }
BOOL WINAPI HeapLock(HANDLE) { return TRUE; }
BOOL WINAPI HeapUnlock(HANDLE) { return TRUE; }
BOOL WINAPI HeapSetInformation(HANDLE, int, void*, SIZE_T) { return TRUE; }

// Local*/Global*: fixed memory only. A movable block's "handle" is its address, so Lock returns
// it unchanged.
constexpr UINT LMEM_ZEROINIT = 0x40;
HANDLE WINAPI LocalAlloc(UINT flags, SIZE_T size) {
    void* p = HeapAlloc(&g_process_heap, (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, size);
    if (!p) set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return p;
}
HANDLE WINAPI LocalFree(HANDLE h) {
    HeapFree(&g_process_heap, 0, h);
    return nullptr;
}
HANDLE WINAPI LocalReAlloc(HANDLE h, SIZE_T size, UINT flags) {
    return HeapReAlloc(&g_process_heap, (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, h, size);
}
LPVOID WINAPI LocalLock(HANDLE h) { return h; }
BOOL WINAPI LocalUnlock(HANDLE) { return TRUE; }
HANDLE WINAPI GlobalAlloc(UINT flags, SIZE_T size) { return LocalAlloc(flags, size); }
HANDLE WINAPI GlobalFree(HANDLE h) { return LocalFree(h); }
HANDLE WINAPI GlobalReAlloc(HANDLE h, SIZE_T size, UINT flags) { return LocalReAlloc(h, size, flags); }
LPVOID WINAPI GlobalLock(HANDLE h) { return h; }
BOOL WINAPI GlobalUnlock(HANDLE) { return TRUE; }
SIZE_T WINAPI GlobalSize(HANDLE h) { return h ? block_of(h)->size : 0; }
SIZE_T WINAPI LocalSize(HANDLE h) { return h ? block_of(h)->size : 0; }

WR_EXPORT_PART(kernel32_heap,
    WR_EXPORT(GetProcessHeap),
    WR_EXPORT(HeapCreate),
    WR_EXPORT(HeapDestroy),
    WR_EXPORT(HeapAlloc),
    WR_EXPORT(HeapFree),
    WR_EXPORT(HeapReAlloc),
    WR_EXPORT(HeapSize),
    WR_EXPORT(HeapValidate),
    WR_EXPORT(HeapLock),
    WR_EXPORT(HeapUnlock),
    WR_EXPORT(HeapSetInformation),
    WR_EXPORT(LocalAlloc),
    WR_EXPORT(LocalFree),
    WR_EXPORT(LocalReAlloc),
    WR_EXPORT(LocalLock),
    WR_EXPORT(LocalUnlock),
    WR_EXPORT(LocalSize),
    WR_EXPORT(GlobalAlloc),
    WR_EXPORT(GlobalFree),
    WR_EXPORT(GlobalReAlloc),
    WR_EXPORT(GlobalLock),
    WR_EXPORT(GlobalUnlock),
    WR_EXPORT(GlobalSize));

}  // namespace winrun::k32
