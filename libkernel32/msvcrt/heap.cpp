// malloc and friends: blocks come from the process heap (kernel32 HeapAlloc), as msvcrt's do, so
// _msize reports the size asked for and memory can move between the two APIs as on Windows.
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

constexpr int ENOMEM_ = 12;

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

// Aligned allocations keep the offset to the real block just before the returned pointer.
void* CDECL _aligned_malloc(size_t n, size_t align) {
    if (!align || (align & (align - 1))) {
        set_errno(22);
        return nullptr;
    }
    if (align < sizeof(void*)) align = sizeof(void*);
    char* raw = static_cast<char*>(malloc(n + align + sizeof(void*)));
    if (!raw) return nullptr;
    uintptr_t a = (reinterpret_cast<uintptr_t>(raw) + sizeof(void*) + align - 1) & ~(uintptr_t(align) - 1);
    reinterpret_cast<void**>(a)[-1] = raw;
    return reinterpret_cast<void*>(a);
}
void CDECL _aligned_free(void* p) {
    if (p) free(static_cast<void**>(p)[-1]);
}

WR_EXPORT_PART(msvcrt_heap, WR_EXPORT(malloc), WR_EXPORT(calloc), WR_EXPORT(free), WR_EXPORT(realloc),
               WR_EXPORT(_msize), WR_EXPORT(_expand), WR_EXPORT(_recalloc), WR_EXPORT(_aligned_malloc),
               WR_EXPORT(_aligned_free));

}  // namespace winrun::crt
