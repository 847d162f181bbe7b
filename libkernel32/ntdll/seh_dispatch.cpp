// x64 exception dispatch and unwinding (design decision 5), as Windows' ntdll does it:
//
//   RaiseException / a hardware fault
//     -> vectored exception handlers (AddVectoredExceptionHandler)
//     -> the frames from the raising context upwards: each frame's language handler
//        (UNW_FLAG_EHANDLER) with a DISPATCHER_CONTEXT; __C_specific_handler, libgcc's personality...
//     -> the top-level filter (SetUnhandledExceptionFilter), then the report and the end of the process.
//   Whenever execution continues (a handler says EXCEPTION_CONTINUE_EXECUTION), the vectored continue
//   handlers (AddVectoredContinueHandler) run first.
//   A handler that accepts the exception calls RtlUnwindEx, which walks the same frames again calling
//   termination handlers (UNW_FLAG_UHANDLER) with EXCEPTION_UNWINDING, the target frame with
//   EXCEPTION_TARGET_UNWIND, and restores the target frame's context at the target ip.
//
// winrun's own code has no unwind tables, so a walk cannot cross the dispatcher's own frames the
// way Windows' walks cross ntdll's. Every language handler is therefore called through one assembly
// wrapper (winrun_seh_call_handler) whose frame holds a pointer to the walk that called it. When a
// walk unwinds into that wrapper -- an exception raised inside a handler (nested), or an unwind
// started inside a handler running for another unwind (collided unwind) -- it continues where Windows'
// walk would have gone through ntdll's frames: at the start of the outer walk, or (collided unwind)
// at the frame the outer unwind was processing, whose handler is called again with
// EXCEPTION_COLLIDED_UNWIND and the outer's ScopeIndex.
//
// Hardware faults arrive in a signal handler on the alternate stack. It does not dispatch there: it
// copies the EXCEPTION_RECORD and CONTEXT below the faulting rsp and makes the thread, on return
// from the signal, enter the dispatcher on its own stack -- as Windows' KiUserExceptionDispatcher is
// entered on the thread's stack.
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <asm/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <cstring>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "kernel32/exception.h"
#include "kernel32/k32.h"
#include "log.h"
#include "seh.h"
#include "unwind_codes.h"
#include "kernel32/vm.h"

namespace winrun::seh {

using namespace winrun::win;

namespace {

constexpr LONG EXCEPTION_CONTINUE_EXECUTION = -1, EXCEPTION_CONTINUE_SEARCH = 0, EXCEPTION_EXECUTE_HANDLER = 1;
using VectoredHandler = LONG(WINAPI*)(EXCEPTION_POINTERS*);

// ---- vectored handlers -----------------------------------------------------------------------
struct VectoredEntry {
    VectoredHandler fn;
    bool continue_list;
};
std::mutex g_vectored_mutex;
std::vector<VectoredEntry*> g_vectored;  // front = called first; both lists, told apart by the flag
VectoredHandler g_top_filter = nullptr;

// Calls the handlers of one list without holding the lock (a handler may add or remove handlers).
// Entries are never freed, so a removed entry that is still being called stays valid.
LONG call_vectored(bool continue_list, EXCEPTION_RECORD& rec, CONTEXT& ctx) {
    constexpr size_t kMax = 64;
    VectoredHandler fns[kMax];  // no heap copy: a handler may leave through RtlUnwind and never return here
    size_t n = 0;
    {
        std::lock_guard lock(g_vectored_mutex);
        for (VectoredEntry* e : g_vectored)
            if (e->continue_list == continue_list && n < kMax) fns[n++] = e->fn;
    }
    EXCEPTION_POINTERS ptrs{&rec, &ctx};
    for (size_t i = 0; i < n; i++)
        if (fns[i](&ptrs) == EXCEPTION_CONTINUE_EXECUTION) return EXCEPTION_CONTINUE_EXECUTION;
    return EXCEPTION_CONTINUE_SEARCH;
}

// ---- walks -------------------------------------------------------------------------------------
// A dispatch or an unwind in progress on this thread; lives in the walking function's frame.
struct Walk {
    bool unwinding;
    const CONTEXT* start;             // the context the walk started from
    DISPATCHER_CONTEXT* disp = nullptr;  // the frame whose handler is running now
    int depth = 0;                    // walks nested inside handlers of other walks
};
constexpr int kMaxDepth = 32;

// The walk whose handler is running on this thread (set around each handler call). Our own language
// handler (__C_specific_handler) calls filters and __finally blocks through the same wrapper with it.
thread_local Walk* t_current_walk = nullptr;

}  // namespace

}  // namespace winrun::seh

