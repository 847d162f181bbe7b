// MSVC C++ exceptions on x64, on top of ntdll's SEH (design decision 5).
//
// throw x;   -> _CxxThrowException(&x, &ThrowInfo) raises 0xE06D7363 with {magic, object, ThrowInfo,
//               image base}; the dispatcher walks the frames and calls each frame's language handler.
// A function with try/catch or objects to destroy has __CxxFrameHandler3 (FH3 tables, msvcrt's
// __CxxFrameHandler too) or __CxxFrameHandler4 (FH4's compressed tables) as its handler. The
// handler maps the frame's pc to a state; in the search phase it looks for a try block around that
// state with a catch clause that accepts one of the thrown object's catchable types, copies the
// object into the catch clause's variable and calls RtlUnwindEx to its own frame with a
// STATUS_UNWIND_CONSOLIDATE record. The unwind runs every frame's handler in unwind mode (each
// destroys its objects through the unwind map: the "states" above the target), and at the target
// RtlUnwindEx calls call_catch_block (the consolidation callback) below the unwound frames, where
// the thrown object still lives. It runs the catch funclet with the parent's frame pointer in rdx;
// the funclet returns the address where the function continues, which RtlUnwindEx resumes at.
//
// The funclet is called through seh::call_in_frame, so that a walk from inside a catch block (a
// rethrow, a new exception) continues at the parent function's frame, as Windows' walks do through
// RcConsolidateFrames. While a catch block runs, an ActiveCatch record (in call_catch_block's frame,
// linked per thread) holds the exception: `throw;` (a rethrow: _CxxThrowException(NULL, NULL))
// finds it there, and FH4 frames learn from it in which state their catch block left them. FH3
// frames keep that state in the frame's own "unwind help" slot, which the compiler reserves for it.
//
// Destruction of the thrown object: when its catch block ends normally; when a new exception leaving
// the catch block is caught further up (at that catch, unless it is the same object: a rethrow).
#include "cxx_eh.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "kernel32/exception.h"
#include "log.h"
#include "ntdll/seh.h"

namespace winrun::crt {
[[noreturn]] void CDECL abort();
}

