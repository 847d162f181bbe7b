// Tests for the checked PE reader (loader/pe/pe_image.cpp).
//
// Images are built byte by byte by pe_builder.h: a valid one must parse to exactly what was built,
// and each malformed one (one field corrupted after building) must give a clean Error whose message
// names the problem, never a crash, a hang, or a read outside the file (the unit tests are also
// run under ASan/UBSan: tests/fuzz/README.md says how).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "pe/pe_image.h"
#include "pe_builder.h"

using namespace winrun::pe;
using namespace pe_builder;
using Catch::Matchers::Contains;

namespace {

template <typename T>
std::string error_of(const winrun::Result<T>& r) {
    return r.ok() ? std::string("<no error>") : r.error().message;
}

// parse() must refuse the image with a message containing `what`.
void require_parse_error(std::span<const uint8_t> bytes, const std::string& what) {
    auto r = PeImage::parse(bytes);
    INFO("expected an error containing: " << what);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Contains(what));
}

PeImage parse_ok(const Image& img) {
    auto r = PeImage::parse(img.span());
    INFO(error_of(r));
    REQUIRE(r.ok());
    return r.value();
}

uint32_t oh_size_of_image(const Image& img) { return img.get32(img.optional_header + oh::SIZE_OF_IMAGE); }

// A program like the ones mingw-w64 links: code, data, bss, imports from two DLLs (by name and by
// ordinal), a few exports (one forwarded, one by ordinal only), relocations in two pages, TLS.
struct Sample {
    PeBuilder b;
    uint32_t text = 0, data = 0, bss = 0;
    Sample() {
        b.add_section(".data", SCN_DATA, std::vector<uint8_t>(0x40, 0xAA));
        b.add_section(".bss", SCN_BSS, {}, 0x800);
        text = b.section_rva(0);
        data = b.section_rva(1);
        bss = b.section_rva(2);
        b.add_import("KERNEL32.dll", {ImportFn::by_name("ExitProcess", 0x167), ImportFn::by_name("GetStdHandle", 0x2D5)});
        b.add_import("msvcrt.dll", {ImportFn::by_name("printf", 0x4E5), ImportFn::by_ordinal(42)});
        b.add_export("alpha", text);
        b.add_export("beta", text + 1);
        b.add_forwarder("gamma", "NTDLL.RtlAllocateHeap");
        b.exports.push_back({"", text + 2, "", 5});        // ordinal-only, leaving slots 3 and 4 unused
        b.add_forwarder("", "KERNELBASE.#12", 6);         // ordinal-only forwarder by ordinal
        b.add_relocation(data, REL_BASED_DIR64);
        b.add_relocation(data + 8, REL_BASED_DIR64);
        b.add_relocation(bss + 0x10, REL_BASED_DIR64);
        TlsSpec t;
        t.template_data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        t.zero_fill = 0x20;
        t.callback_rvas = {text, text + 1};
        b.set_tls(t);
    }
};

}  // namespace

// ---- valid images ---------------------------------------------------------------------------------

TEST_CASE("pe: a valid PE32+ program parses to what was built", "[pe]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);

    CHECK(pe.machine() == MACHINE_AMD64);
    CHECK(pe.is_pe32_plus());
    CHECK_FALSE(pe.is_dll());
    CHECK(pe.characteristics() == 0x0022);
    CHECK(pe.dll_characteristics() == 0x0160);
    CHECK(pe.subsystem() == 3);
    CHECK(pe.image_base() == 0x140000000ull);
    CHECK(pe.size_of_image() == img.size_of_image);
    CHECK(pe.size_of_headers() == img.size_of_headers);
    CHECK(pe.size_of_headers() == 0x400);  // 0x80 + 4 + 20 + 240 + 7 * 40, file-aligned
    CHECK(pe.entry_point_rva() == s.text);
    CHECK(pe.section_alignment() == 0x1000);
    CHECK(pe.stack_reserve() == 0x200000);
    CHECK(pe.stack_commit() == 0x1000);
    CHECK(pe.timestamp() == 0x5F5E1000);
    CHECK(pe.data().size() == img.bytes.size());

    const auto& secs = pe.sections();
    REQUIRE(secs.size() == 7);
    const char* names[] = {".text", ".data", ".bss", ".idata", ".edata", ".tls", ".reloc"};
    for (size_t i = 0; i < secs.size(); i++) {
        INFO("section " << i);
        CHECK(secs[i].name == names[i]);
        CHECK(secs[i].virtual_address == img.sections[i].va);
        CHECK(secs[i].virtual_size == img.sections[i].virtual_size);
        CHECK(secs[i].raw_offset == img.sections[i].raw_offset);
        CHECK(secs[i].raw_size == img.sections[i].raw_size);
        CHECK(secs[i].characteristics == img.sections[i].characteristics);
    }
    CHECK(secs[0].virtual_address == 0x1000);
    CHECK(secs[0].virtual_size == 3);
    CHECK(secs[0].raw_size == 0x200);
    CHECK(secs[2].raw_size == 0);
    CHECK(secs[2].virtual_size == 0x800);
    CHECK((secs[2].characteristics & SCN_CNT_UNINITIALIZED_DATA) != 0);

    CHECK(pe.directory(DIR_IMPORT).rva == img.rva.at("import.desc.0"));
    CHECK(pe.directory(DIR_IMPORT).size == 3 * 20);
    CHECK(pe.directory(DIR_IAT).rva == img.rva.at("import.iat.0"));
    CHECK(pe.directory(DIR_EXPORT).rva == img.rva.at("export.dir"));
    CHECK(pe.directory(DIR_TLS).size == 40);
    CHECK(pe.directory(DIR_RESOURCE).rva == 0);
    CHECK(pe.directory(-1).rva == 0);
    CHECK(pe.directory(16).rva == 0);
}