// winrun_seh_call_handler(rec, frame, ctx, disp, handler, walk) -- SysV in, ms_abi out. The walk
// pointer sits at rsp+0x20 of this frame (above the callee's 32-byte home area), where a walk that
// unwinds into the return address finds it.
__asm__(R"(
    .text
    .globl winrun_seh_call_handler
    .type winrun_seh_call_handler, @function
winrun_seh_call_handler:
    sub $0x38, %rsp
    mov %r9, 0x20(%rsp)
    mov %r8, %r10
    mov %rcx, %r9
    mov %rdx, %r8
    mov %rsi, %rdx
    mov %rdi, %rcx
    call *%r10
    .globl winrun_seh_call_handler_ret
winrun_seh_call_handler_ret:
    add $0x38, %rsp
    ret
    .size winrun_seh_call_handler, .-winrun_seh_call_handler
)");

extern "C" winrun::win::EXCEPTION_DISPOSITION winrun_seh_call_handler(void* a1, void* a2, void* a3, void* a4,
                                                                       void* fn, winrun::seh::Walk* walk);
extern "C" char winrun_seh_call_handler_ret[];

// winrun_seh_call_in_frame(a1, a2, a3, fn, frame_ctx) -- SysV in, ms_abi out: fn(a1, a2, a3). A walk
// that unwinds into its return address continues at *frame_ctx (kept at rsp+0x20), the way Windows'
// walks pass through RcConsolidateFrames to the frame a consolidation callback stands in for.
__asm__(R"(
    .text
    .globl winrun_seh_call_in_frame
    .type winrun_seh_call_in_frame, @function
winrun_seh_call_in_frame:
    sub $0x38, %rsp
    mov %r8, 0x20(%rsp)
    mov %rcx, %r10
    mov %rdx, %r8
    mov %rsi, %rdx
    mov %rdi, %rcx
    call *%r10
    .globl winrun_seh_call_in_frame_ret
winrun_seh_call_in_frame_ret:
    add $0x38, %rsp
    ret
    .size winrun_seh_call_in_frame, .-winrun_seh_call_in_frame
)");
extern "C" winrun::win::DWORD64 winrun_seh_call_in_frame(void* a1, void* a2, void* a3, void* fn,
                                                         const winrun::win::CONTEXT* frame_ctx);
extern "C" char winrun_seh_call_in_frame_ret[];

