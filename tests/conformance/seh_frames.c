/* seh_frames.c: frame-based SEH through __C_specific_handler. GCC has no __try/__except; the scope
 * tables are written here with the assembler's SEH directives, the way mingw-w64's __try1 does it
 * (one scope per function, and the function must be in .text): SEH_EXCEPT_SCOPE guards a call with an __except filter whose handler is
 * the code right after the call; SEH_FINALLY_SCOPE runs a termination handler when the call is
 * left by an unwind. The same tables MSVC would emit, so the test passes on Windows. */
#include "ok.h"

#define SEH_SCOPE_BEGIN(id, handler, target)                                                          \
    __asm__ __volatile__(".Lseh_begin_" #id ":\n\t.seh_handler __C_specific_handler, @except, @unwind\n" \
                         "\t.seh_handlerdata\n\t.long 1\n\t.rva .Lseh_begin_" #id ", .Lseh_end_" #id ", " #handler \
                         "\n\t" target "\n\t.text\n" ::: "memory")
#define SEH_SCOPE_END(id) __asm__ __volatile__("\tnop\n.Lseh_end_" #id ":\n\tnop\n" ::: "memory")
/* __try { call } __except (filter(GetExceptionInformation())) { } */
#define SEH_EXCEPT_SCOPE(id, filter, call) \
    do { SEH_SCOPE_BEGIN(id, filter, ".rva .Lseh_end_" #id); call; SEH_SCOPE_END(id); } while (0)
/* __try { call } __finally { fin(AbnormalTermination(), frame) } -- on the unwind path only */
#define SEH_FINALLY_SCOPE(id, fin, call) \
    do { SEH_SCOPE_BEGIN(id, fin, ".long 0"); call; SEH_SCOPE_END(id); } while (0)

static char trail[32];
static int trail_pos;
static void mark(char c) { if (trail_pos < 31) trail[trail_pos++] = c; trail[trail_pos] = 0; }
static void reset_trail(void) { trail_pos = 0; trail[0] = 0; }

static DWORD seen_code, seen_flags, seen_nparams;
static ULONG_PTR seen_info[3];
static DWORD seen_inner_code;
static volatile int after_raise;

/* ---- the guarded code ---- */
static __attribute__((noinline)) void raise_with_params(void) {
    ULONG_PTR args[3] = {0x11, 0x22, 0x33};
    RaiseException(0xE0000001, 0, 3, args);
    after_raise = 1;
}
static __attribute__((noinline)) void raise_noncontinuable(void) {
    RaiseException(0xE0000002, EXCEPTION_NONCONTINUABLE, 0, NULL);
    after_raise = 1;
}
static __attribute__((noinline)) void do_nothing(void) { __asm__ volatile(""); }
static __attribute__((noinline)) void write_null(void) {
    *(volatile int*)0 = 1;
    after_raise = 1;
}

/* ---- filters (called with the EXCEPTION_POINTERS and the establisher frame) ---- */
__attribute__((used)) LONG filter_execute(EXCEPTION_POINTERS* p, void* frame) {
    (void)frame;
    mark('F');
    seen_code = p->ExceptionRecord->ExceptionCode;
    seen_flags = p->ExceptionRecord->ExceptionFlags;
    seen_nparams = p->ExceptionRecord->NumberParameters;
    for (int i = 0; i < 3; i++) seen_info[i] = p->ExceptionRecord->ExceptionInformation[i];
    seen_inner_code = p->ExceptionRecord->ExceptionRecord ? p->ExceptionRecord->ExceptionRecord->ExceptionCode : 0;
    return EXCEPTION_EXECUTE_HANDLER;
}
__attribute__((used)) LONG filter_search(EXCEPTION_POINTERS* p, void* frame) {
    (void)p; (void)frame;
    mark('S');
    return EXCEPTION_CONTINUE_SEARCH;
}
__attribute__((used)) LONG filter_continue(EXCEPTION_POINTERS* p, void* frame) {
    (void)frame;
    DWORD code = p->ExceptionRecord->ExceptionCode;
    if (code != 0xE0000001 && code != 0xE0000002) return EXCEPTION_CONTINUE_SEARCH;
    mark('C');
    seen_code = code;
    return EXCEPTION_CONTINUE_EXECUTION;
}
__attribute__((used)) void finally_handler(BOOLEAN abnormal, void* frame) {
    (void)frame;
    mark(abnormal ? 'T' : 't');
}
__attribute__((used)) void finally_handler2(BOOLEAN abnormal, void* frame) {
    (void)frame;
    mark(abnormal ? 'U' : 'u');
}

/* ---- functions with one scope each ---- */
static __attribute__((noinline)) void try_execute(void (*fn)(void)) {
    SEH_EXCEPT_SCOPE(1, filter_execute, fn());
    mark('E');  /* reached both normally and from the __except */
}
static __attribute__((noinline)) void try_search(void (*fn)(void)) {
    SEH_EXCEPT_SCOPE(2, filter_search, fn());
    mark('X');  /* only reached normally */
}
static __attribute__((noinline)) void try_continue(void (*fn)(void)) {
    SEH_EXCEPT_SCOPE(3, filter_continue, fn());
    mark('R');
}
static __attribute__((noinline)) void try_finally(void (*fn)(void)) {
    SEH_FINALLY_SCOPE(4, finally_handler, fn());
    mark('N');
}
static __attribute__((noinline)) void try_finally2(void (*fn)(void)) {
    SEH_FINALLY_SCOPE(5, finally_handler2, fn());
    mark('M');
}

static void raise_through_search(void) { try_search(raise_with_params); }
static void raise_through_finally(void) { try_finally(raise_with_params); }
static void raise_through_two_finallys(void) { try_finally2(raise_through_finally); }
static void continue_in_inner(void) { try_continue(raise_with_params); }
static void noncontinuable_continued(void) { try_continue(raise_noncontinuable); }
static void av_through_finally(void) { try_finally(write_null); }

START_TEST(seh_frames)
{
    /* The filter sees the code and the parameters; the handler runs after the raising frame is gone. */
    reset_trail(); after_raise = 0;
    try_execute(raise_with_params);
    ok(!strcmp(trail, "FE"), "trail %s, expected FE\n", trail);
    ok(!after_raise, "the code after RaiseException ran\n");
    ok(seen_code == 0xE0000001, "code %#lx\n", seen_code);
    ok(seen_flags == 0, "flags in the filter %#lx, expected 0\n", seen_flags);
    ok(seen_nparams == 3 && seen_info[0] == 0x11 && seen_info[1] == 0x22 && seen_info[2] == 0x33,
       "parameters %lu: %#llx %#llx %#llx\n", seen_nparams, (unsigned long long)seen_info[0],
       (unsigned long long)seen_info[1], (unsigned long long)seen_info[2]);

    /* A hardware fault is caught the same way. */
    reset_trail(); after_raise = 0;
    try_execute(write_null);
    ok(!strcmp(trail, "FE"), "trail %s, expected FE\n", trail);
    ok(seen_code == EXCEPTION_ACCESS_VIOLATION, "code %#lx\n", seen_code);
    ok(seen_nparams == 2 && seen_info[0] == 1 && seen_info[1] == 0, "access violation parameters %lu: %llu %#llx\n",
       seen_nparams, (unsigned long long)seen_info[0], (unsigned long long)seen_info[1]);

    /* An inner filter that says CONTINUE_SEARCH: the outer one gets the exception. */
    reset_trail();
    try_execute(raise_through_search);
    ok(!strcmp(trail, "SFE"), "trail %s, expected SFE\n", trail);

    /* __finally: the search phase first (filter), then the unwind runs the termination handler. */
    reset_trail(); after_raise = 0;
    try_execute(raise_through_finally);
    ok(!strcmp(trail, "FTE"), "trail %s, expected FTE\n", trail);
    ok(!after_raise, "the code after RaiseException ran\n");

    /* Two frames with __finally: innermost first. */
    reset_trail();
    try_execute(raise_through_two_finallys);
    ok(!strcmp(trail, "FTUE"), "trail %s, expected FTUE\n", trail);

    /* A hardware fault unwinds through __finally too. */
    reset_trail();
    try_execute(av_through_finally);
    ok(!strcmp(trail, "FTE"), "trail %s, expected FTE\n", trail);

    /* EXCEPTION_CONTINUE_EXECUTION: RaiseException returns. */
    reset_trail(); after_raise = 0;
    try_execute(continue_in_inner);
    ok(!strcmp(trail, "CRE"), "trail %s, expected CRE\n", trail);
    ok(after_raise == 1, "RaiseException did not return after EXCEPTION_CONTINUE_EXECUTION\n");

    /* Continuing a non-continuable exception raises STATUS_NONCONTINUABLE_EXCEPTION, which points at it. */
    reset_trail(); after_raise = 0;
    try_execute(noncontinuable_continued);
    ok(!strcmp(trail, "CFE"), "trail %s, expected CFE\n", trail);
    ok(!after_raise, "a non-continuable exception continued\n");
    ok(seen_code == STATUS_NONCONTINUABLE_EXCEPTION, "code %#lx\n", seen_code);
    ok(seen_inner_code == 0xE0000002, "the inner record has code %#lx\n", seen_inner_code);

    /* No exception: the filters never run, the code after the call runs once. */
    reset_trail();
    try_execute(do_nothing);
    ok(!strcmp(trail, "E"), "trail %s, expected E\n", trail);
}
