// ntdll's exception machinery shared by its area files (unwind.cpp, seh_dispatch.cpp,
// c_specific_handler.cpp) and kernel32's exception.cpp.
#pragma once
#include "wintypes.h"

namespace winrun::seh {

// ---- unwind.cpp --------------------------------------------------------------------------------
// The RUNTIME_FUNCTION covering pc (a loaded PE image's .pdata, then RtlAddFunctionTable tables).
win::RUNTIME_FUNCTION* lookup_function_entry(win::DWORD64 pc, win::DWORD64* base);
// True when pc is inside a PE image (EXE or PE DLL), where code without .pdata is a leaf function.
// Walks stop at any other address: winrun's own code and the builtin DLLs have no unwind tables.
bool pc_in_pe_image(win::DWORD64 pc);
// True when rsp lies inside the current thread's stack (TEB bounds).
bool on_thread_stack(win::DWORD64 rsp);

// One step of a stack walk that is not looking for handlers: ctx becomes its caller's context.
// False at the end of the walk (the pc is not in a PE image, or the stack left its bounds).
bool unwind_one_frame(win::CONTEXT& ctx);

// ---- seh_dispatch.cpp --------------------------------------------------------------------------
// Dispatches an exception from `ctx` (vectored handlers, frame handlers, vectored continue handlers,
// top-level filter). Never returns: execution continues at a (possibly changed) context, or the
// process ends with the report.
[[noreturn]] void dispatch_exception(win::EXCEPTION_RECORD& rec, win::CONTEXT& ctx);

// Stack-overflow guard of the current thread: `usable_low` is the lowest usable byte of the stack;
// a soft guard region is placed right above it (touching it raises EXCEPTION_STACK_OVERFLOW once,
// as Windows' guard page does) and TEB.StackLimit moves to its top.
void arm_stack_guard(win::TEB* teb, void* usable_low);
// _resetstkoflw: puts the soft guard back after an overflow. False when the stack is still in it.
bool reset_stack_guard();

// RtlUnwindEx from `start`; never returns (restores the target frame's context).
[[noreturn]] void unwind_to(win::DWORD64 target_frame, win::DWORD64 target_ip, win::EXCEPTION_RECORD* rec,
                            win::DWORD64 retval, win::CONTEXT* out, win::UNWIND_HISTORY_TABLE* history,
                            const win::CONTEXT& start);
// For our own language handler (__C_specific_handler): RtlUnwindEx as if called from inside it.
[[noreturn]] void unwind_from_handler(win::DWORD64 target_frame, win::DWORD64 target_ip, win::EXCEPTION_RECORD* rec,
                                      win::DWORD64 retval, win::CONTEXT* original, win::UNWIND_HISTORY_TABLE* history);
// Calls fn(a1, a2, a3) (ms_abi) so that a walk from inside fn continues at *frame_ctx once it leaves
// fn (what Windows' RcConsolidateFrames does for a consolidation callback). MSVC's catch blocks
// run this way: below the unwound frames, yet walked as if called from their own function's frame.
win::DWORD64 call_in_frame(void* fn, void* a1, void* a2, void* a3, const win::CONTEXT* frame_ctx);
// Calls fn(a1, a2) (ms_abi) for our own language handler: a filter or a termination handler.
win::LONG call_scope_handler(void* fn, void* a1, void* a2);

using VectoredHandler = win::LONG(WINAPI*)(win::EXCEPTION_POINTERS*);
void* add_vectored(win::ULONG first, VectoredHandler fn, bool continue_list);
win::ULONG remove_vectored(void* handle, bool continue_list);
VectoredHandler set_top_level_filter(VectoredHandler f);

}  // namespace winrun::seh

// Assembly entry points (ms_abi): unwind.cpp and seh_dispatch.cpp.
extern "C" {
using winrun::win::CONTEXT;
using winrun::win::EXCEPTION_RECORD;
void WINAPI winrun_RtlCaptureContext(CONTEXT* ctx);
[[noreturn]] void WINAPI winrun_RtlRestoreContext(CONTEXT* ctx, EXCEPTION_RECORD* rec);
winrun::win::WORD WINAPI winrun_RtlCaptureStackBackTrace(winrun::win::ULONG skip, winrun::win::ULONG count, void** frames,
                                                         winrun::win::ULONG* hash);
void WINAPI winrun_RaiseException(winrun::win::DWORD code, winrun::win::DWORD flags, winrun::win::DWORD nargs,
                                  const winrun::win::ULONG_PTR* args);
void WINAPI winrun_RtlRaiseException(EXCEPTION_RECORD* rec);
void WINAPI winrun_RtlUnwindEx(void* frame, void* ip, EXCEPTION_RECORD* rec, void* retval, CONTEXT* ctx,
                               winrun::win::UNWIND_HISTORY_TABLE* history);
void WINAPI winrun_RtlUnwind(void* frame, void* ip, EXCEPTION_RECORD* rec, void* retval);
}

