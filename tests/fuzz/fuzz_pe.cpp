// libFuzzer target for the checked PE reader (loader/pe/pe_image.cpp): whatever the bytes, parse()
// and every accessor must return a value or an Error, never crash, hang, leak, read outside the
// input or hit undefined behaviour. How to build and run it: README.md next to this file.
#include <cstddef>
#include <cstdint>
#include <span>

#include "pe/pe_image.h"

using winrun::pe::PeImage;

namespace {

// Keep results observable so the optimizer cannot drop the reads.
volatile size_t g_sink;

void probe(const PeImage& img, uint32_t rva, uint32_t size) {
    if (auto b = img.bytes_at(rva, size, "probe")) {
        size_t sum = 0;
        for (uint8_t c : b.value()) sum += c;  // touch every byte: ASan checks each is inside the input
        g_sink = sum;
    }
    if (auto s = img.string_at(rva, "probe")) g_sink = s->size();
    if (auto s = img.string_at(rva, "probe", 3)) g_sink = s->size();
    if (auto o = img.rva_to_offset(rva, size, "probe")) g_sink = o.value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parsed = PeImage::parse(std::span<const uint8_t>(data, size));
    if (!parsed) {
        g_sink = parsed.error().message.size();
        return 0;
    }
    const PeImage& img = parsed.value();

    if (auto imps = img.imports()) {
        for (const auto& dll : imps.value()) {
            g_sink = dll.dll.size() + dll.entries.size();
            for (const auto& e : dll.entries) probe(img, e.iat_rva, 8);
        }
    }
    if (auto ex = img.exports()) {
        g_sink = ex->dll_name.size() + ex->entries.size();
        for (const auto& e : ex->entries) g_sink = e.name.size() + e.forwarder.size() + e.rva;
    }
    if (auto rel = img.relocations()) {
        for (const auto& r : rel.value()) g_sink = r.rva + r.type;
    }
    if (auto tls = img.tls()) {
        if (tls->has_value()) g_sink = (*tls)->raw_data_end - (*tls)->raw_data_start;
    }
    for (uint32_t id : {1u, 2u, 3u}) {  // RT_MANIFEST, the resource walk (pe_resource.cpp)
        if (auto r = img.resource(24, id); r && r->has_value()) {
            size_t sum = 0;
            for (uint8_t c : **r) sum += c;
            g_sink = sum;
        }
    }

    // A few RVAs: the directories, the sections' edges, the entry point, and the top of the space.
    for (int d = 0; d < 16; d++) {
        auto dir = img.directory(d);
        probe(img, dir.rva, dir.size);
        probe(img, dir.rva, 40);
    }
    for (const auto& s : img.sections()) {
        probe(img, s.virtual_address, s.raw_size);
        probe(img, s.virtual_address + s.raw_size - 1, 1);
        probe(img, s.virtual_address + s.raw_size - 4, 8);
        probe(img, s.virtual_address + s.virtual_size, 1);
    }
    probe(img, img.entry_point_rva(), 16);
    probe(img, 0, img.size_of_headers());
    probe(img, img.size_of_image() - 1, 1);
    probe(img, 0xFFFFFFFF, 1);
    probe(img, 0xFFFFFFF0, 0x20);
    probe(img, 0, 0xFFFFFFFF);
    return 0;
}
