// Writes the builder-made seed inputs of fuzz_pe into a directory (tests/fuzz/corpus/ in the repo):
//   c++ -std=c++20 -I tests/unit tests/fuzz/make_seeds.cpp -o /tmp/make_seeds && /tmp/make_seeds tests/fuzz/corpus
// Each seed is a valid image under 4 KB; the fuzzer mutates from there.
#include <cstdio>
#include <string>
#include <vector>

#include "pe_builder.h"

using namespace pe_builder;

namespace {

bool write(const std::string& dir, const char* name, const Image& img) {
    std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    bool ok = std::fwrite(img.bytes.data(), 1, img.bytes.size(), f) == img.bytes.size();
    ok &= std::fclose(f) == 0;
    std::printf("%s: %zu bytes\n", path.c_str(), img.bytes.size());
    return ok;
}

// Imports by name and ordinal, exports with a forwarder, relocations in two pages, TLS.
PeBuilder full(bool pe32_plus, uint32_t align) {
    PeBuilder b;
    b.pe32_plus = pe32_plus;
    if (!pe32_plus) {
        b.machine = 0x14C;
        b.image_base = 0x400000;
    }
    b.section_alignment = align < 0x1000 ? align : 0x1000;
    b.file_alignment = align < 0x1000 ? align : 0x200;
    uint32_t text = b.section_rva(0);
    uint8_t rel = pe32_plus ? 10 : 3;
    b.add_import("KERNEL32.dll", {ImportFn::by_name("ExitProcess", 0x167), ImportFn::by_name("GetStdHandle", 0x2D5)});
    b.add_import("msvcrt.dll", {ImportFn::by_name("printf"), ImportFn::by_ordinal(42)});
    b.add_export("alpha", text);
    b.add_forwarder("beta", "NTDLL.RtlAllocateHeap");
    b.add_forwarder("", "KERNELBASE.#12", 3);
    b.add_relocation(text, rel);
    b.add_relocation(text + 2, rel);
    TlsSpec t;
    t.callback_rvas = {text};
    b.set_tls(t);
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : ".";
    bool ok = true;
    ok &= write(dir, "minimal.pe", PeBuilder().build());
    ok &= write(dir, "full64.pe", full(true, 0x1000).build());
    ok &= write(dir, "full64_align32.pe", full(true, 0x20).build());
    ok &= write(dir, "full32_align32.pe", full(false, 0x20).build());
    PeBuilder dll = full(true, 0x40);
    dll.characteristics |= 0x2000;
    dll.add_section(".bss", SCN_BSS, {}, 0x100);
    ok &= write(dir, "dll64_align64.pe", dll.build());
    return ok ? 0 : 1;
}