namespace winrun::seh {

namespace {

// The walk that a frame returning into the wrapper belongs to, or null when ctx is not such a frame.
Walk* wrapper_walk(const CONTEXT& ctx) {
    if (ctx.Rip != reinterpret_cast<DWORD64>(winrun_seh_call_handler_ret)) return nullptr;
    return *reinterpret_cast<Walk**>(ctx.Rsp + 0x20);
}

// The context a frame returning into winrun_seh_call_in_frame stands for, or null.
const CONTEXT* frame_link(const CONTEXT& ctx) {
    if (ctx.Rip != reinterpret_cast<DWORD64>(winrun_seh_call_in_frame_ret)) return nullptr;
    return *reinterpret_cast<const CONTEXT**>(ctx.Rsp + 0x20);
}

EXCEPTION_DISPOSITION call_handler(EXCEPTION_RECORD* rec, DWORD64 frame, CONTEXT* ctx, DISPATCHER_CONTEXT* disp,
                                   EXCEPTION_ROUTINE handler, Walk* walk) {
    Walk* saved = t_current_walk;
    walk->disp = disp;
    t_current_walk = walk;
    WR_TRACE(seh, "calling handler {} for frame {:#x} (pc {}), flags {:#x}", reinterpret_cast<void*>(handler), frame,
             describe_address(reinterpret_cast<void*>(disp->ControlPc)), rec->ExceptionFlags);
    EXCEPTION_DISPOSITION d = winrun_seh_call_handler(rec, reinterpret_cast<void*>(frame), ctx, disp,
                                                      reinterpret_cast<void*>(handler), walk);
    t_current_walk = saved;
    walk->disp = nullptr;
    WR_TRACE(seh, "handler returned {}", int(d));
    return d;
}

[[noreturn]] void raise_status(DWORD code, EXCEPTION_RECORD* inner, const CONTEXT& ctx) {
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = code;
    rec.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    rec.ExceptionRecord = inner;
    rec.ExceptionAddress = reinterpret_cast<void*>(ctx.Rip);
    CONTEXT c = ctx;
    dispatch_exception(rec, c);
}

// Execution continues at ctx: the vectored continue handlers first, as on Windows.
[[noreturn]] void continue_at(EXCEPTION_RECORD& rec, CONTEXT& ctx) {
    call_vectored(true, rec, ctx);
    winrun_RtlRestoreContext(&ctx, nullptr);
}

// The frame-based part of a dispatch. Returns when no frame handled the exception.
void dispatch_frames(EXCEPTION_RECORD& rec, CONTEXT& ctx) {
    Walk walk{false, &ctx};
    CONTEXT cur = ctx;
    DWORD64 nested_frame = 0;
    for (int n = 0; n < 100000; n++) {
        if (Walk* outer = wrapper_walk(cur)) {
            // Raised inside a handler of an outer walk: carry on with the frames that walk started from.
            walk.depth = std::max(walk.depth, outer->depth + 1);
            if (walk.depth > kMaxDepth) die_unhandled(rec, &ctx);
            if (!outer->unwinding && outer->disp) nested_frame = std::max(nested_frame, outer->disp->EstablisherFrame);
            cur = *outer->start;
            continue;
        }
        if (const CONTEXT* linked = frame_link(cur)) {
            cur = *linked;
            continue;
        }
        DWORD64 base = 0, pc = cur.Rip;
        RUNTIME_FUNCTION* fn = lookup_function_entry(pc, &base);
        if (!fn) {
            if (!pc_in_pe_image(pc) || !on_thread_stack(cur.Rsp)) return;
            cur.Rip = *reinterpret_cast<DWORD64*>(cur.Rsp);  // a leaf function
            cur.Rsp += 8;
            continue;
        }
        UnwindResult r = virtual_unwind(UNW_FLAG_EHANDLER, base, pc, fn, cur, nullptr);
        if (!r.ok || !on_thread_stack(r.establisher_frame)) {
            rec.ExceptionFlags |= EXCEPTION_STACK_INVALID;
            return;
        }
        if (r.handler) {
            DISPATCHER_CONTEXT disp{pc, base, fn, r.establisher_frame, 0, &cur, r.handler, r.handler_data, nullptr, 0, 0};
            if (nested_frame && r.establisher_frame <= nested_frame) rec.ExceptionFlags |= EXCEPTION_NESTED_CALL;
            EXCEPTION_DISPOSITION d = call_handler(&rec, r.establisher_frame, &ctx, &disp, r.handler, &walk);
            rec.ExceptionFlags &= ~EXCEPTION_NESTED_CALL;
            switch (d) {
            case ExceptionContinueExecution:
                if (rec.ExceptionFlags & EXCEPTION_NONCONTINUABLE) raise_status(STATUS_NONCONTINUABLE_EXCEPTION, &rec, ctx);
                continue_at(rec, ctx);
            case ExceptionContinueSearch:
            case ExceptionNestedException: break;
            default: raise_status(STATUS_INVALID_DISPOSITION, &rec, ctx);
            }
        }
        if (!on_thread_stack(cur.Rsp) || cur.Rip == 0) return;
    }
}

}  // namespace

void dispatch_exception(EXCEPTION_RECORD& rec, CONTEXT& ctx) {
    WR_TRACE(seh, "exception {:#010x} flags {:#x} at {}", rec.ExceptionCode, rec.ExceptionFlags,
             describe_address(rec.ExceptionAddress));
    if (call_vectored(false, rec, ctx) == EXCEPTION_CONTINUE_EXECUTION) continue_at(rec, ctx);
    dispatch_frames(rec, ctx);
    // Unhandled: what the __except of Windows' thread start does with UnhandledExceptionFilter.
    VectoredHandler filter;
    {
        std::lock_guard lock(g_vectored_mutex);
        filter = g_top_filter;
    }
    if (filter) {
        EXCEPTION_POINTERS ptrs{&rec, &ctx};
        LONG r = filter(&ptrs);
        if (r == EXCEPTION_CONTINUE_EXECUTION) continue_at(rec, ctx);
        if (r == EXCEPTION_EXECUTE_HANDLER) k32::exit_process(rec.ExceptionCode);  // silent, as on Windows
    }
    die_unhandled(rec, &ctx);
}

// RtlUnwindEx from `start` (the context of its caller, or for our own handler the exception's
// original context). Never returns: it ends by restoring the target frame's context.
[[noreturn]] void unwind_to(DWORD64 target_frame, DWORD64 target_ip, EXCEPTION_RECORD* rec, DWORD64 retval,
                            CONTEXT* out, UNWIND_HISTORY_TABLE* history, const CONTEXT& start) {
    EXCEPTION_RECORD local{};
    if (!rec) {
        local.ExceptionCode = STATUS_UNWIND;
        local.ExceptionAddress = reinterpret_cast<void*>(start.Rip);
        rec = &local;
    }
    rec->ExceptionFlags |= EXCEPTION_UNWINDING | (target_frame ? 0 : EXCEPTION_EXIT_UNWIND);
    WR_TRACE(seh, "unwind to frame {:#x} ip {} (code {:#x})", target_frame,
             describe_address(reinterpret_cast<void*>(target_ip)), rec->ExceptionCode);
    Walk walk{true, &start};
    CONTEXT cur = start, next;
    for (int n = 0; n < 100000; n++) {
        DWORD64 base = 0, pc, establisher;
        RUNTIME_FUNCTION* fn;
        EXCEPTION_ROUTINE handler;
        void* data;
        DWORD scope = 0;
        if (Walk* outer = wrapper_walk(cur)) {
            walk.depth = std::max(walk.depth, outer->depth + 1);
            if (walk.depth > kMaxDepth) raise_status(STATUS_BAD_STACK, rec, start);
            if (!outer->unwinding || !outer->disp) {
                cur = *outer->start;
                continue;
            }
            // Collided unwind: this unwind started inside a handler that an outer unwind was running.
            // Take over the outer's frame; its handler runs again and resumes after its ScopeIndex.
            DISPATCHER_CONTEXT* od = outer->disp;
            cur = *od->ContextRecord;
            pc = od->ControlPc;
            base = od->ImageBase;
            fn = od->FunctionEntry;
            handler = od->LanguageHandler;
            data = od->HandlerData;
            scope = od->ScopeIndex;
            next = cur;
            establisher = virtual_unwind(UNW_FLAG_NHANDLER, base, pc, fn, next, nullptr).establisher_frame;
            rec->ExceptionFlags |= EXCEPTION_COLLIDED_UNWIND;
        } else if (const CONTEXT* linked = frame_link(cur)) {
            cur = *linked;
            continue;
        } else {
            pc = cur.Rip;
            fn = lookup_function_entry(pc, &base);
            if (!fn) {
                if (!pc_in_pe_image(pc) || !on_thread_stack(cur.Rsp)) break;
                cur.Rip = *reinterpret_cast<DWORD64*>(cur.Rsp);
                cur.Rsp += 8;
                continue;
            }
            next = cur;
            UnwindResult r = virtual_unwind(UNW_FLAG_UHANDLER, base, pc, fn, next, nullptr);
            if (!r.ok) break;
            establisher = r.establisher_frame;
            handler = r.handler;
            data = r.handler_data;
        }
        if (target_frame && establisher > target_frame) break;  // went past the target
        if (handler) {
            if (establisher == target_frame) rec->ExceptionFlags |= EXCEPTION_TARGET_UNWIND;
            DISPATCHER_CONTEXT disp{pc, base, fn, establisher, target_ip, &cur, handler, data, history, scope, 0};
            EXCEPTION_DISPOSITION d = call_handler(rec, establisher, &cur, &disp, handler, &walk);
            rec->ExceptionFlags &= ~(EXCEPTION_TARGET_UNWIND | EXCEPTION_COLLIDED_UNWIND);
            if (d != ExceptionContinueSearch) raise_status(STATUS_INVALID_DISPOSITION, rec, start);
        }
        rec->ExceptionFlags &= ~EXCEPTION_COLLIDED_UNWIND;
        if (establisher == target_frame) {
            // cur is the target frame's own context: resume it at the target ip.
            cur.Rax = retval;
            cur.Rip = target_ip;
            if (rec->ExceptionCode == STATUS_UNWIND_CONSOLIDATE && rec->NumberParameters >= 1 &&
                rec->ExceptionInformation[0]) {
                // A consolidation (MSVC's catch blocks): the callback runs here, below the frames just
                // unwound (their memory, e.g. the thrown object, is still intact), as if called from
                // the target frame; it returns where the target frame continues.
                if (out) *out = cur;
                cur.Rip = winrun_seh_call_in_frame(rec, nullptr, nullptr,
                                                   reinterpret_cast<void*>(rec->ExceptionInformation[0]), &cur);
            }
            if (out) *out = cur;
            winrun_RtlRestoreContext(&cur, rec);
        }
        cur = next;
        if (!on_thread_stack(cur.Rsp)) break;
    }
    WR_WARN(seh, "RtlUnwindEx: target frame {:#x} not found on the stack", target_frame);
    raise_status(target_frame ? STATUS_INVALID_UNWIND_TARGET : STATUS_BAD_STACK, rec, start);
}

// For our own language handler: unwinds from the exception's original context (its ContextRecord
// argument), which is where Windows' walk from inside the handler would arrive.
[[noreturn]] void unwind_from_handler(DWORD64 target_frame, DWORD64 target_ip, EXCEPTION_RECORD* rec,
                                      DWORD64 retval, CONTEXT* original, UNWIND_HISTORY_TABLE* history) {
    CONTEXT start = *original;
    unwind_to(target_frame, target_ip, rec, retval, original, history, start);
}

DWORD64 call_in_frame(void* fn, void* a1, void* a2, void* a3, const CONTEXT* frame_ctx) {
    return winrun_seh_call_in_frame(a1, a2, a3, fn, frame_ctx);
}

// Calls a filter or termination handler of our own language handler, so that a walk from inside
// it finds the walk that our handler belongs to.
LONG call_scope_handler(void* fn, void* a1, void* a2) {
    Walk* walk = t_current_walk;
    if (!walk) return reinterpret_cast<LONG(WINAPI*)(void*, void*)>(fn)(a1, a2);
    Walk* saved = t_current_walk;
    LONG r = LONG(winrun_seh_call_handler(a1, a2, nullptr, nullptr, fn, walk));
    t_current_walk = saved;
    return r;
}

// ---- hardware faults ---------------------------------------------------------------------------
namespace {

constexpr size_t kSoftGuard = 64 * 1024;
struct StackGuard {
    uint8_t* soft_lo = nullptr;  // [soft_lo, soft_lo + kSoftGuard): PROT_NONE while armed
    bool armed = false;
};
thread_local StackGuard t_guard;

struct alignas(16) FaultFrame {
    CONTEXT ctx;
    EXCEPTION_RECORD rec;
};

// Entered on the thread's own stack when the signal handler returns (see redirect_to_dispatcher).
[[noreturn]] void fault_entry(FaultFrame* f) { dispatch_exception(f->rec, f->ctx); }

void fill_context_from_signal(CONTEXT& c, const ucontext_t* uc) {
    std::memset(&c, 0, sizeof c);
    const greg_t* g = uc->uc_mcontext.gregs;
    c.ContextFlags = CONTEXT_FULL | CONTEXT_SEGMENTS;
    c.Rax = g[REG_RAX]; c.Rcx = g[REG_RCX]; c.Rdx = g[REG_RDX]; c.Rbx = g[REG_RBX];
    c.Rsp = g[REG_RSP]; c.Rbp = g[REG_RBP]; c.Rsi = g[REG_RSI]; c.Rdi = g[REG_RDI];
    c.R8 = g[REG_R8]; c.R9 = g[REG_R9]; c.R10 = g[REG_R10]; c.R11 = g[REG_R11];
    c.R12 = g[REG_R12]; c.R13 = g[REG_R13]; c.R14 = g[REG_R14]; c.R15 = g[REG_R15];
    c.Rip = g[REG_RIP];
    c.EFlags = DWORD(g[REG_EFL]);
    // The selectors Windows x64 user mode shows.
    c.SegCs = 0x33;
    c.SegSs = c.SegDs = c.SegEs = c.SegGs = 0x2B;
    c.SegFs = 0x53;
    if (uc->uc_mcontext.fpregs) {
        std::memcpy(c.FltSave, uc->uc_mcontext.fpregs, 512);
        c.MxCsr = uc->uc_mcontext.fpregs->mxcsr;
    }
}

[[noreturn]] void die_in_signal(EXCEPTION_RECORD& rec) { die_unhandled(rec, nullptr); }

void signal_handler(int sig, siginfo_t* si, void* ucv) {
    auto* uc = static_cast<ucontext_t*>(ucv);
    greg_t* g = uc->uc_mcontext.gregs;
    EXCEPTION_RECORD rec{};
    rec.ExceptionAddress = reinterpret_cast<void*>(g[REG_RIP]);
    switch (sig) {
    case SIGSEGV:
    case SIGBUS: {
        rec.ExceptionCode = sig == SIGBUS ? 0xC0000006 : STATUS_ACCESS_VIOLATION;
        greg_t err = g[REG_ERR];
        rec.NumberParameters = 2;
        rec.ExceptionInformation[0] = (err & 16) ? 8 : (err & 2) ? 1 : 0;  // execute / write / read
        rec.ExceptionInformation[1] = reinterpret_cast<ULONG_PTR>(si->si_addr);
        break;
    }
    case SIGILL: rec.ExceptionCode = STATUS_ILLEGAL_INSTRUCTION; break;
    case SIGFPE:
        rec.ExceptionCode = si->si_code == FPE_INTDIV ? STATUS_INTEGER_DIVIDE_BY_ZERO
                          : si->si_code == FPE_INTOVF ? 0xC0000095 : 0xC0000090 /* FLT_INVALID_OPERATION */;
        break;
    case SIGTRAP:
        // int3 has already advanced rip; Windows reports (and resumes at) the int3 itself.
        rec.ExceptionCode = STATUS_BREAKPOINT;
        rec.ExceptionAddress = static_cast<uint8_t*>(rec.ExceptionAddress) - 1;
        g[REG_RIP]--;
        break;
    default: rec.ExceptionCode = 0xC0000001; break;
    }

    // A thread without a TEB (none of ours runs Windows code) cannot dispatch.
    unsigned long gs = 0;
    syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
    if (!gs) die_in_signal(rec);

    if (sig == SIGSEGV) {
        auto* addr = static_cast<uint8_t*>(si->si_addr);
        StackGuard& guard = t_guard;
        if (guard.soft_lo && addr >= guard.soft_lo - kSoftGuard && addr < guard.soft_lo + kSoftGuard) {
            rec.ExceptionCode = STATUS_STACK_OVERFLOW;
            if (!guard.armed || addr < guard.soft_lo) die_in_signal(rec);  // past the last guard: fatal
            // Like Windows' guard page: the guard is used up, the stack may now grow into it.
            mprotect(guard.soft_lo, kSoftGuard, PROT_READ | PROT_WRITE);
            vm::note_protection(guard.soft_lo, kSoftGuard, vm::PAGE_READWRITE);
            guard.armed = false;
            current_teb()->StackLimit = guard.soft_lo;
        }
    }

    // Leave room under the faulting rsp (a SysV red zone, should the fault be in our own code), put
    // the record and context there, and return from the signal into fault_entry on that stack.
    DWORD64 rsp = g[REG_RSP];
    DWORD64 sp = (rsp - 4096 - sizeof(FaultFrame)) & ~DWORD64(15);
    if (!on_thread_stack(rsp) || !on_thread_stack(sp - 64)) die_in_signal(rec);
    auto* f = reinterpret_cast<FaultFrame*>(sp);
    fill_context_from_signal(f->ctx, uc);
    f->rec = rec;
    *reinterpret_cast<DWORD64*>(sp - 8) = 0;  // the "return address" of fault_entry's frame
    g[REG_RSP] = sp - 8;
    g[REG_RIP] = reinterpret_cast<greg_t>(&fault_entry);
    g[REG_RDI] = static_cast<greg_t>(sp);
    g[REG_EFL] &= ~greg_t(0x400);  // DF clear, as the SysV ABI wants at a call
}

}  // namespace

void arm_stack_guard(TEB* teb, void* usable_low) {
    auto* lo = static_cast<uint8_t*>(usable_low);
    if (mprotect(lo, kSoftGuard, PROT_NONE) != 0) return;
    vm::note_protection(lo, kSoftGuard, vm::PAGE_NOACCESS);
    t_guard.soft_lo = lo;
    t_guard.armed = true;
    teb->StackLimit = lo + kSoftGuard;
}

bool reset_stack_guard() {
    StackGuard& guard = t_guard;
    if (!guard.soft_lo) return false;
    if (guard.armed) return true;
    uint8_t here;
    // The guard cannot come back while the stack is still inside it (or one page above).
    if (&here < guard.soft_lo + kSoftGuard + vm::PAGE_SIZE) return false;
    if (mprotect(guard.soft_lo, kSoftGuard, PROT_NONE) != 0) return false;
    vm::note_protection(guard.soft_lo, kSoftGuard, vm::PAGE_NOACCESS);
    guard.armed = true;
    current_teb()->StackLimit = guard.soft_lo + kSoftGuard;
    return true;
}

void install_signal_handlers() {
    static char altstack[256 * 1024];
    stack_t ss{};
    ss.ss_sp = altstack;
    ss.ss_size = sizeof altstack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP}) sigaction(s, &sa, nullptr);
}

