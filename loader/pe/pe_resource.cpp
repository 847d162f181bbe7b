// The resource directory walk (PE/COFF specification, "The .rsrc Section"): three levels of
// IMAGE_RESOURCE_DIRECTORY (type, name, language), each a 16-byte header followed by 8-byte entries
// whose offsets are relative to the start of the resource directory; the leaves are
// IMAGE_RESOURCE_DATA_ENTRY records holding an RVA and a size. Every offset is checked against the
// directory's size and read through bytes_at(); the walk has a fixed depth, so a tree that points
// back at itself cannot loop.
#include <cstring>
#include <fmt/format.h>

#include "pe_image.h"

namespace winrun::pe {

namespace {
constexpr uint32_t k_subdir = 0x80000000u;
constexpr uint32_t k_named = 0x80000000u;
}  // namespace

Result<std::optional<std::span<const uint8_t>>> PeImage::resource(uint32_t type, uint32_t id) const {
    using Out = std::optional<std::span<const uint8_t>>;
    DataDirectory d = directory(DIR_RESOURCE);
    if (d.rva == 0 || d.size == 0) return Out();
    // Reads one directory table at `off` and returns the offset (low 31 bits) of the entry whose ID
    // is `want` (any entry when want is ~0), with the subdirectory bit.
    auto find = [&](uint32_t off, uint32_t want, int level, const char* what) -> Result<std::optional<uint32_t>> {
        if (uint64_t(off) + 16 > d.size)
            return make_error(fmt::format("resource directory ({}) at offset 0x{:x} is past the directory's size 0x{:x}",
                                          what, off, d.size));
        auto hdr = TRY(bytes_at(d.rva + off, 16, "resource directory"));
        uint16_t named, ids;
        std::memcpy(&named, hdr.data() + 12, 2);
        std::memcpy(&ids, hdr.data() + 14, 2);
        uint64_t n = uint64_t(named) + ids;
        if (uint64_t(off) + 16 + n * 8 > d.size)
            return make_error(fmt::format("resource directory ({}) at offset 0x{:x}: {} entries run past the directory's size",
                                          what, off, n));
        auto entries = TRY(bytes_at(d.rva + off + 16, uint32_t(n * 8), "resource directory entries"));
        for (uint64_t i = 0; i < n; i++) {
            uint32_t name, target;
            std::memcpy(&name, entries.data() + i * 8, 4);
            std::memcpy(&target, entries.data() + i * 8 + 4, 4);
            if (want != ~0u && ((name & k_named) || name != want)) continue;
            bool sub = target & k_subdir;
            if (sub != (level < 2))
                return make_error(fmt::format("resource directory ({}): entry {} is a {} where a {} was expected", what, i,
                                              sub ? "subdirectory" : "data entry", level < 2 ? "subdirectory" : "data entry"));
            return std::optional<uint32_t>(target & ~k_subdir);
        }
        return std::optional<uint32_t>();
    };
    auto by_type = TRY(find(0, type, 0, "types"));
    if (!by_type) return Out();
    auto by_id = TRY(find(*by_type, id, 1, "names"));
    if (!by_id) return Out();
    auto leaf = TRY(find(*by_id, ~0u, 2, "languages"));
    if (!leaf) return Out();
    if (uint64_t(*leaf) + 16 > d.size)
        return make_error(fmt::format("resource data entry at offset 0x{:x} is past the directory's size 0x{:x}", *leaf, d.size));
    auto de = TRY(bytes_at(d.rva + *leaf, 16, "resource data entry"));
    uint32_t rva, size;
    std::memcpy(&rva, de.data(), 4);
    std::memcpy(&size, de.data() + 4, 4);
    auto data = bytes_at(rva, size, "resource data");
    if (!data)
        return make_error(fmt::format("resource {}/{}: data at RVA 0x{:x} (+{} bytes) is not inside the file's data", type, id,
                                      rva, size));
    return Out(data.value());
}

}  // namespace winrun::pe
