// The data MSVC emits for C++ exceptions on x64, and the pure functions that read it: the catch-type
// matcher, the FuncInfo readers (FH3's plain tables and FH4's compressed ones) and type_info name
// undecoration. No exception machinery here (that is cxx_eh.cpp), so the unit tests can run these
// functions on hand-built tables.
//
// Every pointer in these structures is an RVA (a 32-bit offset from an image base): ThrowInfo and
// its catchable types are relative to the image that threw (the 4th parameter of the exception
// record), FuncInfo and its maps to the image of the function being handled.
// Layouts: Microsoft's ehdata.h / ehdata4.h as described publicly (LLVM MicrosoftCXXABI.cpp, Wine).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace winrun::cxx {

constexpr uint32_t CXX_EXCEPTION = 0xE06D7363;  // 'msc' | 0xE0000000
// ExceptionInformation[0] of a C++ exception record.
constexpr uint32_t EH_MAGIC_1 = 0x19930520, EH_MAGIC_2 = 0x19930521, EH_MAGIC_3 = 0x19930522;
constexpr uint32_t EH_PURE_MAGIC = 0x01994000;  // /clr:pure

// ---- what a throw carries --------------------------------------------------------------------
struct PMD {           // how to get from the thrown object to a (base class) sub-object
    int32_t mdisp;     // member displacement
    int32_t pdisp;     // vbtable displacement, -1 when the base is not virtual
    int32_t vdisp;     // displacement inside the vbtable
};

struct TypeDescriptor {  // the in-image type_info object
    const void* vftable;
    void* spare;         // type_info::name() caches the undecorated name here
    char name[1];        // decorated: ".?AVfoo@@", ".H", ".PEAD" ...
};
static_assert(offsetof(TypeDescriptor, name) == 16);

constexpr uint32_t CT_SIMPLE_TYPE = 1, CT_BY_REFERENCE_ONLY = 2, CT_HAS_VIRTUAL_BASE = 4;
struct CatchableType {
    uint32_t properties;
    int32_t type;        // RVA of the TypeDescriptor
    PMD this_displacement;
    int32_t size;
    int32_t copy_ctor;   // RVA, 0 for a bitwise copy
};
static_assert(sizeof(CatchableType) == 28);

struct CatchableTypeArray {
    int32_t count;
    int32_t types[1];    // RVAs of CatchableType: the thrown type first, then its bases (and void* ...)
};

constexpr uint32_t TI_CONST = 1, TI_VOLATILE = 2, TI_UNALIGNED = 4, TI_PURE = 8;
struct ThrowInfo {
    uint32_t attributes;
    int32_t unwind;           // RVA of the thrown object's destructor
    int32_t forward_compat;
    int32_t catchable_types;  // RVA of the CatchableTypeArray
};
static_assert(sizeof(ThrowInfo) == 16);

// ---- FH3 (__CxxFrameHandler3, msvcrt's __CxxFrameHandler): plain arrays -----------------------
struct FuncInfo3 {
    uint32_t magic;           // EH_MAGIC_1..3 in the low 29 bits, BBT flags above
    int32_t max_state;        // entries of the unwind map
    int32_t unwind_map;       // RVA of UnwindMapEntry3[max_state]
    uint32_t n_try_blocks;
    int32_t try_block_map;    // RVA of TryBlockMapEntry3[]
    uint32_t n_ip_map;
    int32_t ip_map;           // RVA of IpToStateEntry3[] (sorted by ip)
    int32_t unwind_help;      // frame offset of two ints the handler keeps its state in (-2 / -1 at entry)
    int32_t es_type_list;     // EH_MAGIC_2 and later
    int32_t eh_flags;         // EH_MAGIC_3: bit 0 = /EHs (C++ exceptions only), bit 2 = noexcept
};
constexpr int32_t FI_EHS = 1, FI_NOEXCEPT = 4;
struct UnwindMapEntry3 {
    int32_t to_state;
    int32_t action;           // RVA of the cleanup funclet, 0 for none
};
struct TryBlockMapEntry3 {
    int32_t try_low, try_high, catch_high, n_catches;
    int32_t handler_array;    // RVA of HandlerType3[n_catches]
};
struct HandlerType3 {
    uint32_t adjectives;      // HT_* below
    int32_t type;             // RVA of the TypeDescriptor, 0 for catch(...)
    int32_t catch_obj;        // frame offset of the catch object, 0 for none
    int32_t handler;          // RVA of the catch funclet
    int32_t frame;            // offset of the parent's frame pointer in the funclet's frame
};
struct IpToStateEntry3 {
    int32_t ip;               // RVA
    int32_t state;
};
constexpr uint32_t HT_CONST = 1, HT_VOLATILE = 2, HT_UNALIGNED = 4, HT_REFERENCE = 8, HT_RESUMABLE = 0x10,
                   HT_STD_DOTDOT = 0x40;

