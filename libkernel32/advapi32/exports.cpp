// ADVAPI32.dll: the parts of its export list, one per area file.
#include "builtin/builtin.h"

namespace winrun::advapi {
extern const builtin::ExportPart advapi32_registry, advapi32_security;
static const builtin::ExportPart* const k_parts[] = {&advapi32_registry, &advapi32_security};
}  // namespace winrun::advapi

namespace winrun::builtin {
extern const DllDef advapi32_dll{"ADVAPI32.dll", winrun::advapi::k_parts,
                                 sizeof(winrun::advapi::k_parts) / sizeof(winrun::advapi::k_parts[0]), nullptr};
}  // namespace winrun::builtin
