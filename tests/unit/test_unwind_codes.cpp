// The x64 unwind-code interpreter (libkernel32/ntdll/unwind_codes.cpp) on hand-built functions: a
// fake image holds the code bytes, UNWIND_INFO and RUNTIME_FUNCTION entries; a fake stack holds
// what the prolog would have pushed. Encodings from Microsoft's "x64 exception handling" docs.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "ntdll/unwind_codes.h"

using namespace winrun::win;
using namespace winrun::seh;

namespace {

struct FakeImage {
    alignas(16) uint8_t bytes[0x2000]{};
    DWORD64 base() const { return reinterpret_cast<DWORD64>(bytes); }
    void code(DWORD rva, std::initializer_list<uint8_t> b) { std::memcpy(bytes + rva, b.begin(), b.size()); }
    // UNWIND_INFO at rva: version 1, flags, prolog size, frame register/offset, then the codes
    // (pairs of {offset, op | info << 4} or raw 16-bit slots), then `tail` 32-bit words.
    void unwind_info(DWORD rva, uint8_t flags, uint8_t prolog, uint8_t frame_reg, uint8_t frame_off,
                     std::vector<uint16_t> slots, std::vector<uint32_t> tail = {}) {
        uint8_t* p = bytes + rva;
        p[0] = uint8_t(1 | (flags << 3));
        p[1] = prolog;
        p[2] = uint8_t(slots.size());
        p[3] = uint8_t(frame_reg | (frame_off << 4));
        std::memcpy(p + 4, slots.data(), slots.size() * 2);
        size_t at = 4 + ((slots.size() + 1) & ~size_t(1)) * 2;
        std::memcpy(p + at, tail.data(), tail.size() * 4);
    }
    RUNTIME_FUNCTION* function(DWORD rva, DWORD begin, DWORD end, DWORD info) {
        auto* f = reinterpret_cast<RUNTIME_FUNCTION*>(bytes + rva);
        *f = {begin, end, info};
        return f;
    }
};

uint16_t op(uint8_t offset, uint8_t code, uint8_t info) { return uint16_t(offset | ((code | (info << 4)) << 8)); }

struct FakeStack {
    alignas(16) uint64_t words[1024]{};
    DWORD64 at(int i) { return reinterpret_cast<DWORD64>(&words[512 + i]); }  // byte address of slot i
    uint64_t& slot(int i) { return words[512 + i]; }
};

constexpr int RBX = 3, RBP = 5, RSI = 6;

}  // namespace

TEST_CASE("push/alloc prolog: body, prolog and epilogue", "[unwind]") {
    FakeImage img;
    // push rbp; push rbx; sub rsp, 0x28; body: nop...; epilogue: add rsp, 0x28; pop rbx; pop rbp; ret
    img.code(0x100, {0x55, 0x53, 0x48, 0x83, 0xEC, 0x28, 0x90, 0x90, 0x90, 0x90, 0x48, 0x83, 0xC4, 0x28, 0x5B, 0x5D, 0xC3});
    img.unwind_info(0x800, 0, 6, 0, 0, {op(6, UWOP_ALLOC_SMALL, 4), op(2, UWOP_PUSH_NONVOL, RBX), op(1, UWOP_PUSH_NONVOL, RBP)});
    RUNTIME_FUNCTION* fn = img.function(0x1000, 0x100, 0x111, 0x800);
    FakeStack st;
    // [S, S+0x28) locals, S+0x28 rbx, S+0x30 rbp, S+0x38 the return address
    st.slot(5) = 0xB0B0;
    st.slot(6) = 0xBEBE;
    st.slot(7) = 0x401234;

    SECTION("in the body") {
        CONTEXT c{};
        c.Rsp = st.at(0);
        c.Rip = img.base() + 0x107;
        UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, fn, c, nullptr);
        CHECK(r.ok);
        CHECK_FALSE(r.in_epilogue);
        CHECK(r.establisher_frame == st.at(0));
        CHECK(c.Rip == 0x401234);
        CHECK(c.Rsp == st.at(8));
        CHECK(c.Rbx == 0xB0B0);
        CHECK(c.Rbp == 0xBEBE);
    }
    SECTION("in the prolog, after the two pushes only") {
        CONTEXT c{};
        c.Rsp = st.at(5);  // pushes done, no allocation yet
        c.Rip = img.base() + 0x102;
        UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, fn, c, nullptr);
        CHECK(r.ok);
        CHECK(c.Rip == 0x401234);
        CHECK(c.Rsp == st.at(8));
        CHECK(c.Rbx == 0xB0B0);
    }
    SECTION("at each instruction of the epilogue") {
        struct { DWORD rva; int sp; } points[] = {{0x10A, 0}, {0x10E, 5}, {0x10F, 6}, {0x110, 7}};
        for (auto p : points) {
            CONTEXT c{};
            c.Rsp = st.at(p.sp);
            c.Rbx = p.sp >= 6 ? 0xB0B0 : 0;  // already popped
            c.Rbp = p.sp >= 7 ? 0xBEBE : 0;
            c.Rip = img.base() + p.rva;
            KNONVOLATILE_CONTEXT_POINTERS ptrs{};
            UnwindResult r = virtual_unwind(UNW_FLAG_EHANDLER, img.base(), c.Rip, fn, c, &ptrs);
            INFO("rva " << std::hex << p.rva);
            CHECK(r.in_epilogue);
            CHECK(r.handler == nullptr);
            CHECK(c.Rip == 0x401234);
            CHECK(c.Rsp == st.at(8));
            CHECK(c.Rbx == 0xB0B0);
            CHECK(c.Rbp == 0xBEBE);
            if (p.sp == 0) CHECK(ptrs.IntegerContext[RBX] == &st.slot(5));
        }
    }
}

