// Heaps. Every block has a 16-byte header in front (requested size + owning heap), so HeapSize
// returns the size asked for, as Windows does, and user pointers stay 16-byte aligned.
// HeapDestroy does not yet free a private heap's live blocks (they are not tracked): a leak,
// never a wrong answer.
#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"

namespace winrun::k32 {

namespace {
constexpr DWORD HEAP_NO_SERIALIZE = 0x1, HEAP_GENERATE_EXCEPTIONS = 0x4, HEAP_ZERO_MEMORY = 0x8,
                HEAP_REALLOC_IN_PLACE_ONLY = 0x10;
constexpr uint64_t k_magic = 0x5057524E48454150ull;  // "PAEHNRWP"

struct Heap {
    uint64_t magic = k_magic;
    DWORD flags = 0;
};
Heap g_process_heap;

struct alignas(16) Block {
    uint64_t size;
    Heap* heap;
};
static_assert(sizeof(Block) == 16);

Block* block_of(void* p) { return static_cast<Block*>(p) - 1; }
bool valid_heap(HANDLE h) { return h && static_cast<Heap*>(h)->magic == k_magic; }
}  // namespace

HANDLE process_heap() { return &g_process_heap; }

HANDLE WINAPI GetProcessHeap() { return &g_process_heap; }

HANDLE WINAPI HeapCreate(DWORD options, SIZE_T, SIZE_T) {
    auto* h = new Heap;
    h->flags = options;
    return h;
}

BOOL WINAPI HeapDestroy(HANDLE h) {
    if (!valid_heap(h) || h == &g_process_heap) return fail(ERROR_INVALID_HANDLE);
    static_cast<Heap*>(h)->magic = 0;
    return TRUE;
}

LPVOID WINAPI HeapAlloc(HANDLE h, DWORD flags, SIZE_T size) {
    if (size > (SIZE_T(1) << 47)) {
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return nullptr;
    }
    auto* b = static_cast<Block*>((flags & HEAP_ZERO_MEMORY) ? calloc(1, sizeof(Block) + size) : malloc(sizeof(Block) + size));
    if (!b) {
        // HeapAlloc does not set the last error (documented); it raises with HEAP_GENERATE_EXCEPTIONS.
        return nullptr;
    }
    b->size = size;
    b->heap = static_cast<Heap*>(h);
    return b + 1;
}

BOOL WINAPI HeapFree(HANDLE, DWORD, LPVOID p) {
    if (!p) return TRUE;
    free(block_of(p));
    return TRUE;
}

LPVOID WINAPI HeapReAlloc(HANDLE h, DWORD flags, LPVOID p, SIZE_T size) {
    if (!p) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    Block* old = block_of(p);
    uint64_t old_size = old->size;
    if (flags & HEAP_REALLOC_IN_PLACE_ONLY) {
        if (size <= old_size || malloc_usable_size(old) >= sizeof(Block) + size) {
            if ((flags & HEAP_ZERO_MEMORY) && size > old_size) std::memset(static_cast<char*>(p) + old_size, 0, size - old_size);
            old->size = size;
            return p;
        }
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return nullptr;
    }
    auto* b = static_cast<Block*>(realloc(old, sizeof(Block) + size));
    if (!b) return nullptr;
    if ((flags & HEAP_ZERO_MEMORY) && size > old_size) std::memset(reinterpret_cast<char*>(b + 1) + old_size, 0, size - old_size);
    b->size = size;
    b->heap = static_cast<Heap*>(h);
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