namespace winrun::cxx {

namespace {

template <typename T>
const T* at(uintptr_t base, uint32_t rva) {
    return reinterpret_cast<const T*>(base + rva);
}

// ---- per-thread state ---------------------------------------------------------------------------
struct ActiveCatch {
    ActiveCatch* outer;
    EXCEPTION_RECORD rec;   // the exception being handled (a copy)
    DWORD64 parent_frame;   // the establisher frame of the function whose catch block runs
    int try_low, catch_high;
    bool owns_object;       // false when an enclosing catch of the same object (a rethrow) will destroy it
};
thread_local ActiveCatch* t_catches = nullptr;
thread_local int t_uncaught = 0;  // exceptions thrown and not yet caught (std::uncaught_exceptions)

std::atomic<TerminateHandler> g_terminate{nullptr}, g_unexpected{nullptr};

bool is_cxx(const EXCEPTION_RECORD* rec) {
    if (rec->ExceptionCode != CXX_EXCEPTION || rec->NumberParameters < 3) return false;
    ULONG_PTR m = rec->ExceptionInformation[0];
    return m == EH_MAGIC_1 || m == EH_MAGIC_2 || m == EH_MAGIC_3 || m == EH_PURE_MAGIC;
}
bool is_rethrow(const EXCEPTION_RECORD* rec) {
    return is_cxx(rec) && !rec->ExceptionInformation[1] && !rec->ExceptionInformation[2];
}
const ThrowInfo* throw_info(const EXCEPTION_RECORD* rec) {
    return reinterpret_cast<const ThrowInfo*>(rec->ExceptionInformation[2]);
}
uintptr_t throw_base(const EXCEPTION_RECORD* rec) {
    return rec->NumberParameters >= 4 ? rec->ExceptionInformation[3] : 0;
}

void destroy_object(const EXCEPTION_RECORD& rec) {
    if (!is_cxx(&rec) || !rec.ExceptionInformation[1] || !rec.ExceptionInformation[2]) return;
    const ThrowInfo* ti = throw_info(&rec);
    if (!ti->unwind) return;
    auto dtor = reinterpret_cast<void(WINAPI*)(void*)>(throw_base(&rec) + uint32_t(ti->unwind));
    WR_TRACE(seh, "C++: destroying exception object {}", reinterpret_cast<void*>(rec.ExceptionInformation[1]));
    dtor(reinterpret_cast<void*>(rec.ExceptionInformation[1]));
}

// Records below `sp` belong to catch blocks that were left by an exception which something other than a
// C++ catch (an __except) stopped: their frames are gone and so, possibly, is their object.
void drop_catches_below(DWORD64 sp) {
    while (t_catches && reinterpret_cast<DWORD64>(t_catches) < sp) t_catches = t_catches->outer;
}

// Copies the thrown object where the catch clause wants it (its variable in the parent frame).
void copy_exception(void* object, DWORD64 parent_frame, const Handler& h, const TypeDescriptor* catch_type,
                    const CatchableType* ct, uintptr_t tbase) {
    if (!catch_type || !catch_type->name[0] || !h.catch_obj) return;
    void* dest = reinterpret_cast<void*>(parent_frame + DWORD64(int64_t(h.catch_obj)));
    if (h.adjectives & HT_REFERENCE) {
        *static_cast<void**>(dest) = adjust_pointer(object, ct->this_displacement);
    } else if (ct->properties & CT_SIMPLE_TYPE) {
        std::memmove(dest, object, size_t(ct->size));
        if (ct->size == sizeof(void*))  // a pointer: to the base class sub-object the handler names
            *static_cast<void**>(dest) = adjust_pointer(*static_cast<void**>(dest), ct->this_displacement);
    } else if (ct->copy_ctor) {
        void* src = adjust_pointer(object, ct->this_displacement);
        uintptr_t ctor = tbase + uint32_t(ct->copy_ctor);
        if (ct->properties & CT_HAS_VIRTUAL_BASE)
            reinterpret_cast<void(WINAPI*)(void*, void*, int)>(ctor)(dest, src, 1);
        else
            reinterpret_cast<void(WINAPI*)(void*, void*)>(ctor)(dest, src);
    } else {
        std::memmove(dest, adjust_pointer(object, ct->this_displacement), size_t(ct->size));
    }
}

// ---- the catch ----------------------------------------------------------------------------------
// What find_catch hands call_catch_block through the consolidation record (it lives in find_catch's
// frame, which is still there while RtlUnwindEx calls back).
struct CatchCall {
    EXCEPTION_RECORD* exc;
    uintptr_t funclet;
    DWORD64 parent_frame;
    DWORD64 target_frame;  // the frame RtlUnwindEx unwinds to (the funclet's frame for a try inside a catch)
    int try_low, catch_high;
    int32_t* unwind_help;  // FH3: reset when the catch block is done
    uintptr_t continuation[2];
    int n_continuations;
    CONTEXT target_ctx;    // filled by RtlUnwindEx before the callback: the target frame's context
};

void* WINAPI call_catch_block(EXCEPTION_RECORD* crec);

bool is_our_consolidate(const EXCEPTION_RECORD* rec) {
    return rec->ExceptionCode == STATUS_UNWIND_CONSOLIDATE && rec->NumberParameters == 4 &&
           rec->ExceptionInformation[0] == reinterpret_cast<ULONG_PTR>(&call_catch_block);
}

void* WINAPI call_catch_block(EXCEPTION_RECORD* crec) {
    auto* cc = reinterpret_cast<CatchCall*>(crec->ExceptionInformation[2]);
    ActiveCatch ac;
    ac.rec = *cc->exc;
    ac.parent_frame = cc->parent_frame;
    ac.try_low = cc->try_low;
    ac.catch_high = cc->catch_high;
    void* object = is_cxx(&ac.rec) ? reinterpret_cast<void*>(ac.rec.ExceptionInformation[1]) : nullptr;

    // Catch blocks between here and the target were left by this exception: their objects end now,
    // unless this is the same object (rethrown), which this catch block takes over.
    while (t_catches && reinterpret_cast<DWORD64>(t_catches) < cc->target_frame) {
        ActiveCatch* dead = t_catches;
        t_catches = dead->outer;
        if (dead->owns_object && reinterpret_cast<void*>(dead->rec.ExceptionInformation[1]) != object)
            destroy_object(dead->rec);
    }
    ac.owns_object = true;
    for (ActiveCatch* a = t_catches; a; a = a->outer)
        if (object && reinterpret_cast<void*>(a->rec.ExceptionInformation[1]) == object) ac.owns_object = false;
    ac.outer = t_catches;
    t_catches = &ac;
    if (t_uncaught > 0) t_uncaught--;

    WR_TRACE(seh, "C++: calling catch block {} (frame {:#x})", reinterpret_cast<void*>(cc->funclet), cc->parent_frame);
    DWORD64 ret = seh::call_in_frame(reinterpret_cast<void*>(cc->funclet), reinterpret_cast<void*>(cc->funclet),
                                     reinterpret_cast<void*>(cc->parent_frame), reinterpret_cast<void*>(0x100),
                                     &cc->target_ctx);
    t_catches = ac.outer;
    if (ac.owns_object) destroy_object(ac.rec);
    if (cc->unwind_help) {
        cc->unwind_help[0] = -2;
        cc->unwind_help[1] = -1;
    }
    if (cc->n_continuations == 2) ret = cc->continuation[ret ? 1 : 0];  // FH4: the funclet returns an index
    else if (cc->n_continuations == 1) ret = cc->continuation[0];
    WR_TRACE(seh, "C++: catch block done, continuing at {:#x}", ret);
    return reinterpret_cast<void*>(ret);
}

// The current exception for a rethrow: the innermost catch block running on this thread.
void substitute_rethrow(EXCEPTION_RECORD* rec) {
    if (!t_catches) {
        WR_WARN(seh, "C++: throw; with no exception being handled");
        terminate();
    }
    *rec = t_catches->rec;
}

// Frame tables of one function activation, in the common form.
struct FrameInfo {
    uintptr_t base;
    DWORD64 frame, parent_frame;
    std::vector<TryBlock> tries;
    const TryBlock* in_catch;  // the try block whose catch block this frame is (a funclet), or null
    int32_t* unwind_help;      // FH3
};

// Search phase: looks for a catch clause at `state`; does not return when it finds one.
void find_catch(EXCEPTION_RECORD* rec, CONTEXT* ctx, DISPATCHER_CONTEXT* disp, const FrameInfo& f, int state) {
    bool cxx = is_cxx(rec);
    const ThrowInfo* ti = cxx ? throw_info(rec) : nullptr;
    uintptr_t tbase = cxx ? throw_base(rec) : 0;
    for (const TryBlock& tb : f.tries) {
        if (state < tb.try_low || state > tb.try_high) continue;
        // From inside a catch block, only the try blocks nested in it (the enclosing ones are the
        // parent frame's business, when the walk gets there).
        if (f.in_catch && (tb.try_low <= f.in_catch->try_high || tb.try_high > f.in_catch->catch_high)) continue;
        for (const Handler& h : tb.handlers) {
            const TypeDescriptor* catch_type = h.type ? at<TypeDescriptor>(f.base, uint32_t(h.type)) : nullptr;
            const CatchableType* ct = nullptr;
            if (cxx) {
                ct = match_catch(ti, tbase, h.adjectives, catch_type);
                if (!ct) continue;
            } else if (catch_type) {
                continue;  // an SEH exception: only catch(...) takes it (code built with /EHa)
            }
            WR_TRACE(seh, "C++: exception {:#x} caught by the handler at {} (state {}, try {}-{})", rec->ExceptionCode,
                     seh::describe_address(reinterpret_cast<void*>(f.base + h.handler)), state, tb.try_low, tb.try_high);
            if (cxx) copy_exception(reinterpret_cast<void*>(rec->ExceptionInformation[1]), f.parent_frame, h, catch_type, ct,
                                    tbase);
            CatchCall cc{};
            cc.exc = rec;
            cc.funclet = f.base + h.handler;
            cc.parent_frame = f.parent_frame;
            cc.target_frame = f.frame;
            cc.try_low = tb.try_low;
            cc.catch_high = tb.catch_high;
            cc.unwind_help = f.unwind_help;
            cc.n_continuations = h.n_continuations;
            for (int k = 0; k < h.n_continuations; k++) cc.continuation[k] = f.base + h.continuation[k];
            EXCEPTION_RECORD crec{};
            crec.ExceptionCode = STATUS_UNWIND_CONSOLIDATE;
            crec.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
            crec.NumberParameters = 4;
            crec.ExceptionInformation[0] = reinterpret_cast<ULONG_PTR>(&call_catch_block);
            crec.ExceptionInformation[1] = f.parent_frame;
            crec.ExceptionInformation[2] = reinterpret_cast<ULONG_PTR>(&cc);
            crec.ExceptionInformation[3] = ULONG_PTR(int64_t(tb.try_low));
            seh::unwind_to(f.frame, disp->ControlPc, &crec, 0, &cc.target_ctx, disp->HistoryTable, *ctx);
        }
    }
}

// Runs the unwind actions from state `from` down to (not including) `to`; returns the state reached.
int local_unwind(uintptr_t base, DWORD64 parent_frame, const std::vector<UnwindEntry>& map, int from, int to) {
    int s = from;
    while (s > to) {
        if (s < 0 || size_t(s) >= map.size()) {
            WR_WARN(seh, "C++: state {} outside the unwind map ({} entries)", s, map.size());
            terminate();
        }
        const UnwindEntry& e = map[size_t(s)];
        if (e.action) {
            void* fn = reinterpret_cast<void*>(base + e.action);
            void* frame = reinterpret_cast<void*>(parent_frame);
            WR_TRACE(seh, "C++: unwind state {} -> {}: {}", s, e.next, seh::describe_address(fn));
            switch (e.kind) {
            case UnwindKind::DtorObject:
                seh::call_scope_handler(fn, reinterpret_cast<void*>(parent_frame + DWORD64(int64_t(e.object))), frame);
                break;
            case UnwindKind::DtorPointer:
                seh::call_scope_handler(fn, *reinterpret_cast<void**>(parent_frame + DWORD64(int64_t(e.object))), frame);
                break;
            default: seh::call_scope_handler(fn, fn, frame); break;
            }
        }
        s = e.next;
    }
    return s;
}

[[noreturn]] void noexcept_violated() {
    WR_WARN(seh, "C++: an exception left a noexcept function");
    terminate();
}

}  // namespace

// ---- __CxxFrameHandler3 / __CxxFrameHandler ------------------------------------------------------
EXCEPTION_DISPOSITION WINAPI __CxxFrameHandler3(EXCEPTION_RECORD* rec, void* frame_p, CONTEXT* ctx,
                                                DISPATCHER_CONTEXT* disp) {
    uintptr_t base = disp->ImageBase;
    const auto& fi = *at<FuncInfo3>(base, *static_cast<const uint32_t*>(disp->HandlerData));
    uint32_t magic = fi.magic & 0x1FFFFFFF;
    if (magic < EH_MAGIC_1 || magic > EH_MAGIC_3) {
        WR_WARN(seh, "C++: FuncInfo with unknown magic {:#x}", fi.magic);
        return ExceptionContinueSearch;
    }
    bool ehs = magic >= EH_MAGIC_3 && (fi.eh_flags & FI_EHS);
    bool is_noexcept = magic >= EH_MAGIC_3 && (fi.eh_flags & FI_NOEXCEPT);
    if (ehs && rec->ExceptionCode != CXX_EXCEPTION && !is_our_consolidate(rec) && rec->ExceptionCode != STATUS_LONGJUMP)
        return ExceptionContinueSearch;  // /EHs code: SEH exceptions pass through without cleanups

    FrameInfo f{base, reinterpret_cast<DWORD64>(frame_p), reinterpret_cast<DWORD64>(frame_p), decode_try_blocks3(base, fi),
                nullptr, nullptr};
    uint32_t pc = uint32_t(disp->ControlPc - base);
    int state = ip_to_state3(base, fi, pc);
    int unwind_stop = -1;
    // A catch funclet shares its function's FuncInfo; it is recognised by its start address among the
    // handlers of the try block whose catch states hold the pc. Its variables live in the parent frame.
    for (size_t i = f.tries.size(); i-- > 0 && !f.in_catch;) {
        const TryBlock& tb = f.tries[i];
        if (state <= tb.try_high || state > tb.catch_high) continue;
        for (const Handler& h : tb.handlers) {
            if (h.handler != disp->FunctionEntry->BeginAddress) continue;
            f.in_catch = &tb;
            f.parent_frame = *reinterpret_cast<DWORD64*>(f.frame + DWORD64(int64_t(h.frame)));
            unwind_stop = tb.try_high;
            break;
        }
    }
    if (fi.unwind_help) f.unwind_help = reinterpret_cast<int32_t*>(f.parent_frame + DWORD64(int64_t(fi.unwind_help)));

    if (rec->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND)) {
        int to = unwind_stop;
        if (rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND)
            to = is_our_consolidate(rec) ? int(int64_t(rec->ExceptionInformation[3]))
                                         : ip_to_state3(base, fi, uint32_t(disp->TargetIp - base));
        int from = (f.unwind_help && f.unwind_help[0] != -2) ? f.unwind_help[0] : state;
        // Where the unwind stopped, for a later unwind of the same frame (e.g. out of a catch block).
        int s = local_unwind(base, f.parent_frame, decode_unwind_map3(base, fi), from, to);
        if (f.unwind_help) f.unwind_help[0] = s;
        return ExceptionContinueSearch;
    }
    if (f.tries.empty()) {
        if (is_noexcept && is_cxx(rec) && !f.in_catch) noexcept_violated();
        return ExceptionContinueSearch;
    }
    if (is_rethrow(rec)) substitute_rethrow(rec);

