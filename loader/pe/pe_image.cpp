#include "pe_image.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace winrun::pe {

namespace {

// Read a little-endian T at byte offset `off` of `data`, checked.
template <typename T>
bool read_at(std::span<const uint8_t> data, uint64_t off, T& out) {
    if (off > data.size() || data.size() - off < sizeof(T)) return false;
    std::memcpy(&out, data.data() + off, sizeof(T));
    return true;
}

bool add_ok(uint64_t a, uint64_t b, uint64_t& r) { return !__builtin_add_overflow(a, b, &r); }

constexpr uint64_t k_rva_limit = 0x100000000ull;  // RVAs are 32-bit: nothing may lie at or past 4 GiB
constexpr uint32_t k_max_import_dlls = 4096;
constexpr uint32_t k_max_imports_per_dll = 65536;
// Descriptors may share one lookup table and lookup entries one name, so without totals a file of
// a few hundred KB could describe 4096 x 65536 imports of 4 KB names. Real programs import a few
// thousand functions.
constexpr size_t k_max_imports_total = 1u << 18;
constexpr size_t k_max_import_name_bytes = 64u << 20;

Error field_error(const char* what, const std::string& detail) {
    return make_error(fmt::format("{}: {}", what, detail));
}

}  // namespace

const char* machine_name(uint16_t m) {
    switch (m) {
    case MACHINE_I386: return "i386 (PE32)";
    case MACHINE_AMD64: return "x86-64";
    case MACHINE_ARM64: return "ARM64";
    case MACHINE_ARMNT: return "ARM";
    case 0x0200: return "IA-64";
    default: return "unknown";
    }
}