// ---- the tables of one frame, decoded into one form for both formats -------------------------
struct Handler {
    uint32_t adjectives = 0;
    int32_t type = 0;         // RVA of the TypeDescriptor (0: catch(...))
    int32_t catch_obj = 0;
    uint32_t handler = 0;     // RVA of the catch funclet
    int32_t frame = 0;        // FH3 only
    uint32_t continuation[2] = {0, 0};  // FH4: RVAs of the continuation addresses (0: from the funclet)
    int n_continuations = 0;
};
struct TryBlock {
    int try_low = 0, try_high = 0, catch_high = 0;
    std::vector<Handler> handlers;
};
enum class UnwindKind : uint8_t { None, Funclet, DtorObject, DtorPointer };
struct UnwindEntry {
    int next = -1;            // the state this one unwinds to
    UnwindKind kind = UnwindKind::None;
    uint32_t action = 0;      // RVA
    int32_t object = 0;       // frame offset of the object (or of the pointer to it)
};
struct IpState {
    uint32_t ip;              // RVA where the state starts
    int state;
};

// ---- FH4 (__CxxFrameHandler4): compressed tables ----------------------------------------------
// FuncInfo4 header bits.
constexpr uint8_t FI4_IS_CATCH = 0x01, FI4_IS_SEPARATED = 0x02, FI4_BBT = 0x04, FI4_UNWIND_MAP = 0x08,
                  FI4_TRY_BLOCK_MAP = 0x10, FI4_EHS = 0x20, FI4_NOEXCEPT = 0x40;
// HandlerType4 header bits.
constexpr uint8_t HT4_ADJECTIVES = 0x01, HT4_TYPE = 0x02, HT4_CATCH_OBJ = 0x04, HT4_CONT_IS_RVA = 0x08,
                  HT4_CONT_MASK = 0x30, HT4_CONT_SHIFT = 4;

// The FH4 variable-length unsigned integer: the low bits of the first byte say how many bytes follow
// (x...x0: 1 byte, 7 bits; x..x01: 2 bytes, 14 bits; x.x011: 3 bytes, 21 bits; xxxx0111: 4 bytes,
// 28 bits; xxxx1111: 4 more bytes hold the whole 32-bit value), little endian.
uint32_t read_compressed(const uint8_t*& p);

struct FuncInfo4 {
    uint8_t header = 0;
    uint32_t bbt_flags = 0;
    uint32_t unwind_map = 0;   // RVA of the map (its count first), 0 when absent
    uint32_t try_block_map = 0;
    uint32_t ip_map = 0;       // RVA of the IP-to-state map of this function (separated maps resolved)
    uint32_t frame = 0;        // IS_CATCH: offset of the parent's frame pointer in the funclet's frame
};
// Reads the FuncInfo4 at `info`; `func_rva` is the start of the function being handled (it selects the
// IP-to-state map of a separated function). False for an unknown header bit or a missing separated map.
bool decode_func_info4(uintptr_t image_base, uint32_t info_rva, uint32_t func_rva, FuncInfo4& out);
std::vector<UnwindEntry> decode_unwind_map4(uintptr_t image_base, uint32_t map_rva);
// Continuation addresses that are not RVAs are offsets from `func_rva`.
std::vector<TryBlock> decode_try_blocks4(uintptr_t image_base, uint32_t map_rva, uint32_t func_rva);
std::vector<IpState> decode_ip_map4(uintptr_t image_base, uint32_t map_rva, uint32_t func_rva);

// ---- FH3 into the common form -----------------------------------------------------------------
std::vector<TryBlock> decode_try_blocks3(uintptr_t image_base, const FuncInfo3& fi);
std::vector<UnwindEntry> decode_unwind_map3(uintptr_t image_base, const FuncInfo3& fi);

// The state at `pc_rva`: the last entry starting at or before it, -1 before the first.
int ip_to_state(const std::vector<IpState>& map, uint32_t pc_rva);
int ip_to_state3(uintptr_t image_base, const FuncInfo3& fi, uint32_t pc_rva);

// ---- matching ------------------------------------------------------------------------------------
// The catchable type of the thrown object (ThrowInfo `ti`, RVAs from `throw_base`) that a handler
// with `adjectives` and TypeDescriptor `catch_type` (nullptr: catch(...)) accepts, or nullptr.
// Types are the same when their descriptors are (or their decorated names, across modules).
const CatchableType* match_catch(const ThrowInfo* ti, uintptr_t throw_base, uint32_t adjectives,
                                 const TypeDescriptor* catch_type);
// The address of the sub-object `pmd` describes inside `object` (null stays null).
void* adjust_pointer(void* object, const PMD& pmd);

// type_info::name(): "class Foo", "struct ns::Bar", "int", "char const * __ptr64" ... from the decorated
// name (".?AVFoo@@"); what cannot be undecorated is returned decorated, without the leading dot.
std::string undecorate_type_name(const char* decorated);

}  // namespace winrun::cxx
