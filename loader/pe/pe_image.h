// The checked PE reader. Every byte of a PE file that winrun (or csrssd) looks at is read through
// PeImage, which checks each offset and size against the file with overflow-checked arithmetic
// first. Malformed input yields an Error that names the field; nothing here can crash on bad input.
// It reads the file layout (RVAs are translated through the section table); the loader maps the
// image separately and uses this reader to find what to patch.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace winrun::pe {

constexpr uint16_t MACHINE_I386 = 0x14C;
constexpr uint16_t MACHINE_AMD64 = 0x8664;
constexpr uint16_t MACHINE_ARM64 = 0xAA64;
constexpr uint16_t MACHINE_ARMNT = 0x1C4;

constexpr uint16_t FILE_DLL = 0x2000;
constexpr uint16_t FILE_EXECUTABLE_IMAGE = 0x0002;
constexpr uint16_t FILE_RELOCS_STRIPPED = 0x0001;

constexpr uint16_t DLLCHAR_DYNAMIC_BASE = 0x0040;

constexpr uint32_t SCN_CNT_UNINITIALIZED_DATA = 0x00000080;
constexpr uint32_t SCN_MEM_DISCARDABLE = 0x02000000;
constexpr uint32_t SCN_MEM_EXECUTE = 0x20000000;
constexpr uint32_t SCN_MEM_READ = 0x40000000;
constexpr uint32_t SCN_MEM_WRITE = 0x80000000;

enum DirectoryIndex : int {
    DIR_EXPORT = 0, DIR_IMPORT = 1, DIR_RESOURCE = 2, DIR_EXCEPTION = 3, DIR_SECURITY = 4,
    DIR_BASERELOC = 5, DIR_DEBUG = 6, DIR_TLS = 9, DIR_LOAD_CONFIG = 10, DIR_IAT = 12,
    DIR_DELAY_IMPORT = 13, DIR_CLR = 14,
};

struct DataDirectory {
    uint32_t rva = 0;
    uint32_t size = 0;
};

struct Section {
    std::string name;
    uint32_t virtual_address = 0;
    uint32_t virtual_size = 0;
    uint32_t raw_offset = 0;
    uint32_t raw_size = 0;
    uint32_t characteristics = 0;
};

struct ImportEntry {
    std::string name;      // empty when imported by ordinal
    uint16_t ordinal = 0;  // valid when name is empty
    uint16_t hint = 0;
    uint32_t iat_rva = 0;  // where the bound address goes
};

struct ImportDll {
    std::string dll;
    std::vector<ImportEntry> entries;
};

struct ExportEntry {
    uint32_t ordinal = 0;      // biased ordinal (Base + index)
    std::string name;          // empty for ordinal-only exports
    uint32_t rva = 0;          // 0 for an unused slot
    std::string forwarder;     // "DLL.Function" or "DLL.#12" when the export is forwarded
};

struct ExportTable {
    std::string dll_name;
    uint32_t ordinal_base = 0;
    std::vector<ExportEntry> entries;  // index = ordinal - ordinal_base
};

struct Relocation {
    uint32_t rva;   // address to patch
    uint8_t type;   // IMAGE_REL_BASED_*
};
constexpr uint8_t REL_BASED_ABSOLUTE = 0;
constexpr uint8_t REL_BASED_HIGHLOW = 3;
constexpr uint8_t REL_BASED_DIR64 = 10;

struct TlsInfo {
    // Virtual addresses as stored in the image (preferred base); the loader rebases them.
    uint64_t raw_data_start = 0, raw_data_end = 0, index_address = 0, callbacks_address = 0;
    uint32_t zero_fill = 0;
};

class PeImage {
public:
    // Parse the headers and section table of `data`. `data` must outlive the PeImage.
    static Result<PeImage> parse(std::span<const uint8_t> data);

    uint16_t machine() const { return machine_; }
    bool is_pe32_plus() const { return pe32_plus_; }
    bool is_dll() const { return (characteristics_ & FILE_DLL) != 0; }
    uint16_t characteristics() const { return characteristics_; }
    uint16_t dll_characteristics() const { return dll_characteristics_; }
    uint16_t subsystem() const { return subsystem_; }
    uint64_t image_base() const { return image_base_; }
    uint32_t size_of_image() const { return size_of_image_; }
    uint32_t size_of_headers() const { return size_of_headers_; }
    uint32_t entry_point_rva() const { return entry_rva_; }
    uint32_t section_alignment() const { return section_alignment_; }
    uint64_t stack_reserve() const { return stack_reserve_; }
    uint64_t stack_commit() const { return stack_commit_; }
    uint32_t timestamp() const { return timestamp_; }
    const std::vector<Section>& sections() const { return sections_; }
    DataDirectory directory(int index) const;
    std::span<const uint8_t> data() const { return data_; }

    // File offset of `size` bytes at `rva`, checked to lie within one section's raw data (or the
    // headers). `what` names the field for the error message.
    Result<uint32_t> rva_to_offset(uint32_t rva, uint32_t size, const char* what) const;
    // Bytes at an RVA, checked.
    Result<std::span<const uint8_t>> bytes_at(uint32_t rva, uint32_t size, const char* what) const;
    // A NUL-terminated string at an RVA (at most max_len bytes), checked.
    Result<std::string> string_at(uint32_t rva, const char* what, size_t max_len = 4096) const;

    Result<std::vector<ImportDll>> imports() const;
    Result<ExportTable> exports() const;  // empty table when the image has no export directory
    Result<std::vector<Relocation>> relocations() const;
    Result<std::optional<TlsInfo>> tls() const;
    // The data of resource type/id (first language), or nullopt when the image has none; every
    // offset of the resource tree checked (pe_resource.cpp). RT_MANIFEST = 24.
    Result<std::optional<std::span<const uint8_t>>> resource(uint32_t type, uint32_t id) const;

private:
    // Where `size` bytes at `rva` lie in the file, and how many bytes of file data the region that
    // holds them (the headers or one section's raw data) has from that offset on.
    struct Location {
        uint32_t offset;
        uint32_t available;
    };
    Result<Location> locate(uint32_t rva, uint32_t size, const char* what) const;

    std::span<const uint8_t> data_;
    uint16_t machine_ = 0;
    bool pe32_plus_ = false;
    uint16_t characteristics_ = 0, dll_characteristics_ = 0, subsystem_ = 0;
    uint64_t image_base_ = 0, stack_reserve_ = 0, stack_commit_ = 0;
    uint32_t size_of_image_ = 0, size_of_headers_ = 0, entry_rva_ = 0, section_alignment_ = 0;
    uint32_t file_alignment_ = 0, timestamp_ = 0;
    std::vector<DataDirectory> dirs_;
    std::vector<Section> sections_;
};

const char* machine_name(uint16_t machine);

}  // namespace winrun::pe