// The Rtl* functions written in C++ (unwind.cpp), exported by both ntdll and kernel32.
namespace winrun::k32 {
using namespace winrun::win;
RUNTIME_FUNCTION* WINAPI RtlLookupFunctionEntry(DWORD64 pc, DWORD64* base, UNWIND_HISTORY_TABLE* history);
EXCEPTION_ROUTINE WINAPI RtlVirtualUnwind(DWORD type, DWORD64 base, DWORD64 pc, RUNTIME_FUNCTION* fn, CONTEXT* ctx,
                                          void** handler_data, DWORD64* establisher, KNONVOLATILE_CONTEXT_POINTERS* ptrs);
BOOLEAN WINAPI RtlAddFunctionTable(RUNTIME_FUNCTION* table, DWORD count, DWORD64 base);
BOOLEAN WINAPI RtlDeleteFunctionTable(RUNTIME_FUNCTION* table);
void* WINAPI RtlPcToFileHeader(void* pc, void** base);
}  // namespace winrun::k32

// The exports shared by ntdll and kernel32 (the names are Windows', the functions ours).
#define WR_SEH_SHARED_EXPORTS                                                          \
    WR_EXPORT_NORELAY("RtlCaptureContext", winrun_RtlCaptureContext),                  \
    WR_EXPORT_NORELAY("RtlRestoreContext", winrun_RtlRestoreContext),                  \
    WR_EXPORT_NORELAY("RtlCaptureStackBackTrace", winrun_RtlCaptureStackBackTrace),    \
    WR_EXPORT_NORELAY("RtlRaiseException", winrun_RtlRaiseException),                  \
    WR_EXPORT_NORELAY("RtlUnwindEx", winrun_RtlUnwindEx),                              \
    WR_EXPORT_NORELAY("RtlUnwind", winrun_RtlUnwind),                                  \
    WR_EXPORT(RtlLookupFunctionEntry), WR_EXPORT(RtlVirtualUnwind), WR_EXPORT(RtlAddFunctionTable), \
    WR_EXPORT(RtlDeleteFunctionTable), WR_EXPORT(RtlPcToFileHeader)

// An ms_abi entry point `name` that captures its caller's context (registers as at the call, Rip =
// the return address, Rsp = the caller's) in a CONTEXT in its own frame and calls the SysV function
// impl(rcx, rdx, r8, r9, CONTEXT*, const DWORD64* stack_args) (stack_args: the 5th argument on).
// On return it restores rsi, rdi and xmm6-15 (callee-saved in the Microsoft ABI, not in SysV) and
// passes rax back. Frame: 0x528 bytes, the CONTEXT at +0x30 (16-aligned), the return address at +0x528.
#define WR_SEH_CAPTURING_ENTRY(name, impl) \
    __asm__(".text\n .globl " #name "\n .type " #name ", @function\n" #name ":\n" \
            " sub $0x528, %rsp\n" \
            " mov %rax, 0x30+0x78(%rsp)\n mov %rcx, 0x30+0x80(%rsp)\n mov %rdx, 0x30+0x88(%rsp)\n" \
            " mov %rbx, 0x30+0x90(%rsp)\n lea 0x530(%rsp), %rax\n mov %rax, 0x30+0x98(%rsp)\n" \
            " mov %rbp, 0x30+0xa0(%rsp)\n mov %rsi, 0x30+0xa8(%rsp)\n mov %rdi, 0x30+0xb0(%rsp)\n" \
            " mov %r8, 0x30+0xb8(%rsp)\n mov %r9, 0x30+0xc0(%rsp)\n mov %r10, 0x30+0xc8(%rsp)\n" \
            " mov %r11, 0x30+0xd0(%rsp)\n mov %r12, 0x30+0xd8(%rsp)\n mov %r13, 0x30+0xe0(%rsp)\n" \
            " mov %r14, 0x30+0xe8(%rsp)\n mov %r15, 0x30+0xf0(%rsp)\n" \
            " mov 0x528(%rsp), %rax\n mov %rax, 0x30+0xf8(%rsp)\n" \
            " fxsave 0x30+0x100(%rsp)\n stmxcsr 0x30+0x34(%rsp)\n" \
            " mov %cs, 0x30+0x38(%rsp)\n mov %ds, 0x30+0x3a(%rsp)\n mov %es, 0x30+0x3c(%rsp)\n" \
            " mov %fs, 0x30+0x3e(%rsp)\n mov %gs, 0x30+0x40(%rsp)\n mov %ss, 0x30+0x42(%rsp)\n" \
            " pushfq\n pop %rax\n mov %eax, 0x30+0x44(%rsp)\n movl $0x10000f, 0x30+0x30(%rsp)\n" \
            " mov %rcx, %rdi\n mov %rdx, %rsi\n mov %r8, %rdx\n mov %r9, %rcx\n" \
            " lea 0x30(%rsp), %r8\n lea 0x550(%rsp), %r9\n" \
            " call " #impl "\n" \
            " mov 0x30+0xa8(%rsp), %rsi\n mov 0x30+0xb0(%rsp), %rdi\n" \
            " movaps 0x30+0x200(%rsp), %xmm6\n movaps 0x30+0x210(%rsp), %xmm7\n" \
            " movaps 0x30+0x220(%rsp), %xmm8\n movaps 0x30+0x230(%rsp), %xmm9\n" \
            " movaps 0x30+0x240(%rsp), %xmm10\n movaps 0x30+0x250(%rsp), %xmm11\n" \
            " movaps 0x30+0x260(%rsp), %xmm12\n movaps 0x30+0x270(%rsp), %xmm13\n" \
            " movaps 0x30+0x280(%rsp), %xmm14\n movaps 0x30+0x290(%rsp), %xmm15\n" \
            " add $0x528, %rsp\n ret\n .size " #name ", .-" #name "\n")
