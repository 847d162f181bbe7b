// Builtin DLLs (design decision 1): each DLL is one table of ExportDef entries, written once in that
// DLL's exports.cpp. The table feeds the synthetic PE image (export directory + trampolines) the
// program sees, GetProcAddress, the relay tracer and `winrun --check`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "wintypes.h"

namespace winrun::builtin {

enum class ArgKind : uint8_t { Int, Ptr, Str, WStr, Float, Void };

enum ExportFlags : uint8_t {
    EXP_DATA = 1,     // a variable, not a function: storage is allocated inside the DLL's image
    EXP_NORELAY = 2,  // never wrap in the relay thunk (functions that look at their caller's frame)
    EXP_VARARGS = 4,
};

struct ExportDef {
    const char* name;   // nullptr for an ordinal-only export
    uint16_t ordinal;   // 0: assigned from the position in the table
    uint8_t flags;
    uint8_t nargs;      // fixed arguments (for relay)
    ArgKind ret;
    const ArgKind* args;
    void* fn;           // the ms_abi function
    void** data_slot;   // EXP_DATA: receives the address of the storage in the image
    uint32_t data_size; // EXP_DATA: bytes of storage (zero-filled)
};

// Called at DLL_PROCESS_ATTACH / DLL_PROCESS_DETACH of the synthetic image, in load order.
using AttachFn = void (*)(uint32_t reason);

// Each area file of a DLL (file.cpp, heap.cpp ...) defines one part of the DLL's export list next to
// the functions it implements; the DLL's exports.cpp lists the parts. Together they are the one list.
struct ExportPart {
    const ExportDef* exports;
    size_t count;
};

struct DllDef {
    const char* name;  // "KERNEL32.dll": the spelling Windows uses in its own export directory
    const ExportPart* const* parts;
    size_t nparts;
    AttachFn attach;
    // A DLL built on another one's implementation (ucrtbase on msvcrt) also exports these functions
    // of `shares` under the same names: the very same C++ functions, looked up by name when the
    // export list is first built. Data exports are never shared (their storage is the other image's).
    const DllDef* shares = nullptr;
    const char* const* shared_names = nullptr;
    size_t nshared = 0;
};

// The DLL's whole export list (the parts concatenated once, on first use; stable afterwards): its
// own parts in order, then the entries it shares with `shares`.
std::span<const ExportDef* const> exports_of(const DllDef& dll);
// How many of exports_of(dll) are the DLL's own (the rest are shared).
size_t own_export_count(const DllDef& dll);

// ---- deriving relay information from the C++ signature --------------------------------------
template <typename T>
constexpr ArgKind kind_of() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_floating_point_v<U>) return ArgKind::Float;
    else if constexpr (std::is_same_v<U, const char*> || std::is_same_v<U, char*>) return ArgKind::Str;
    else if constexpr (std::is_same_v<U, const char16_t*> || std::is_same_v<U, char16_t*>) return ArgKind::WStr;
    else if constexpr (std::is_pointer_v<U>) return ArgKind::Ptr;
    else return ArgKind::Int;
}

template <typename F>
struct FnInfo;
template <typename R, typename... A>
struct FnInfo<R(WINAPI*)(A...)> {
    static constexpr uint8_t nargs = sizeof...(A);
    static constexpr bool varargs = false;
    static constexpr ArgKind ret = std::is_void_v<R> ? ArgKind::Void : kind_of<R>();
    static constexpr ArgKind args[sizeof...(A) + 1] = {kind_of<A>()..., ArgKind::Int};
};
template <typename R, typename... A>
struct FnInfo<R(WINAPI*)(A..., ...)> {
    static constexpr uint8_t nargs = sizeof...(A);
    static constexpr bool varargs = true;
    static constexpr ArgKind ret = std::is_void_v<R> ? ArgKind::Void : kind_of<R>();
    static constexpr ArgKind args[sizeof...(A) + 1] = {kind_of<A>()..., ArgKind::Int};
};

template <typename F>
constexpr ExportDef make_export(const char* name, uint16_t ordinal, F fn, uint8_t extra_flags = 0) {
    using I = FnInfo<F>;
    return ExportDef{name, ordinal, uint8_t(extra_flags | (I::varargs ? EXP_VARARGS : 0)), I::nargs, I::ret,
                     I::args, reinterpret_cast<void*>(fn), nullptr, 0};
}

constexpr ExportDef make_data(const char* name, void** slot, uint32_t size) {
    return ExportDef{name, 0, EXP_DATA | EXP_NORELAY, 0, ArgKind::Int, nullptr, nullptr, slot, size};
}

// ---- the registry ---------------------------------------------------------------------------
// Every builtin DLL; defined in registry.cpp.
const DllDef* find_dll(std::string_view name);  // case-insensitive; with or without ".dll"
// The DLL an api-ms-win-* / ext-ms-win-* API-set name resolves to, or "" when it is not an API set.
std::string_view resolve_api_set(std::string_view name);

}  // namespace winrun::builtin

// Table helpers for exports.cpp files. The entries are written out as aggregates with C-style casts
// of the addresses (not through make_export, whose reinterpret_cast is not a constant expression) so
// that the compiler initialises the tables statically: with ~3,000 exports, building them at run time
// cost every process start a few hundred microseconds of code and page faults.
#define WR_EXPORT_ENTRY_(name, fnp, extra)                                                                      \
    ::winrun::builtin::ExportDef {                                                                              \
        name, 0,                                                                                                \
            uint8_t((extra) | (::winrun::builtin::FnInfo<decltype(fnp)>::varargs ? ::winrun::builtin::EXP_VARARGS \
                                                                                  : 0)),                        \
            ::winrun::builtin::FnInfo<decltype(fnp)>::nargs, ::winrun::builtin::FnInfo<decltype(fnp)>::ret,     \
            ::winrun::builtin::FnInfo<decltype(fnp)>::args, (void*)(fnp), nullptr, 0                           \
    }
#define WR_EXPORT(fn) WR_EXPORT_ENTRY_(#fn, &fn, 0)
#define WR_EXPORT_AS(name, fn) WR_EXPORT_ENTRY_(name, &fn, 0)
#define WR_EXPORT_NORELAY(name, fn) WR_EXPORT_ENTRY_(name, &fn, ::winrun::builtin::EXP_NORELAY)
#define WR_DATA(name, slot, size)                                                                               \
    ::winrun::builtin::ExportDef {                                                                              \
        name, 0, ::winrun::builtin::EXP_DATA | ::winrun::builtin::EXP_NORELAY, 0, ::winrun::builtin::ArgKind::Int, \
            nullptr, nullptr, (void**)(&slot), size                                                             \
    }
// In an area file: WR_EXPORT_PART(kernel32_file, WR_EXPORT(CreateFileW), ...);
#define WR_EXPORT_PART(part, ...)                                                   \
    static const ::winrun::builtin::ExportDef part##_table[] = {__VA_ARGS__};       \
    extern const ::winrun::builtin::ExportPart part;                                \
    const ::winrun::builtin::ExportPart part{part##_table, sizeof(part##_table) / sizeof(part##_table[0])}
