// A PE image built byte by byte in memory, for the tests of the checked PE reader and the seeds of
// its fuzzer. build() lays out, as a linker does: the DOS header, "PE\0\0", IMAGE_FILE_HEADER, the
// optional header (PE32+ or PE32) with 16 data directories, the section table, then each section's
// raw data at file alignment. Sections follow one another at section alignment: first the ones in
// `sections` (a small .text by default), then the generated ones, in this order when asked for:
//   .idata  import descriptors, lookup tables, address tables, hint/name entries, DLL names
//   .edata  export directory, address table, name pointers, ordinals, DLL name, names, forwarders
//   .tls    TLS template, index slot, callback array, TLS directory
//   .reloc  base relocation blocks, one per 4K page, padded to 4 bytes with ABSOLUTE entries
// The returned Image names the places it wrote (Image::rva, e.g. "import.desc.0") and has put*()
// helpers, so a test corrupts exactly one field afterwards.
//
// Field offsets are those of the Microsoft PE/COFF specification ("PE Format").
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pe_builder {

// IMAGE_FILE_HEADER, from the byte after "PE\0\0".
namespace fh {
constexpr size_t MACHINE = 0, NUMBER_OF_SECTIONS = 2, TIMESTAMP = 4, SIZE_OF_OPTIONAL_HEADER = 16,
                 CHARACTERISTICS = 18, SIZE = 20;
}
// IMAGE_OPTIONAL_HEADER32 / IMAGE_OPTIONAL_HEADER64. The suffix tells which when they differ.
namespace oh {
constexpr size_t MAGIC = 0, ENTRY_POINT = 16, BASE_OF_CODE = 20, IMAGE_BASE32 = 28, IMAGE_BASE64 = 24,
                 SECTION_ALIGNMENT = 32, FILE_ALIGNMENT = 36, MAJOR_OS_VERSION = 40, MAJOR_SUBSYSTEM_VERSION = 48,
                 SIZE_OF_IMAGE = 56, SIZE_OF_HEADERS = 60, SUBSYSTEM = 68, DLL_CHARACTERISTICS = 70,
                 STACK_RESERVE32 = 72, STACK_COMMIT32 = 76, HEAP_RESERVE32 = 80, HEAP_COMMIT32 = 84,
                 NUMBER_OF_RVA_AND_SIZES32 = 92, DIRECTORIES32 = 96, SIZE32 = 96 + 16 * 8,
                 STACK_RESERVE64 = 72, STACK_COMMIT64 = 80, HEAP_RESERVE64 = 88, HEAP_COMMIT64 = 96,
                 NUMBER_OF_RVA_AND_SIZES64 = 108, DIRECTORIES64 = 112, SIZE64 = 112 + 16 * 8;
}
// IMAGE_SECTION_HEADER.
namespace sh {
constexpr size_t NAME = 0, VIRTUAL_SIZE = 8, VIRTUAL_ADDRESS = 12, SIZE_OF_RAW_DATA = 16, POINTER_TO_RAW_DATA = 20,
                 CHARACTERISTICS = 36, SIZE = 40;
}

constexpr uint32_t SCN_CODE = 0x60000020;   // CNT_CODE | MEM_EXECUTE | MEM_READ
constexpr uint32_t SCN_RDATA = 0x40000040;  // CNT_INITIALIZED_DATA | MEM_READ
constexpr uint32_t SCN_DATA = 0xC0000040;   // CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE
constexpr uint32_t SCN_BSS = 0xC0000080;    // CNT_UNINITIALIZED_DATA | MEM_READ | MEM_WRITE
constexpr uint32_t SCN_RELOC = 0x42000040;  // CNT_INITIALIZED_DATA | MEM_DISCARDABLE | MEM_READ

inline uint32_t align_up(uint32_t v, uint32_t a) { return a ? (v + a - 1) / a * a : v; }

// Little-endian stores into a growing byte vector.
inline void put_bytes(std::vector<uint8_t>& b, size_t off, const void* p, size_t n) {
    if (b.size() < off + n) b.resize(off + n);
    std::memcpy(b.data() + off, p, n);
}
inline void put8(std::vector<uint8_t>& b, size_t off, uint8_t v) { put_bytes(b, off, &v, 1); }
inline void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) { put_bytes(b, off, &v, 2); }
inline void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) { put_bytes(b, off, &v, 4); }
inline void put64(std::vector<uint8_t>& b, size_t off, uint64_t v) { put_bytes(b, off, &v, 8); }
inline void put_str(std::vector<uint8_t>& b, size_t off, const std::string& s) {  // with its NUL
    put_bytes(b, off, s.c_str(), s.size() + 1);
}