TEST_CASE("pe: imports of a valid image", "[pe]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);
    auto imps = pe.imports();
    INFO(error_of(imps));
    REQUIRE(imps.ok());
    REQUIRE(imps->size() == 2);
    const auto& k32 = (*imps)[0];
    CHECK(k32.dll == "KERNEL32.dll");
    REQUIRE(k32.entries.size() == 2);
    CHECK(k32.entries[0].name == "ExitProcess");
    CHECK(k32.entries[0].hint == 0x167);
    CHECK(k32.entries[0].iat_rva == img.rva.at("import.iat.0"));
    CHECK(k32.entries[1].name == "GetStdHandle");
    CHECK(k32.entries[1].hint == 0x2D5);
    CHECK(k32.entries[1].iat_rva == img.rva.at("import.iat.0") + 8);
    const auto& crt = (*imps)[1];
    CHECK(crt.dll == "msvcrt.dll");
    REQUIRE(crt.entries.size() == 2);
    CHECK(crt.entries[0].name == "printf");
    CHECK(crt.entries[1].name.empty());
    CHECK(crt.entries[1].ordinal == 42);
    CHECK(crt.entries[1].iat_rva == img.rva.at("import.iat.1") + 8);

    SECTION("an empty lookup table falls back to the address table (old binders)") {
        img.put32(img.at("import.desc.0"), 0);
        PeImage pe2 = parse_ok(img);
        auto r = pe2.imports();
        REQUIRE(r.ok());
        REQUIRE((*r)[0].entries.size() == 2);
        CHECK((*r)[0].entries[1].name == "GetStdHandle");
    }
    SECTION("a descriptor without Name or FirstThunk ends the list, as in the Windows loader") {
        img.put32(img.at("import.desc.1") + 16, 0);
        auto r = parse_ok(img).imports();
        REQUIRE(r.ok());
        CHECK(r->size() == 1);
        img.put32(img.at("import.desc.0") + 12, 0);
        r = parse_ok(img).imports();
        REQUIRE(r.ok());
        CHECK(r->empty());
    }
}

TEST_CASE("pe: exports of a valid image", "[pe]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);
    auto ex = pe.exports();
    INFO(error_of(ex));
    REQUIRE(ex.ok());
    CHECK(ex->dll_name == "test.dll");
    CHECK(ex->ordinal_base == 1);
    REQUIRE(ex->entries.size() == 7);
    CHECK(ex->entries[0].name == "alpha");
    CHECK(ex->entries[0].ordinal == 1);
    CHECK(ex->entries[0].rva == s.text);
    CHECK(ex->entries[0].forwarder.empty());
    CHECK(ex->entries[1].name == "beta");
    CHECK(ex->entries[1].rva == s.text + 1);
    CHECK(ex->entries[2].name == "gamma");
    CHECK(ex->entries[2].forwarder == "NTDLL.RtlAllocateHeap");
    CHECK(ex->entries[2].rva == img.rva.at("export.forwarder.2"));
    for (int unused : {3, 4}) {
        CHECK(ex->entries[unused].rva == 0);
        CHECK(ex->entries[unused].name.empty());
        CHECK(ex->entries[unused].ordinal == uint32_t(unused + 1));
    }
    CHECK(ex->entries[5].name.empty());
    CHECK(ex->entries[5].ordinal == 6);
    CHECK(ex->entries[5].rva == s.text + 2);
    CHECK(ex->entries[6].forwarder == "KERNELBASE.#12");

    SECTION("a biased ordinal base") {
        s.b.export_base = 100;
        Image img2 = s.b.build();
        auto ex2 = parse_ok(img2).exports();
        REQUIRE(ex2.ok());
        CHECK(ex2->ordinal_base == 100);
        CHECK(ex2->entries[5].ordinal == 105);
    }
    SECTION("an unreadable DLL name is tolerated (Windows does not read it)") {
        img.put32(img.at("export.dir") + 12, 0x7FFFFFF0);
        auto ex2 = parse_ok(img).exports();
        REQUIRE(ex2.ok());
        CHECK(ex2->dll_name.empty());
        CHECK(ex2->entries.size() == 7);
    }
}

TEST_CASE("pe: relocations and TLS of a valid image", "[pe]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);
    auto rel = pe.relocations();
    INFO(error_of(rel));
    REQUIRE(rel.ok());
    REQUIRE(rel->size() == 3);  // the ABSOLUTE padding entry of the second block is skipped
    CHECK((*rel)[0].rva == s.data);
    CHECK((*rel)[0].type == REL_BASED_DIR64);
    CHECK((*rel)[1].rva == s.data + 8);
    CHECK((*rel)[2].rva == s.bss + 0x10);

    auto tls = pe.tls();
    INFO(error_of(tls));
    REQUIRE(tls.ok());
    REQUIRE(tls->has_value());
    const TlsInfo& t = **tls;
    uint64_t base = 0x140000000ull;
    CHECK(t.raw_data_start == base + img.rva.at("tls.template"));
    CHECK(t.raw_data_end == t.raw_data_start + 12);
    CHECK(t.index_address == base + img.rva.at("tls.index"));
    CHECK(t.callbacks_address == base + img.rva.at("tls.callbacks"));
    CHECK(t.zero_fill == 0x20);
    // The callback array itself, read back through the checked reader.
    auto cb = pe.bytes_at(img.rva.at("tls.callbacks"), 24, "TLS callbacks");
    REQUIRE(cb.ok());
    uint64_t v[3];
    std::memcpy(v, cb->data(), 24);
    CHECK(v[0] == base + s.text);
    CHECK(v[1] == base + s.text + 1);
    CHECK(v[2] == 0);

    SECTION("a zero block after the last one ends the list (linker padding)") {
        uint32_t dir = img.get32(img.directory(DIR_BASERELOC) + 4);
        img.set_directory(DIR_BASERELOC, img.rva.at("reloc.block.0"), dir + 8);  // covers 8 zero bytes of padding
        auto r = parse_ok(img).relocations();
        REQUIRE(r.ok());
        CHECK(r->size() == 3);
    }
}