    // The highest state this exception has been seen in for this frame: coming out of a catch block
    // it is the catch block's state, although the parent's pc is still in the try block.
    if (f.unwind_help) {
        if (state > f.unwind_help[1]) f.unwind_help[0] = f.unwind_help[1] = state;
        else state = f.unwind_help[1];
    }
    find_catch(rec, ctx, disp, f, state);
    if (is_noexcept && is_cxx(rec) && !f.in_catch) noexcept_violated();
    return ExceptionContinueSearch;
}

// ---- __CxxFrameHandler4 -----------------------------------------------------------------------------
EXCEPTION_DISPOSITION WINAPI __CxxFrameHandler4(EXCEPTION_RECORD* rec, void* frame_p, CONTEXT* ctx,
                                                DISPATCHER_CONTEXT* disp) {
    uintptr_t base = disp->ImageBase;
    uint32_t func_rva = disp->FunctionEntry->BeginAddress;
    FuncInfo4 fi;
    if (!decode_func_info4(base, *static_cast<const uint32_t*>(disp->HandlerData), func_rva, fi)) {
        WR_WARN(seh, "C++: FuncInfo4 not understood (header {:#x})", *at<uint8_t>(base, *static_cast<const uint32_t*>(disp->HandlerData)));
        return ExceptionContinueSearch;
    }
    if ((fi.header & FI4_EHS) && rec->ExceptionCode != CXX_EXCEPTION && !is_our_consolidate(rec) &&
        rec->ExceptionCode != STATUS_LONGJUMP)
        return ExceptionContinueSearch;

    FrameInfo f{base, reinterpret_cast<DWORD64>(frame_p), reinterpret_cast<DWORD64>(frame_p), {}, nullptr, nullptr};
    bool is_catch = fi.header & FI4_IS_CATCH;
    if (is_catch) f.parent_frame = *reinterpret_cast<DWORD64*>(f.frame + fi.frame);
    int state = ip_to_state(decode_ip_map4(base, fi.ip_map, func_rva), uint32_t(disp->ControlPc - base));
    // Coming out of one of this frame's catch blocks: the parent's pc is still in the try block, but
    // the try block's objects are gone; the search goes on from the catch block's state.
    const ActiveCatch* left = nullptr;
    if (!is_catch)
        for (ActiveCatch* a = t_catches; a; a = a->outer)
            if (a->parent_frame == f.frame) {
                left = a;
                break;
            }

    if (rec->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND)) {
        int to = -1;
        if (rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND) {
            to = is_our_consolidate(rec)
                     ? int(int64_t(rec->ExceptionInformation[3]))
                     : ip_to_state(decode_ip_map4(base, fi.ip_map, func_rva), uint32_t(disp->TargetIp - base));
        }
        int from = left ? left->try_low : state;
        local_unwind(base, f.parent_frame, decode_unwind_map4(base, fi.unwind_map), from, to);
        return ExceptionContinueSearch;
    }
    if (!fi.try_block_map) {
        if ((fi.header & FI4_NOEXCEPT) && !is_catch && is_cxx(rec)) noexcept_violated();
        return ExceptionContinueSearch;
    }
    if (is_rethrow(rec)) substitute_rethrow(rec);
    f.tries = decode_try_blocks4(base, fi.try_block_map, func_rva);
    find_catch(rec, ctx, disp, f, left ? left->catch_high : state);
    if ((fi.header & FI4_NOEXCEPT) && !is_catch && is_cxx(rec)) noexcept_violated();
    return ExceptionContinueSearch;
}

