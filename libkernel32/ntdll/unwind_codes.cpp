// The x64 unwind-code interpreter (see unwind_codes.h). Semantics from Microsoft's "x64 exception
// handling" documentation: UNWIND_INFO and its codes, chained entries, and how an epilogue is
// recognised from the code bytes (Windows does not describe epilogues in version 1 unwind data; it
// reads the instructions at the pc and, when they are an epilogue, emulates them instead).
#include "unwind_codes.h"

#include <cstring>

namespace winrun::seh {

using namespace winrun::win;

namespace {

struct UnwindCode {
    BYTE offset;    // offset of the end of the prolog instruction
    BYTE op_info;   // low nibble: op, high nibble: info
    BYTE op() const { return op_info & 0xF; }
    BYTE info() const { return op_info >> 4; }
};
static_assert(sizeof(UnwindCode) == 2);

struct UnwindInfo {
    BYTE version_flags;  // version: low 3 bits, flags: high 5 bits
    BYTE prolog_size;
    BYTE count;          // slots of UnwindCode
    BYTE frame;          // frame register: low nibble, scaled offset: high nibble
    BYTE version() const { return version_flags & 7; }
    BYTE flags() const { return version_flags >> 3; }
    BYTE frame_reg() const { return frame & 0xF; }
    BYTE frame_offset() const { return frame >> 4; }
    const UnwindCode* codes() const { return reinterpret_cast<const UnwindCode*>(this + 1); }
    // After the codes (padded to an even count): the handler RVA or a chained RUNTIME_FUNCTION.
    const void* tail() const { return codes() + ((count + 1) & ~1); }
};

// Slots taken by one code.
int code_slots(const UnwindInfo& ui, const UnwindCode& c) {
    switch (c.op()) {
    case UWOP_ALLOC_LARGE: return c.info() ? 3 : 2;
    case UWOP_SAVE_NONVOL: return 2;
    case UWOP_SAVE_NONVOL_FAR: return 3;
    case UWOP_EPILOG: return ui.version() >= 2 ? 1 : 2;  // version 1: the obsolete UWOP_SAVE_XMM
    case UWOP_SPARE_CODE: return 3;                      // version 1: the obsolete UWOP_SAVE_XMM_FAR
    case UWOP_SAVE_XMM128: return 2;
    case UWOP_SAVE_XMM128_FAR: return 3;
    default: return 1;
    }
}

// CONTEXT keeps Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8..R15 in the order of the x64 register numbers.
DWORD64& int_reg(CONTEXT& ctx, int n) { return (&ctx.Rax)[n]; }
M128A& xmm_reg(CONTEXT& ctx, int n) { return reinterpret_cast<M128A*>(ctx.FltSave + 160)[n]; }

void restore_int(CONTEXT& ctx, KNONVOLATILE_CONTEXT_POINTERS* ptrs, int reg, DWORD64 addr) {
    auto* p = reinterpret_cast<DWORD64*>(addr);
    int_reg(ctx, reg) = *p;
    if (ptrs) ptrs->IntegerContext[reg] = p;
}

void restore_xmm(CONTEXT& ctx, KNONVOLATILE_CONTEXT_POINTERS* ptrs, int reg, DWORD64 addr) {
    auto* p = reinterpret_cast<M128A*>(addr);
    std::memcpy(&xmm_reg(ctx, reg), p, sizeof(M128A));
    if (ptrs) ptrs->FloatingContext[reg] = p;
}

uint16_t u16(const UnwindCode* c) { uint16_t v; std::memcpy(&v, c, 2); return v; }
uint32_t u32(const UnwindCode* c) { uint32_t v; std::memcpy(&v, c, 4); return v; }

// Is `pc` in an epilogue of `fn`? An x64 epilogue is strictly: optionally `add rsp, imm` or
// `lea rsp, [framereg + disp]`, then pops of nonvolatile registers, then `ret` or a `jmp` out of the
// function (a tail call). When it is, the epilogue is emulated on ctx (which is what unwinding means
// there: the body's allocations and the prolog's pushes are partly undone already).
bool unwind_epilogue(DWORD64 base, DWORD64 pc, const RUNTIME_FUNCTION* fn, const UnwindInfo& ui, CONTEXT& ctx,
                     KNONVOLATILE_CONTEXT_POINTERS* ptrs) {
    const BYTE* p = reinterpret_cast<const BYTE*>(pc);
    bool has_adjust = false, adjust_is_lea = false;
    int64_t adjust = 0;
    if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xC4) {  // add rsp, imm8
        has_adjust = true; adjust = int8_t(p[3]); p += 4;
    } else if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xC4) {  // add rsp, imm32
        int32_t v; std::memcpy(&v, p + 3, 4);
        has_adjust = true; adjust = v; p += 7;
    } else if ((p[0] & 0xFE) == 0x48 && p[1] == 0x8D && ui.frame_reg() != 0) {  // lea rsp, [fp + disp]
        BYTE mod = p[2] >> 6, reg = (p[2] >> 3) & 7, rm = (p[2] & 7) | ((p[0] & 1) << 3);
        if (reg != 4 || rm != ui.frame_reg() || (rm & 7) == 4) return false;
        if (mod == 1) { adjust = int8_t(p[3]); p += 4; }
        else if (mod == 2) { int32_t v; std::memcpy(&v, p + 3, 4); adjust = v; p += 7; }
        else return false;
        has_adjust = adjust_is_lea = true;
    }
    // Pops: 58+r, or 41 58+r for r8-r15.
    const BYTE* pops = p;
    int npops = 0;
    for (;;) {
        if ((p[0] & 0xF8) == 0x58) { p += 1; npops++; }
        else if (p[0] == 0x41 && (p[1] & 0xF8) == 0x58) { p += 2; npops++; }
        else break;
    }
    // The end: ret, rep ret, ret imm16, jmp rel out of the function, jmp [rip+disp32].
    bool end = false;
    if (p[0] == 0xC3 || p[0] == 0xC2 || (p[0] == 0xF3 && p[1] == 0xC3)) end = true;
    else if (p[0] == 0xE9 || p[0] == 0xEB) {
        int64_t rel;
        if (p[0] == 0xE9) { int32_t v; std::memcpy(&v, p + 1, 4); rel = v + 5; }
        else rel = int8_t(p[1]) + 2;
        DWORD64 target = reinterpret_cast<DWORD64>(p) + rel;
        end = target < base + fn->BeginAddress || target >= base + fn->EndAddress;
    } else if (p[0] == 0xFF && p[1] == 0x25) end = true;
    else if ((p[0] & 0xF8) == 0x48 && p[1] == 0xFF && p[2] == 0x25) end = true;
    if (!end) return false;
    (void)has_adjust;

