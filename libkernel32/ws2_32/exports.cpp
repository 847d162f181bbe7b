// ws2_32.dll (Winsock): start-up and clean-up only (startup.cpp); every other import binds to the
// loud unimplemented-function stub until it is written.
#include "builtin/builtin.h"

namespace winrun::ws2_32 {
extern const builtin::ExportPart ws2_32_startup;
}

namespace winrun::builtin {
static const ExportPart* const k_ws2_32_parts[] = {&winrun::ws2_32::ws2_32_startup};
extern const DllDef ws2_32_dll{"WS2_32.dll", k_ws2_32_parts, 1, nullptr};
}  // namespace winrun::builtin
