// ntdll.dll: the parts of its export list. Most of ntdll arrives with issue 7 (Rtl* unwinding).
#include "builtin/builtin.h"

namespace winrun::k32 {
extern const builtin::ExportPart ntdll_version;
}

namespace winrun::builtin {
static const ExportPart* const k_ntdll_parts[] = {&winrun::k32::ntdll_version};
extern const DllDef ntdll_dll{"ntdll.dll", k_ntdll_parts, 1, nullptr};
}  // namespace winrun::builtin
