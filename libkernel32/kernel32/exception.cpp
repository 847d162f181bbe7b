// Exceptions until issue 7 brings frame-based SEH: hardware faults (signals) and RaiseException go
// to the vectored handlers, then to the top-level filter set with SetUnhandledExceptionFilter; when
// nobody handles them the process ends with the exception code and a one-screen report.
#include "exception.h"

#include <signal.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "module.h"

namespace winrun::seh {

using namespace winrun::win;
using k32::exit_process;

namespace {
using VectoredHandler = LONG(WINAPI*)(EXCEPTION_POINTERS*);
using TopLevelFilter = LONG(WINAPI*)(EXCEPTION_POINTERS*);
constexpr LONG EXCEPTION_CONTINUE_EXECUTION = -1, EXCEPTION_CONTINUE_SEARCH = 0, EXCEPTION_EXECUTE_HANDLER = 1;

std::mutex g_mutex;
std::vector<VectoredHandler> g_vectored;  // front = called first
TopLevelFilter g_top_filter = nullptr;

const char* code_name(DWORD code) {
    switch (code) {
    case 0xC0000005: return "EXCEPTION_ACCESS_VIOLATION";
    case 0xC0000006: return "EXCEPTION_IN_PAGE_ERROR";
    case 0xC000001D: return "EXCEPTION_ILLEGAL_INSTRUCTION";
    case 0xC0000094: return "EXCEPTION_INT_DIVIDE_BY_ZERO";
    case 0xC0000095: return "EXCEPTION_INT_OVERFLOW";
    case 0xC00000FD: return "EXCEPTION_STACK_OVERFLOW";
    case 0xC0000096: return "EXCEPTION_PRIV_INSTRUCTION";
    case 0x80000003: return "EXCEPTION_BREAKPOINT";
    case 0x80000004: return "EXCEPTION_SINGLE_STEP";
    case 0xC0000002: return "STATUS_NOT_IMPLEMENTED";
    case 0xC0000409: return "STATUS_STACK_BUFFER_OVERRUN";
    case 0xC0000025: return "EXCEPTION_NONCONTINUABLE_EXCEPTION";
    case 0xE06D7363: return "C++ exception (MSVC)";
    case 0x20474343: return "C++ exception (GCC)";
    default: return "exception";
    }
}

// Vectored handlers, then the top-level filter. Returns true when execution should continue with
// the (possibly changed) context.
bool dispatch(EXCEPTION_RECORD& rec, CONTEXT& ctx) {
    EXCEPTION_POINTERS ptrs{&rec, &ctx};
    std::vector<VectoredHandler> handlers;
    TopLevelFilter filter;
    {
        std::lock_guard lock(g_mutex);
        handlers = g_vectored;
        filter = g_top_filter;
    }
    for (auto h : handlers)
        if (h(&ptrs) == EXCEPTION_CONTINUE_EXECUTION) return true;
    if (filter) {
        LONG r = filter(&ptrs);
        if (r == EXCEPTION_CONTINUE_EXECUTION) return true;
        if (r == EXCEPTION_EXECUTE_HANDLER) exit_process(rec.ExceptionCode);  // silent, as on Windows
    }
    return false;
}

void fill_context_from_signal(CONTEXT& c, const ucontext_t* uc) {
    std::memset(&c, 0, sizeof c);
    const greg_t* g = uc->uc_mcontext.gregs;
    c.ContextFlags = 0x10000B;  // CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT
    c.Rax = g[REG_RAX]; c.Rcx = g[REG_RCX]; c.Rdx = g[REG_RDX]; c.Rbx = g[REG_RBX];
    c.Rsp = g[REG_RSP]; c.Rbp = g[REG_RBP]; c.Rsi = g[REG_RSI]; c.Rdi = g[REG_RDI];
    c.R8 = g[REG_R8]; c.R9 = g[REG_R9]; c.R10 = g[REG_R10]; c.R11 = g[REG_R11];
    c.R12 = g[REG_R12]; c.R13 = g[REG_R13]; c.R14 = g[REG_R14]; c.R15 = g[REG_R15];
    c.Rip = g[REG_RIP];
    c.EFlags = DWORD(g[REG_EFL]);
    c.SegCs = 0x33;
    c.SegSs = c.SegDs = c.SegEs = 0x2B;
    c.SegGs = 0x2B;
    c.SegFs = 0x53;
    if (uc->uc_mcontext.fpregs) {
        std::memcpy(c.FltSave, uc->uc_mcontext.fpregs, 512);
        c.MxCsr = uc->uc_mcontext.fpregs->mxcsr;
    }
}

void apply_context_to_signal(const CONTEXT& c, ucontext_t* uc) {
    greg_t* g = uc->uc_mcontext.gregs;
    g[REG_RAX] = c.Rax; g[REG_RCX] = c.Rcx; g[REG_RDX] = c.Rdx; g[REG_RBX] = c.Rbx;
    g[REG_RSP] = c.Rsp; g[REG_RBP] = c.Rbp; g[REG_RSI] = c.Rsi; g[REG_RDI] = c.Rdi;
    g[REG_R8] = c.R8; g[REG_R9] = c.R9; g[REG_R10] = c.R10; g[REG_R11] = c.R11;
    g[REG_R12] = c.R12; g[REG_R13] = c.R13; g[REG_R14] = c.R14; g[REG_R15] = c.R15;
    g[REG_RIP] = c.Rip;
    g[REG_EFL] = c.EFlags;
    if (uc->uc_mcontext.fpregs) std::memcpy(uc->uc_mcontext.fpregs, c.FltSave, 512);
}

void signal_handler(int sig, siginfo_t* si, void* ucv) {
    auto* uc = static_cast<ucontext_t*>(ucv);
    // A fault inside winrun's own code (not Windows code) is a winrun bug: say so and stop.
    EXCEPTION_RECORD rec{};
    rec.ExceptionAddress = reinterpret_cast<void*>(uc->uc_mcontext.gregs[REG_RIP]);
    switch (sig) {
    case SIGSEGV:
    case SIGBUS: {
        rec.ExceptionCode = sig == SIGBUS ? 0xC0000006 : STATUS_ACCESS_VIOLATION;
        greg_t err = uc->uc_mcontext.gregs[REG_ERR];
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
        rec.ExceptionCode = STATUS_BREAKPOINT;
        // int3 has already advanced rip; Windows reports the address of the int3 itself.
        rec.ExceptionAddress = static_cast<uint8_t*>(rec.ExceptionAddress) - 1;
        break;
    default: rec.ExceptionCode = 0xC0000001; break;
    }
    CONTEXT ctx;
    fill_context_from_signal(ctx, uc);
    if (sig == SIGTRAP) ctx.Rip--;
    if (dispatch(rec, ctx)) {
        apply_context_to_signal(ctx, uc);
        return;
    }
    die_unhandled(rec);
}
}  // namespace

std::string describe_address(const void* addr) {
    if (loader::Module* m = loader::find_module_by_address(addr))
        return fmt::format("{}+{:#x}", m->name, static_cast<const uint8_t*>(addr) - m->base);
    return fmt::format("{}", addr);
}

void die_unhandled(const EXCEPTION_RECORD& rec) {
    std::string msg = fmt::format("winrun: unhandled exception {:#010x} ({}) at {}", rec.ExceptionCode,
                                  code_name(rec.ExceptionCode), describe_address(rec.ExceptionAddress));
    if (rec.ExceptionCode == STATUS_ACCESS_VIOLATION && rec.NumberParameters >= 2)
        msg += fmt::format(", {} address {:#x}",
                           rec.ExceptionInformation[0] == 1 ? "writing" : rec.ExceptionInformation[0] == 8 ? "executing" : "reading",
                           rec.ExceptionInformation[1]);
    msg += "\n";
    (void)!write(2, msg.data(), msg.size());
    exit_process(rec.ExceptionCode);
}

void raise(DWORD code, DWORD flags, DWORD nparams, const ULONG_PTR* params, void* address) {
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = code;
    rec.ExceptionFlags = flags & EXCEPTION_NONCONTINUABLE;
    rec.ExceptionAddress = address;
    rec.NumberParameters = nparams > EXCEPTION_MAXIMUM_PARAMETERS ? EXCEPTION_MAXIMUM_PARAMETERS : nparams;
    for (DWORD i = 0; i < rec.NumberParameters && params; i++) rec.ExceptionInformation[i] = params[i];
    CONTEXT ctx{};
    ctx.ContextFlags = 0x100003;
    ctx.Rip = reinterpret_cast<DWORD64>(address);
    if (dispatch(rec, ctx)) {
        if (rec.ExceptionFlags & EXCEPTION_NONCONTINUABLE) {
            EXCEPTION_RECORD nc{};
            nc.ExceptionCode = STATUS_NONCONTINUABLE_EXCEPTION;
            nc.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
            nc.ExceptionAddress = address;
            die_unhandled(nc);
        }
        return;
    }
    die_unhandled(rec);
}

void WINAPI unimplemented_function_called(const char* name) {
    std::string msg = fmt::format("winrun: unimplemented function {} called\n", name);
    (void)!write(2, msg.data(), msg.size());
    ULONG_PTR p = reinterpret_cast<ULONG_PTR>(name);
    raise(STATUS_NOT_IMPLEMENTED, EXCEPTION_NONCONTINUABLE, 1, &p, __builtin_return_address(0));
    exit_process(STATUS_NOT_IMPLEMENTED);
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

}  // namespace winrun::seh

namespace winrun::k32 {

void WINAPI RaiseException(DWORD code, DWORD flags, DWORD nargs, const ULONG_PTR* args) {
    seh::raise(code, flags, nargs, args, __builtin_return_address(0));
}

using TopLevelFilter = LONG(WINAPI*)(EXCEPTION_POINTERS*);
TopLevelFilter WINAPI SetUnhandledExceptionFilter(TopLevelFilter f) {
    std::lock_guard lock(seh::g_mutex);
    TopLevelFilter old = seh::g_top_filter;
    seh::g_top_filter = f;
    return old;
}

LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS* p) {
    seh::die_unhandled(*p->ExceptionRecord);
}

void* WINAPI AddVectoredExceptionHandler(ULONG first, seh::VectoredHandler h) {
    std::lock_guard lock(seh::g_mutex);
    if (first) seh::g_vectored.insert(seh::g_vectored.begin(), h);
    else seh::g_vectored.push_back(h);
    return reinterpret_cast<void*>(h);
}

ULONG WINAPI RemoveVectoredExceptionHandler(void* h) {
    std::lock_guard lock(seh::g_mutex);
    for (auto it = seh::g_vectored.begin(); it != seh::g_vectored.end(); ++it)
        if (reinterpret_cast<void*>(*it) == h) {
            seh::g_vectored.erase(it);
            return 1;
        }
    return 0;
}

WR_EXPORT_PART(kernel32_exception,
    WR_EXPORT(RaiseException),
    WR_EXPORT(SetUnhandledExceptionFilter),
    WR_EXPORT(UnhandledExceptionFilter),
    WR_EXPORT(AddVectoredExceptionHandler),
    WR_EXPORT(RemoveVectoredExceptionHandler));

}  // namespace winrun::k32