TEST_CASE("pe: an image without directories", "[pe]") {
    PeBuilder b;
    Image img = b.build();
    PeImage pe = parse_ok(img);
    CHECK(pe.sections().size() == 1);
    auto imps = pe.imports();
    REQUIRE(imps.ok());
    CHECK(imps->empty());
    auto ex = pe.exports();
    REQUIRE(ex.ok());
    CHECK(ex->entries.empty());
    CHECK(ex->dll_name.empty());
    auto rel = pe.relocations();
    REQUIRE(rel.ok());
    CHECK(rel->empty());
    auto tls = pe.tls();
    REQUIRE(tls.ok());
    CHECK_FALSE(tls->has_value());
}

TEST_CASE("pe: a DLL, a PE32 image, low section alignment", "[pe]") {
    SECTION("DLL") {
        PeBuilder b;
        b.characteristics |= FILE_DLL;
        b.entry_point = 0;  // a DLL may have no entry point
        b.add_export("f", b.section_rva(0));
        PeImage pe = parse_ok(b.build());
        CHECK(pe.is_dll());
        CHECK(pe.entry_point_rva() == 0);
    }
    SECTION("PE32: 4-byte thunks, 24-byte TLS directory, HIGHLOW relocations") {
        PeBuilder b;
        b.pe32_plus = false;
        b.machine = MACHINE_I386;
        b.image_base = 0x400000;
        b.add_section(".data", SCN_DATA, std::vector<uint8_t>(16, 0));
        uint32_t data = b.section_rva(1);
        b.add_import("KERNEL32.dll", {ImportFn::by_name("ExitProcess", 7), ImportFn::by_ordinal(3)});
        b.add_relocation(data, REL_BASED_HIGHLOW);
        b.set_tls();
        Image img = b.build();
        PeImage pe = parse_ok(img);
        CHECK_FALSE(pe.is_pe32_plus());
        CHECK(pe.machine() == MACHINE_I386);
        CHECK(std::string(machine_name(pe.machine())) == "i386 (PE32)");
        CHECK(pe.image_base() == 0x400000);
        CHECK(pe.stack_reserve() == 0x200000);
        CHECK(pe.stack_commit() == 0x1000);
        auto imps = pe.imports();
        INFO(error_of(imps));
        REQUIRE(imps.ok());
        REQUIRE(imps->size() == 1);
        REQUIRE((*imps)[0].entries.size() == 2);
        CHECK((*imps)[0].entries[0].name == "ExitProcess");
        CHECK((*imps)[0].entries[1].ordinal == 3);
        CHECK((*imps)[0].entries[1].iat_rva == img.rva.at("import.iat.0") + 4);
        auto rel = pe.relocations();
        REQUIRE(rel.ok());
        REQUIRE(rel->size() == 1);
        CHECK((*rel)[0].type == REL_BASED_HIGHLOW);
        auto tls = pe.tls();
        INFO(error_of(tls));
        REQUIRE(tls.ok());
        REQUIRE(tls->has_value());
        CHECK((*tls)->raw_data_start == 0x400000 + img.rva.at("tls.template"));
        CHECK((*tls)->raw_data_end == (*tls)->raw_data_start + 8);
        CHECK((*tls)->zero_fill == 16);
    }
    SECTION("section alignment equal to file alignment (0x200)") {
        PeBuilder b;
        b.section_alignment = 0x200;
        b.add_section(".data", SCN_DATA, std::vector<uint8_t>(0x300, 1));
        b.add_import("a.dll", {ImportFn::by_name("f")});
        Image img = b.build();
        PeImage pe = parse_ok(img);
        CHECK(pe.section_alignment() == 0x200);
        CHECK(pe.sections()[1].virtual_address == 0x400);
        auto imps = pe.imports();
        REQUIRE(imps.ok());
        CHECK((*imps)[0].entries[0].name == "f");
    }
    SECTION("fewer than 16 data directories") {
        Sample s;
        Image img = s.b.build();
        img.put32(img.optional_header + oh::NUMBER_OF_RVA_AND_SIZES64, 2);  // export + import only
        PeImage pe = parse_ok(img);
        CHECK(pe.directory(DIR_IMPORT).rva == img.rva.at("import.desc.0"));
        CHECK(pe.directory(DIR_TLS).rva == 0);
        // A SizeOfOptionalHeader that leaves room for 3 directories wins over NumberOfRvaAndSizes.
        img.put32(img.optional_header + oh::NUMBER_OF_RVA_AND_SIZES64, 16);
        img.put16(img.file_header + fh::SIZE_OF_OPTIONAL_HEADER, oh::DIRECTORIES64 + 3 * 8);
        // The section table now starts where the optional header ends: move it there.
        std::vector<uint8_t> table(img.bytes.begin() + img.section_table, img.bytes.begin() + img.section_table + 7 * 40);
        put_bytes(img.bytes, img.optional_header + oh::DIRECTORIES64 + 3 * 8, table.data(), table.size());
        PeImage pe2 = parse_ok(img);
        CHECK(pe2.directory(DIR_IMPORT).rva == img.rva.at("import.desc.0"));
        CHECK(pe2.directory(DIR_RESOURCE).rva == 0);  // the third entry is there: zero
        CHECK(pe2.directory(DIR_TLS).rva == 0);       // beyond SizeOfOptionalHeader: ignored
        CHECK(pe2.sections().size() == 7);
    }
}

