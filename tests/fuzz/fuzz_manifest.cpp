// libFuzzer target for the manifest parser (sxs/manifest.cpp): whatever the bytes, parse_manifest and
// parse_config return a Manifest or an Error naming file and line, never crash, hang or leak.
// Build with -DWINRUN_FUZZ=ON (clang); seeds: any manifest, e.g. tests/sxs/*.manifest.
#include <cstddef>
#include <cstdint>
#include <span>

#include "manifest.h"

using namespace winrun::sxs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> b(data, size);
    for (Kind k : {Kind::application, Kind::assembly, Kind::policy}) {
        auto r = parse_manifest(b, "fuzz.manifest", k);
        if (r) {
            for (const auto& d : r->dependencies) (void)apply_redirects(d.redirects, d.identity.version);
            if (r->identity) (void)r->identity->str();
        } else if (r.error().message.rfind("fuzz.manifest", 0) != 0) {
            __builtin_trap();  // every error names the file
        }
    }
    (void)parse_config(b, "fuzz.config");
    return 0;
}
