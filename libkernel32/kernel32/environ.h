#pragma once
#include <string>
#include <vector>

namespace winrun::k32 {
void init_environment();
// The whole block: "A=1\0B=2\0\0".
std::u16string environment_block();
// The directories of the Windows PATH variable, in order, empty entries left out (CreateProcess's
// and _spawn*p's search).
std::vector<std::u16string> path_directories();
}  // namespace winrun::k32
