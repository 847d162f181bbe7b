// ntdll's x64 unwinding: function-table lookup (.pdata of the loaded images, plus tables added with
// RtlAddFunctionTable), RtlVirtualUnwind, RtlCaptureContext/RtlRestoreContext, RtlPcToFileHeader
// and RtlCaptureStackBackTrace. The unwind-code interpreter itself is in unwind_codes.cpp.
//
// Only PE code has unwind tables. winrun's own code (the builtin DLLs are C++ in the winrun binary)
// has none, so every walk stops at the first frame outside a PE image; the entry points that start a
// walk on behalf of Windows code (RaiseException, RtlUnwindEx, RtlCaptureStackBackTrace) capture
// their caller's context in assembly first, so the walk starts in Windows code.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "log.h"
#include "module.h"
#include "seh.h"
#include "unwind_codes.h"

namespace winrun::seh {

using namespace winrun::win;

namespace {

struct DynamicTable {
    RUNTIME_FUNCTION* table;
    DWORD count;
    DWORD64 base;
};
std::mutex g_dynamic_mutex;
std::vector<DynamicTable> g_dynamic;

// The .pdata of a PE image mapped at `base` (the exception directory, data directory 3).
const RUNTIME_FUNCTION* image_pdata(const uint8_t* base, DWORD& count) {
    DWORD lfanew;
    std::memcpy(&lfanew, base + 0x3C, 4);
    const uint8_t* nt = base + lfanew;
    WORD magic;
    std::memcpy(&magic, nt + 24, 2);
    count = 0;
    if (magic != 0x20B) return nullptr;  // PE32+ only
    DWORD ndirs, rva, size;
    std::memcpy(&ndirs, nt + 24 + 108, 4);
    if (ndirs <= 3) return nullptr;
    std::memcpy(&rva, nt + 24 + 112 + 3 * 8, 4);
    std::memcpy(&size, nt + 24 + 112 + 3 * 8 + 4, 4);
    if (!rva || !size) return nullptr;
    count = size / sizeof(RUNTIME_FUNCTION);
    return reinterpret_cast<const RUNTIME_FUNCTION*>(base + rva);
}

// The PE module (not builtin) containing pc, with the loader lock held for the lookup.
const loader::Module* pe_module_at(DWORD64 pc) {
    std::lock_guard lock(loader::loader_lock());
    const loader::Module* m = loader::find_module_by_address(reinterpret_cast<const void*>(pc));
    return m && !m->builtin ? m : nullptr;
}

RUNTIME_FUNCTION* search(const RUNTIME_FUNCTION* table, DWORD count, DWORD rva) {
    // .pdata is sorted by BeginAddress (the linker sorts it; Windows relies on that too).
    const RUNTIME_FUNCTION* end = table + count;
    const RUNTIME_FUNCTION* it =
        std::upper_bound(table, end, rva, [](DWORD v, const RUNTIME_FUNCTION& f) { return v < f.BeginAddress; });
    if (it == table) return nullptr;
    --it;
    return rva < it->EndAddress ? const_cast<RUNTIME_FUNCTION*>(it) : nullptr;
}

}  // namespace

RUNTIME_FUNCTION* lookup_function_entry(DWORD64 pc, DWORD64* base) {
    if (const loader::Module* m = pe_module_at(pc)) {
        DWORD count;
        if (const RUNTIME_FUNCTION* t = image_pdata(m->base, count)) {
            *base = reinterpret_cast<DWORD64>(m->base);
            return search(t, count, DWORD(pc - *base));
        }
        return nullptr;
    }
    std::lock_guard lock(g_dynamic_mutex);
    for (const DynamicTable& d : g_dynamic) {
        if (pc < d.base || pc - d.base > 0xFFFFFFFFu) continue;
        DWORD rva = DWORD(pc - d.base);
        // Dynamic tables need not be sorted: a linear search (they are small).
        for (DWORD i = 0; i < d.count; i++)
            if (rva >= d.table[i].BeginAddress && rva < d.table[i].EndAddress) {
                *base = d.base;
                return &d.table[i];
            }
    }
    return nullptr;
}

bool pc_in_pe_image(DWORD64 pc) { return pe_module_at(pc) != nullptr; }

bool on_thread_stack(DWORD64 rsp) {
    TEB* teb = current_teb();
    auto lo = reinterpret_cast<DWORD64>(teb->DeallocationStack ? teb->DeallocationStack : teb->StackLimit);
    auto hi = reinterpret_cast<DWORD64>(teb->StackBase);
    return rsp >= lo && rsp <= hi && (rsp & 7) == 0;
}

bool unwind_one_frame(CONTEXT& ctx) {
    DWORD64 base = 0;
    if (RUNTIME_FUNCTION* fn = lookup_function_entry(ctx.Rip, &base)) {
        UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, base, ctx.Rip, fn, ctx, nullptr);
        if (!r.ok) return false;
    } else if (pc_in_pe_image(ctx.Rip) && on_thread_stack(ctx.Rsp)) {
        // A leaf function: no prolog, the return address is at rsp.
        ctx.Rip = *reinterpret_cast<DWORD64*>(ctx.Rsp);
        ctx.Rsp += 8;
    } else {
        return false;
    }
    return on_thread_stack(ctx.Rsp) && ctx.Rip != 0;
}

}  // namespace winrun::seh