TEST_CASE("pe: bytes_at, string_at and rva_to_offset", "[pe]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);
    auto mz = pe.bytes_at(0, 2, "DOS header");
    REQUIRE(mz.ok());
    CHECK((*mz)[0] == 'M');
    CHECK((*mz)[1] == 'Z');
    auto off = pe.rva_to_offset(s.data + 4, 4, "x");
    REQUIRE(off.ok());
    CHECK(*off == img.sections[1].raw_offset + 4);
    auto name = pe.string_at(img.rva.at("import.dllname.1"), "x");
    REQUIRE(name.ok());
    CHECK(*name == "msvcrt.dll");
    // max_len: the NUL must come within max_len bytes.
    CHECK(pe.string_at(img.rva.at("import.dllname.1"), "x", 11).ok());
    auto shortr = pe.string_at(img.rva.at("import.dllname.1"), "dll name", 10);
    CHECK_FALSE(shortr.ok());
    CHECK_THAT(error_of(shortr), Contains("dll name") && Contains("not terminated"));
    // .bss has no file data: reading it is an error, not zeros from elsewhere.
    auto bss = pe.bytes_at(s.bss, 4, "bss");
    CHECK_FALSE(bss.ok());
    CHECK_THAT(error_of(bss), Contains("bss: RVA"));
    // Between the end of a section's raw data and the next section: nothing.
    CHECK_FALSE(pe.bytes_at(s.text + 0x200, 1, "gap").ok());
    // A range that starts inside one section and ends in the next is refused.
    CHECK_FALSE(pe.bytes_at(s.text + 0x1F0, 0x20, "straddle").ok());
}

// ---- RVA arithmetic near 0xFFFFFFFF ---------------------------------------------------------------

TEST_CASE("pe: RVA arithmetic near 0xFFFFFFFF does not wrap", "[pe][malformed]") {
    Sample s;
    Image img = s.b.build();
    PeImage pe = parse_ok(img);
    for (auto [rva, size] : std::vector<std::pair<uint32_t, uint32_t>>{
             {0xFFFFFFFF, 1}, {0xFFFFFFFF, 2}, {0xFFFFFFF0, 0x20}, {0xFFFFFFFF, 0xFFFFFFFF}, {0, 0xFFFFFFFF},
             {1, 0xFFFFFFFF}, {s.text, 0xFFFFFFFF}, {s.data + 4, 0xFFFFFFFC}, {0x80000000, 0x80000001}}) {
        INFO("rva 0x" << std::hex << rva << " size 0x" << size);
        auto r = pe.bytes_at(rva, size, "probe");
        CHECK_FALSE(r.ok());
        CHECK_THAT(error_of(r), Contains("probe: RVA"));
        CHECK_FALSE(pe.rva_to_offset(rva, size, "probe").ok());
    }
    CHECK_FALSE(pe.string_at(0xFFFFFFFF, "probe").ok());
    CHECK_FALSE(pe.string_at(0xFFFFFFFF, "probe", SIZE_MAX).ok());

    SECTION("directories at the top of the RVA space") {
        img.set_directory(DIR_IMPORT, 0xFFFFFFF0, 40);
        img.set_directory(DIR_EXPORT, 0xFFFFFFF0, 40);
        img.set_directory(DIR_BASERELOC, 0xFFFFFFF8, 0x10);
        img.set_directory(DIR_TLS, 0xFFFFFFF0, 40);
        PeImage p2 = parse_ok(img);
        CHECK_THAT(error_of(p2.imports()), Contains("import descriptor"));
        CHECK_THAT(error_of(p2.exports()), Contains("export directory"));
        CHECK_THAT(error_of(p2.relocations()), Contains("base relocation directory"));
        CHECK_THAT(error_of(p2.tls()), Contains("TLS directory"));
    }
    SECTION("a relocation page near 4 GiB does not wrap to a small RVA") {
        // 0xFFFFFFFF + 0x10 once wrapped to RVA 0xF, inside the image, and was accepted.
        img.put32(img.at("reloc.block.0"), 0xFFFFFFFF);
        img.put16(img.at("reloc.block.0") + 8, uint16_t((REL_BASED_DIR64 << 12) | 0x10));
        auto r = parse_ok(img).relocations();
        CHECK_FALSE(r.ok());
        CHECK_THAT(error_of(r), Contains("outside the image"));
        img.put32(img.at("reloc.block.0"), 0xFFFFF000);
        r = parse_ok(img).relocations();
        CHECK_THAT(error_of(r), Contains("outside the image"));
    }
    SECTION("an import address table near 4 GiB") {
        img.put32(img.at("import.desc.0") + 16, 0xFFFFFFF8);
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import address table of KERNEL32.dll"));
    }
    SECTION("an import lookup table near 4 GiB") {
        img.put32(img.at("import.desc.0"), 0xFFFFFFF8);
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import lookup table of KERNEL32.dll"));
    }
    SECTION("a section at the top of the RVA space") {
        img.put32(img.section_header(1) + sh::VIRTUAL_ADDRESS, 0xFFFFF000);
        require_parse_error(img.span(), "past SizeOfImage");
    }
    SECTION("export ordinal base + count overflowing") {
        img.put32(img.at("export.dir") + 16, 0xFFFFFFFE);
        auto r = parse_ok(img).exports();
        CHECK_THAT(error_of(r), Contains("ordinal base") && Contains("overflows"));
    }
}

// ---- malformed headers ----------------------------------------------------------------------------