// ---- the vectored lists and the top-level filter, for kernel32 ----------------------------------
void* add_vectored(ULONG first, VectoredHandler fn, bool continue_list) {
    auto* e = new VectoredEntry{fn, continue_list};
    std::lock_guard lock(g_vectored_mutex);
    if (first) g_vectored.insert(g_vectored.begin(), e);
    else g_vectored.push_back(e);
    return e;
}

ULONG remove_vectored(void* handle, bool continue_list) {
    std::lock_guard lock(g_vectored_mutex);
    auto it = std::find(g_vectored.begin(), g_vectored.end(), static_cast<VectoredEntry*>(handle));
    if (it == g_vectored.end() || (*it)->continue_list != continue_list) return 0;
    g_vectored.erase(it);  // the entry itself stays allocated: a dispatch may be calling it
    return 1;
}

VectoredHandler set_top_level_filter(VectoredHandler f) {
    std::lock_guard lock(g_vectored_mutex);
    return std::exchange(g_top_filter, f);
}

}  // namespace winrun::seh

// ---- the exports -------------------------------------------------------------------------------
namespace winrun::k32 {

using namespace winrun::win;

extern "C" [[noreturn]] void winrun_raise_exception(DWORD code, DWORD flags, DWORD nargs, const ULONG_PTR* args,
                                                    CONTEXT* ctx, const DWORD64*) {
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = code;
    rec.ExceptionFlags = flags & EXCEPTION_NONCONTINUABLE;
    rec.ExceptionAddress = reinterpret_cast<void*>(ctx->Rip);
    rec.NumberParameters = nargs > EXCEPTION_MAXIMUM_PARAMETERS ? EXCEPTION_MAXIMUM_PARAMETERS : nargs;
    for (DWORD i = 0; i < rec.NumberParameters && args; i++) rec.ExceptionInformation[i] = args[i];
    seh::dispatch_exception(rec, *ctx);
}

// RtlRaiseException(rec): the record is dispatched in place; its address becomes the caller's pc.
extern "C" [[noreturn]] void winrun_rtl_raise_exception(EXCEPTION_RECORD* rec, void*, void*, void*, CONTEXT* ctx,
                                                        const DWORD64*) {
    rec->ExceptionAddress = reinterpret_cast<void*>(ctx->Rip);
    seh::dispatch_exception(*rec, *ctx);
}

extern "C" [[noreturn]] void winrun_rtl_unwind_ex(void* frame, void* ip, EXCEPTION_RECORD* rec, void* retval,
                                                  CONTEXT* ctx, const DWORD64* stack_args) {
    auto* out = reinterpret_cast<CONTEXT*>(stack_args[0]);
    auto* history = reinterpret_cast<UNWIND_HISTORY_TABLE*>(stack_args[1]);
    seh::unwind_to(reinterpret_cast<DWORD64>(frame), reinterpret_cast<DWORD64>(ip), rec,
                   reinterpret_cast<DWORD64>(retval), out, history, *ctx);
}

extern "C" [[noreturn]] void winrun_rtl_unwind(void* frame, void* ip, EXCEPTION_RECORD* rec, void* retval,
                                               CONTEXT* ctx, const DWORD64*) {
    seh::unwind_to(reinterpret_cast<DWORD64>(frame), reinterpret_cast<DWORD64>(ip), rec,
                   reinterpret_cast<DWORD64>(retval), nullptr, nullptr, *ctx);
}

WR_SEH_CAPTURING_ENTRY(winrun_RaiseException, winrun_raise_exception);
WR_SEH_CAPTURING_ENTRY(winrun_RtlRaiseException, winrun_rtl_raise_exception);
WR_SEH_CAPTURING_ENTRY(winrun_RtlUnwindEx, winrun_rtl_unwind_ex);
WR_SEH_CAPTURING_ENTRY(winrun_RtlUnwind, winrun_rtl_unwind);

}  // namespace winrun::k32
