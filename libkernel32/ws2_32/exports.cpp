// ws2_32.dll (Winsock): present so that programs importing it load; no function is implemented
// yet, so each import binds to the loud unimplemented-function stub until it is written.
#include "builtin/builtin.h"

namespace winrun::builtin {
extern const DllDef ws2_32_dll{"WS2_32.dll", nullptr, 0, nullptr};
}  // namespace winrun::builtin
