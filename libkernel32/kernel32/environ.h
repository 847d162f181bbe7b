#pragma once
#include <string>

namespace winrun::k32 {
void init_environment();
// The whole block: "A=1\0B=2\0\0".
std::u16string environment_block();
}  // namespace winrun::k32
