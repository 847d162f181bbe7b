// MSVC C++ exception tables (libkernel32/msvcrt/cxx_eh_tables.cpp) on hand-built data: a fake image
// holds ThrowInfo / CatchableTypeArray / CatchableType / TypeDescriptor records and FH3/FH4 function
// tables at known RVAs; the tests check the catch-type matcher, pointer adjustment, the FH4 compressed
// integer and map decoders, IP-to-state lookup and type_info name undecoration.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "msvcrt/cxx_eh_tables.h"

using namespace winrun::cxx;

namespace {

struct FakeImage {
    alignas(16) uint8_t bytes[0x4000]{};
    uint32_t next = 0x100;
    uintptr_t base() const { return reinterpret_cast<uintptr_t>(bytes); }
    template <typename T>
    T* at(uint32_t rva) { return reinterpret_cast<T*>(bytes + rva); }
    uint32_t alloc(size_t n) {
        uint32_t r = next;
        next += uint32_t((n + 15) & ~size_t(15));
        return r;
    }
    uint32_t type(const char* decorated) {
        uint32_t r = alloc(16 + std::strlen(decorated) + 1);
        std::strcpy(at<TypeDescriptor>(r)->name, decorated);
        return r;
    }
    uint32_t catchable(uint32_t props, uint32_t td, PMD pmd, int32_t size) {
        uint32_t r = alloc(sizeof(CatchableType));
        *at<CatchableType>(r) = CatchableType{props, int32_t(td), pmd, size, 0};
        return r;
    }
    uint32_t throw_info(uint32_t attributes, std::vector<uint32_t> cts) {
        uint32_t arr = alloc(4 + 4 * cts.size());
        at<CatchableTypeArray>(arr)->count = int32_t(cts.size());
        for (size_t i = 0; i < cts.size(); i++) at<CatchableTypeArray>(arr)->types[i] = int32_t(cts[i]);
        uint32_t r = alloc(sizeof(ThrowInfo));
        *at<ThrowInfo>(r) = ThrowInfo{attributes, 0, 0, int32_t(arr)};
        return r;
    }
    uint32_t bytes_at(std::vector<uint8_t> b) {
        uint32_t r = alloc(b.size());
        std::memcpy(bytes + r, b.data(), b.size());
        return r;
    }
};

void put_u32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; i++) v.push_back(uint8_t(x >> (8 * i)));
}

constexpr PMD kNoAdjust{0, -1, 0};

}  // namespace

TEST_CASE("match_catch: class by value, by reference, base classes, catch(...)") {
    FakeImage img;
    // class Derived : public Base (Base at offset 8 in Derived)
    uint32_t td_derived = img.type(".?AVDerived@@");
    uint32_t td_base = img.type(".?AVBase@@");
    uint32_t td_other = img.type(".?AVOther@@");
    uint32_t ct_derived = img.catchable(0, td_derived, kNoAdjust, 24);
    uint32_t ct_base = img.catchable(0, td_base, PMD{8, -1, 0}, 16);
    uint32_t ti = img.throw_info(0, {ct_derived, ct_base});
    const auto* info = img.at<ThrowInfo>(ti);
    uintptr_t b = img.base();

    CHECK(match_catch(info, b, 0, img.at<TypeDescriptor>(td_derived)) == img.at<CatchableType>(ct_derived));
    CHECK(match_catch(info, b, HT_REFERENCE, img.at<TypeDescriptor>(td_base)) == img.at<CatchableType>(ct_base));
    CHECK(match_catch(info, b, HT_CONST | HT_REFERENCE, img.at<TypeDescriptor>(td_base)) == img.at<CatchableType>(ct_base));
    CHECK(match_catch(info, b, 0, img.at<TypeDescriptor>(td_other)) == nullptr);
    CHECK(match_catch(info, b, 0, nullptr) == img.at<CatchableType>(ct_derived));  // catch(...)

    // The same type described in another module: matched by decorated name.
    FakeImage other;
    uint32_t td_copy = other.type(".?AVBase@@");
    CHECK(match_catch(info, b, 0, other.at<TypeDescriptor>(td_copy)) == img.at<CatchableType>(ct_base));

    // A by-reference-only type (abstract class) is not caught by value.
    img.at<CatchableType>(ct_base)->properties = CT_BY_REFERENCE_ONLY;
    CHECK(match_catch(info, b, 0, img.at<TypeDescriptor>(td_base)) == nullptr);
    CHECK(match_catch(info, b, HT_REFERENCE, img.at<TypeDescriptor>(td_base)) != nullptr);
}

