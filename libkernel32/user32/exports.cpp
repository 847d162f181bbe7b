// USER32.dll: the parts of its export list (text helpers only; there are no windows here).
#include "builtin/builtin.h"

namespace winrun::user32 {
extern const builtin::ExportPart user32_text, user32_wsprintf;
static const builtin::ExportPart* const k_parts[] = {&user32_text, &user32_wsprintf};
}  // namespace winrun::user32

namespace winrun::builtin {
extern const DllDef user32_dll{"USER32.dll", winrun::user32::k_parts,
                               sizeof(winrun::user32::k_parts) / sizeof(winrun::user32::k_parts[0]), nullptr};
}  // namespace winrun::builtin