TEST_CASE("pe: malformed DOS and NT headers", "[pe][malformed]") {
    Image img = PeBuilder().build();
    const size_t oh0 = img.optional_header;

    SECTION("empty file") { require_parse_error({}, "empty file"); }
    SECTION("one byte") { require_parse_error(std::vector<uint8_t>{'M'}, "no MZ header"); }
    SECTION("no MZ") {
        img.put16(0, 0x4D5A);  // "ZM"
        require_parse_error(img.span(), "no MZ header");
    }
    SECTION("truncated DOS header") {
        img.truncate(0x3C + 2);
        require_parse_error(img.span(), "truncated DOS header");
    }
    SECTION("e_lfanew past the end") {
        img.put32(0x3C, uint32_t(img.bytes.size()));
        require_parse_error(img.span(), "e_lfanew");
        img.put32(0x3C, uint32_t(img.bytes.size() - 2));
        require_parse_error(img.span(), "past the end of the file");
        img.put32(0x3C, 0xFFFFFFFF);
        require_parse_error(img.span(), "e_lfanew 0xffffffff points past the end");
    }
    SECTION("bad PE signature") {
        img.put32(img.lfanew, 0x0000454E);  // "NE\0\0"
        require_parse_error(img.span(), "no PE signature");
        img.put32(img.lfanew, 0x01004550);  // "PE\0\1"
        require_parse_error(img.span(), "no PE signature");
    }
    SECTION("truncated file header") {
        img.truncate(img.file_header + 10);
        require_parse_error(img.span(), "truncated file header");
        img.truncate(img.file_header + 19);
        require_parse_error(img.span(), "truncated file header");
    }
    SECTION("truncated optional header") {
        Image whole = img;
        img.truncate(oh0 + 1);
        require_parse_error(img.span(), "truncated optional header");
        img = whole;
        img.truncate(oh0 + 100);
        require_parse_error(img.span(), "optional header extends past the end of the file");
    }
    SECTION("bad optional header magic") {
        img.put16(oh0, 0x107);  // a ROM image
        require_parse_error(img.span(), "optional header magic 0x107");
    }
    SECTION("SizeOfOptionalHeader too small") {
        img.put16(img.file_header + fh::SIZE_OF_OPTIONAL_HEADER, 111);
        require_parse_error(img.span(), "optional header too small (111 bytes) for PE32+");
        img.put16(img.file_header + fh::SIZE_OF_OPTIONAL_HEADER, 0);
        require_parse_error(img.span(), "optional header too small (0 bytes)");
        img.put16(oh0, 0x10B);
        img.put16(img.file_header + fh::SIZE_OF_OPTIONAL_HEADER, 95);
        require_parse_error(img.span(), "optional header too small (95 bytes) for PE32");
    }
    SECTION("SizeOfOptionalHeader past the end of the file") {
        img.put16(img.file_header + fh::SIZE_OF_OPTIONAL_HEADER, 0xFFFF);
        require_parse_error(img.span(), "optional header extends past the end of the file");
    }
    SECTION("section alignment 0 or not a power of two") {
        for (uint32_t a : {0u, 3u, 0x1800u, 0xFFFFFFFFu}) {
            img.put32(oh0 + oh::SECTION_ALIGNMENT, a);
            require_parse_error(img.span(), "section alignment");
        }
    }
    SECTION("SizeOfImage 0 or huge") {
        img.put32(oh0 + oh::SIZE_OF_IMAGE, 0);
        require_parse_error(img.span(), "SizeOfImage is 0");
        img.put32(oh0 + oh::SIZE_OF_IMAGE, 0x80001000);
        require_parse_error(img.span(), "SizeOfImage 0x80001000 is implausibly large");
        img.put32(oh0 + oh::SIZE_OF_IMAGE, 0xFFFFFFFF);
        require_parse_error(img.span(), "implausibly large");
    }
    SECTION("SizeOfHeaders larger than SizeOfImage") {
        img.put32(oh0 + oh::SIZE_OF_HEADERS, img.size_of_image + 1);
        require_parse_error(img.span(), "SizeOfHeaders");
    }
    SECTION("NT headers outside the image") {
        PeBuilder b;
        b.lfanew = 0x3000;  // legal as such: the headers are then 0x3200 bytes
        Image far = b.build();
        CHECK(PeImage::parse(far.span()).ok());
        far.put32(far.optional_header + oh::SIZE_OF_HEADERS, 0x200);
        far.put32(far.optional_header + oh::SIZE_OF_IMAGE, 0x1000);
        require_parse_error(far.span(), "PE headers end at");
    }
    SECTION("too many sections") {
        img.put16(img.file_header + fh::NUMBER_OF_SECTIONS, 97);
        require_parse_error(img.span(), "97 sections");
        img.put16(img.file_header + fh::NUMBER_OF_SECTIONS, 0xFFFF);
        require_parse_error(img.span(), "65535 sections");
    }
    SECTION("entry point outside the image") {
        img.put32(oh0 + oh::ENTRY_POINT, img.size_of_image);
        require_parse_error(img.span(), "entry point RVA");
        img.put32(oh0 + oh::ENTRY_POINT, 0xFFFFFFFF);
        require_parse_error(img.span(), "entry point RVA 0xffffffff is outside the image");
    }
}