    // Emulate it.
    if (adjust_is_lea) ctx.Rsp = int_reg(ctx, ui.frame_reg()) + adjust;
    else ctx.Rsp += adjust;
    p = pops;
    for (int i = 0; i < npops; i++) {
        int reg;
        if (p[0] == 0x41) { reg = 8 + (p[1] & 7); p += 2; }
        else { reg = p[0] & 7; p += 1; }
        restore_int(ctx, ptrs, reg, ctx.Rsp);
        ctx.Rsp += 8;
    }
    ctx.Rip = *reinterpret_cast<DWORD64*>(ctx.Rsp);
    ctx.Rsp += 8;
    return true;
}

}  // namespace

UnwindResult virtual_unwind(DWORD type, DWORD64 base, DWORD64 pc, const RUNTIME_FUNCTION* fn, CONTEXT& ctx,
                            KNONVOLATILE_CONTEXT_POINTERS* ptrs) {
    UnwindResult r;
    const auto* ui = reinterpret_cast<const UnwindInfo*>(base + fn->UnwindData);
    DWORD64 offset = pc - (base + fn->BeginAddress);  // offset in the primary function

    // The establisher frame: the frame pointer minus its offset once SET_FPREG has run, else rsp.
    if (ui->frame_reg() == 0) {
        r.establisher_frame = ctx.Rsp;
    } else if (offset >= ui->prolog_size || (ui->flags() & UNW_FLAG_CHAININFO)) {
        r.establisher_frame = int_reg(ctx, ui->frame_reg()) - ui->frame_offset() * 16;
    } else {
        bool fp_set = false;
        for (int i = 0; i < ui->count; i += code_slots(*ui, ui->codes()[i]))
            if (ui->codes()[i].offset <= offset && ui->codes()[i].op() == UWOP_SET_FPREG) fp_set = true;
        r.establisher_frame = fp_set ? int_reg(ctx, ui->frame_reg()) - ui->frame_offset() * 16 : ctx.Rsp;
    }

    // Past the prolog, the pc may be in an epilogue: then no handler runs for this frame.
    if (offset >= ui->prolog_size && unwind_epilogue(base, pc, fn, *ui, ctx, ptrs)) {
        r.in_epilogue = true;
        return r;
    }

    const UnwindInfo* head = ui;
    DWORD64 frame = r.establisher_frame;
    bool machframe = false;
    bool chained = false;
    for (int level = 0; level < 32; level++) {
        const UnwindCode* c = ui->codes();
        for (int i = 0; i < ui->count; i += code_slots(*ui, c[i])) {
            // In the prolog, codes for instructions not yet executed are skipped (chained parents
            // are always fully executed).
            if (!chained && offset < c[i].offset) continue;
            BYTE info = c[i].info();
            switch (c[i].op()) {
            case UWOP_PUSH_NONVOL:
                restore_int(ctx, ptrs, info, ctx.Rsp);
                ctx.Rsp += 8;
                break;
            case UWOP_ALLOC_LARGE:
                ctx.Rsp += info ? u32(&c[i + 1]) : DWORD64(u16(&c[i + 1])) * 8;
                break;
            case UWOP_ALLOC_SMALL: ctx.Rsp += DWORD64(info) * 8 + 8; break;
            case UWOP_SET_FPREG: ctx.Rsp = int_reg(ctx, ui->frame_reg()) - ui->frame_offset() * 16; break;
            case UWOP_SAVE_NONVOL: restore_int(ctx, ptrs, info, frame + DWORD64(u16(&c[i + 1])) * 8); break;
            case UWOP_SAVE_NONVOL_FAR: restore_int(ctx, ptrs, info, frame + u32(&c[i + 1])); break;
            case UWOP_SAVE_XMM128: restore_xmm(ctx, ptrs, info, frame + DWORD64(u16(&c[i + 1])) * 16); break;
            case UWOP_SAVE_XMM128_FAR: restore_xmm(ctx, ptrs, info, frame + u32(&c[i + 1])); break;
            case UWOP_EPILOG:
                if (ui->version() >= 2) break;
                r.ok = false;
                return r;
            case UWOP_PUSH_MACHFRAME:
                // The CPU pushed SS, RSP, EFLAGS, CS, RIP (and an error code when info is 1).
                if (info) ctx.Rsp += 8;
                ctx.Rip = *reinterpret_cast<DWORD64*>(ctx.Rsp);
                ctx.Rsp = *reinterpret_cast<DWORD64*>(ctx.Rsp + 24);
                machframe = true;
                break;
            default: r.ok = false; return r;
            }
        }
        if (!(ui->flags() & UNW_FLAG_CHAININFO)) break;
        const auto* parent = static_cast<const RUNTIME_FUNCTION*>(ui->tail());
        ui = reinterpret_cast<const UnwindInfo*>(base + parent->UnwindData);
        chained = true;
    }
    if (!machframe) {
        ctx.Rip = *reinterpret_cast<DWORD64*>(ctx.Rsp);
        ctx.Rsp += 8;
    }

    // The handler belongs to the last entry of the chain (a chained fragment shares its parent's);
    // none runs for a frame still in its prolog.
    bool in_body = chained || offset >= head->prolog_size;
    if (in_body && (ui->flags() & type & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER))) {
        const auto* rva = static_cast<const DWORD*>(ui->tail());
        r.handler = reinterpret_cast<EXCEPTION_ROUTINE>(base + *rva);
        r.handler_data = const_cast<DWORD*>(rva + 1);
    }
    return r;
}

}  // namespace winrun::seh
