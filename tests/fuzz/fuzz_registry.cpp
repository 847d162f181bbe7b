// libFuzzer target for the registry hive parser (libkernel32/advapi32/reg_store.cpp): whatever the
// bytes, parse() returns a tree or an Error; a tree serialises and parses back to the same text.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
//       -DFMT_HEADER_ONLY -Icommon -Ilibkernel32 tests/fuzz/fuzz_registry.cpp \
//       libkernel32/advapi32/reg_store.cpp libkernel32/user32/case_map.cpp -o /tmp/fuzz_registry
//   /tmp/fuzz_registry -max_total_time=600 -rss_limit_mb=2048 -timeout=10
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "advapi32/reg_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = winrun::reg::parse(text);
    if (!r) return 0;
    std::string once = winrun::reg::serialise(*r.value());
    auto again = winrun::reg::parse(once);
    if (!again || winrun::reg::serialise(*again.value()) != once) abort();  // the writer's output must read back
    return 0;
}