struct SectionSpec {
    std::string name;  // at most 8 bytes are written
    uint32_t characteristics = SCN_DATA;
    std::vector<uint8_t> data;  // raw data (padded to file alignment in the file)
    uint32_t virtual_size = 0;  // 0: data.size()
};

struct ImportFn {
    std::string name;  // empty: by ordinal
    uint16_t hint = 0;
    uint16_t ordinal = 0;
    static ImportFn by_name(std::string n, uint16_t hint = 0) { return {std::move(n), hint, 0}; }
    static ImportFn by_ordinal(uint16_t ord) { return {"", 0, ord}; }
};

struct ImportSpec {
    std::string dll;
    std::vector<ImportFn> fns;
};

struct ExportFn {
    std::string name;       // empty: exported by ordinal only
    uint32_t rva = 0;       // address of the function (ignored for a forwarder)
    std::string forwarder;  // "DLL.Function" or "DLL.#12": written into .edata, inside the directory
    int slot = -1;          // index in the export address table (ordinal - base); -1: the next one
};

struct TlsSpec {
    std::vector<uint8_t> template_data{1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t zero_fill = 16;
    std::vector<uint32_t> callback_rvas;  // written as VAs (image base + RVA), NULL-terminated
};

struct SectionLayout {
    std::string name;
    uint32_t va = 0, virtual_size = 0, raw_offset = 0, raw_size = 0, characteristics = 0;
};

// A built image and where its parts are.
struct Image {
    std::vector<uint8_t> bytes;
    bool pe32_plus = true;
    size_t lfanew = 0;           // file offset of "PE\0\0"
    size_t file_header = 0;      // file offset of IMAGE_FILE_HEADER
    size_t optional_header = 0;  // file offset of the optional header
    size_t section_table = 0;    // file offset of the first IMAGE_SECTION_HEADER
    uint32_t size_of_headers = 0, size_of_image = 0;
    std::vector<SectionLayout> sections;
    std::map<std::string, uint32_t> rva;  // named places the builder wrote (see the top of this file)

    std::span<const uint8_t> span() const { return bytes; }
    size_t directory(int index) const {  // file offset of a data directory entry {rva, size}
        return optional_header + (pe32_plus ? oh::DIRECTORIES64 : oh::DIRECTORIES32) + size_t(index) * 8;
    }
    size_t section_header(size_t i) const { return section_table + i * sh::SIZE; }
    size_t offset_of_rva(uint32_t r) const {
        if (r < size_of_headers) return r;
        for (const auto& s : sections)
            if (r >= s.va && r < uint64_t(s.va) + s.raw_size) return s.raw_offset + (r - s.va);
        throw std::logic_error("pe_builder: RVA has no file data");
    }
    size_t at(const std::string& name) const { return offset_of_rva(rva.at(name)); }  // file offset of a place

    void put8(size_t off, uint8_t v) { pe_builder::put8(bytes, off, v); }
    void put16(size_t off, uint16_t v) { pe_builder::put16(bytes, off, v); }
    void put32(size_t off, uint32_t v) { pe_builder::put32(bytes, off, v); }
    void put64(size_t off, uint64_t v) { pe_builder::put64(bytes, off, v); }
    void put_str(size_t off, const std::string& s) { pe_builder::put_str(bytes, off, s); }
    uint16_t get16(size_t off) const { uint16_t v; std::memcpy(&v, bytes.data() + off, 2); return v; }
    uint32_t get32(size_t off) const { uint32_t v; std::memcpy(&v, bytes.data() + off, 4); return v; }
    void set_directory(int index, uint32_t r, uint32_t size) { put32(directory(index), r); put32(directory(index) + 4, size); }
    void truncate(size_t n) { bytes.resize(n); }
};

class PeBuilder {
public:
    bool pe32_plus = true;
    uint16_t machine = 0x8664;                 // IMAGE_FILE_MACHINE_AMD64
    uint16_t characteristics = 0x0022;         // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
    uint16_t dll_characteristics = 0x0160;     // HIGH_ENTROPY_VA | DYNAMIC_BASE | NX_COMPAT
    uint16_t subsystem = 3;                    // IMAGE_SUBSYSTEM_WINDOWS_CUI
    uint64_t image_base = 0x140000000;
    uint32_t section_alignment = 0x1000, file_alignment = 0x200;
    uint64_t stack_reserve = 0x200000, stack_commit = 0x1000;
    uint32_t timestamp = 0x5F5E1000;
    uint32_t lfanew = 0x80;
    std::optional<uint32_t> entry_point;  // default: the start of the first section
    // xor eax, eax; ret
    std::vector<SectionSpec> sections{{".text", SCN_CODE, {0x31, 0xC0, 0xC3}, 0}};