TEST_CASE("match_catch: pointers and const/volatile qualification") {
    FakeImage img;
    uint32_t td_pchar = img.type(".PEAD");     // char*
    uint32_t td_pvoid = img.type(".PEAX");     // void*
    uint32_t ct_pchar = img.catchable(CT_SIMPLE_TYPE, td_pchar, kNoAdjust, 8);
    uint32_t ct_pvoid = img.catchable(CT_SIMPLE_TYPE, td_pvoid, kNoAdjust, 8);
    uintptr_t b = img.base();

    // throw (char*)p: caught as char*, const char*, void*
    const auto* plain = img.at<ThrowInfo>(img.throw_info(0, {ct_pchar, ct_pvoid}));
    CHECK(match_catch(plain, b, 0, img.at<TypeDescriptor>(td_pchar)) == img.at<CatchableType>(ct_pchar));
    CHECK(match_catch(plain, b, HT_CONST, img.at<TypeDescriptor>(td_pchar)) == img.at<CatchableType>(ct_pchar));
    CHECK(match_catch(plain, b, 0, img.at<TypeDescriptor>(td_pvoid)) == img.at<CatchableType>(ct_pvoid));

    // throw (const char*)p: not caught as char*, caught as const char* and const volatile char*
    const auto* cptr = img.at<ThrowInfo>(img.throw_info(TI_CONST, {ct_pchar, ct_pvoid}));
    CHECK(match_catch(cptr, b, 0, img.at<TypeDescriptor>(td_pchar)) == nullptr);
    CHECK(match_catch(cptr, b, HT_CONST, img.at<TypeDescriptor>(td_pchar)) == img.at<CatchableType>(ct_pchar));
    CHECK(match_catch(cptr, b, HT_CONST | HT_VOLATILE, img.at<TypeDescriptor>(td_pchar)) != nullptr);

    // throw (volatile char*)p: needs volatile
    const auto* vptr = img.at<ThrowInfo>(img.throw_info(TI_VOLATILE, {ct_pchar}));
    CHECK(match_catch(vptr, b, HT_CONST, img.at<TypeDescriptor>(td_pchar)) == nullptr);
    CHECK(match_catch(vptr, b, HT_VOLATILE, img.at<TypeDescriptor>(td_pchar)) != nullptr);

    // int is not long
    uint32_t td_int = img.type(".H"), td_long = img.type(".J");
    const auto* thrown_int = img.at<ThrowInfo>(img.throw_info(0, {img.catchable(CT_SIMPLE_TYPE, td_int, kNoAdjust, 4)}));
    CHECK(match_catch(thrown_int, b, 0, img.at<TypeDescriptor>(td_long)) == nullptr);
    CHECK(match_catch(thrown_int, b, 0, img.at<TypeDescriptor>(td_int)) != nullptr);
}

TEST_CASE("adjust_pointer: plain and virtual bases") {
    alignas(8) char object[64]{};
    CHECK(adjust_pointer(object, PMD{16, -1, 0}) == object + 16);
    CHECK(adjust_pointer(nullptr, PMD{16, -1, 0}) == nullptr);
    // A virtual base: the object holds a vbtable pointer at pdisp 8; the vbtable's entry at vdisp 4
    // says the base is 40 bytes after the vbtable pointer.
    int32_t vbtable[2] = {-8, 40};
    const int32_t* vbt = vbtable;
    std::memcpy(object + 8, &vbt, sizeof vbt);
    CHECK(adjust_pointer(object, PMD{0, 8, 4}) == object + 8 + 40);
    CHECK(adjust_pointer(object, PMD{4, 8, 4}) == object + 4 + 8 + 40);
}

