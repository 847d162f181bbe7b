// A resource tree (.rsrc) built byte by byte for the tests of PeImage::resource() and the resolver:
// root directory -> type 24 (RT_MANIFEST) -> id -> language 1033 -> data entry -> the bytes.
// Offsets are those of the PE/COFF specification; `va` is the RVA the section will have.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sxs_rsrc {

// Places in the built tree (offsets from the section start), for corrupting one field.
constexpr size_t ROOT = 0, ROOT_ENTRY = 16, NAME_DIR = 24, NAME_ENTRY = 40, LANG_DIR = 48, LANG_ENTRY = 64,
                 DATA_ENTRY = 72, DATA = 88;

inline void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
inline void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, 2); }

inline std::vector<uint8_t> build(uint32_t va, uint32_t id, const std::string& data, uint32_t type = 24) {
    std::vector<uint8_t> b(DATA + data.size());
    put16(b, ROOT + 14, 1);  // NumberOfIdEntries
    put32(b, ROOT_ENTRY, type);
    put32(b, ROOT_ENTRY + 4, 0x80000000u | NAME_DIR);
    put16(b, NAME_DIR + 14, 1);
    put32(b, NAME_ENTRY, id);
    put32(b, NAME_ENTRY + 4, 0x80000000u | LANG_DIR);
    put16(b, LANG_DIR + 14, 1);
    put32(b, LANG_ENTRY, 1033);
    put32(b, LANG_ENTRY + 4, DATA_ENTRY);
    put32(b, DATA_ENTRY, va + DATA);
    put32(b, DATA_ENTRY + 4, uint32_t(data.size()));
    std::memcpy(b.data() + DATA, data.data(), data.size());
    return b;
}

}  // namespace sxs_rsrc