// ---- terminate and friends ----------------------------------------------------------------------------
void CDECL terminate() {
    if (TerminateHandler h = g_terminate.load()) h();
    crt::abort();  // a terminate handler must not return; if it does, abort as MSVC's runtime does
}
TerminateHandler CDECL set_terminate(TerminateHandler h) { return g_terminate.exchange(h); }
TerminateHandler CDECL _get_terminate() { return g_terminate.load(); }
void CDECL unexpected() {
    if (TerminateHandler h = g_unexpected.load()) h();
    terminate();
}
TerminateHandler CDECL set_unexpected(TerminateHandler h) { return g_unexpected.exchange(h); }

int CDECL __uncaught_exception() { return t_uncaught > 0; }
int CDECL __uncaught_exceptions() { return t_uncaught; }

// For filters: a rethrow record becomes the record of the exception being rethrown.
BOOL CDECL __CxxDetectRethrow(EXCEPTION_POINTERS* ptrs) {
    if (!ptrs || !is_rethrow(ptrs->ExceptionRecord) || !t_catches) return FALSE;
    *ptrs->ExceptionRecord = t_catches->rec;
    return TRUE;
}

// The filter of C++ catch clauses compiled as SEH filters (managed code): EXCEPTION_EXECUTE_HANDLER (1)
// when the C++ exception matches `type` (nullptr: catch(...)), after copying it to *copy if given.
int CDECL __CxxExceptionFilter(EXCEPTION_POINTERS* ptrs, const TypeDescriptor* type, uint32_t adjectives, void** copy) {
    if (!ptrs) return 0;
    EXCEPTION_RECORD* rec = ptrs->ExceptionRecord;
    if (!type) return 1;
    if (!is_cxx(rec)) return 0;
    if (is_rethrow(rec)) {
        if (!t_catches) return 0;
        rec = &t_catches->rec;
    }
    const CatchableType* ct = match_catch(throw_info(rec), throw_base(rec), adjectives, type);
    if (!ct) return 0;
    if (copy) {
        Handler h;
        h.adjectives = adjectives;
        h.catch_obj = 1;  // any nonzero offset: the destination is `copy` itself
        copy_exception(reinterpret_cast<void*>(rec->ExceptionInformation[1]), reinterpret_cast<DWORD64>(copy) - 1, h,
                       type, ct, throw_base(rec));
    }
    return 1;
}