TEST_CASE("FH4 compressed integers") {
    auto dec = [](std::vector<uint8_t> b, size_t* used) {
        const uint8_t* p = b.data();
        uint32_t v = read_compressed(p);
        *used = size_t(p - b.data());
        return v;
    };
    size_t n;
    CHECK(dec({0x00}, &n) == 0);
    CHECK(n == 1);
    CHECK(dec({0xFE}, &n) == 127);
    CHECK(n == 1);
    CHECK(dec({0x01 | (200 & 0x3F) << 2, 200 >> 6}, &n) == 200);  // 2 bytes
    CHECK(n == 2);
    uint32_t v3 = 0x12345;  // 3 bytes: 21 bits
    CHECK(dec({uint8_t(0x03 | (v3 & 0x1F) << 3), uint8_t(v3 >> 5), uint8_t(v3 >> 13)}, &n) == v3);
    CHECK(n == 3);
    uint32_t v4 = 0x0ABCDEF;  // 4 bytes: 28 bits
    CHECK(dec({uint8_t(0x07 | (v4 & 0x0F) << 4), uint8_t(v4 >> 4), uint8_t(v4 >> 12), uint8_t(v4 >> 20)}, &n) == v4);
    CHECK(n == 4);
    CHECK(dec({0x0F, 0x78, 0x56, 0x34, 0xF2}, &n) == 0xF2345678u);  // 5 bytes: a whole 32-bit value
    CHECK(n == 5);
}

