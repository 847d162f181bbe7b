// OLEAUT32.dll: the parts of its export list.
#include "builtin/builtin.h"

namespace winrun::oleaut {
extern const builtin::ExportPart oleaut32_bstr;
static const builtin::ExportPart* const k_parts[] = {&oleaut32_bstr};
}  // namespace winrun::oleaut

namespace winrun::builtin {
extern const DllDef oleaut32_dll{"OLEAUT32.dll", winrun::oleaut::k_parts,
                                 sizeof(winrun::oleaut::k_parts) / sizeof(winrun::oleaut::k_parts[0]), nullptr};
}  // namespace winrun::builtin