// ---- type_info -------------------------------------------------------------------------------------
void CDECL type_info_dtor(TypeDescriptor* self) {
    if (void* cached = std::exchange(self->spare, nullptr)) std::free(cached);
}

const char* CDECL type_info_name(TypeDescriptor* self) {
    auto* slot = reinterpret_cast<std::atomic<char*>*>(&self->spare);
    if (char* cached = slot->load()) return cached;
    std::string s = undecorate_type_name(self->name);
    char* mine = static_cast<char*>(std::malloc(s.size() + 1));
    if (!mine) return self->name;
    std::memcpy(mine, s.c_str(), s.size() + 1);
    char* expected = nullptr;
    if (!slot->compare_exchange_strong(expected, mine)) {  // another thread was first
        std::free(mine);
        return expected;
    }
    return mine;
}

const char* CDECL type_info_raw_name(const TypeDescriptor* self) { return self->name; }
int CDECL type_info_eq(const TypeDescriptor* self, const TypeDescriptor* other) {
    return self == other || std::strcmp(self->name + 1, other->name + 1) == 0;
}
int CDECL type_info_ne(const TypeDescriptor* self, const TypeDescriptor* other) { return !type_info_eq(self, other); }
int CDECL type_info_before(const TypeDescriptor* self, const TypeDescriptor* other) {
    return std::strcmp(self->name + 1, other->name + 1) < 0;
}

}  // namespace winrun::cxx

