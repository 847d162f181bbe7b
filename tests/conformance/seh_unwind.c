/* seh_unwind.c: walking the stack with RtlCaptureContext + RtlLookupFunctionEntry + RtlVirtualUnwind,
 * RtlCaptureStackBackTrace, RtlPcToFileHeader, dynamic function tables. */
#include "ok.h"

static DWORD64 walk_pcs[8];
static DWORD64 walk_sps[8];
static int walk_count;
static void* bt[16];
static USHORT bt_count;
static ULONG bt_hash;

static volatile int sink;

static __attribute__((noinline)) int level3(int x) {
    CONTEXT ctx;
    RtlCaptureContext(&ctx);
    walk_count = 0;
    for (int i = 0; i < 8; i++) {
        DWORD64 base = 0;
        walk_pcs[i] = ctx.Rip;
        walk_sps[i] = ctx.Rsp;
        walk_count++;
        RUNTIME_FUNCTION* fn = RtlLookupFunctionEntry(ctx.Rip, &base, NULL);
        if (!fn) break;
        void* data;
        DWORD64 frame;
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, ctx.Rip, fn, &ctx, &data, &frame, NULL);
        if (!ctx.Rip) break;
    }
    bt_count = RtlCaptureStackBackTrace(0, 16, bt, &bt_hash);
    return x + sink;
}
static __attribute__((noinline)) int level2(int x) { return level3(x + 1) + sink; }
static __attribute__((noinline)) int level1(int x) { return level2(x + 1) + sink; }

/* Is pc inside the function `fn` (by its unwind table entry)? */
static int pc_in(DWORD64 pc, void* fn) {
    DWORD64 base = 0;
    RUNTIME_FUNCTION* f = RtlLookupFunctionEntry((DWORD64)fn, &base, NULL);
    return f && pc >= base + f->BeginAddress && pc < base + f->EndAddress;
}

START_TEST(seh_unwind)
{
    ok(level1(1) == 3, "level1 returned the wrong value\n");
    ok(walk_count >= 4, "walked %d frames\n", walk_count);
    ok(pc_in(walk_pcs[0], level3), "frame 0 pc %#llx is not in level3\n", (unsigned long long)walk_pcs[0]);
    ok(pc_in(walk_pcs[1], level2), "frame 1 pc %#llx is not in level2\n", (unsigned long long)walk_pcs[1]);
    ok(pc_in(walk_pcs[2], level1), "frame 2 pc %#llx is not in level1\n", (unsigned long long)walk_pcs[2]);
    ok(pc_in(walk_pcs[3], func_seh_unwind), "frame 3 pc %#llx is not in the test body\n", (unsigned long long)walk_pcs[3]);
    ok(walk_sps[1] > walk_sps[0] && walk_sps[2] > walk_sps[1] && walk_sps[3] > walk_sps[2],
       "stack pointers do not grow: %#llx %#llx %#llx %#llx\n", (unsigned long long)walk_sps[0],
       (unsigned long long)walk_sps[1], (unsigned long long)walk_sps[2], (unsigned long long)walk_sps[3]);
    ok((walk_sps[1] & 15) == 0 && (walk_sps[2] & 15) == 0, "caller stack pointers are not 16-byte aligned after the call\n");

    /* RtlCaptureStackBackTrace: frame 0 is in the caller. */
    ok(bt_count >= 4, "RtlCaptureStackBackTrace captured %u frames\n", bt_count);
    ok(pc_in((DWORD64)bt[0], level3), "backtrace frame 0 %p is not in level3\n", bt[0]);
    ok(pc_in((DWORD64)bt[1], level2), "backtrace frame 1 %p is not in level2\n", bt[1]);
    ok(pc_in((DWORD64)bt[2], level1), "backtrace frame 2 %p is not in level1\n", bt[2]);
    void* few[2];
    USHORT n = RtlCaptureStackBackTrace(1, 2, few, NULL);
    ok(n == 2, "skip 1, count 2: %u frames\n", n);

    /* RtlPcToFileHeader */
    void* base = (void*)1;
    ok(RtlPcToFileHeader((void*)level1, &base) == GetModuleHandleA(NULL) && base == GetModuleHandleA(NULL),
       "RtlPcToFileHeader(level1) gave %p\n", base);
    void* k32 = GetModuleHandleA("kernel32.dll");
    void* p = GetProcAddress(k32, "GetTickCount");
    ok(RtlPcToFileHeader(p, &base) == k32, "RtlPcToFileHeader(GetTickCount) gave %p, expected %p\n", base, k32);
    ok(RtlPcToFileHeader((void*)16, &base) == NULL && base == NULL, "RtlPcToFileHeader(16) gave %p\n", base);

    /* Code outside any image has no entry until a table is added for it. */
    BYTE* mem = VirtualAlloc(NULL, 0x10000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    static RUNTIME_FUNCTION table[2];
    table[0].BeginAddress = 0x100; table[0].EndAddress = 0x180; table[0].UnwindData = 0x1000;
    table[1].BeginAddress = 0x200; table[1].EndAddress = 0x280; table[1].UnwindData = 0x1000;
    DWORD64 got = 0;
    ok(RtlLookupFunctionEntry((DWORD64)mem + 0x210, &got, NULL) == NULL, "an entry before RtlAddFunctionTable\n");
    ok(RtlAddFunctionTable(table, 2, (DWORD64)mem), "RtlAddFunctionTable failed\n");
    ok(RtlLookupFunctionEntry((DWORD64)mem + 0x210, &got, NULL) == &table[1] && got == (DWORD64)mem,
       "lookup in the dynamic table failed (base %#llx)\n", (unsigned long long)got);
    ok(RtlLookupFunctionEntry((DWORD64)mem + 0x190, &got, NULL) == NULL, "an entry between the functions\n");
    ok(RtlDeleteFunctionTable(table), "RtlDeleteFunctionTable failed\n");
    ok(!RtlDeleteFunctionTable(table), "a second RtlDeleteFunctionTable succeeded\n");
    ok(RtlLookupFunctionEntry((DWORD64)mem + 0x210, &got, NULL) == NULL, "an entry after RtlDeleteFunctionTable\n");
    VirtualFree(mem, 0, MEM_RELEASE);
}