TEST_CASE("pe: malformed section table", "[pe][malformed]") {
    SECTION("section header past the end of the file") {
        PeBuilder b;  // a single bss-like section: the file is the headers only
        b.sections = {{".bss", SCN_BSS, {}, 0x100}};
        Image img = b.build();
        REQUIRE(PeImage::parse(img.span()).ok());
        img.truncate(img.section_header(0) + 20);
        require_parse_error(img.span(), "section header 0 is past the end of the file");
        img = b.build();
        img.put16(img.file_header + fh::NUMBER_OF_SECTIONS, 96);  // the table runs off the file
        require_parse_error(img.span(), "is past the end of the file");
    }
    PeBuilder b;
    b.add_section(".data", SCN_DATA, std::vector<uint8_t>(0x1000, 'A'));
    Image img = b.build();
    REQUIRE(img.bytes.size() == 0x1400);  // headers, .text at 0x200, .data at 0x400
    SECTION("section raw data past the end of the file (truncated file)") {
        img.truncate(0x1000);
        require_parse_error(img.span(), "section 1 ('.data') raw data 0x400+0x1000 is past the end of the file");
        require_parse_error(img.span(), "truncated file?");
    }
    SECTION("a last raw block rounded up past the end by less than file alignment is trimmed") {
        img.truncate(0x1400 - 0x100);
        PeImage pe = parse_ok(img);
        CHECK(pe.sections()[1].raw_size == 0x1000 - 0x100);
        CHECK(pe.bytes_at(pe.sections()[1].virtual_address + 0xEFF, 1, "x").ok());
        CHECK_FALSE(pe.bytes_at(pe.sections()[1].virtual_address + 0xF00, 1, "x").ok());
        // A string running to the trimmed end is unterminated, and nothing past the file is read.
        CHECK_THAT(error_of(pe.string_at(pe.sections()[1].virtual_address + 0xEF0, "x")), Contains("not terminated"));
    }
    SECTION("raw data that starts past the end of the file, within the slack") {
        // Once accepted and "trimmed" to a size that wrapped to ~4 GiB.
        img.put32(img.section_header(1) + sh::POINTER_TO_RAW_DATA, 0x1400 + 0x10);
        img.put32(img.section_header(1) + sh::SIZE_OF_RAW_DATA, 0x10);
        require_parse_error(img.span(), "past the end of the file");
    }
    SECTION("raw offset or size near 4 GiB") {
        img.put32(img.section_header(1) + sh::POINTER_TO_RAW_DATA, 0xFFFFFF00);
        require_parse_error(img.span(), "raw data 0xffffff00+0x1000 is past the end");
        img.put32(img.section_header(1) + sh::POINTER_TO_RAW_DATA, 0x400);
        img.put32(img.section_header(1) + sh::SIZE_OF_RAW_DATA, 0xFFFFFFFF);
        require_parse_error(img.span(), "past SizeOfImage");
    }
    SECTION("uninitialized-data section whose raw data runs past the file is trimmed, not read") {
        // An uninitialized-data section is not loaded from the file, so its raw fields are not
        // checked as strictly; they must still never let a read leave the file.
        img.put32(img.section_header(1) + sh::CHARACTERISTICS, SCN_BSS);
        img.put32(img.section_header(1) + sh::SIZE_OF_RAW_DATA, 0x10000);
        img.put32(img.section_header(1) + sh::VIRTUAL_SIZE, 0x10000);
        img.put32(img.optional_header + oh::SIZE_OF_IMAGE, 0x20000);
        PeImage pe = parse_ok(img);
        CHECK(pe.sections()[1].raw_size == 0x1000);
        uint32_t va = pe.sections()[1].virtual_address;
        CHECK_THAT(error_of(pe.string_at(va + 0xF00, "bss string")), Contains("not terminated"));
        CHECK_FALSE(pe.bytes_at(va + 0xF00, 0x200, "x").ok());
        img.put32(img.section_header(1) + sh::POINTER_TO_RAW_DATA, 0x100000);
        PeImage pe2 = parse_ok(img);
        CHECK(pe2.sections()[1].raw_size == 0);
        CHECK_FALSE(pe2.string_at(va, "x").ok());
    }
    SECTION("section beyond SizeOfImage") {
        img.put32(img.section_header(1) + sh::VIRTUAL_SIZE, 0x100000);
        require_parse_error(img.span(), "section 1 ('.data') ends at RVA 0x102000, past SizeOfImage 0x3000");
        img.put32(img.section_header(1) + sh::VIRTUAL_SIZE, 0x1000);
        img.put32(img.section_header(1) + sh::VIRTUAL_ADDRESS, 0x2001);
        require_parse_error(img.span(), "past SizeOfImage");
    }
    SECTION("a string stops at the end of its section's raw data, even when the file goes on") {
        // .text's raw data is followed directly by .data's in the file: a string at the end of
        // .text must not run on into .data's bytes.
        img.bytes[0x3FF] = 'x';  // last raw byte of .text; .data (all 'A', then a NUL) follows
        img.put8(0x400 + 0x10, 0);
        PeImage pe2 = parse_ok(img);
        CHECK_THAT(error_of(pe2.string_at(0x1000 + 0x1FF, "edge")), Contains("not terminated"));
    }
}

// ---- malformed imports ----------------------------------------------------------------------------