// ---- _CxxThrowException -----------------------------------------------------------------------------
extern "C" [[noreturn]] void winrun_cxx_throw_impl(void* object, const winrun::cxx::ThrowInfo* info, void*, void*,
                                                   winrun::win::CONTEXT* ctx, const winrun::win::DWORD64*) {
    using namespace winrun::win;
    using namespace winrun::cxx;
    drop_catches_below(ctx->Rsp);
    EXCEPTION_RECORD rec{};
    rec.ExceptionCode = CXX_EXCEPTION;
    rec.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    rec.ExceptionAddress = reinterpret_cast<void*>(ctx->Rip);
    rec.NumberParameters = 4;
    void* image = nullptr;
    if (info) winrun::k32::RtlPcToFileHeader(const_cast<ThrowInfo*>(info), &image);
    rec.ExceptionInformation[0] = (info && (info->attributes & TI_PURE)) ? EH_PURE_MAGIC : EH_MAGIC_1;
    rec.ExceptionInformation[1] = reinterpret_cast<ULONG_PTR>(object);
    rec.ExceptionInformation[2] = reinterpret_cast<ULONG_PTR>(info);
    rec.ExceptionInformation[3] = reinterpret_cast<ULONG_PTR>(image);
    t_uncaught++;
    WR_TRACE(seh, "C++: throw{} object {} from {}", info ? "" : " (rethrow)", object,
             winrun::seh::describe_address(rec.ExceptionAddress));
    winrun::seh::dispatch_exception(rec, *ctx);
}
WR_SEH_CAPTURING_ENTRY(winrun_CxxThrowException, winrun_cxx_throw_impl);