TEST_CASE("frame pointer: SET_FPREG and a moved rsp", "[unwind]") {
    FakeImage img;
    // push rbp; sub rsp, 0x20; lea rbp, [rsp+0x10]; body (alloca moved rsp); epilogue: lea rsp, [rbp+0x10]; pop rbp; ret
    img.code(0x100, {0x55, 0x48, 0x83, 0xEC, 0x20, 0x48, 0x8D, 0x6C, 0x24, 0x10, 0x90, 0x90,
                     0x48, 0x8D, 0x65, 0x10, 0x5D, 0xC3});
    img.unwind_info(0x800, 0, 10, RBP, 1,
                    {op(10, UWOP_SET_FPREG, 0), op(5, UWOP_ALLOC_SMALL, 3), op(1, UWOP_PUSH_NONVOL, RBP)});
    RUNTIME_FUNCTION* fn = img.function(0x1000, 0x100, 0x112, 0x800);
    FakeStack st;
    // S: bottom of the fixed frame; rbp = S+0x10; S+0x20 saved rbp; S+0x28 return address
    st.slot(4) = 0xBEBE;
    st.slot(5) = 0x405678;
    CONTEXT c{};
    c.Rsp = st.at(-64);  // alloca'd below the frame
    c.Rbp = st.at(2);
    c.Rip = img.base() + 0x10A;
    UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, fn, c, nullptr);
    CHECK(r.ok);
    CHECK(r.establisher_frame == st.at(0));
    CHECK(c.Rip == 0x405678);
    CHECK(c.Rsp == st.at(6));
    CHECK(c.Rbp == 0xBEBE);

    // In the epilogue (lea rsp, [rbp+0x10] form).
    CONTEXT e{};
    e.Rsp = st.at(-64);
    e.Rbp = st.at(2);
    e.Rip = img.base() + 0x10C;
    r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), e.Rip, fn, e, nullptr);
    CHECK(r.in_epilogue);
    CHECK(e.Rip == 0x405678);
    CHECK(e.Rsp == st.at(6));
    CHECK(e.Rbp == 0xBEBE);

    // In the prolog before SET_FPREG: the establisher frame is rsp.
    CONTEXT p{};
    p.Rsp = st.at(0);
    p.Rbp = 0x1111;
    p.Rip = img.base() + 0x105;
    r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), p.Rip, fn, p, nullptr);
    CHECK(r.establisher_frame == st.at(0));
    CHECK(p.Rip == 0x405678);
    CHECK(p.Rbp == 0xBEBE);
}