Result<PeImage> PeImage::parse(std::span<const uint8_t> data) {
    PeImage img;
    img.data_ = data;
    if (data.empty()) return make_error("not a PE file: empty file");
    uint16_t mz = 0;
    if (!read_at(data, 0, mz) || mz != 0x5A4D) return make_error("not a PE file: no MZ header");
    uint32_t lfanew = 0;
    if (!read_at(data, 0x3C, lfanew)) return make_error("truncated DOS header (e_lfanew missing)");
    uint32_t sig = 0;
    if (!read_at(data, lfanew, sig))
        return make_error(fmt::format("e_lfanew 0x{:x} points past the end of the file", lfanew));
    if (sig != 0x00004550) return make_error("not a PE file: no PE signature at e_lfanew (an MS-DOS or NE program?)");
    uint64_t fh = uint64_t(lfanew) + 4;  // IMAGE_FILE_HEADER
    uint16_t nsections = 0, opt_size = 0;
    if (!read_at(data, fh + 0, img.machine_) || !read_at(data, fh + 2, nsections) ||
        !read_at(data, fh + 4, img.timestamp_) || !read_at(data, fh + 16, opt_size) ||
        !read_at(data, fh + 18, img.characteristics_))
        return make_error("truncated file header");
    uint64_t oh = fh + 20;  // optional header
    uint16_t magic = 0;
    if (!read_at(data, oh, magic)) return make_error("truncated optional header");
    if (magic == 0x20B) img.pe32_plus_ = true;
    else if (magic != 0x10B) return make_error(fmt::format("optional header magic 0x{:x} is neither PE32 nor PE32+", magic));
    uint64_t oh_end;
    if (!add_ok(oh, opt_size, oh_end) || oh_end > data.size()) return make_error("optional header extends past the end of the file");
    uint32_t ndirs = 0;
    bool ok = true;
    ok &= read_at(data, oh + 16, img.entry_rva_);
    if (img.pe32_plus_) {
        if (opt_size < 112) return make_error(fmt::format("optional header too small ({} bytes) for PE32+", opt_size));
        ok &= read_at(data, oh + 24, img.image_base_);
        ok &= read_at(data, oh + 72, img.stack_reserve_);
        ok &= read_at(data, oh + 80, img.stack_commit_);
        ok &= read_at(data, oh + 108, ndirs);
    } else {
        if (opt_size < 96) return make_error(fmt::format("optional header too small ({} bytes) for PE32", opt_size));
        uint32_t base32 = 0, reserve32 = 0, commit32 = 0;
        ok &= read_at(data, oh + 28, base32);
        ok &= read_at(data, oh + 72, reserve32);
        ok &= read_at(data, oh + 76, commit32);
        ok &= read_at(data, oh + 92, ndirs);
        img.image_base_ = base32;
        img.stack_reserve_ = reserve32;
        img.stack_commit_ = commit32;
    }
    ok &= read_at(data, oh + 32, img.section_alignment_);
    ok &= read_at(data, oh + 36, img.file_alignment_);
    ok &= read_at(data, oh + 56, img.size_of_image_);
    ok &= read_at(data, oh + 60, img.size_of_headers_);
    ok &= read_at(data, oh + 68, img.subsystem_);
    ok &= read_at(data, oh + 70, img.dll_characteristics_);
    if (!ok) return make_error("truncated optional header");
    uint32_t dir_off = img.pe32_plus_ ? 112 : 96;
    if (ndirs > 16) ndirs = 16;  // Windows ignores entries past 16
    if (dir_off + uint64_t(ndirs) * 8 > opt_size) ndirs = (opt_size - dir_off) / 8;
    img.dirs_.resize(16);
    for (uint32_t i = 0; i < ndirs; i++) {
        read_at(data, oh + dir_off + i * 8, img.dirs_[i].rva);
        read_at(data, oh + dir_off + i * 8 + 4, img.dirs_[i].size);
    }
    if (img.section_alignment_ == 0 || (img.section_alignment_ & (img.section_alignment_ - 1)))
        return make_error(fmt::format("section alignment 0x{:x} is not a power of two", img.section_alignment_));
    if (img.size_of_image_ == 0) return make_error("SizeOfImage is 0");
    if (img.size_of_image_ > 0x80000000u) return make_error(fmt::format("SizeOfImage 0x{:x} is implausibly large", img.size_of_image_));
    if (img.size_of_headers_ > img.size_of_image_)
        return make_error("SizeOfHeaders is larger than SizeOfImage");
    // The loader maps the headers into the image and rewrites ImageBase there when it relocates:
    // the NT headers must lie inside the image.
    if (oh_end > img.size_of_image_)
        return make_error(fmt::format("PE headers end at 0x{:x}, past SizeOfImage 0x{:x} (e_lfanew 0x{:x})", oh_end,
                                      img.size_of_image_, lfanew));
    if (nsections > 96) return make_error(fmt::format("{} sections (Windows allows 96)", nsections));
    uint64_t sh = oh_end;
    for (uint16_t i = 0; i < nsections; i++) {
        uint64_t s = sh + uint64_t(i) * 40;
        char name[9] = {};
        Section sec;
        if (s + 40 > data.size()) return make_error(fmt::format("section header {} is past the end of the file", i));
        std::memcpy(name, data.data() + s, 8);
        sec.name = name;
        read_at(data, s + 8, sec.virtual_size);
        read_at(data, s + 12, sec.virtual_address);
        read_at(data, s + 16, sec.raw_size);
        read_at(data, s + 20, sec.raw_offset);
        read_at(data, s + 36, sec.characteristics);
        uint64_t vend = uint64_t(sec.virtual_address) + std::max(sec.virtual_size, sec.raw_size);
        if (sec.virtual_size == 0) vend = uint64_t(sec.virtual_address) + sec.raw_size;
        if (vend > img.size_of_image_)
            return make_error(fmt::format("section {} ('{}') ends at RVA 0x{:x}, past SizeOfImage 0x{:x}", i,
                                          sec.name, vend, img.size_of_image_));
        uint64_t rend = uint64_t(sec.raw_offset) + sec.raw_size;
        if (sec.raw_size && rend > data.size()) {
            // Windows tolerates a last raw block that is rounded up past the end of the file only
            // by file alignment (at most 64K); anything more is a truncated file. The raw data of an
            // uninitialized-data section is not loaded, so it is only trimmed to the file.
            uint64_t slack = std::min<uint64_t>(img.file_alignment_ ? img.file_alignment_ : 0x200, 0x10000);
            bool loaded = !(sec.characteristics & SCN_CNT_UNINITIALIZED_DATA);
            if (loaded && (sec.raw_offset > data.size() || rend > data.size() + slack))
                return make_error(fmt::format("section {} ('{}') raw data 0x{:x}+0x{:x} is past the end of the file "
                                              "({} bytes): truncated file?", i, sec.name, sec.raw_offset,
                                              sec.raw_size, data.size()));
            // From here on raw_offset + raw_size never passes the end of the file.
            sec.raw_size = sec.raw_offset < data.size() ? uint32_t(data.size() - sec.raw_offset) : 0;
        }
        img.sections_.push_back(std::move(sec));
    }
    if (img.entry_rva_ >= img.size_of_image_)
        return make_error(fmt::format("entry point RVA 0x{:x} is outside the image", img.entry_rva_));
    return img;
}

