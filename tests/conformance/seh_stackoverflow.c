// build: -Wno-infinite-recursion
/* seh_stackoverflow.c: running into the guard below the stack raises EXCEPTION_STACK_OVERFLOW, which
 * an __except catches; the thread goes on, and after _resetstkoflw the guard is back (on the main
 * thread and on a created one). Scope tables written as in seh_frames.c. */
#include "ok.h"
#include <malloc.h>

#define SEH_EXCEPT_SCOPE(id, filter, call)                                                               \
    do {                                                                                                 \
        __asm__ __volatile__(".Lseh_begin_" #id ":\n\t.seh_handler __C_specific_handler, @except\n"       \
                             "\t.seh_handlerdata\n\t.long 1\n\t.rva .Lseh_begin_" #id ", .Lseh_end_" #id  \
                             ", " #filter ", .Lseh_end_" #id "\n\t.text\n" ::: "memory");                \
        call;                                                                                            \
        __asm__ __volatile__("\tnop\n.Lseh_end_" #id ":\n\tnop\n" ::: "memory");                          \
    } while (0)

static volatile LONG depth, caught;
static volatile DWORD seen_code;

static __attribute__((noinline)) int recurse(int n) {
    volatile char buf[512];
    buf[0] = (char)n;
    depth++;
    return recurse(n + 1) + buf[0];
}
static void overflow(void) { recurse(0); }

__attribute__((used)) LONG overflow_filter(EXCEPTION_POINTERS* p, void* frame) {
    (void)frame;
    seen_code = p->ExceptionRecord->ExceptionCode;
    return seen_code == EXCEPTION_STACK_OVERFLOW ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}

static __attribute__((noinline)) void try_overflow(void) {
    depth = 0;
    SEH_EXCEPT_SCOPE(1, overflow_filter, overflow());
    caught++;
}

static void overflow_twice(const char* where) {
    caught = 0;
    seen_code = 0;
    try_overflow();
    ok(caught == 1 && seen_code == EXCEPTION_STACK_OVERFLOW, "%s: code %#lx, caught %ld\n", where, seen_code, caught);
    ok(depth > 500, "%s: only %ld levels before the overflow\n", where, depth);
    /* The thread goes on normally, with a fresh guard after _resetstkoflw. */
    ok(_resetstkoflw() != 0, "%s: _resetstkoflw failed\n", where);
    try_overflow();
    ok(caught == 2 && seen_code == EXCEPTION_STACK_OVERFLOW, "%s: second overflow: code %#lx, caught %ld\n", where,
       seen_code, caught);
    ok(_resetstkoflw() != 0, "%s: second _resetstkoflw failed\n", where);
}

static DWORD WINAPI thread_proc(void* arg) {
    (void)arg;
    overflow_twice("thread");
    return 77;
}

START_TEST(seh_stackoverflow)
{
    overflow_twice("main thread");
    HANDLE t = CreateThread(NULL, 0, thread_proc, NULL, 0, NULL);
    ok(t != NULL, "CreateThread failed\n");
    ok(WaitForSingleObject(t, 20000) == WAIT_OBJECT_0, "the thread did not end\n");
    DWORD code = 0;
    GetExitCodeThread(t, &code);
    ok(code == 77, "thread exit code %lu\n", code);
    CloseHandle(t);
}
