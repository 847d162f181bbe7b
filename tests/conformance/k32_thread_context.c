/* SuspendThread/ResumeThread counts, GetThreadContext/SetThreadContext on a suspended thread (the
 * real registers: rip inside the spinning function, rsp on its stack; a changed rip/rcx/xmm0 takes
 * effect on resume), a thread suspended inside a wait, GetThreadContext of the current thread,
 * TerminateThread, OpenThread, GetProcessIdOfThread, descriptions and priorities. */
#define _WIN32_WINNT 0x0A00
#include "ok.h"

/* Windows 10 1607+; older mingw-w64 headers do not declare them. */
WINBASEAPI HRESULT WINAPI SetThreadDescription(HANDLE, PCWSTR);
WINBASEAPI HRESULT WINAPI GetThreadDescription(HANDLE, PWSTR *);

static volatile LONG stop_spin;
static volatile LONG64 counter;
static void *volatile spin_sp;
static volatile LONG redirected;

__attribute__((noinline)) static DWORD WINAPI spin(void *arg) {
    spin_sp = __builtin_frame_address(0);
    while (!stop_spin) counter++;
    return 3;
}

/* Entered through SetThreadContext: rcx and xmm0 are what the context said. */
__attribute__((noinline)) static void WINAPI leave_with(ULONG_PTR code) {
    redirected = 1;
    ExitThread((DWORD)code);
}
__attribute__((noinline)) static void WINAPI leave_with_double(double d) {
    redirected = 2;
    ExitThread((DWORD)d);
}

static HANDLE ev;
static DWORD WINAPI waiter(void *arg) {
    return WaitForSingleObject(ev, 10000) == WAIT_OBJECT_0 ? 9 : 1;
}

static HANDLE start_spinner(void) {
    stop_spin = 0;
    spin_sp = NULL;
    LONG64 before = counter;
    HANDLE th = CreateThread(NULL, 0, spin, NULL, 0, NULL);
    while (!spin_sp || counter == before) Sleep(1);
    return th;
}

/* Points the suspended thread at fn, on an aligned stack below its own, as a call would. */
static void redirect(HANDLE th, CONTEXT *c, void *fn) {
    c->Rsp = ((c->Rsp - 512) & ~(DWORD64)15) - 8;
    c->Rip = (DWORD64)fn;
}