DataDirectory PeImage::directory(int index) const {
    if (index < 0 || index >= static_cast<int>(dirs_.size())) return {};
    return dirs_[index];
}

Result<PeImage::Location> PeImage::locate(uint32_t rva, uint32_t size, const char* what) const {
    uint64_t end = uint64_t(rva) + size;  // 64-bit: an RVA near 0xFFFFFFFF cannot wrap
    uint64_t headers_end = std::min<uint64_t>(size_of_headers_, data_.size());
    if (end <= headers_end) return Location{rva, uint32_t(headers_end - rva)};
    for (const auto& s : sections_) {
        uint64_t s_end = uint64_t(s.virtual_address) + s.raw_size;
        if (rva < s.virtual_address || end > s_end) continue;
        uint64_t off = uint64_t(s.raw_offset) + (rva - s.virtual_address);
        uint64_t avail = s_end - rva;
        // parse() trims raw_size to the file, so this holds; checked anyway since it guards memory.
        if (off + avail > data_.size() || off > UINT32_MAX) continue;
        return Location{uint32_t(off), uint32_t(avail)};
    }
    return field_error(what, fmt::format("RVA 0x{:x} (+{} bytes) is not inside the file's data", rva, size));
}

Result<uint32_t> PeImage::rva_to_offset(uint32_t rva, uint32_t size, const char* what) const {
    Location loc = TRY(locate(rva, size, what));
    return loc.offset;
}

Result<std::span<const uint8_t>> PeImage::bytes_at(uint32_t rva, uint32_t size, const char* what) const {
    uint32_t off = TRY(rva_to_offset(rva, size, what));
    return data_.subspan(off, size);
}

Result<std::string> PeImage::string_at(uint32_t rva, const char* what, size_t max_len) const {
    Location loc = TRY(locate(rva, 1, what));
    // The string may run to the end of the raw data that holds its first byte, no further.
    size_t limit = std::min<size_t>(loc.available, max_len);
    const uint8_t* p = data_.data() + loc.offset;
    const void* nul = std::memchr(p, 0, limit);
    if (!nul) return field_error(what, fmt::format("string at RVA 0x{:x} is not terminated", rva));
    return std::string(reinterpret_cast<const char*>(p), static_cast<const uint8_t*>(nul) - p);
}

