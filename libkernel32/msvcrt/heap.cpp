// malloc and friends: blocks come from the process heap (kernel32 HeapAlloc), as msvcrt's do, so
// _msize reports the size asked for and memory can move between the two APIs as on Windows.
#include <algorithm>
#include <cstring>

#include "builtin/builtin.h"
#include "crt.h"

namespace winrun::k32 {
HANDLE WINAPI GetProcessHeap();
LPVOID WINAPI HeapAlloc(HANDLE, DWORD, SIZE_T);
BOOL WINAPI HeapFree(HANDLE, DWORD, LPVOID);
LPVOID WINAPI HeapReAlloc(HANDLE, DWORD, LPVOID, SIZE_T);
SIZE_T WINAPI HeapSize(HANDLE, DWORD, LPCVOID);
}  // namespace winrun::k32

namespace winrun::crt {


void* CDECL malloc(size_t n) {
    void* p = k32::HeapAlloc(k32::GetProcessHeap(), 0, n ? n : 1);
    if (!p) set_errno(ENOMEM_);
    return p;
}
void* CDECL calloc(size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        set_errno(ENOMEM_);
        return nullptr;
    }
    void* p = k32::HeapAlloc(k32::GetProcessHeap(), 8 /* HEAP_ZERO_MEMORY */, n ? n : 1);
    if (!p) set_errno(ENOMEM_);
    return p;
}
void CDECL free(void* p) {
    if (p) k32::HeapFree(k32::GetProcessHeap(), 0, p);
}
void* CDECL realloc(void* p, size_t n) {
    if (!p) return malloc(n);
    if (n == 0) {
        free(p);
        return nullptr;
    }
    void* r = k32::HeapReAlloc(k32::GetProcessHeap(), 0, p, n);
    if (!r) set_errno(ENOMEM_);
    return r;
}
size_t CDECL _msize(void* p) {
    if (!p) {
        set_errno(22);
        return size_t(-1);
    }
    return k32::HeapSize(k32::GetProcessHeap(), 0, p);
}
void* CDECL _expand(void* p, size_t n) {
    return k32::HeapReAlloc(k32::GetProcessHeap(), 0x10 /* IN_PLACE_ONLY */, p, n);
}
void* CDECL _recalloc(void* p, size_t count, size_t size) {
    size_t n, old = p ? _msize(p) : 0;
    if (__builtin_mul_overflow(count, size, &n)) {
        set_errno(ENOMEM_);
        return nullptr;
    }
    void* r = realloc(p, n);
    if (r && n > old) ::memset(static_cast<char*>(r) + old, 0, n - old);
    return r;
}

// Aligned allocations keep the real block's address just before the returned pointer; _aligned_
// offset_malloc aligns p + offset instead of p.
void* CDECL _aligned_offset_malloc(size_t n, size_t align, size_t offset) {
    if (!align || (align & (align - 1)) || (n && offset >= n)) {
        set_errno(22);
        return nullptr;
    }
    if (align < sizeof(void*)) align = sizeof(void*);
    // Two pointers of room: the back pointer sits in the word below p rounded down to 8 bytes.
    char* raw = static_cast<char*>(malloc(n + align + 2 * sizeof(void*)));
    if (!raw) return nullptr;
    uintptr_t a =
        ((reinterpret_cast<uintptr_t>(raw) + 2 * sizeof(void*) + offset + align - 1) & ~(uintptr_t(align) - 1)) - offset;
    reinterpret_cast<void**>(a & ~uintptr_t(sizeof(void*) - 1))[-1] = raw;
    return reinterpret_cast<void*>(a);
}
void* CDECL _aligned_malloc(size_t n, size_t align) { return _aligned_offset_malloc(n, align, 0); }
namespace {
void* aligned_base(void* p) { return reinterpret_cast<void**>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(sizeof(void*) - 1))[-1]; }
}  // namespace
void CDECL _aligned_free(void* p) {
    if (p) free(aligned_base(p));
}
void* CDECL _aligned_offset_realloc(void* p, size_t n, size_t align, size_t offset) {
    if (!p) return _aligned_offset_malloc(n, align, offset);
    if (!n) {
        _aligned_free(p);
        return nullptr;
    }
    void* base = aligned_base(p);
    size_t old = _msize(base) - size_t(static_cast<char*>(p) - static_cast<char*>(base));
    void* q = _aligned_offset_malloc(n, align, offset);
    if (!q) return nullptr;
    ::memcpy(q, p, std::min(old, n));
    free(base);
    return q;
}
void* CDECL _aligned_realloc(void* p, size_t n, size_t align) { return _aligned_offset_realloc(p, n, align, 0); }

// The CRT heap is the process heap.
HANDLE CDECL _get_heap_handle() { return k32::GetProcessHeap(); }
int CDECL _heapchk() { return -2; }  // _HEAPOK
int CDECL _heapmin() { return 0; }
int CDECL _heapset(unsigned) { return -2; }  // _HEAPOK

WR_EXPORT_PART(msvcrt_heap, WR_EXPORT(malloc), WR_EXPORT(calloc), WR_EXPORT(free), WR_EXPORT(realloc),
               WR_EXPORT(_msize), WR_EXPORT(_expand), WR_EXPORT(_recalloc), WR_EXPORT(_aligned_malloc),
               WR_EXPORT(_aligned_free), WR_EXPORT(_aligned_offset_malloc), WR_EXPORT(_aligned_realloc),
               WR_EXPORT(_aligned_offset_realloc), WR_EXPORT(_get_heap_handle), WR_EXPORT(_heapchk),
               WR_EXPORT(_heapmin), WR_EXPORT(_heapset));

}  // namespace winrun::crt