    std::vector<ImportSpec> imports;
    std::string export_dll_name = "test.dll";
    uint32_t export_base = 1;
    std::vector<ExportFn> exports;
    std::vector<std::pair<uint32_t, uint8_t>> relocations;  // {rva, IMAGE_REL_BASED_* type}
    std::optional<TlsSpec> tls;

    PeBuilder& add_section(std::string name, uint32_t chars, std::vector<uint8_t> data, uint32_t vsize = 0) {
        sections.push_back({std::move(name), chars, std::move(data), vsize});
        return *this;
    }
    PeBuilder& add_import(std::string dll, std::vector<ImportFn> fns) {
        imports.push_back({std::move(dll), std::move(fns)});
        return *this;
    }
    PeBuilder& add_export(std::string name, uint32_t rva, int slot = -1) {
        exports.push_back({std::move(name), rva, "", slot});
        return *this;
    }
    PeBuilder& add_forwarder(std::string name, std::string target, int slot = -1) {
        exports.push_back({std::move(name), 0, std::move(target), slot});
        return *this;
    }
    PeBuilder& add_relocation(uint32_t rva, uint8_t type = 10 /* DIR64 */) {
        relocations.push_back({rva, type});
        return *this;
    }
    PeBuilder& set_tls(TlsSpec spec = {}) {
        tls = std::move(spec);
        return *this;
    }

    // The RVA the i-th section of `sections` will have (generated sections come after them).
    uint32_t section_rva(size_t i) const { return build().sections.at(i).va; }

