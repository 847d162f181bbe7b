/* seh_vectored.c: vectored exception handlers see hardware faults and RaiseException first, can fix
 * the context and continue; vectored continue handlers run whenever execution continues.
 * With the argument "crash" it dies of an unhandled access violation (loader_cli.sh checks the report). */
#include "ok.h"

static int veh_calls, vch_calls, order_pos;
static char order[16];
static DWORD last_code, last_flags;
static void* last_address;
static ULONG_PTR last_info[4];
static DWORD last_nparams;
static CONTEXT last_ctx;

/* Faulting instructions at known addresses, so that a handler can step over them. */
extern char av_insn[], div_insn[], bp_insn[];
static __attribute__((noinline)) int do_av(void) {
    int r;
    __asm__ volatile("xor %%eax, %%eax\n\t.globl av_insn\nav_insn:\n\tmovl (%%rax), %%eax" : "=a"(r)::"memory");
    return r;
}
static __attribute__((noinline)) int do_div0(void) {
    int r;
    __asm__ volatile("xor %%edx, %%edx\n\tmov $1, %%eax\n\txor %%ecx, %%ecx\n\t.globl div_insn\ndiv_insn:\n\tdivl %%ecx"
                     : "=a"(r)::"rcx", "rdx", "memory");
    return r;
}
static __attribute__((noinline)) int do_int3(void) {
    int r = 0;
    __asm__ volatile(".globl bp_insn\nbp_insn:\n\tint3\n\tmov $5, %%eax" : "=a"(r)::"memory");
    return r;
}

static LONG CALLBACK fixing_handler(EXCEPTION_POINTERS* p) {
    EXCEPTION_RECORD* rec = p->ExceptionRecord;
    veh_calls++;
    if (order_pos < 15) order[order_pos++] = 'V';
    last_code = rec->ExceptionCode;
    last_flags = rec->ExceptionFlags;
    last_address = rec->ExceptionAddress;
    last_nparams = rec->NumberParameters;
    for (DWORD i = 0; i < 4 && i < rec->NumberParameters; i++) last_info[i] = rec->ExceptionInformation[i];
    last_ctx = *p->ContextRecord;
    switch (rec->ExceptionCode) {
    case EXCEPTION_ACCESS_VIOLATION:
        p->ContextRecord->Rip += 2; /* movl (%rax), %eax */
        p->ContextRecord->Rax = 42;
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
        p->ContextRecord->Rip += 2; /* divl %ecx */
        p->ContextRecord->Rax = 7;
        return EXCEPTION_CONTINUE_EXECUTION;
    case EXCEPTION_BREAKPOINT:
        p->ContextRecord->Rip += 1; /* the context points at the int3 itself */
        return EXCEPTION_CONTINUE_EXECUTION;
    case 0xE0000042:
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK second_handler(EXCEPTION_POINTERS* p) {
    (void)p;
    if (order_pos < 15) order[order_pos++] = 'S';
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK continue_handler(EXCEPTION_POINTERS* p) {
    vch_calls++;
    if (order_pos < 15) order[order_pos++] = 'C';
    ok(p->ExceptionRecord->ExceptionCode == last_code, "continue handler got code %#lx, expected %#lx\n",
       p->ExceptionRecord->ExceptionCode, last_code);
    return EXCEPTION_CONTINUE_SEARCH;
}

/* "seh_vectored.exe crash" (loader_cli.sh): an unhandled access violation two frames deep. */
static __attribute__((noinline)) void crash_write(volatile int* p) { *p = 1; }
static __attribute__((noinline)) void crash_caller(volatile int* p) { crash_write(p); crash_write(p + 1); }

START_TEST(seh_vectored)
{
    if (winetest_argc > 1 && !strcmp(winetest_argv[1], "crash")) {
        crash_caller(NULL);
        return;
    }
    void* veh = AddVectoredExceptionHandler(0, fixing_handler);
    ok(veh != NULL, "AddVectoredExceptionHandler failed\n");
    void* vch = AddVectoredContinueHandler(0, continue_handler);
    ok(vch != NULL, "AddVectoredContinueHandler failed\n");

    int r = do_av();
    ok(r == 42, "after the access violation eax is %d, expected 42 from the handler\n", r);
    ok(last_code == EXCEPTION_ACCESS_VIOLATION, "code %#lx\n", last_code);
    ok(last_address == (void*)av_insn, "address %p, expected %p\n", last_address, (void*)av_insn);
    ok(last_nparams == 2 && last_info[0] == 0 && last_info[1] == 0, "params %lu: %#llx %#llx\n", last_nparams,
       (unsigned long long)last_info[0], (unsigned long long)last_info[1]);
    ok(last_ctx.Rip == (DWORD64)av_insn, "context rip %#llx\n", (unsigned long long)last_ctx.Rip);
    ok((last_ctx.ContextFlags & CONTEXT_CONTROL) == CONTEXT_CONTROL, "ContextFlags %#lx\n", last_ctx.ContextFlags);
    ok(vch_calls == 1, "continue handler called %d times\n", vch_calls);

    r = do_div0();
    ok(r == 7, "after the division by zero eax is %d, expected 7\n", r);
    ok(last_code == EXCEPTION_INT_DIVIDE_BY_ZERO, "code %#lx\n", last_code);
    ok(last_address == (void*)div_insn, "address %p, expected %p\n", last_address, (void*)div_insn);

    r = do_int3();
    ok(r == 5, "after int3 eax is %d, expected 5\n", r);
    ok(last_code == EXCEPTION_BREAKPOINT, "code %#lx\n", last_code);
    ok(last_address == (void*)bp_insn, "address %p, expected %p\n", last_address, (void*)bp_insn);
    ok(last_ctx.Rip == (DWORD64)bp_insn, "breakpoint context rip %#llx, expected %p\n",
       (unsigned long long)last_ctx.Rip, (void*)bp_insn);

    /* RaiseException: the parameters arrive, and a continuable exception returns from RaiseException. */
    ULONG_PTR args[3] = {1, 2, 0x123456789ULL};
    RaiseException(0xE0000042, 0, 3, args);
    ok(last_code == 0xE0000042, "code %#lx\n", last_code);
    ok(last_flags == 0, "flags %#lx\n", last_flags);
    ok(last_nparams == 3 && last_info[0] == 1 && last_info[1] == 2 && last_info[2] == 0x123456789ULL,
       "RaiseException parameters %lu: %#llx %#llx %#llx\n", last_nparams, (unsigned long long)last_info[0],
       (unsigned long long)last_info[1], (unsigned long long)last_info[2]);

    /* Order: a handler added with first=1 runs before the others; continue handlers run afterwards. */
    void* first = AddVectoredExceptionHandler(1, second_handler);
    order_pos = 0;
    memset(order, 0, sizeof(order));
    RaiseException(0xE0000042, 0, 0, NULL);
    ok(!strcmp(order, "SVC"), "handler order %s, expected SVC\n", order);
    ok(RemoveVectoredExceptionHandler(first) != 0, "RemoveVectoredExceptionHandler failed\n");
    order_pos = 0;
    memset(order, 0, sizeof(order));
    RaiseException(0xE0000042, 0, 0, NULL);
    ok(!strcmp(order, "VC"), "handler order after removal %s, expected VC\n", order);

    ok(RemoveVectoredContinueHandler(vch) != 0, "RemoveVectoredContinueHandler failed\n");
    ok(RemoveVectoredExceptionHandler(veh) != 0, "RemoveVectoredExceptionHandler failed\n");
    ok(RemoveVectoredExceptionHandler(veh) == 0, "a second removal succeeded\n");
}