namespace winrun::crt {
using namespace winrun::cxx;
// msvcrt.dll (x64) has no __CxxFrameHandler4: that is vcruntime140_1.dll's.
WR_EXPORT_PART(msvcrt_cxx_eh, WR_EXPORT_NORELAY("_CxxThrowException", winrun_CxxThrowException),
               WR_EXPORT_NORELAY("__CxxFrameHandler", __CxxFrameHandler3),
               WR_EXPORT_NORELAY("__CxxFrameHandler3", __CxxFrameHandler3), WR_EXPORT(__CxxDetectRethrow),
               WR_EXPORT(__CxxExceptionFilter), WR_EXPORT(__uncaught_exception),
               WR_EXPORT_AS("?terminate@@YAXXZ", terminate),
               WR_EXPORT_AS("?set_terminate@@YAP6AXXZP6AXXZ@Z", set_terminate),
               WR_EXPORT_AS("?_get_terminate@@YAP6AXXZXZ", _get_terminate),
               WR_EXPORT_AS("?unexpected@@YAXXZ", unexpected),
               WR_EXPORT_AS("?set_unexpected@@YAP6AXXZP6AXXZ@Z", set_unexpected),
               WR_EXPORT_AS("??1type_info@@UEAA@XZ", type_info_dtor),
               WR_EXPORT_AS("?name@type_info@@QEBAPEBDXZ", type_info_name),
               WR_EXPORT_AS("?raw_name@type_info@@QEBAPEBDXZ", type_info_raw_name),
               WR_EXPORT_AS("??8type_info@@QEBAHAEBV0@@Z", type_info_eq),
               WR_EXPORT_AS("??9type_info@@QEBAHAEBV0@@Z", type_info_ne),
               WR_EXPORT_AS("?before@type_info@@QEBAHAEBV0@@Z", type_info_before));
}  // namespace winrun::crt