TEST_CASE("ALLOC_LARGE, SAVE_NONVOL, SAVE_XMM128 and the FAR forms", "[unwind]") {
    FakeImage img;
    // sub rsp, 0x1000; mov [rsp+0x20], rsi; movaps [rsp+0x30], xmm6; body
    img.code(0x100, {0x48, 0x81, 0xEC, 0x00, 0x10, 0x00, 0x00, 0x48, 0x89, 0x74, 0x24, 0x20, 0x0F, 0x29, 0x74, 0x24,
                     0x30, 0x90, 0x90});
    img.unwind_info(0x800, 0, 17, 0, 0,
                    {op(17, UWOP_SAVE_XMM128, 6), 3, op(12, UWOP_SAVE_NONVOL, RSI), 4, op(7, UWOP_ALLOC_LARGE, 0), 0x200});
    RUNTIME_FUNCTION* fn = img.function(0x1000, 0x100, 0x113, 0x800);
    // The same with the 32-bit (FAR) forms.
    img.unwind_info(0x900, 0, 17, 0, 0,
                    {op(17, UWOP_SAVE_XMM128_FAR, 6), 0x30, 0, op(12, UWOP_SAVE_NONVOL_FAR, RSI), 0x20, 0,
                     op(7, UWOP_ALLOC_LARGE, 1), 0x1000, 0});
    RUNTIME_FUNCTION* fn_far = img.function(0x1010, 0x100, 0x113, 0x900);
    for (RUNTIME_FUNCTION* f : {fn, fn_far}) {
        std::vector<uint64_t> stack(0x1000 / 8 + 8);
        auto* s = reinterpret_cast<uint64_t*>((reinterpret_cast<uintptr_t>(stack.data()) + 15) & ~uintptr_t(15));
        s[0x20 / 8] = 0x5151;
        s[0x30 / 8] = 0x6666666666666666;
        s[0x38 / 8] = 0x7777777777777777;
        s[0x1000 / 8] = 0x409999;
        CONTEXT c{};
        c.Rsp = reinterpret_cast<DWORD64>(s);
        c.Rip = img.base() + 0x111;
        KNONVOLATILE_CONTEXT_POINTERS ptrs{};
        UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, f, c, &ptrs);
        CHECK(r.ok);
        CHECK(c.Rip == 0x409999);
        CHECK(c.Rsp == reinterpret_cast<DWORD64>(s) + 0x1008);
        CHECK(c.Rsi == 0x5151);
        M128A xmm6;
        std::memcpy(&xmm6, c.FltSave + 160 + 6 * 16, 16);
        CHECK(xmm6.Low == 0x6666666666666666);
        CHECK(uint64_t(xmm6.High) == 0x7777777777777777);
        CHECK(ptrs.FloatingContext[6] == reinterpret_cast<M128A*>(s + 6));
        CHECK(ptrs.IntegerContext[RSI] == s + 4);
    }
}

TEST_CASE("chained entries and handlers", "[unwind]") {
    FakeImage img;
    // Parent A: push rbx; sub rsp, 0x20 -- with an exception handler at rva 0x1800 and data after it.
    img.code(0x100, {0x53, 0x48, 0x83, 0xEC, 0x20, 0x90, 0x90, 0x90});
    img.unwind_info(0x800, UNW_FLAG_EHANDLER, 5, 0, 0, {op(5, UWOP_ALLOC_SMALL, 3), op(1, UWOP_PUSH_NONVOL, RBX)},
                    {0x1800, 0xDA7A});
    RUNTIME_FUNCTION* a = img.function(0x1000, 0x100, 0x108, 0x800);
    // Fragment B (a separate range of the same function): no codes of its own, chained to A.
    img.code(0x200, {0x90, 0x90, 0x90, 0x90});
    img.unwind_info(0x900, UNW_FLAG_CHAININFO, 0, 0, 0, {}, {0x100, 0x108, 0x800});
    RUNTIME_FUNCTION* b = img.function(0x100C, 0x200, 0x204, 0x900);
    FakeStack st;
    st.slot(4) = 0xB0B0;
    st.slot(5) = 0x40AAAA;

    CONTEXT c{};
    c.Rsp = st.at(0);
    c.Rip = img.base() + 0x202;
    UnwindResult r = virtual_unwind(UNW_FLAG_EHANDLER, img.base(), c.Rip, b, c, nullptr);
    CHECK(r.ok);
    CHECK(c.Rip == 0x40AAAA);
    CHECK(c.Rsp == st.at(6));
    CHECK(c.Rbx == 0xB0B0);
    CHECK(reinterpret_cast<DWORD64>(r.handler) == img.base() + 0x1800);
    REQUIRE(r.handler_data != nullptr);
    CHECK(*static_cast<uint32_t*>(r.handler_data) == 0xDA7A);

    // The body of A: a handler for EHANDLER, none for UHANDLER (A has only an exception handler).
    CONTEXT d{};
    d.Rsp = st.at(0);
    d.Rip = img.base() + 0x106;
    r = virtual_unwind(UNW_FLAG_UHANDLER, img.base(), d.Rip, a, d, nullptr);
    CHECK(r.handler == nullptr);
    d = {};
    d.Rsp = st.at(0);
    d.Rip = img.base() + 0x106;
    r = virtual_unwind(UNW_FLAG_EHANDLER, img.base(), d.Rip, a, d, nullptr);
    CHECK(reinterpret_cast<DWORD64>(r.handler) == img.base() + 0x1800);
    // In the prolog no handler runs.
    d = {};
    d.Rsp = st.at(4);
    d.Rip = img.base() + 0x101;
    r = virtual_unwind(UNW_FLAG_EHANDLER, img.base(), d.Rip, a, d, nullptr);
    CHECK(r.handler == nullptr);
    CHECK(d.Rip == 0x40AAAA);
}

