/* heap.c: HeapAlloc & co. on the process heap and on private heaps, Local/Global fixed memory, and
 * VirtualAlloc/VirtualQuery/VirtualProtect/VirtualFree with the states, protections and errors
 * Windows reports. */
#include "ok.h"

static int all_zero(const void* p, SIZE_T n) {
    const unsigned char* b = (const unsigned char*)p;
    for (SIZE_T i = 0; i < n; i++)
        if (b[i]) return 0;
    return 1;
}

static void test_heap(HANDLE heap, const char* which) {
    unsigned char *p, *q;
    SIZE_T sz;
    int i;

    p = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    ok(p != NULL, "%s: HeapAlloc(100) failed\n", which);
    if (!p) return;
    ok(((ULONG_PTR)p & 15) == 0, "%s: HeapAlloc block %p is not 16-byte aligned\n", which, p);
    ok(all_zero(p, 100), "%s: HEAP_ZERO_MEMORY block is not zeroed\n", which);
    sz = HeapSize(heap, 0, p);
    ok(sz == 100, "%s: HeapSize: expected 100 (the size asked for), got %llu\n", which, sz);
    for (i = 0; i < 100; i++) p[i] = (unsigned char)i;

    q = HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 5000);
    ok(q != NULL, "%s: HeapReAlloc(5000) failed\n", which);
    if (!q) return;
    for (i = 0; i < 100 && q[i] == (unsigned char)i; i++) ;
    ok(i == 100, "%s: HeapReAlloc lost the contents at byte %d\n", which, i);
    ok(all_zero(q + 100, 4900), "%s: HeapReAlloc with HEAP_ZERO_MEMORY did not zero the new part\n", which);
    sz = HeapSize(heap, 0, q);
    ok(sz == 5000, "%s: HeapSize after grow: expected 5000, got %llu\n", which, sz);

    p = HeapReAlloc(heap, 0, q, 10);
    ok(p != NULL, "%s: HeapReAlloc shrink failed\n", which);
    if (!p) return;
    ok(HeapSize(heap, 0, p) == 10, "%s: HeapSize after shrink: expected 10, got %llu\n", which, HeapSize(heap, 0, p));
    for (i = 0; i < 10 && p[i] == (unsigned char)i; i++) ;
    ok(i == 10, "%s: shrinking lost the contents at byte %d\n", which, i);

    ok(HeapFree(heap, 0, p), "%s: HeapFree failed: %lu\n", which, GetLastError());

    /* a zero-byte block is a real, distinct block */
    p = HeapAlloc(heap, 0, 0);
    q = HeapAlloc(heap, 0, 0);
    ok(p != NULL && q != NULL && p != q, "%s: HeapAlloc(0): expected two distinct blocks, got %p %p\n", which, p, q);
    ok(HeapSize(heap, 0, p) == 0, "%s: HeapSize of a 0-byte block: got %llu\n", which, HeapSize(heap, 0, p));
    HeapFree(heap, 0, p);
    HeapFree(heap, 0, q);

    /* large blocks */
    p = HeapAlloc(heap, 0, 4 << 20);
    ok(p != NULL, "%s: HeapAlloc(4 MiB) failed\n", which);
    if (p) {
        p[0] = 1;
        p[(4 << 20) - 1] = 2;
        ok(HeapSize(heap, 0, p) == (SIZE_T)(4 << 20), "%s: HeapSize of 4 MiB: got %llu\n", which, HeapSize(heap, 0, p));
        ok(HeapFree(heap, 0, p), "%s: HeapFree(4 MiB) failed\n", which);
    }

    SetLastError(0xdeadbeef);
    ok(HeapFree(heap, 0, NULL), "%s: HeapFree(NULL) must succeed\n", which);
    ok(HeapValidate(heap, 0, NULL), "%s: HeapValidate failed\n", which);
}

static void test_heaps(void) {
    HANDLE heap, fixed;
    void* p;

    ok(GetProcessHeap() != NULL, "GetProcessHeap returned NULL\n");
    ok(GetProcessHeap() == GetProcessHeap(), "GetProcessHeap is not stable\n");
    test_heap(GetProcessHeap(), "process heap");

    heap = HeapCreate(0, 0, 0);
    ok(heap != NULL, "HeapCreate(growable) failed: %lu\n", GetLastError());
    if (heap) {
        ok(heap != GetProcessHeap(), "HeapCreate returned the process heap\n");
        test_heap(heap, "HeapCreate heap");
        ok(HeapDestroy(heap), "HeapDestroy failed: %lu\n", GetLastError());
    }

    /* a heap with a maximum size cannot grow past it */
    fixed = HeapCreate(0, 0x10000, 0x10000);
    ok(fixed != NULL, "HeapCreate(64 KiB max) failed: %lu\n", GetLastError());
    if (fixed) {
        p = HeapAlloc(fixed, 0, 0x1000);
        ok(p != NULL, "64 KiB heap: HeapAlloc(4 KiB) failed\n");
        ok(HeapAlloc(fixed, 0, 0x20000) == NULL, "64 KiB heap: HeapAlloc(128 KiB) succeeded\n");
        ok(HeapDestroy(fixed), "HeapDestroy failed\n");
    }
}

