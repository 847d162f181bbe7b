// __C_specific_handler: the language handler of C's __try/__except/__finally on x64 (exported by
// ntdll and msvcrt), plus msvcrt's _local_unwind and _resetstkoflw.
//
// The handler data of a frame that uses it is a SCOPE_TABLE: a count, then one record per scope in
// the order the compiler emits them (innermost first): the RVA range of the guarded code, the
// handler (an __except filter's RVA, or the constant EXCEPTION_EXECUTE_HANDLER = 1; for __finally,
// the termination handler's RVA) and the jump target (the __except block; 0 for __finally).
#include "builtin/builtin.h"
#include "log.h"
#include "seh.h"

namespace winrun::seh {

using namespace winrun::win;

namespace {

struct ScopeEntry {
    DWORD BeginAddress;
    DWORD EndAddress;
    DWORD HandlerAddress;
    DWORD JumpTarget;
};
struct ScopeTable {
    DWORD Count;
    ScopeEntry ScopeRecord[1];
};

constexpr LONG EXCEPTION_EXECUTE_HANDLER = 1;

}  // namespace

}  // namespace winrun::seh

namespace winrun::k32 {

using namespace winrun::win;

EXCEPTION_DISPOSITION WINAPI __C_specific_handler(EXCEPTION_RECORD* rec, void* frame, CONTEXT* ctx,
                                                  DISPATCHER_CONTEXT* disp) {
    const auto* table = static_cast<const seh::ScopeTable*>(disp->HandlerData);
    DWORD64 base = disp->ImageBase;
    DWORD pc = DWORD(disp->ControlPc - base);

    if (!(rec->ExceptionFlags & EXCEPTION_UNWIND)) {
        // Dispatch: run the filters of the __except scopes around the pc, innermost first.
        EXCEPTION_POINTERS ptrs{rec, ctx};
        for (DWORD i = disp->ScopeIndex; i < table->Count; i++) {
            const seh::ScopeEntry& s = table->ScopeRecord[i];
            if (pc < s.BeginAddress || pc >= s.EndAddress || s.JumpTarget == 0) continue;
            LONG r = s.HandlerAddress == seh::EXCEPTION_EXECUTE_HANDLER
                         ? seh::EXCEPTION_EXECUTE_HANDLER
                         : seh::call_scope_handler(reinterpret_cast<void*>(base + s.HandlerAddress), &ptrs, frame);
            WR_TRACE(seh, "__C_specific_handler: filter of scope {} returned {}", i, r);
            if (r < 0) return ExceptionContinueExecution;
            if (r > 0) {
                // The __except block runs in this frame after the frames above are unwound; it gets
                // the exception code in eax (GetExceptionCode() there).
                seh::unwind_from_handler(reinterpret_cast<DWORD64>(frame), base + s.JumpTarget, rec,
                                         rec->ExceptionCode, ctx, disp->HistoryTable);
            }
        }
        return ExceptionContinueSearch;
    }

    // Unwind: run the __finally blocks around the pc, innermost first, up to the __except scope
    // that is the unwind's target.
    DWORD target = DWORD(disp->TargetIp - base);
    for (DWORD i = disp->ScopeIndex; i < table->Count; i++) {
        const seh::ScopeEntry& s = table->ScopeRecord[i];
        if (pc < s.BeginAddress || pc >= s.EndAddress) continue;
        if ((rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND) && s.JumpTarget != 0 && s.JumpTarget == target) break;
        if (s.JumpTarget != 0) continue;
        // A collided unwind resumes after the __finally that was running (ScopeIndex), never reruns it.
        disp->ScopeIndex = i + 1;
        WR_TRACE(seh, "__C_specific_handler: __finally of scope {}", i);
        seh::call_scope_handler(reinterpret_cast<void*>(base + s.HandlerAddress), reinterpret_cast<void*>(1), frame);
    }
    return ExceptionContinueSearch;
}

int WINAPI _resetstkoflw() { return seh::reset_stack_guard() ? 1 : 0; }

}  // namespace winrun::k32

// _local_unwind(frame, target): runs the __finally blocks between the caller and `frame` (MSVC uses
// it for a return or goto out of a __try), then continues at target in that frame.
extern "C" [[noreturn]] void winrun_local_unwind_impl(void* frame, void* target, void*, void*, winrun::win::CONTEXT* ctx,
                                                      const winrun::win::DWORD64*) {
    winrun::seh::unwind_to(reinterpret_cast<winrun::win::DWORD64>(frame), reinterpret_cast<winrun::win::DWORD64>(target),
                           nullptr, 0, nullptr, nullptr, *ctx);
}
WR_SEH_CAPTURING_ENTRY(winrun_local_unwind, winrun_local_unwind_impl);
extern "C" void WINAPI winrun_local_unwind(void* frame, void* target);

namespace winrun::k32 {
WR_EXPORT_PART(ntdll_c_specific_handler, WR_EXPORT(__C_specific_handler));
}  // namespace winrun::k32

namespace winrun::crt {
using k32::__C_specific_handler;
using k32::_resetstkoflw;
WR_EXPORT_PART(msvcrt_seh, WR_EXPORT(__C_specific_handler), WR_EXPORT_NORELAY("_local_unwind", winrun_local_unwind),
               WR_EXPORT(_resetstkoflw));
}  // namespace winrun::crt
