// kernel32's side of exceptions: RaiseException and the Rtl* unwinding functions that kernel32
// exports too (the machinery is ntdll's: ntdll/seh_dispatch.cpp, ntdll/unwind.cpp), the vectored
// handler and top-level filter registration, and the one-screen report of an unhandled exception.
#include "exception.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "module.h"
#include "ntdll/seh.h"

extern "C" void WINAPI winrun_seh_raise(winrun::win::DWORD code, winrun::win::DWORD flags, winrun::win::DWORD nparams,
                                        const winrun::win::ULONG_PTR* params, void* address);

namespace winrun::seh {

using namespace winrun::win;
using k32::exit_process;

namespace {

const char* code_name(DWORD code) {
    switch (code) {
    case 0xC0000005: return "EXCEPTION_ACCESS_VIOLATION";
    case 0xC0000006: return "EXCEPTION_IN_PAGE_ERROR";
    case 0xC000001D: return "EXCEPTION_ILLEGAL_INSTRUCTION";
    case 0xC0000094: return "EXCEPTION_INT_DIVIDE_BY_ZERO";
    case 0xC0000095: return "EXCEPTION_INT_OVERFLOW";
    case 0xC0000090: return "EXCEPTION_FLT_INVALID_OPERATION";
    case 0xC00000FD: return "EXCEPTION_STACK_OVERFLOW";
    case 0xC0000096: return "EXCEPTION_PRIV_INSTRUCTION";
    case 0x80000003: return "EXCEPTION_BREAKPOINT";
    case 0x80000004: return "EXCEPTION_SINGLE_STEP";
    case 0xC0000002: return "STATUS_NOT_IMPLEMENTED";
    case 0xC0000409: return "STATUS_STACK_BUFFER_OVERRUN";
    case 0xC0000025: return "EXCEPTION_NONCONTINUABLE_EXCEPTION";
    case 0xC0000026: return "EXCEPTION_INVALID_DISPOSITION";
    case 0xC0000028: return "STATUS_BAD_STACK";
    case 0xC0000029: return "STATUS_INVALID_UNWIND_TARGET";
    case 0xC0000017: return "STATUS_NO_MEMORY";
    case 0xE06D7363: return "C++ exception (MSVC)";
    case 0x20474343: return "C++ exception (GCC)";
    default: return "exception";
    }
}

// "prog.exe+0x1234 (ExportedName+0x12)": the export part when an export starts the function that
// contains the address (by the module's unwind table).
std::string describe_frame(DWORD64 pc) {
    std::string s = describe_address(reinterpret_cast<void*>(pc));
    std::lock_guard lock(loader::loader_lock());
    const loader::Module* m = loader::find_module_by_address(reinterpret_cast<void*>(pc));
    if (!m || m->builtin) return s;
    DWORD64 base = 0;
    const RUNTIME_FUNCTION* fn = lookup_function_entry(pc, &base);
    if (!fn) return s;
    for (const auto& [name, index] : m->export_names)
        if (index < m->export_rvas.size() && m->export_rvas[index] == fn->BeginAddress && m->forwarders[index].empty())
            return s + fmt::format(" ({}+{:#x})", name, pc - base - fn->BeginAddress);
    return s;
}

void print_registers(const CONTEXT& c) {
    std::string r = fmt::format(
        "  rax={:016x} rbx={:016x} rcx={:016x} rdx={:016x}\n"
        "  rsi={:016x} rdi={:016x} rbp={:016x} rsp={:016x}\n"
        "  r8 ={:016x} r9 ={:016x} r10={:016x} r11={:016x}\n"
        "  r12={:016x} r13={:016x} r14={:016x} r15={:016x}\n"
        "  rip={:016x} eflags={:08x}\n",
        c.Rax, c.Rbx, c.Rcx, c.Rdx, c.Rsi, c.Rdi, c.Rbp, c.Rsp, c.R8, c.R9, c.R10, c.R11, c.R12, c.R13, c.R14, c.R15,
        c.Rip, c.EFlags);
    (void)!write(2, r.data(), r.size());
}

}  // namespace

std::string describe_address(const void* addr) {
    if (loader::Module* m = loader::find_module_by_address(addr))
        return fmt::format("{}+{:#x}", m->name, static_cast<const uint8_t*>(addr) - m->base);
    return fmt::format("{}", addr);
}

void die_unhandled(const EXCEPTION_RECORD& rec, const CONTEXT* ctx) {
    std::string msg = fmt::format("winrun: unhandled exception {:#010x} ({}) at {}", rec.ExceptionCode,
                                  code_name(rec.ExceptionCode), describe_address(rec.ExceptionAddress));
    if (rec.ExceptionCode == STATUS_ACCESS_VIOLATION && rec.NumberParameters >= 2)
        msg += fmt::format(", {} address {:#x}",
                           rec.ExceptionInformation[0] == 1 ? "writing" : rec.ExceptionInformation[0] == 8 ? "executing" : "reading",
                           rec.ExceptionInformation[1]);
    msg += "\n";
    (void)!write(2, msg.data(), msg.size());
    if (ctx) {
        // The backtrace from the unwind tables: one line per Windows frame.
        CONTEXT c = *ctx;
        for (int i = 0; i < 32; i++) {
            std::string line = fmt::format("  #{} {}\n", i, describe_frame(c.Rip));
            (void)!write(2, line.data(), line.size());
            if (!unwind_one_frame(c) || !pc_in_pe_image(c.Rip)) break;  // winrun's own frames end it
        }
        if (log::enabled(log::Channel::seh, log::Level::trace)) print_registers(*ctx);
    }
    exit_process(rec.ExceptionCode);
}

void raise(DWORD code, DWORD flags, DWORD nparams, const ULONG_PTR* params, void* address) {
    winrun_seh_raise(code, flags, nparams, params, address);
}

}  // namespace winrun::seh