    Image build() const {
        Image img;
        img.pe32_plus = pe32_plus;
        const size_t opt_size = pe32_plus ? oh::SIZE64 : oh::SIZE32;

        // Generated sections: content depends on the section's RVA only through the pointers it
        // holds, never in size, so one pass with the real RVA is enough.
        using Gen = std::vector<uint8_t> (PeBuilder::*)(uint32_t, Image&) const;
        std::vector<std::pair<SectionSpec, Gen>> all;
        for (const auto& s : sections) all.push_back({s, nullptr});
        if (!imports.empty()) all.push_back({{".idata", SCN_DATA, {}, 0}, &PeBuilder::gen_imports});
        if (!exports.empty()) all.push_back({{".edata", SCN_RDATA, {}, 0}, &PeBuilder::gen_exports});
        if (tls) all.push_back({{".tls", SCN_DATA, {}, 0}, &PeBuilder::gen_tls});
        if (!relocations.empty()) all.push_back({{".reloc", SCN_RELOC, {}, 0}, &PeBuilder::gen_relocs});

        img.lfanew = lfanew;
        img.file_header = lfanew + 4;
        img.optional_header = img.file_header + fh::SIZE;
        img.section_table = img.optional_header + opt_size;
        size_t headers_end = img.section_table + all.size() * sh::SIZE;
        img.size_of_headers = align_up(uint32_t(headers_end), file_alignment);

        uint32_t va = align_up(img.size_of_headers, section_alignment);
        uint32_t raw = img.size_of_headers;
        std::vector<std::vector<uint8_t>> contents;
        for (auto& [spec, gen] : all) {
            if (gen) spec.data = (this->*gen)(va, img);
            SectionLayout l;
            l.name = spec.name;
            l.va = va;
            l.virtual_size = spec.virtual_size ? spec.virtual_size : uint32_t(spec.data.size());
            l.raw_size = align_up(uint32_t(spec.data.size()), file_alignment);
            l.raw_offset = l.raw_size ? raw : 0;
            l.characteristics = spec.characteristics;
            raw += l.raw_size;
            va += align_up(std::max<uint32_t>(l.virtual_size, 1), section_alignment);
            img.sections.push_back(l);
            contents.push_back(spec.data);
        }
        img.size_of_image = va;

        auto& b = img.bytes;
        b.assign(raw, 0);
        // DOS header: only e_magic and e_lfanew matter to a loader.
        put16(b, 0, 0x5A4D);
        put32(b, 0x3C, lfanew);
        put_bytes(b, 0x40, "This program cannot be run in DOS mode.", 39);
        put32(b, lfanew, 0x00004550);

        const size_t f = img.file_header;
        put16(b, f + fh::MACHINE, machine);
        put16(b, f + fh::NUMBER_OF_SECTIONS, uint16_t(all.size()));
        put32(b, f + fh::TIMESTAMP, timestamp);
        put16(b, f + fh::SIZE_OF_OPTIONAL_HEADER, uint16_t(opt_size));
        put16(b, f + fh::CHARACTERISTICS, characteristics);

        const size_t o = img.optional_header;
        put16(b, o + oh::MAGIC, pe32_plus ? 0x20B : 0x10B);
        put32(b, o + oh::ENTRY_POINT, entry_point ? *entry_point : img.sections.at(0).va);
        put32(b, o + oh::BASE_OF_CODE, img.sections.at(0).va);
        if (pe32_plus) put64(b, o + oh::IMAGE_BASE64, image_base);
        else put32(b, o + oh::IMAGE_BASE32, uint32_t(image_base));
        put32(b, o + oh::SECTION_ALIGNMENT, section_alignment);
        put32(b, o + oh::FILE_ALIGNMENT, file_alignment);
        put16(b, o + oh::MAJOR_OS_VERSION, 6);
        put16(b, o + oh::MAJOR_SUBSYSTEM_VERSION, 6);
        put32(b, o + oh::SIZE_OF_IMAGE, img.size_of_image);
        put32(b, o + oh::SIZE_OF_HEADERS, img.size_of_headers);
        put16(b, o + oh::SUBSYSTEM, subsystem);
        put16(b, o + oh::DLL_CHARACTERISTICS, dll_characteristics);
        if (pe32_plus) {
            put64(b, o + oh::STACK_RESERVE64, stack_reserve);
            put64(b, o + oh::STACK_COMMIT64, stack_commit);
            put64(b, o + oh::HEAP_RESERVE64, 0x100000);
            put64(b, o + oh::HEAP_COMMIT64, 0x1000);
            put32(b, o + oh::NUMBER_OF_RVA_AND_SIZES64, 16);
        } else {
            put32(b, o + oh::STACK_RESERVE32, uint32_t(stack_reserve));
            put32(b, o + oh::STACK_COMMIT32, uint32_t(stack_commit));
            put32(b, o + oh::HEAP_RESERVE32, 0x100000);
            put32(b, o + oh::HEAP_COMMIT32, 0x1000);
            put32(b, o + oh::NUMBER_OF_RVA_AND_SIZES32, 16);
        }
        for (size_t i = 0; i < img.sections.size(); i++) {
            const auto& l = img.sections[i];
            size_t s = img.section_header(i);
            put_bytes(b, s + sh::NAME, l.name.data(), std::min<size_t>(l.name.size(), 8));
            put32(b, s + sh::VIRTUAL_SIZE, l.virtual_size);
            put32(b, s + sh::VIRTUAL_ADDRESS, l.va);
            put32(b, s + sh::SIZE_OF_RAW_DATA, l.raw_size);
            put32(b, s + sh::POINTER_TO_RAW_DATA, l.raw_offset);
            put32(b, s + sh::CHARACTERISTICS, l.characteristics);
            if (!contents[i].empty()) put_bytes(b, l.raw_offset, contents[i].data(), contents[i].size());
        }
        // Data directories of the generated sections.
        auto& r = img.rva;
        if (r.count("import.desc.0"))
            img.set_directory(1, r["import.desc.0"], uint32_t((imports.size() + 1) * 20));
        if (r.count("import.iat.0"))
            img.set_directory(12, r["import.iat.0"], r["import.iat.end"] - r["import.iat.0"]);
        if (r.count("export.dir")) img.set_directory(0, r["export.dir"], r["export.end"] - r["export.dir"]);
        if (r.count("tls.dir")) img.set_directory(9, r["tls.dir"], pe32_plus ? 40 : 24);
        if (r.count("reloc.block.0")) img.set_directory(5, r["reloc.block.0"], r["reloc.end"] - r["reloc.block.0"]);
        return img;
    }

private:
    // .idata: descriptors (+ terminator), then per DLL its lookup table and address table
    // (+ terminators), then hint/name entries (even-aligned), then DLL names.
    std::vector<uint8_t> gen_imports(uint32_t va, Image& img) const {
        const uint32_t thunk = pe32_plus ? 8 : 4;
        std::vector<uint8_t> b;
        size_t pos = (imports.size() + 1) * 20;
        std::vector<size_t> ilt(imports.size()), iat(imports.size());
        for (size_t i = 0; i < imports.size(); i++) {
            ilt[i] = pos;
            pos += (imports[i].fns.size() + 1) * thunk;
        }
        for (size_t i = 0; i < imports.size(); i++) {
            iat[i] = pos;
            pos += (imports[i].fns.size() + 1) * thunk;
        }
        img.rva["import.iat.end"] = uint32_t(va + pos);
        for (size_t i = 0; i < imports.size(); i++) {
            const auto& d = imports[i];
            img.rva["import.desc." + std::to_string(i)] = uint32_t(va + i * 20);
            img.rva["import.ilt." + std::to_string(i)] = uint32_t(va + ilt[i]);
            img.rva["import.iat." + std::to_string(i)] = uint32_t(va + iat[i]);
            for (size_t j = 0; j < d.fns.size(); j++) {
                uint64_t v;
                if (d.fns[j].name.empty()) {
                    v = d.fns[j].ordinal | (pe32_plus ? 0x8000000000000000ull : 0x80000000ull);
                } else {
                    pos = align_up(uint32_t(pos), 2);
                    img.rva["import.hintname." + std::to_string(i) + "." + std::to_string(j)] = uint32_t(va + pos);
                    put16(b, pos, d.fns[j].hint);
                    put_str(b, pos + 2, d.fns[j].name);
                    v = va + pos;
                    pos += 2 + d.fns[j].name.size() + 1;
                }
                put_bytes(b, ilt[i] + j * thunk, &v, thunk);
                put_bytes(b, iat[i] + j * thunk, &v, thunk);  // unbound: the IAT is a copy
            }
        }
        for (size_t i = 0; i < imports.size(); i++) {
            img.rva["import.dllname." + std::to_string(i)] = uint32_t(va + pos);
            put_str(b, pos, imports[i].dll);
            pos += imports[i].dll.size() + 1;
            size_t d = i * 20;
            put32(b, d + 0, uint32_t(va + ilt[i]));   // OriginalFirstThunk
            put32(b, d + 12, img.rva["import.dllname." + std::to_string(i)]);  // Name
            put32(b, d + 16, uint32_t(va + iat[i]));  // FirstThunk
        }
        b.resize(std::max(b.size(), pos));
        return b;
    }