// ---- RtlCaptureContext / RtlRestoreContext -------------------------------------------------------
// CONTEXT offsets (wintypes.h asserts them): ContextFlags 0x30, MxCsr 0x34, SegCs..SegSs 0x38..0x42,
// EFlags 0x44, Rax 0x78 ... R15 0xF0, Rip 0xF8, FltSave (fxsave image) 0x100.
__asm__(R"(
    .text
    .globl winrun_RtlCaptureContext
    .type winrun_RtlCaptureContext, @function
winrun_RtlCaptureContext:
    pushfq
    mov %rax, 0x78(%rcx)
    mov %rcx, 0x80(%rcx)
    mov %rdx, 0x88(%rcx)
    mov %rbx, 0x90(%rcx)
    lea 0x10(%rsp), %rax
    mov %rax, 0x98(%rcx)
    mov %rbp, 0xa0(%rcx)
    mov %rsi, 0xa8(%rcx)
    mov %rdi, 0xb0(%rcx)
    mov %r8, 0xb8(%rcx)
    mov %r9, 0xc0(%rcx)
    mov %r10, 0xc8(%rcx)
    mov %r11, 0xd0(%rcx)
    mov %r12, 0xd8(%rcx)
    mov %r13, 0xe0(%rcx)
    mov %r14, 0xe8(%rcx)
    mov %r15, 0xf0(%rcx)
    mov 8(%rsp), %rax
    mov %rax, 0xf8(%rcx)
    fxsave 0x100(%rcx)
    stmxcsr 0x34(%rcx)
    mov %cs, 0x38(%rcx)
    mov %ds, 0x3a(%rcx)
    mov %es, 0x3c(%rcx)
    mov %fs, 0x3e(%rcx)
    mov %gs, 0x40(%rcx)
    mov %ss, 0x42(%rcx)
    pop %rax
    mov %eax, 0x44(%rcx)
    movl $0x10000f, 0x30(%rcx)
    mov 0x78(%rcx), %rax
    ret
    .size winrun_RtlCaptureContext, .-winrun_RtlCaptureContext

    # RtlRestoreContext(CONTEXT*, EXCEPTION_RECORD*): rip, rcx and eflags go below the target rsp
    # (which is always above the caller's frames: unwinding or continuing, never deeper); every
    # other register comes straight from the CONTEXT; the switch to the target stack is the last
    # read of the CONTEXT, so a signal arriving afterwards cannot matter.
    .globl winrun_RtlRestoreContext
    .type winrun_RtlRestoreContext, @function
winrun_RtlRestoreContext:
    fxrstor 0x100(%rcx)
    mov 0x98(%rcx), %rax
    mov 0xf8(%rcx), %rdx
    mov %rdx, -8(%rax)
    mov 0x80(%rcx), %rdx
    mov %rdx, -16(%rax)
    mov 0x44(%rcx), %edx
    mov %rdx, -24(%rax)
    mov 0x88(%rcx), %rdx
    mov 0x90(%rcx), %rbx
    mov 0xa0(%rcx), %rbp
    mov 0xa8(%rcx), %rsi
    mov 0xb0(%rcx), %rdi
    mov 0xb8(%rcx), %r8
    mov 0xc0(%rcx), %r9
    mov 0xc8(%rcx), %r10
    mov 0xd0(%rcx), %r11
    mov 0xd8(%rcx), %r12
    mov 0xe0(%rcx), %r13
    mov 0xe8(%rcx), %r14
    mov 0xf0(%rcx), %r15
    mov 0x78(%rcx), %rax
    mov 0x98(%rcx), %rsp
    lea -24(%rsp), %rsp
    popfq
    pop %rcx
    ret
    .size winrun_RtlRestoreContext, .-winrun_RtlRestoreContext
)");