Result<std::vector<ImportDll>> PeImage::imports() const {
    std::vector<ImportDll> out;
    DataDirectory d = directory(DIR_IMPORT);
    if (d.rva == 0 || d.size == 0) return out;
    const uint32_t thunk_size = pe32_plus_ ? 8 : 4;
    size_t total = 0, name_bytes = 0;
    for (uint32_t i = 0;; i++) {
        if (i >= k_max_import_dlls)
            return make_error(fmt::format("import directory: more than {} DLLs (no terminator?)", k_max_import_dlls));
        uint64_t desc_rva = uint64_t(d.rva) + uint64_t(i) * 20;
        if (desc_rva + 20 > k_rva_limit)
            return make_error(fmt::format("import descriptor {} runs past RVA 0xFFFFFFFF (no terminator?)", i));
        auto desc = TRY(bytes_at(uint32_t(desc_rva), 20, "import descriptor"));
        uint32_t ilt, name_rva, iat;
        std::memcpy(&ilt, desc.data(), 4);
        std::memcpy(&name_rva, desc.data() + 12, 4);
        std::memcpy(&iat, desc.data() + 16, 4);
        // The Windows loader stops at the first descriptor without a Name or FirstThunk (ReactOS
        // LdrpWalkImportDescriptor and Wine's import_dlls count descriptors the same way); the
        // all-zero terminator every linker writes is one such.
        if (name_rva == 0 || iat == 0) break;
        ImportDll dll;
        dll.dll = TRY(string_at(name_rva, "import DLL name"));
        uint32_t lookup = ilt ? ilt : iat;  // old binders leave the lookup table empty
        for (uint32_t j = 0;; j++) {
            uint64_t trva = uint64_t(lookup) + uint64_t(j) * thunk_size;
            std::span<const uint8_t> t;
            if (trva + thunk_size <= k_rva_limit) {
                if (auto r = bytes_at(uint32_t(trva), thunk_size, "import lookup table")) t = r.value();
            }
            if (t.empty())
                return make_error(fmt::format("import lookup table of {}: entry {} at RVA 0x{:x} is outside the file's "
                                              "data (no terminator?)", dll.dll, j, trva));
            uint64_t v = 0;
            std::memcpy(&v, t.data(), thunk_size);
            if (v == 0) break;
            if (j >= k_max_imports_per_dll)
                return make_error(fmt::format("import lookup table of {}: more than {} entries (no terminator?)", dll.dll,
                                              k_max_imports_per_dll));
            if (++total > k_max_imports_total)
                return make_error(fmt::format("import directory: more than {} imported functions", k_max_imports_total));
            ImportEntry e;
            uint64_t iat_rva = uint64_t(iat) + uint64_t(j) * thunk_size;
            // The loader writes the bound address there: it must lie inside the image (64-bit sum, no wrap).
            if (iat_rva + thunk_size > size_of_image_)
                return make_error(fmt::format("import address table of {} (entry {} at RVA 0x{:x}) is outside the image",
                                              dll.dll, j, iat_rva));
            e.iat_rva = uint32_t(iat_rva);
            bool by_ordinal = pe32_plus_ ? (v >> 63) : (v >> 31);
            if (by_ordinal) {
                e.ordinal = uint16_t(v & 0xFFFF);
            } else {
                uint32_t hn = uint32_t(v & 0x7FFFFFFF);
                auto hint = bytes_at(hn, 2, "import hint");
                if (!hint) return make_error(fmt::format("import {} from {}: {}", j, dll.dll, hint.error().message));
                std::memcpy(&e.hint, hint->data(), 2);
                auto name = string_at(hn + 2, "import name");
                if (!name) return make_error(fmt::format("import {} from {}: {}", j, dll.dll, name.error().message));
                e.name = std::move(name.value());
                if (e.name.empty()) return make_error(fmt::format("import {} from {}: empty function name", j, dll.dll));
                if ((name_bytes += e.name.size()) > k_max_import_name_bytes)
                    return make_error(fmt::format("import directory: imported names total more than {} MiB",
                                                  k_max_import_name_bytes >> 20));
            }
            dll.entries.push_back(std::move(e));
        }
        out.push_back(std::move(dll));
    }
    return out;
}

Result<ExportTable> PeImage::exports() const {
    ExportTable t;
    DataDirectory d = directory(DIR_EXPORT);
    if (d.rva == 0 || d.size == 0) return t;
    auto dir = TRY(bytes_at(d.rva, 40, "export directory"));
    uint32_t name_rva, base, nfuncs, nnames, funcs_rva, names_rva, ords_rva;
    std::memcpy(&name_rva, dir.data() + 12, 4);
    std::memcpy(&base, dir.data() + 16, 4);
    std::memcpy(&nfuncs, dir.data() + 20, 4);
    std::memcpy(&nnames, dir.data() + 24, 4);
    std::memcpy(&funcs_rva, dir.data() + 28, 4);
    std::memcpy(&names_rva, dir.data() + 32, 4);
    std::memcpy(&ords_rva, dir.data() + 36, 4);
    if (nfuncs > 65536 || nnames > nfuncs + 65536u)
        return make_error(fmt::format("export directory: implausible counts ({} functions, {} names)", nfuncs, nnames));
    if (uint64_t(base) + nfuncs > k_rva_limit)
        return make_error(fmt::format("export directory: ordinal base {} + {} functions overflows", base, nfuncs));
    if (name_rva) {
        auto n = string_at(name_rva, "export DLL name");
        if (n) t.dll_name = n.value();
    }
    t.ordinal_base = base;
    auto funcs = TRY(bytes_at(funcs_rva, nfuncs * 4, "export address table"));
    t.entries.resize(nfuncs);
    for (uint32_t i = 0; i < nfuncs; i++) {
        auto& e = t.entries[i];
        e.ordinal = base + i;
        std::memcpy(&e.rva, funcs.data() + i * 4, 4);
        // An address inside the export directory is a forwarder string ("DLL.Function", "DLL.#12");
        // its syntax is checked when something imports it, as Windows does.
        if (e.rva >= d.rva && e.rva < uint64_t(d.rva) + d.size) {
            auto fwd = string_at(e.rva, "export forwarder", 512);
            if (!fwd) return make_error(fmt::format("export ordinal {}: {}", e.ordinal, fwd.error().message));
            e.forwarder = std::move(fwd.value());
        }
    }
    if (nnames) {
        auto names = TRY(bytes_at(names_rva, nnames * 4, "export name table"));
        auto ords = TRY(bytes_at(ords_rva, nnames * 2, "export ordinal table"));
        for (uint32_t i = 0; i < nnames; i++) {
            uint32_t nrva;
            uint16_t idx;
            std::memcpy(&nrva, names.data() + i * 4, 4);
            std::memcpy(&idx, ords.data() + i * 2, 2);
            if (idx >= nfuncs)
                return make_error(fmt::format("export name {} refers to function index {} of {}", i, idx, nfuncs));
            t.entries[idx].name = TRY(string_at(nrva, "export name", 1024));
        }
    }
    return t;
}