TEST_CASE("FH4 FuncInfo, unwind map, try blocks with handlers, IP-to-state map") {
    FakeImage img;
    const uint32_t func = 0x1000;
    uint32_t td_int = img.type(".H");

    // Unwind map: state 0 (none, -> -1), state 1 (destructor of the object at +0x20, -> 0),
    // state 2 (funclet, -> 1), state 3 (destructor through the pointer at +0x28, -> 1).
    std::vector<uint8_t> um = {4 << 1};          // count 4
    size_t e0 = um.size();
    um.push_back(uint8_t((0 << 2 | 0) << 1));     // back 0 (-1), type 0
    size_t e1 = um.size();
    um.push_back(uint8_t((uint32_t(e1 - e0) << 2 | 1) << 1));
    put_u32(um, 0x2100);
    um.push_back(0x20 << 1);
    size_t e2 = um.size();
    um.push_back(uint8_t((uint32_t(e2 - e1) << 2 | 3) << 1));
    put_u32(um, 0x2200);
    size_t e3 = um.size();
    um.push_back(uint8_t((uint32_t(e3 - e1) << 2 | 2) << 1));
    put_u32(um, 0x2300);
    um.push_back(0x28 << 1);
    uint32_t um_rva = img.bytes_at(um);

    // Handlers: catch(int& e) at frame +0x40 with one continuation (an offset from the function),
    // then catch(...) with two continuations as RVAs.
    std::vector<uint8_t> hs = {2 << 1};
    hs.push_back(HT4_ADJECTIVES | HT4_TYPE | HT4_CATCH_OBJ | (1 << HT4_CONT_SHIFT));
    hs.push_back(uint8_t(HT_REFERENCE << 1));
    put_u32(hs, td_int);
    hs.push_back(0x40 << 1);
    put_u32(hs, 0x3000);  // funclet
    hs.push_back(0x30 << 1);  // continuation: func + 0x30
    hs.push_back(HT4_CONT_IS_RVA | (2 << HT4_CONT_SHIFT));
    put_u32(hs, 0x3100);
    put_u32(hs, 0x1050);
    put_u32(hs, 0x1060);
    uint32_t hs_rva = img.bytes_at(hs);

    std::vector<uint8_t> tb = {1 << 1, 1 << 1, 2 << 1, 3 << 1};  // one try block: states 1..2, catch up to 3
    put_u32(tb, hs_rva);
    uint32_t tb_rva = img.bytes_at(tb);

    // IP map: +0 -> -1, +0x10 -> 1, +0x20 -> 2, +0x40 -> -1 (states stored +1, ips as deltas)
    uint32_t ip_rva = img.bytes_at({4 << 1, 0, 0, 0x10 << 1, 2 << 1, 0x10 << 1, 3 << 1, 0x20 << 1, 0});

    std::vector<uint8_t> fi = {FI4_UNWIND_MAP | FI4_TRY_BLOCK_MAP | FI4_EHS};
    put_u32(fi, um_rva);
    put_u32(fi, tb_rva);
    put_u32(fi, ip_rva);
    uint32_t fi_rva = img.bytes_at(fi);

    FuncInfo4 f;
    REQUIRE(decode_func_info4(img.base(), fi_rva, func, f));
    CHECK(f.header == (FI4_UNWIND_MAP | FI4_TRY_BLOCK_MAP | FI4_EHS));
    CHECK(f.unwind_map == um_rva);
    CHECK(f.try_block_map == tb_rva);
    CHECK(f.ip_map == ip_rva);

    auto map = decode_unwind_map4(img.base(), f.unwind_map);
    REQUIRE(map.size() == 4);
    CHECK(map[0].next == -1);
    CHECK(map[0].kind == UnwindKind::None);
    CHECK(map[1].next == 0);
    CHECK(map[1].kind == UnwindKind::DtorObject);
    CHECK(map[1].action == 0x2100);
    CHECK(map[1].object == 0x20);
    CHECK(map[2].next == 1);
    CHECK(map[2].kind == UnwindKind::Funclet);
    CHECK(map[2].action == 0x2200);
    CHECK(map[3].next == 1);
    CHECK(map[3].kind == UnwindKind::DtorPointer);
    CHECK(map[3].object == 0x28);

    auto tries = decode_try_blocks4(img.base(), f.try_block_map, func);
    REQUIRE(tries.size() == 1);
    CHECK(tries[0].try_low == 1);
    CHECK(tries[0].try_high == 2);
    CHECK(tries[0].catch_high == 3);
    REQUIRE(tries[0].handlers.size() == 2);
    const Handler& h0 = tries[0].handlers[0];
    CHECK(h0.adjectives == HT_REFERENCE);
    CHECK(h0.type == int32_t(td_int));
    CHECK(h0.catch_obj == 0x40);
    CHECK(h0.handler == 0x3000);
    CHECK(h0.n_continuations == 1);
    CHECK(h0.continuation[0] == func + 0x30);
    const Handler& h1 = tries[0].handlers[1];
    CHECK(h1.type == 0);
    CHECK(h1.handler == 0x3100);
    CHECK(h1.n_continuations == 2);
    CHECK(h1.continuation[0] == 0x1050);
    CHECK(h1.continuation[1] == 0x1060);

    auto ips = decode_ip_map4(img.base(), f.ip_map, func);
    REQUIRE(ips.size() == 4);
    CHECK(ip_to_state(ips, func - 1) == -1);
    CHECK(ip_to_state(ips, func + 0x0F) == -1);
    CHECK(ip_to_state(ips, func + 0x10) == 1);
    CHECK(ip_to_state(ips, func + 0x25) == 2);
    CHECK(ip_to_state(ips, func + 0x40) == -1);
}

TEST_CASE("FH4 separated IP maps and catch funclet descriptors") {
    FakeImage img;
    uint32_t map_a = img.bytes_at({1 << 1, 0, 1 << 1});        // one entry: state 0 from the start
    uint32_t map_b = img.bytes_at({1 << 1, 4 << 1, 3 << 1});   // state 2 from +4
    std::vector<uint8_t> sep = {2 << 1};
    put_u32(sep, 0x1000);
    put_u32(sep, map_a);
    put_u32(sep, 0x1800);
    put_u32(sep, map_b);
    uint32_t sep_rva = img.bytes_at(sep);
    std::vector<uint8_t> fi = {FI4_IS_CATCH | FI4_IS_SEPARATED};
    put_u32(fi, sep_rva);
    fi.push_back(0x38 << 1);  // the parent's frame pointer at funclet frame + 0x38
    uint32_t fi_rva = img.bytes_at(fi);

    FuncInfo4 f;
    REQUIRE(decode_func_info4(img.base(), fi_rva, 0x1800, f));
    CHECK(f.ip_map == map_b);
    CHECK(f.frame == 0x38);
    CHECK(f.unwind_map == 0);
    CHECK(f.try_block_map == 0);
    CHECK(ip_to_state(decode_ip_map4(img.base(), f.ip_map, 0x1800), 0x1805) == 2);
    REQUIRE(decode_func_info4(img.base(), fi_rva, 0x1000, f));
    CHECK(f.ip_map == map_a);
    CHECK_FALSE(decode_func_info4(img.base(), fi_rva, 0x2000, f));  // no map for that piece
}