    // .edata: IMAGE_EXPORT_DIRECTORY, address table, name pointer table (sorted by name, as the
    // loader's binary search needs), ordinal table, DLL name, names, forwarder strings. The whole
    // section is the export directory, so forwarder RVAs fall inside it.
    std::vector<uint8_t> gen_exports(uint32_t va, Image& img) const {
        std::vector<ExportFn> fns = exports;
        int next = 0;
        for (auto& e : fns) {
            if (e.slot < 0) e.slot = next;
            next = std::max(next, e.slot + 1);
        }
        const uint32_t nfuncs = uint32_t(next);
        std::vector<size_t> named;
        for (size_t i = 0; i < fns.size(); i++)
            if (!fns[i].name.empty()) named.push_back(i);
        std::sort(named.begin(), named.end(), [&](size_t a, size_t b) { return fns[a].name < fns[b].name; });
        const uint32_t nnames = uint32_t(named.size());

        std::vector<uint8_t> b(40, 0);
        size_t eat = 40, names = eat + nfuncs * 4, ords = names + nnames * 4;
        size_t pos = ords + nnames * 2;
        pos = align_up(uint32_t(pos), 4);
        img.rva["export.dir"] = va;
        img.rva["export.eat"] = uint32_t(va + eat);
        img.rva["export.names"] = uint32_t(va + names);
        img.rva["export.ordinals"] = uint32_t(va + ords);
        img.rva["export.dllname"] = uint32_t(va + pos);
        put_str(b, pos, export_dll_name);
        pos += export_dll_name.size() + 1;
        for (size_t k = 0; k < named.size(); k++) {
            const auto& e = fns[named[k]];
            img.rva["export.name." + std::to_string(k)] = uint32_t(va + pos);
            put32(b, names + k * 4, uint32_t(va + pos));
            put16(b, ords + k * 2, uint16_t(e.slot));
            put_str(b, pos, e.name);
            pos += e.name.size() + 1;
        }
        b.resize(std::max(b.size(), pos));
        for (uint32_t s = 0; s < nfuncs; s++) put32(b, eat + s * 4, 0);
        for (const auto& e : fns) {
            uint32_t target = e.rva;
            if (!e.forwarder.empty()) {
                target = uint32_t(va + pos);
                img.rva["export.forwarder." + std::to_string(e.slot)] = target;
                put_str(b, pos, e.forwarder);
                pos += e.forwarder.size() + 1;
            }
            put32(b, eat + size_t(e.slot) * 4, target);
        }
        img.rva["export.end"] = uint32_t(va + pos);
        put32(b, 4, timestamp);                             // TimeDateStamp
        put32(b, 12, img.rva["export.dllname"]);            // Name
        put32(b, 16, export_base);                          // Base
        put32(b, 20, nfuncs);                               // NumberOfFunctions
        put32(b, 24, nnames);                               // NumberOfNames
        put32(b, 28, img.rva["export.eat"]);                // AddressOfFunctions
        put32(b, 32, img.rva["export.names"]);              // AddressOfNames
        put32(b, 36, img.rva["export.ordinals"]);           // AddressOfNameOrdinals
        b.resize(std::max(b.size(), pos));
        return b;
    }