Result<std::vector<Relocation>> PeImage::relocations() const {
    std::vector<Relocation> out;
    DataDirectory d = directory(DIR_BASERELOC);
    if (d.rva == 0 || d.size == 0) return out;
    auto all = TRY(bytes_at(d.rva, d.size, "base relocation directory"));
    size_t pos = 0;
    while (pos + 8 <= all.size()) {
        uint32_t page, block;
        std::memcpy(&page, all.data() + pos, 4);
        std::memcpy(&block, all.data() + pos + 4, 4);
        if (block == 0 && page == 0) break;  // some linkers pad with a zero block
        if (block < 8 || (block & 1))
            return make_error(fmt::format("base relocation block at offset {} has size {}", pos, block));
        if (block > all.size() - pos)
            return make_error(fmt::format("base relocation block at offset {} (size {}) runs past the directory", pos, block));
        for (size_t k = pos + 8; k + 2 <= pos + block; k += 2) {
            uint16_t entry;
            std::memcpy(&entry, all.data() + k, 2);
            uint8_t type = entry >> 12;
            uint64_t rva = uint64_t(page) + (entry & 0xFFF);  // 64-bit: a page near 4 GiB cannot wrap
            if (type == REL_BASED_ABSOLUTE) continue;
            if (type != REL_BASED_DIR64 && type != REL_BASED_HIGHLOW)
                return make_error(fmt::format("base relocation type {} at RVA 0x{:x} is not supported", type, rva));
            uint32_t width = type == REL_BASED_DIR64 ? 8 : 4;
            if (rva + width > size_of_image_)
                return make_error(fmt::format("base relocation at RVA 0x{:x} is outside the image", rva));
            out.push_back({uint32_t(rva), type});
        }
        pos += block;
    }
    return out;
}

Result<std::optional<TlsInfo>> PeImage::tls() const {
    DataDirectory d = directory(DIR_TLS);
    if (d.rva == 0) return std::optional<TlsInfo>();
    TlsInfo t;
    if (pe32_plus_) {
        auto b = TRY(bytes_at(d.rva, 40, "TLS directory"));
        std::memcpy(&t.raw_data_start, b.data(), 8);
        std::memcpy(&t.raw_data_end, b.data() + 8, 8);
        std::memcpy(&t.index_address, b.data() + 16, 8);
        std::memcpy(&t.callbacks_address, b.data() + 24, 8);
        std::memcpy(&t.zero_fill, b.data() + 32, 4);
    } else {
        auto b = TRY(bytes_at(d.rva, 24, "TLS directory"));
        uint32_t v[5];
        std::memcpy(v, b.data(), 20);
        t = {v[0], v[1], v[2], v[3], v[4]};
    }
    if (t.raw_data_end < t.raw_data_start) return make_error("TLS directory: template end is before its start");
    if (t.raw_data_end - t.raw_data_start > 0x1000000 || t.zero_fill > 0x1000000)
        return make_error("TLS directory: template is implausibly large");
    return std::optional<TlsInfo>(t);
}

}  // namespace winrun::pe
