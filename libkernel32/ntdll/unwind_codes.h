// The x64 unwind-code interpreter behind RtlVirtualUnwind: pure computation on a CONTEXT and the
// memory it points at (stack, code bytes, UNWIND_INFO), with no knowledge of modules or threads, so
// that unit tests can drive it with hand-built byte sequences.
#pragma once
#include "wintypes.h"

namespace winrun::seh {

// UNWIND_CODE operations (Microsoft docs, "x64 exception handling").
enum UnwindOp : uint8_t {
    UWOP_PUSH_NONVOL = 0,
    UWOP_ALLOC_LARGE = 1,
    UWOP_ALLOC_SMALL = 2,
    UWOP_SET_FPREG = 3,
    UWOP_SAVE_NONVOL = 4,
    UWOP_SAVE_NONVOL_FAR = 5,
    UWOP_EPILOG = 6,  // version 2 only: epilogue descriptions, nothing to undo
    UWOP_SPARE_CODE = 7,
    UWOP_SAVE_XMM128 = 8,
    UWOP_SAVE_XMM128_FAR = 9,
    UWOP_PUSH_MACHFRAME = 10,
};

struct UnwindResult {
    win::EXCEPTION_ROUTINE handler = nullptr;  // only when asked for (type) and the frame is in its body
    void* handler_data = nullptr;
    win::DWORD64 establisher_frame = 0;
    bool in_epilogue = false;
    bool ok = true;  // false: malformed unwind data (an unknown op); ctx is then unreliable
};

// Turns `ctx` (a frame of the function `fn` of the image at `base`, executing at ctx.Rip) into the
// context of its caller, as RtlVirtualUnwind does. `type` is UNW_FLAG_EHANDLER / UHANDLER / NHANDLER.
UnwindResult virtual_unwind(win::DWORD type, win::DWORD64 base, win::DWORD64 pc, const win::RUNTIME_FUNCTION* fn,
                            win::CONTEXT& ctx, win::KNONVOLATILE_CONTEXT_POINTERS* ptrs);

}  // namespace winrun::seh