TEST_CASE("FH3 tables in the common form") {
    FakeImage img;
    uint32_t um = img.alloc(3 * sizeof(UnwindMapEntry3));
    img.at<UnwindMapEntry3>(um)[0] = {-1, 0x2000};
    img.at<UnwindMapEntry3>(um)[1] = {0, 0};
    img.at<UnwindMapEntry3>(um)[2] = {0, 0x2010};
    uint32_t hs = img.alloc(sizeof(HandlerType3));
    *img.at<HandlerType3>(hs) = {HT_CONST | HT_REFERENCE, 0x500, 0x48, 0x3000, 0x38};
    uint32_t tb = img.alloc(sizeof(TryBlockMapEntry3));
    *img.at<TryBlockMapEntry3>(tb) = {1, 1, 2, 1, int32_t(hs)};
    uint32_t ip = img.alloc(3 * sizeof(IpToStateEntry3));
    img.at<IpToStateEntry3>(ip)[0] = {0x1000, -1};
    img.at<IpToStateEntry3>(ip)[1] = {0x1010, 0};
    img.at<IpToStateEntry3>(ip)[2] = {0x1020, 1};
    FuncInfo3 fi{EH_MAGIC_3, 3, int32_t(um), 1, int32_t(tb), 3, int32_t(ip), 0x50, 0, FI_EHS};

    auto map = decode_unwind_map3(img.base(), fi);
    REQUIRE(map.size() == 3);
    CHECK(map[0].next == -1);
    CHECK(map[0].kind == UnwindKind::Funclet);
    CHECK(map[1].kind == UnwindKind::None);
    CHECK(map[2].action == 0x2010);
    auto tries = decode_try_blocks3(img.base(), fi);
    REQUIRE(tries.size() == 1);
    REQUIRE(tries[0].handlers.size() == 1);
    CHECK(tries[0].handlers[0].frame == 0x38);
    CHECK(tries[0].handlers[0].catch_obj == 0x48);
    CHECK(ip_to_state3(img.base(), fi, 0x0FFF) == -1);
    CHECK(ip_to_state3(img.base(), fi, 0x1010) == 0);
    CHECK(ip_to_state3(img.base(), fi, 0x101F) == 0);
    CHECK(ip_to_state3(img.base(), fi, 0x5000) == 1);
}

TEST_CASE("type_info names from decorated names") {
    CHECK(undecorate_type_name(".?AVCSystemException@@") == "class CSystemException");
    CHECK(undecorate_type_name(".?AUPoint@geo@@") == "struct geo::Point");
    CHECK(undecorate_type_name(".?AVbad_alloc@std@@") == "class std::bad_alloc");
    CHECK(undecorate_type_name(".?AW4Color@@") == "enum Color");
    CHECK(undecorate_type_name(".H") == "int");
    CHECK(undecorate_type_name("._K") == "unsigned __int64");
    CHECK(undecorate_type_name(".PEAD") == "char * __ptr64");
    CHECK(undecorate_type_name(".PEBD") == "char const * __ptr64");
    CHECK(undecorate_type_name(".PEAVFoo@@") == "class Foo * __ptr64");
    // Templates are not undecorated: the decorated name comes back without its dot.
    CHECK(undecorate_type_name(".?AV?$vector@HV?$allocator@H@std@@@std@@") == "?AV?$vector@HV?$allocator@H@std@@@std@@");
}
