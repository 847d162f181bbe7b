// vcruntime140.dll: its own part, then the msvcrt functions it shares by name.
#include "builtin/builtin.h"

namespace winrun::vcrt {
using builtin::ExportPart;
extern const ExportPart vcruntime140_main;
static const ExportPart* const k_parts[] = {&vcruntime140_main};
static const char* const k_shared[] = {
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strchr", "strrchr", "strstr", "wcschr", "wcsrchr", "wcsstr",
    "__C_specific_handler", "_purecall", "_setjmp", "longjmp", "_local_unwind",
};
}  // namespace winrun::vcrt

namespace winrun::builtin {
extern const DllDef msvcrt_dll;
extern const DllDef vcruntime140_dll{"VCRUNTIME140.dll",
                                     winrun::vcrt::k_parts,
                                     sizeof(winrun::vcrt::k_parts) / sizeof(winrun::vcrt::k_parts[0]),
                                     nullptr,
                                     &msvcrt_dll,
                                     winrun::vcrt::k_shared,
                                     sizeof(winrun::vcrt::k_shared) / sizeof(winrun::vcrt::k_shared[0])};
}  // namespace winrun::builtin