TEST_CASE("pe: malformed import directory", "[pe][malformed]") {
    Sample s;
    Image img = s.b.build();
    const size_t desc0 = img.at("import.desc.0");
    const auto& idata = img.sections[3];
    REQUIRE(idata.name == ".idata");
    const uint32_t idata_raw_end_rva = idata.va + idata.raw_size;

    SECTION("import descriptor RVA outside the file") {
        img.set_directory(DIR_IMPORT, 0x7FFF0000, 40);
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import descriptor: RVA 0x7fff0000"));
        // Inside the image, but in .bss (no file data).
        img.set_directory(DIR_IMPORT, s.bss, 40);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import descriptor: RVA"));
        // A descriptor that starts in the file and runs past its section's raw data.
        img.set_directory(DIR_IMPORT, idata_raw_end_rva - 10, 40);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import descriptor: RVA"));
    }
    SECTION("import DLL name RVA out of range") {
        img.put32(desc0 + 12, 0x7FFFFFF0);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import DLL name: RVA 0x7ffffff0"));
        img.put32(desc0 + 12, 0xFFFFFFFF);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import DLL name: RVA 0xffffffff"));
    }
    SECTION("unterminated import DLL name") {
        // A name in the last bytes of .idata's raw data, without its NUL.
        img.put_str(img.offset_of_rva(idata_raw_end_rva - 4), "ABC");
        img.put8(img.offset_of_rva(idata_raw_end_rva - 1), 'D');
        img.put32(desc0 + 12, idata_raw_end_rva - 4);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import DLL name: string at RVA") && Contains("not terminated"));
    }
    SECTION("import name RVA out of range") {
        img.put64(img.at("import.ilt.0"), 0x7FFFFF00);
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import 0 from KERNEL32.dll: import hint: RVA 0x7fffff00"));
        // The hint fits, the name does not.
        img.put64(img.at("import.ilt.0"), idata_raw_end_rva - 2);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import 0 from KERNEL32.dll: import name: RVA"));
    }
    SECTION("unterminated import name") {
        size_t last = img.offset_of_rva(idata_raw_end_rva - 1);
        for (size_t i = last - 8; i <= last; i++) img.bytes[i] = 'F';
        img.put64(img.at("import.ilt.1"), idata_raw_end_rva - 9);  // hint, then "FFFFFFF" to the end
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import 0 from msvcrt.dll: import name: string at RVA") &&
                                    Contains("not terminated"));
    }
    SECTION("empty import name") {
        img.put8(img.at("import.hintname.0.1") + 2, 0);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import 1 from KERNEL32.dll: empty function name"));
    }
    SECTION("import lookup table without terminator") {
        // The lookup table is the last 16 bytes of .idata's raw data, all entries non-zero.
        uint32_t ilt = idata_raw_end_rva - 16;
        img.put64(img.offset_of_rva(ilt), 0x8000000000000001ull);
        img.put64(img.offset_of_rva(ilt + 8), 0x8000000000000002ull);
        img.put32(desc0, ilt);
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import lookup table of KERNEL32.dll: entry 2") && Contains("no terminator?"));
    }
    SECTION("import address table outside the image") {
        img.put32(desc0 + 16, oh_size_of_image(img) - 8);  // room for the first entry, not the second
        auto r = parse_ok(img).imports();
        CHECK_THAT(error_of(r), Contains("import address table of KERNEL32.dll (entry 1"));
    }
    SECTION("import directory without terminator") {
        // 4200 copies of the first descriptor, one after the other, in a section of their own.
        std::vector<uint8_t> descs;
        std::vector<uint8_t> d0(img.bytes.begin() + desc0, img.bytes.begin() + desc0 + 20);
        for (int i = 0; i < 4200; i++) descs.insert(descs.end(), d0.begin(), d0.end());
        PeBuilder b = s.b;
        b.add_section(".many", SCN_RDATA, descs);
        uint32_t many = b.section_rva(3);
        Image img2 = b.build();
        img2.set_directory(DIR_IMPORT, many, uint32_t(descs.size()));
        // The copies point into the new image's .idata (which moved one section up).
        for (int i = 0; i < 4200; i++) {
            size_t d = img2.offset_of_rva(many + i * 20);
            img2.put32(d + 0, img2.rva.at("import.ilt.0"));
            img2.put32(d + 12, img2.rva.at("import.dllname.0"));
            img2.put32(d + 16, img2.rva.at("import.iat.0"));
        }
        auto r = parse_ok(img2).imports();
        CHECK_THAT(error_of(r), Contains("more than 4096 DLLs"));
    }
}

TEST_CASE("pe: import totals are bounded", "[pe][malformed]") {
    // Descriptors that all share one lookup table (which doubles as their address table).
    auto image = [](uint32_t ndescs, uint32_t nentries, size_t name_len) {
        PeBuilder b;
        size_t ilt = (ndescs + 1) * 20, hn = ilt + (size_t(nentries) + 1) * 8, dll = hn + 2 + name_len + 1;
        b.add_section(".imp", SCN_DATA, std::vector<uint8_t>(dll + 8, 0));
        uint32_t va = b.section_rva(1);
        auto& d = b.sections[1].data;
        for (uint32_t i = 0; i < ndescs; i++) {
            put32(d, i * 20 + 0, uint32_t(va + ilt));
            put32(d, i * 20 + 12, uint32_t(va + dll));
            put32(d, i * 20 + 16, uint32_t(va + ilt));
        }
        for (uint32_t j = 0; j < nentries; j++) put64(d, ilt + j * 8, name_len ? va + hn : 0x8000000000000001ull);
        put_str(d, hn + 2, std::string(name_len, 'n'));
        put_str(d, dll, "x.dll");
        Image img = b.build();
        img.set_directory(DIR_IMPORT, va, (ndescs + 1) * 20);
        return img;
    };
    SECTION("65536 entries per DLL") {
        Image img = image(1, 65537, 0);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("import lookup table of x.dll: more than 65536 entries"));
        Image fits = image(1, 65536, 0);
        auto r = parse_ok(fits).imports();
        REQUIRE(r.ok());
        CHECK((*r)[0].entries.size() == 65536);
    }
    SECTION("262144 imported functions in all") {
        Image img = image(5, 60000, 0);
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("more than 262144 imported functions"));
    }
    SECTION("64 MiB of imported names in all") {
        Image img = image(8, 2100, 4095);  // 16800 x 4095 bytes
        CHECK_THAT(error_of(parse_ok(img).imports()), Contains("imported names total more than 64 MiB"));
    }
}

// ---- malformed exports ----------------------------------------------------------------------------