TEST_CASE("PUSH_MACHFRAME", "[unwind]") {
    FakeImage img;
    img.code(0x100, {0x90, 0x90});
    img.unwind_info(0x800, 0, 0, 0, 0, {op(0, UWOP_PUSH_MACHFRAME, 0)});
    RUNTIME_FUNCTION* fn = img.function(0x1000, 0x100, 0x102, 0x800);
    img.unwind_info(0x900, 0, 0, 0, 0, {op(0, UWOP_PUSH_MACHFRAME, 1)});
    RUNTIME_FUNCTION* fn_err = img.function(0x100C, 0x100, 0x102, 0x900);
    FakeStack st;
    // rip, cs, eflags, rsp, ss (after an error code in the second case)
    uint64_t frame[] = {0x40BBBB, 0x33, 0x246, 0x7FFF0000, 0x2B};
    std::memcpy(&st.slot(0), frame, sizeof frame);
    CONTEXT c{};
    c.Rsp = st.at(0);
    c.Rip = img.base() + 0x101;
    virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, fn, c, nullptr);
    CHECK(c.Rip == 0x40BBBB);
    CHECK(c.Rsp == 0x7FFF0000);

    st.slot(9) = 0xE;  // error code
    std::memcpy(&st.slot(10), frame, sizeof frame);
    CONTEXT e{};
    e.Rsp = st.at(9);
    e.Rip = img.base() + 0x101;
    virtual_unwind(UNW_FLAG_NHANDLER, img.base(), e.Rip, fn_err, e, nullptr);
    CHECK(e.Rip == 0x40BBBB);
    CHECK(e.Rsp == 0x7FFF0000);
}

TEST_CASE("a jmp inside the function is not an epilogue; a tail call out of it is", "[unwind]") {
    FakeImage img;
    // push rbx; body: jmp to 0x101 (inside); epilogue: pop rbx; jmp far away (tail call)
    img.code(0x100, {0x53, 0xEB, 0xFE, 0x5B, 0xE9, 0x00, 0x10, 0x00, 0x00});
    img.unwind_info(0x800, 0, 1, 0, 0, {op(1, UWOP_PUSH_NONVOL, RBX)});
    RUNTIME_FUNCTION* fn = img.function(0x1000, 0x100, 0x109, 0x800);
    FakeStack st;
    st.slot(0) = 0xB0B0;
    st.slot(1) = 0x40CCCC;
    CONTEXT c{};
    c.Rsp = st.at(0);
    c.Rip = img.base() + 0x101;
    UnwindResult r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), c.Rip, fn, c, nullptr);
    CHECK_FALSE(r.in_epilogue);
    CHECK(c.Rip == 0x40CCCC);
    CHECK(c.Rbx == 0xB0B0);

    CONTEXT t{};
    t.Rsp = st.at(0);
    t.Rip = img.base() + 0x103;
    r = virtual_unwind(UNW_FLAG_NHANDLER, img.base(), t.Rip, fn, t, nullptr);
    CHECK(r.in_epilogue);
    CHECK(t.Rip == 0x40CCCC);
    CHECK(t.Rbx == 0xB0B0);
}