    // .tls: template, index slot, callback array, IMAGE_TLS_DIRECTORY{32,64}.
    std::vector<uint8_t> gen_tls(uint32_t va, Image& img) const {
        const uint32_t ptr = pe32_plus ? 8 : 4;
        std::vector<uint8_t> b;
        put_bytes(b, 0, tls->template_data.data(), tls->template_data.size());
        size_t pos = align_up(uint32_t(tls->template_data.size()), 8);
        size_t index = pos;
        pos += 8;
        size_t callbacks = pos;
        pos += (tls->callback_rvas.size() + 1) * ptr;
        size_t dir = pos;
        pos += pe32_plus ? 40 : 24;
        b.resize(pos, 0);
        img.rva["tls.template"] = va;
        img.rva["tls.index"] = uint32_t(va + index);
        img.rva["tls.callbacks"] = uint32_t(va + callbacks);
        img.rva["tls.dir"] = uint32_t(va + dir);
        for (size_t i = 0; i < tls->callback_rvas.size(); i++) {
            uint64_t v = image_base + tls->callback_rvas[i];
            put_bytes(b, callbacks + i * ptr, &v, ptr);
        }
        uint64_t f[4] = {image_base + va, image_base + va + tls->template_data.size(), image_base + va + index,
                         tls->callback_rvas.empty() ? 0 : image_base + va + callbacks};
        for (int i = 0; i < 4; i++) put_bytes(b, dir + i * ptr, &f[i], ptr);
        put32(b, dir + 4 * ptr, tls->zero_fill);  // SizeOfZeroFill; Characteristics stays 0
        return b;
    }

    // .reloc: blocks of {PageRVA, SizeOfBlock, WORD entries}, one per 4K page.
    std::vector<uint8_t> gen_relocs(uint32_t va, Image& img) const {
        std::map<uint32_t, std::vector<uint16_t>> pages;
        for (auto [rva, type] : relocations) pages[rva & ~0xFFFu].push_back(uint16_t((type << 12) | (rva & 0xFFF)));
        std::vector<uint8_t> b;
        size_t pos = 0, k = 0;
        for (auto& [page, entries] : pages) {
            if (entries.size() % 2) entries.push_back(0);  // ABSOLUTE padding to 4 bytes
            img.rva["reloc.block." + std::to_string(k++)] = uint32_t(va + pos);
            put32(b, pos, page);
            put32(b, pos + 4, uint32_t(8 + entries.size() * 2));
            for (size_t i = 0; i < entries.size(); i++) put16(b, pos + 8 + i * 2, entries[i]);
            pos += 8 + entries.size() * 2;
        }
        img.rva["reloc.end"] = uint32_t(va + pos);
        return b;
    }
};

}  // namespace pe_builder