// seh::raise: the context captured is winrun's own (its caller's), so continuing returns from raise().
extern "C" [[noreturn]] void winrun_seh_raise_impl(winrun::win::DWORD code, winrun::win::DWORD flags,
                                                   winrun::win::DWORD nparams, const winrun::win::ULONG_PTR* params,
                                                   winrun::win::CONTEXT* ctx, const winrun::win::DWORD64* stack_args) {
    using namespace winrun::win;
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = code;
    rec.ExceptionFlags = flags & EXCEPTION_NONCONTINUABLE;
    rec.ExceptionAddress = reinterpret_cast<void*>(stack_args[0]);
    rec.NumberParameters = nparams > EXCEPTION_MAXIMUM_PARAMETERS ? EXCEPTION_MAXIMUM_PARAMETERS : nparams;
    for (DWORD i = 0; i < rec.NumberParameters && params; i++) rec.ExceptionInformation[i] = params[i];
    winrun::seh::dispatch_exception(rec, *ctx);
}
WR_SEH_CAPTURING_ENTRY(winrun_seh_raise, winrun_seh_raise_impl);

extern "C" [[noreturn]] void winrun_unimplemented_impl(const char* name, void*, void*, void*, winrun::win::CONTEXT* ctx,
                                                       const winrun::win::DWORD64*) {
    using namespace winrun::win;
    std::string msg = fmt::format("winrun: unimplemented function {} called\n", name);
    (void)!write(2, msg.data(), msg.size());
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = STATUS_NOT_IMPLEMENTED;
    rec.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    rec.ExceptionAddress = reinterpret_cast<void*>(ctx->Rip);
    rec.NumberParameters = 1;
    rec.ExceptionInformation[0] = reinterpret_cast<ULONG_PTR>(name);
    winrun::seh::dispatch_exception(rec, *ctx);
}
WR_SEH_CAPTURING_ENTRY(winrun_unimplemented_function_called, winrun_unimplemented_impl);

namespace winrun::k32 {

using TopLevelFilter = LONG(WINAPI*)(EXCEPTION_POINTERS*);
TopLevelFilter WINAPI SetUnhandledExceptionFilter(TopLevelFilter f) { return seh::set_top_level_filter(f); }

LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS* p) { seh::die_unhandled(*p->ExceptionRecord, p->ContextRecord); }

void* WINAPI AddVectoredExceptionHandler(ULONG first, seh::VectoredHandler h) { return seh::add_vectored(first, h, false); }
ULONG WINAPI RemoveVectoredExceptionHandler(void* h) { return seh::remove_vectored(h, false); }
void* WINAPI AddVectoredContinueHandler(ULONG first, seh::VectoredHandler h) { return seh::add_vectored(first, h, true); }
ULONG WINAPI RemoveVectoredContinueHandler(void* h) { return seh::remove_vectored(h, true); }

WR_EXPORT_PART(kernel32_exception,
    WR_EXPORT_NORELAY("RaiseException", winrun_RaiseException),
    WR_EXPORT(SetUnhandledExceptionFilter),
    WR_EXPORT(UnhandledExceptionFilter),
    WR_EXPORT(AddVectoredExceptionHandler),
    WR_EXPORT(RemoveVectoredExceptionHandler),
    WR_EXPORT(AddVectoredContinueHandler),
    WR_EXPORT(RemoveVectoredContinueHandler),
    WR_SEH_SHARED_EXPORTS);

// ntdll's names for the vectored lists.
WR_EXPORT_PART(ntdll_exception,
    WR_EXPORT_AS("RtlAddVectoredExceptionHandler", AddVectoredExceptionHandler),
    WR_EXPORT_AS("RtlRemoveVectoredExceptionHandler", RemoveVectoredExceptionHandler),
    WR_EXPORT_AS("RtlAddVectoredContinueHandler", AddVectoredContinueHandler),
    WR_EXPORT_AS("RtlRemoveVectoredContinueHandler", RemoveVectoredContinueHandler),
    WR_SEH_SHARED_EXPORTS);

}  // namespace winrun::k32