namespace winrun::k32 {

using namespace winrun::win;

RUNTIME_FUNCTION* WINAPI RtlLookupFunctionEntry(DWORD64 pc, DWORD64* base, UNWIND_HISTORY_TABLE* history) {
    (void)history;  // a cache on Windows; the lookup is a binary search here
    DWORD64 b = 0;
    RUNTIME_FUNCTION* f = seh::lookup_function_entry(pc, &b);
    if (base) *base = f ? b : 0;
    return f;
}

EXCEPTION_ROUTINE WINAPI RtlVirtualUnwind(DWORD type, DWORD64 base, DWORD64 pc, RUNTIME_FUNCTION* fn, CONTEXT* ctx,
                                          void** handler_data, DWORD64* establisher,
                                          KNONVOLATILE_CONTEXT_POINTERS* ptrs) {
    seh::UnwindResult r = seh::virtual_unwind(type, base, pc, fn, *ctx, ptrs);
    if (!r.ok) WR_WARN(seh, "RtlVirtualUnwind: unknown unwind code in the function at {:#x}", base + fn->BeginAddress);
    if (handler_data) *handler_data = r.handler_data;
    if (establisher) *establisher = r.establisher_frame;
    return r.handler;
}

BOOLEAN WINAPI RtlAddFunctionTable(RUNTIME_FUNCTION* table, DWORD count, DWORD64 base) {
    std::lock_guard lock(seh::g_dynamic_mutex);
    seh::g_dynamic.push_back({table, count, base});
    return TRUE;
}

BOOLEAN WINAPI RtlDeleteFunctionTable(RUNTIME_FUNCTION* table) {
    std::lock_guard lock(seh::g_dynamic_mutex);
    auto it = std::find_if(seh::g_dynamic.begin(), seh::g_dynamic.end(),
                           [&](const seh::DynamicTable& d) { return d.table == table; });
    if (it == seh::g_dynamic.end()) return FALSE;
    seh::g_dynamic.erase(it);
    return TRUE;
}

void* WINAPI RtlPcToFileHeader(void* pc, void** base) {
    void* b = nullptr;
    {
        std::lock_guard lock(loader::loader_lock());
        if (loader::Module* m = loader::find_module_by_address(pc)) b = m->base;
    }
    *base = b;
    return b;
}

// RtlCaptureStackBackTrace: the assembly entry passes the caller's context, so frame 0 is the
// return address in the caller, as on Windows. The hash is the sum of the captured addresses.
extern "C" WORD winrun_capture_stack_back_trace(ULONG skip, ULONG count, void** frames, ULONG* hash, CONTEXT* ctx,
                                                const DWORD64*) {
    ULONG n = 0, index = 0;
    DWORD64 sum = 0;
    CONTEXT c = *ctx;
    for (;;) {
        if (index >= skip) {
            if (n >= count) break;
            frames[n++] = reinterpret_cast<void*>(c.Rip);
            sum += c.Rip;
        }
        index++;
        if (index > 1024 || !seh::unwind_one_frame(c)) break;
    }
    if (hash) *hash = ULONG(sum);
    return WORD(n);
}

WR_SEH_CAPTURING_ENTRY(winrun_RtlCaptureStackBackTrace, winrun_capture_stack_back_trace);

}  // namespace winrun::k32
