// The registry's data model (one tree per hive) and its text format (docs/registry.md).
// No I/O and no Windows state here: reg_hive.cpp reads and writes the files, registry.cpp is the
// Win32 API. Everything in this file is unit-tested (tests/unit/test_registry_store.cpp) and the
// parser is fuzzed (tests/fuzz/fuzz_registry.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace winrun::reg {

// Value types (winnt.h).
constexpr uint32_t REG_NONE = 0, REG_SZ = 1, REG_EXPAND_SZ = 2, REG_BINARY = 3, REG_DWORD = 4,
                   REG_DWORD_BIG_ENDIAN = 5, REG_LINK = 6, REG_MULTI_SZ = 7, REG_QWORD = 11;

struct Value {
    std::u16string name;        // "" is the key's default value
    uint32_t type = REG_NONE;
    std::vector<uint8_t> data;  // exactly the bytes Windows would hold (strings: UTF-16LE)
};

struct Key {
    std::u16string name;  // spelling as created; compared case-insensitively
    // A random identity given at creation, so that a handle to a deleted key never silently
    // follows a new key of the same name (ERROR_KEY_DELETED). 0 for keys of the default content
    // and keys added by hand to the file: those are found by path alone.
    uint64_t id = 0;
    int64_t last_write = 0;                    // FILETIME (100 ns since 1601)
    std::vector<Value> values;                 // in creation order, as Windows enumerates them
    std::vector<std::unique_ptr<Key>> subkeys; // sorted by upper-cased name, as Windows enumerates them

    Key* find(std::u16string_view n) const;
    Value* find_value(std::u16string_view n);
    const Value* find_value(std::u16string_view n) const;
    // Inserts (in sorted position) and returns a new subkey; the name must not exist yet.
    Key& add(std::u16string n);
    bool remove(std::u16string_view n);
    // Sets (replacing an existing value of that name, keeping its position) or appends.
    void set_value(std::u16string_view n, uint32_t type, std::vector<uint8_t> data);
    bool remove_value(std::u16string_view n);
};

// Case-insensitive comparison of key and value names, as the registry does it (upper-cased units).
bool name_equal(std::u16string_view a, std::u16string_view b);
int name_compare(std::u16string_view a, std::u16string_view b);

// Value data helpers.
std::vector<uint8_t> sz_data(std::u16string_view s);  // UTF-16LE with the terminating NUL
std::vector<uint8_t> dword_data(uint32_t v);

// ---- the text format --------------------------------------------------------------------------
constexpr std::string_view k_magic = "WINRUN REGISTRY 1";
// The whole hive, keys depth-first in enumeration order.
std::string serialise(const Key& root);
// Parses a hive file. Errors name the line ("line 12: bad hex byte"); nothing is partially returned.
Result<std::unique_ptr<Key>> parse(std::string_view text);

}  // namespace winrun::reg