static void test_local_global(void) {
    HLOCAL l;
    HGLOBAL g;
    char* p;

    l = LocalAlloc(LMEM_FIXED | LMEM_ZEROINIT, 50);
    ok(l != NULL, "LocalAlloc(LMEM_FIXED) failed\n");
    if (l) {
        ok(all_zero(l, 50), "LMEM_ZEROINIT block is not zeroed\n");
        ok(LocalSize(l) == 50, "LocalSize: expected 50, got %llu\n", LocalSize(l));
        ok(LocalLock(l) == l, "LocalLock of a fixed block must return the block itself\n");
        memcpy(l, "local", 6);
        p = LocalReAlloc(l, 5000, LMEM_MOVEABLE);
        ok(p != NULL && !strcmp(p, "local"), "LocalReAlloc(LMEM_MOVEABLE) failed or lost the data\n");
        if (p) l = p;
        ok(LocalSize(l) == 5000, "LocalSize after LocalReAlloc: expected 5000, got %llu\n", LocalSize(l));
        ok(LocalFree(l) == NULL, "LocalFree must return NULL on success\n");
    }

    g = GlobalAlloc(GMEM_FIXED, 40);
    ok(g != NULL, "GlobalAlloc(GMEM_FIXED) failed\n");
    if (g) {
        ok(GlobalSize(g) == 40, "GlobalSize: expected 40, got %llu\n", GlobalSize(g));
        ok(GlobalLock(g) == g, "GlobalLock of a fixed block must return the block itself\n");
        ok(GlobalFree(g) == NULL, "GlobalFree must return NULL on success\n");
    }
    g = GlobalAlloc(GPTR, 16);  /* GMEM_FIXED | GMEM_ZEROINIT */
    ok(g != NULL && all_zero(g, 16), "GlobalAlloc(GPTR) failed or is not zeroed\n");
    if (g) GlobalFree(g);
}

#define check_query(addr, base, alloc_base, size, state, prot, alloc_prot, type) \
    check_query_(__LINE__, addr, base, alloc_base, size, state, prot, alloc_prot, type)
static void check_query_(int line, void* addr, void* base, void* alloc_base, SIZE_T size, DWORD state, DWORD prot,
                         DWORD alloc_prot, DWORD type) {
    MEMORY_BASIC_INFORMATION mbi;
    SIZE_T r;
    memset(&mbi, 0xcc, sizeof(mbi));
    r = VirtualQuery(addr, &mbi, sizeof(mbi));
    winetest_set_location(__FILE__, line);
    winetest_ok(r == sizeof(mbi), "VirtualQuery(%p) returned %llu\n", addr, r);
    winetest_ok(mbi.BaseAddress == base, "BaseAddress: expected %p, got %p\n", base, mbi.BaseAddress);
    winetest_ok(mbi.RegionSize == size, "RegionSize: expected 0x%llx, got 0x%llx\n", size, mbi.RegionSize);
    winetest_ok(mbi.State == state, "State: expected 0x%lx, got 0x%lx\n", state, mbi.State);
    winetest_ok(mbi.Protect == prot, "Protect: expected 0x%lx, got 0x%lx\n", prot, mbi.Protect);
    if (state != MEM_FREE) {
        winetest_ok(mbi.AllocationBase == alloc_base, "AllocationBase: expected %p, got %p\n", alloc_base, mbi.AllocationBase);
        winetest_ok(mbi.AllocationProtect == alloc_prot, "AllocationProtect: expected 0x%lx, got 0x%lx\n", alloc_prot,
                    mbi.AllocationProtect);
        winetest_ok(mbi.Type == type, "Type: expected 0x%lx, got 0x%lx\n", type, mbi.Type);
    }
}