START_TEST(k32_thread_context)
{
    HANDLE th = start_spinner();
    SetLastError(0xdeadbeef);
    ok(SuspendThread(th) == 0, "first SuspendThread\n");
    ok(SuspendThread(th) == 1, "second SuspendThread\n");
    LONG64 c1 = counter;
    Sleep(50);
    ok(counter == c1, "a suspended thread ran: %lld -> %lld\n", c1, counter);

    CONTEXT ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    ok(GetThreadContext(th, &ctx), "GetThreadContext failed %lu\n", GetLastError());
    ok(ctx.Rip >= (DWORD64)spin && ctx.Rip < (DWORD64)spin + 256, "rip %#llx not in spin at %p\n", ctx.Rip, spin);
    ok(ctx.Rsp <= (DWORD64)spin_sp + 64 && ctx.Rsp + 4096 > (DWORD64)spin_sp, "rsp %#llx, spin's local at %p\n",
       ctx.Rsp, spin_sp);
    ok(ctx.SegCs == 0x33, "cs %#x\n", ctx.SegCs);
    ok(ResumeThread(th) == 2, "ResumeThread from 2\n");
    Sleep(20);
    ok(counter == c1, "the thread ran with a suspend count of 1\n");
    ok(ResumeThread(th) == 1, "ResumeThread from 1\n");
    Sleep(20);
    ok(counter != c1, "the thread does not run again after ResumeThread\n");
    ok(ResumeThread(th) == 0, "ResumeThread of a running thread\n");

    /* MAXIMUM_SUSPEND_COUNT */
    DWORD prev = 0;
    for (DWORD i = 0; i < MAXIMUM_SUSPEND_COUNT; i++) prev = SuspendThread(th);
    ok(prev == MAXIMUM_SUSPEND_COUNT - 1, "suspend count %lu\n", prev);
    SetLastError(0xdeadbeef);
    ok(SuspendThread(th) == (DWORD)-1 && GetLastError() == ERROR_SIGNAL_REFUSED, "past MAXIMUM_SUSPEND_COUNT: %lu\n",
       GetLastError());
    for (DWORD i = 0; i < MAXIMUM_SUSPEND_COUNT; i++) prev = ResumeThread(th);
    ok(prev == 1, "last resume returned %lu\n", prev);

    /* A snapshot of a running thread. */
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_CONTROL;
    ok(GetThreadContext(th, &ctx) && ctx.Rip >= (DWORD64)spin && ctx.Rip < (DWORD64)spin + 256,
       "running thread: rip %#llx\n", ctx.Rip);

    /* SetThreadContext: rip and rcx. */
    ok(SuspendThread(th) == 0, "suspend for SetThreadContext\n");
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    ok(GetThreadContext(th, &ctx), "GetThreadContext failed %lu\n", GetLastError());
    redirect(th, &ctx, leave_with);
    ctx.Rcx = 0x4321;
    ok(SetThreadContext(th, &ctx), "SetThreadContext failed %lu\n", GetLastError());
    CONTEXT back;
    memset(&back, 0, sizeof back);
    back.ContextFlags = CONTEXT_FULL;
    ok(GetThreadContext(th, &back) && back.Rip == (DWORD64)leave_with && back.Rcx == 0x4321,
       "GetThreadContext after SetThreadContext: rip %#llx rcx %#llx\n", back.Rip, back.Rcx);
    ok(ResumeThread(th) == 1, "resume after SetThreadContext\n");
    ok(WaitForSingleObject(th, 5000) == WAIT_OBJECT_0, "redirected thread did not end\n");
    DWORD code = 0;
    GetExitCodeThread(th, &code);
    ok(code == 0x4321 && redirected == 1, "exit code %#lx, redirected %ld\n", code, redirected);
    CloseHandle(th);

    /* xmm0 through CONTEXT_FLOATING_POINT. */
    th = start_spinner();
    ok(SuspendThread(th) == 0, "suspend for xmm\n");
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_CONTROL | CONTEXT_FLOATING_POINT;
    ok(GetThreadContext(th, &ctx), "GetThreadContext(fp) failed %lu\n", GetLastError());
    ok(ctx.MxCsr != 0 && ctx.FltSave.MxCsr == ctx.MxCsr, "mxcsr %#lx / %#lx\n", ctx.MxCsr, ctx.FltSave.MxCsr);
    redirect(th, &ctx, leave_with_double);
    double d = 77.0;
    memcpy(&ctx.FltSave.XmmRegisters[0], &d, sizeof d);
    ok(SetThreadContext(th, &ctx), "SetThreadContext(fp) failed %lu\n", GetLastError());
    ResumeThread(th);
    ok(WaitForSingleObject(th, 5000) == WAIT_OBJECT_0, "thread redirected with xmm0 did not end\n");
    GetExitCodeThread(th, &code);
    ok(code == 77 && redirected == 2, "exit code %lu (want 77), redirected %ld\n", code, redirected);
    CloseHandle(th);

    /* A thread suspended while it waits still gets its object after resuming. */
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    th = CreateThread(NULL, 0, waiter, NULL, 0, NULL);
    Sleep(30);
    ok(SuspendThread(th) == 0, "suspend a waiting thread\n");
    SetEvent(ev);
    ok(WaitForSingleObject(th, 100) == WAIT_TIMEOUT, "suspended thread ended\n");
    ResumeThread(th);
    ok(WaitForSingleObject(th, 5000) == WAIT_OBJECT_0, "resumed waiter did not end\n");
    GetExitCodeThread(th, &code);
    ok(code == 9, "waiter exit code %lu\n", code);
    CloseHandle(th);

    /* The current thread. */
    volatile char local;
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    ok(GetThreadContext(GetCurrentThread(), &ctx), "GetThreadContext(current) failed %lu\n", GetLastError());
    ok(ctx.Rsp < (DWORD64)&local && ctx.Rsp + 65536 > (DWORD64)&local, "current rsp %#llx, local %p\n", ctx.Rsp, &local);

    /* CREATE_SUSPENDED thread. */
    stop_spin = 0;
    LONG64 before = counter;
    DWORD tid = 0;
    th = CreateThread(NULL, 0, spin, NULL, CREATE_SUSPENDED, &tid);
    Sleep(30);
    ok(counter == before, "a CREATE_SUSPENDED thread ran\n");
    ok(GetThreadId(th) == tid && tid != 0, "GetThreadId %lu, tid %lu\n", GetThreadId(th), tid);
    ok(GetProcessIdOfThread(th) == GetCurrentProcessId(), "GetProcessIdOfThread %lu\n", GetProcessIdOfThread(th));
    HANDLE again = OpenThread(THREAD_ALL_ACCESS, FALSE, tid);
    ok(again != NULL, "OpenThread failed %lu\n", GetLastError());
    ok(SetThreadPriority(th, THREAD_PRIORITY_HIGHEST) && GetThreadPriority(again) == THREAD_PRIORITY_HIGHEST,
       "priority %d\n", GetThreadPriority(again));
    ok(SetThreadDescription(th, L"winrun worker") == S_OK, "SetThreadDescription\n");
    PWSTR desc = NULL;
    ok(GetThreadDescription(again, &desc) == S_OK && desc && !wcscmp(desc, L"winrun worker"), "description\n");
    LocalFree(desc);
    ok(ResumeThread(th) == 1, "ResumeThread of a CREATE_SUSPENDED thread\n");
    Sleep(30);
    ok(counter != before, "the resumed thread does not run\n");

    /* TerminateThread of a running thread. */
    ok(TerminateThread(th, 0xDEAD), "TerminateThread failed %lu\n", GetLastError());
    ok(WaitForSingleObject(again, 5000) == WAIT_OBJECT_0, "terminated thread still runs\n");
    GetExitCodeThread(th, &code);
    ok(code == 0xDEAD, "terminated thread's exit code %#lx\n", code);
    LONG64 after = counter;
    Sleep(20);
    ok(counter == after, "terminated thread still counts\n");
    CloseHandle(again);
    CloseHandle(th);
    /* TerminateThread of a thread that never ran. */
    before = counter;
    th = CreateThread(NULL, 0, spin, NULL, CREATE_SUSPENDED, NULL);
    ok(TerminateThread(th, 0xBEEF), "TerminateThread (suspended) failed %lu\n", GetLastError());
    ok(WaitForSingleObject(th, 5000) == WAIT_OBJECT_0, "terminated suspended thread still runs\n");
    GetExitCodeThread(th, &code);
    ok(code == 0xBEEF && counter == before, "terminated suspended thread: code %#lx, ran %d\n", code, counter != before);
    CloseHandle(th);
    stop_spin = 1;
}