TEST_CASE("pe: malformed export directory", "[pe][malformed]") {
    Sample s;
    Image img = s.b.build();
    const size_t dir = img.at("export.dir");

    SECTION("export directory outside the file") {
        img.set_directory(DIR_EXPORT, 0x7FFFFF00, 40);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export directory: RVA 0x7fffff00"));
    }
    SECTION("implausible counts") {
        img.put32(dir + 20, 0x10001);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("implausible counts (65537 functions"));
        img.put32(dir + 20, 7);
        img.put32(dir + 24, 7 + 65537);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("implausible counts"));
        img.put32(dir + 20, 0xFFFFFFFF);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("implausible counts"));
    }
    SECTION("export name index out of range") {
        img.put16(img.at("export.ordinals"), 7);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export name 0 refers to function index 7 of 7"));
        img.put16(img.at("export.ordinals"), 0xFFFF);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("function index 65535"));
    }
    SECTION("export table RVAs out of range") {
        img.put32(dir + 28, 0x7FFF0000);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export address table: RVA 0x7fff0000"));
        img = s.b.build();
        img.put32(dir + 32, 0x7FFF0000);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export name table: RVA 0x7fff0000"));
        img = s.b.build();
        img.put32(dir + 36, 0xFFFFFFFF);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export ordinal table: RVA 0xffffffff"));
        img = s.b.build();
        img.put32(img.at("export.names") + 4, 0x7FFFFFF0);  // the second name's string
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export name: RVA 0x7ffffff0"));
        img = s.b.build();
        // A table that starts inside the file and runs off its section.
        img.put32(dir + 20, 0x8000);
        CHECK_THAT(error_of(parse_ok(img).exports()), Contains("export address table: RVA"));
    }
    SECTION("forwarder strings") {
        // A forwarder is any address inside the export directory; the string must end in the file.
        const auto& edata = img.sections[4];
        REQUIRE(edata.name == ".edata");
        uint32_t fwd = img.rva.at("export.forwarder.6");
        for (size_t o = img.offset_of_rva(fwd); o < edata.raw_offset + edata.raw_size; o++) img.bytes[o] = 'A';
        img.set_directory(DIR_EXPORT, img.rva.at("export.dir"), edata.raw_size);
        auto r = parse_ok(img).exports();
        CHECK_THAT(error_of(r), Contains("export ordinal 7: export forwarder: string at RVA") && Contains("not terminated"));
    }
    SECTION("an address just outside the directory is not a forwarder") {
        uint32_t end = img.get32(img.directory(DIR_EXPORT) + 4);
        img.put32(img.at("export.eat"), img.rva.at("export.dir") + end);
        auto r = parse_ok(img).exports();
        REQUIRE(r.ok());
        CHECK(r->entries[0].forwarder.empty());
        CHECK(r->entries[0].rva == img.rva.at("export.dir") + end);
    }
}

// ---- malformed relocations ------------------------------------------------------------------------

TEST_CASE("pe: malformed base relocations", "[pe][malformed]") {
    Sample s;
    Image img = s.b.build();
    const size_t blk = img.at("reloc.block.0");

    SECTION("block size 0") {
        img.put32(blk + 4, 0);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("base relocation block at offset 0 has size 0"));
    }
    SECTION("block size odd or smaller than its header") {
        img.put32(blk + 4, 9);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("has size 9"));
        img.put32(blk + 4, 7);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("has size 7"));
    }
    SECTION("block past the directory") {
        img.put32(blk + 4, 0x1000);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("runs past the directory"));
        img.put32(blk + 4, 0xFFFFFFFE);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("runs past the directory"));
    }
    SECTION("directory outside the file or too large") {
        img.set_directory(DIR_BASERELOC, 0x7FFF0000, 12);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("base relocation directory: RVA 0x7fff0000"));
        img.set_directory(DIR_BASERELOC, img.rva.at("reloc.block.0"), 0xFFFFFFFF);
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("base relocation directory: RVA"));
    }
    SECTION("unsupported relocation type") {
        img.put16(blk + 8, uint16_t((5 << 12) | 0x10));
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("base relocation type 5 at RVA"));
        img.put16(blk + 8, uint16_t((15 << 12) | 0x10));
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("type 15"));
    }
    SECTION("relocation target outside the image") {
        img.put32(blk, oh_size_of_image(img));
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("outside the image"));
        // The last 8 bytes of the image are fine; 4 bytes further is not.
        img.put32(blk, oh_size_of_image(img) - 0x1000);
        img.put16(blk + 8, uint16_t((REL_BASED_DIR64 << 12) | 0xFF8));
        img.put16(blk + 10, uint16_t((REL_BASED_HIGHLOW << 12) | 0xFFC));
        auto ok = parse_ok(img).relocations();
        INFO(error_of(ok));
        CHECK(ok.ok());
        img.put16(blk + 8, uint16_t((REL_BASED_DIR64 << 12) | 0xFFC));
        CHECK_THAT(error_of(parse_ok(img).relocations()), Contains("outside the image"));
    }
}

// ---- malformed TLS --------------------------------------------------------------------------------

TEST_CASE("pe: malformed TLS directory", "[pe][malformed]") {
    Sample s;
    Image img = s.b.build();
    const size_t dir = img.at("tls.dir");
    const uint64_t start = 0x140000000ull + img.rva.at("tls.template");

    SECTION("template end before start") {
        img.put64(dir + 8, start - 1);
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("template end is before its start"));
    }
    SECTION("implausibly large") {
        img.put64(dir + 8, start + 0x2000000);
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("implausibly large"));
        img.put64(dir + 8, start + 12);
        img.put32(dir + 32, 0x2000000);  // SizeOfZeroFill
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("implausibly large"));
        img.put32(dir + 32, 0);
        img.put64(dir + 0, 0);
        img.put64(dir + 8, 0xFFFFFFFFFFFFFFFFull);
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("implausibly large"));
    }
    SECTION("directory outside the file") {
        img.set_directory(DIR_TLS, 0x7FFFFFF0, 40);
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("TLS directory: RVA 0x7ffffff0"));
        img.set_directory(DIR_TLS, s.bss, 40);
        CHECK_THAT(error_of(parse_ok(img).tls()), Contains("TLS directory: RVA"));
    }
}