static void test_virtual(void) {
    char *base, *p;
    DWORD old;
    MEMORY_BASIC_INFORMATION mbi;
    const SIZE_T size = 0x40000;

    SetLastError(0xdeadbeef);
    p = VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_NOACCESS);
    ok(p == NULL, "VirtualAlloc of 0 bytes succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "VirtualAlloc(0 bytes): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    p = VirtualAlloc(NULL, 0x1000, MEM_RESERVE, 0);
    ok(p == NULL, "VirtualAlloc with protection 0 succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "VirtualAlloc(protect 0): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());

    /* reserve: 64 KiB-aligned, Protect 0 while reserved */
    base = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_READWRITE);
    ok(base != NULL, "VirtualAlloc(MEM_RESERVE) failed: %lu\n", GetLastError());
    if (!base) return;
    ok(((ULONG_PTR)base & 0xFFFF) == 0, "reserved address %p is not 64 KiB-aligned\n", base);
    check_query(base, base, base, size, MEM_RESERVE, 0, PAGE_READWRITE, MEM_PRIVATE);
    /* a query inside a region starts at the page that holds the address */
    check_query(base + 0x1234, base + 0x1000, base, size - 0x1000, MEM_RESERVE, 0, PAGE_READWRITE, MEM_PRIVATE);

    SetLastError(0xdeadbeef);
    ok(!VirtualProtect(base, 0x1000, PAGE_READONLY, &old), "VirtualProtect on reserved memory succeeded\n");
    ok(GetLastError() == ERROR_INVALID_ADDRESS, "VirtualProtect(reserved): expected ERROR_INVALID_ADDRESS, got %lu\n", GetLastError());

    /* reserving the same range again fails */
    SetLastError(0xdeadbeef);
    p = VirtualAlloc(base, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    ok(p == NULL, "reserving an already reserved range succeeded\n");
    ok(GetLastError() == ERROR_INVALID_ADDRESS, "double reserve: expected ERROR_INVALID_ADDRESS, got %lu\n", GetLastError());

    /* commit one page in the middle: the region splits in three */
    p = VirtualAlloc(base + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    ok(p == base + 0x1000, "VirtualAlloc(MEM_COMMIT): expected %p, got %p (%lu)\n", base + 0x1000, p, GetLastError());
    if (p) {
        ok(all_zero(p, 0x1000), "committed memory is not zeroed\n");
        p[0] = 42;
    }
    check_query(base, base, base, 0x1000, MEM_RESERVE, 0, PAGE_READWRITE, MEM_PRIVATE);
    check_query(base + 0x1000, base + 0x1000, base, 0x1000, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE, MEM_PRIVATE);
    check_query(base + 0x2000, base + 0x2000, base, size - 0x2000, MEM_RESERVE, 0, PAGE_READWRITE, MEM_PRIVATE);

    /* commit with an unaligned address and size: whole pages */
    p = VirtualAlloc(base + 0x3010, 0x20, MEM_COMMIT, PAGE_READONLY);
    ok(p == base + 0x3000, "VirtualAlloc(MEM_COMMIT, unaligned): expected %p, got %p\n", base + 0x3000, p);
    check_query(base + 0x3000, base + 0x3000, base, 0x1000, MEM_COMMIT, PAGE_READONLY, PAGE_READWRITE, MEM_PRIVATE);

    /* VirtualProtect returns the old protection */
    old = 0xdeadbeef;
    ok(VirtualProtect(base + 0x1000, 0x1000, PAGE_READONLY, &old), "VirtualProtect failed: %lu\n", GetLastError());
    ok(old == PAGE_READWRITE, "VirtualProtect old protection: expected PAGE_READWRITE (4), got 0x%lx\n", old);
    check_query(base + 0x1000, base + 0x1000, base, 0x1000, MEM_COMMIT, PAGE_READONLY, PAGE_READWRITE, MEM_PRIVATE);
    ok(base[0x1000] == 42, "data lost across VirtualProtect\n");
    old = 0xdeadbeef;
    ok(VirtualProtect(base + 0x1000, 0x1000, PAGE_EXECUTE_READWRITE, &old), "VirtualProtect(RWX) failed: %lu\n", GetLastError());
    ok(old == PAGE_READONLY, "VirtualProtect old protection: expected PAGE_READONLY (2), got 0x%lx\n", old);

    /* a range that is not all committed cannot be protected */
    SetLastError(0xdeadbeef);
    ok(!VirtualProtect(base + 0x1000, 0x2000, PAGE_READWRITE, &old), "VirtualProtect over committed+reserved succeeded\n");
    ok(GetLastError() == ERROR_INVALID_ADDRESS, "VirtualProtect(partly reserved): expected ERROR_INVALID_ADDRESS, got %lu\n",
       GetLastError());

    /* VirtualFree errors */
    SetLastError(0xdeadbeef);
    ok(!VirtualFree(base, size, 0), "VirtualFree with type 0 succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "VirtualFree(type 0): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!VirtualFree(base, size, MEM_RELEASE), "VirtualFree(MEM_RELEASE) with a size succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "VirtualFree(MEM_RELEASE, size != 0): expected ERROR_INVALID_PARAMETER, got %lu\n",
       GetLastError());

    /* decommit */
    ok(VirtualFree(base + 0x1000, 0x1000, MEM_DECOMMIT), "VirtualFree(MEM_DECOMMIT) failed: %lu\n", GetLastError());
    check_query(base, base, base, 0x3000, MEM_RESERVE, 0, PAGE_READWRITE, MEM_PRIVATE);
    /* recommitting gives zeroed memory */
    p = VirtualAlloc(base + 0x1000, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    ok(p != NULL && all_zero(p, 0x1000), "recommitted memory is not zeroed\n");

    /* release */
    ok(VirtualFree(base, 0, MEM_RELEASE), "VirtualFree(MEM_RELEASE) failed: %lu\n", GetLastError());
    memset(&mbi, 0, sizeof(mbi));
    ok(VirtualQuery(base, &mbi, sizeof(mbi)) == sizeof(mbi), "VirtualQuery after release failed\n");
    ok(mbi.State == MEM_FREE, "after release: State expected MEM_FREE (0x10000), got 0x%lx\n", mbi.State);
    ok(mbi.Protect == PAGE_NOACCESS, "after release: Protect expected PAGE_NOACCESS, got 0x%lx\n", mbi.Protect);
    SetLastError(0xdeadbeef);
    ok(!VirtualFree(base, 0, MEM_RELEASE), "releasing twice succeeded\n");
    ok(GetLastError() == ERROR_INVALID_ADDRESS, "second release: expected ERROR_INVALID_ADDRESS, got %lu\n", GetLastError());

    /* commit at an address nobody reserved */
    SetLastError(0xdeadbeef);
    p = VirtualAlloc(base, 0x1000, MEM_COMMIT, PAGE_READWRITE);
    if (p) VirtualFree(p, 0, MEM_RELEASE);
    ok(p == NULL, "MEM_COMMIT of free memory without MEM_RESERVE succeeded\n");
    ok(GetLastError() == ERROR_INVALID_ADDRESS, "MEM_COMMIT of free memory: expected ERROR_INVALID_ADDRESS, got %lu\n", GetLastError());

    /* reserve+commit in one call, 1 byte: one page, zeroed, read-write */
    p = VirtualAlloc(NULL, 1, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    ok(p != NULL, "VirtualAlloc(MEM_RESERVE|MEM_COMMIT, 1) failed\n");
    if (p) {
        check_query(p, p, p, 0x1000, MEM_COMMIT, PAGE_READWRITE, PAGE_READWRITE, MEM_PRIVATE);
        p[4095] = 1;
        ok(VirtualFree(p, 0, MEM_RELEASE), "VirtualFree failed\n");
    }

    /* the EXE image */
    {
        HMODULE exe = GetModuleHandleA(NULL);
        ok(VirtualQuery((char*)exe + 0x10, &mbi, sizeof(mbi)) == sizeof(mbi), "VirtualQuery(image) failed\n");
        ok(mbi.AllocationBase == exe, "image AllocationBase: expected %p, got %p\n", exe, mbi.AllocationBase);
        ok(mbi.Type == MEM_IMAGE, "image Type: expected MEM_IMAGE (0x1000000), got 0x%lx\n", mbi.Type);
        ok(mbi.State == MEM_COMMIT, "image State: expected MEM_COMMIT, got 0x%lx\n", mbi.State);
        ok(mbi.Protect == PAGE_READONLY, "image headers Protect: expected PAGE_READONLY, got 0x%lx\n", mbi.Protect);
        ok(VirtualQuery((void*)test_virtual, &mbi, sizeof(mbi)) == sizeof(mbi), "VirtualQuery(code) failed\n");
        ok(mbi.Protect == PAGE_EXECUTE_READ, "code Protect: expected PAGE_EXECUTE_READ (0x20), got 0x%lx\n", mbi.Protect);
        ok(mbi.AllocationBase == exe && mbi.Type == MEM_IMAGE, "code: AllocationBase %p Type 0x%lx\n", mbi.AllocationBase, mbi.Type);
    }

    /* an address above the user address space */
    SetLastError(0xdeadbeef);
    ok(VirtualQuery((void*)0xffff800000000000ull, &mbi, sizeof(mbi)) == 0, "VirtualQuery of a kernel address succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "VirtualQuery(kernel address): expected ERROR_INVALID_PARAMETER, got %lu\n",
       GetLastError());
}

START_TEST(heap)
{
    test_heaps();
    test_local_global();
    test_virtual();
}
