// shell32.dll: present so that programs importing it load; no function is implemented yet, so each
// import binds to the loud unimplemented-function stub until it is written.
#include "builtin/builtin.h"

namespace winrun::builtin {
extern const DllDef shell32_dll{"SHELL32.dll", nullptr, 0, nullptr};
}  // namespace winrun::builtin
