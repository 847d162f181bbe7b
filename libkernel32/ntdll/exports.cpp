// ntdll.dll: the parts of its export list.
#include "builtin/builtin.h"

namespace winrun::k32 {
extern const builtin::ExportPart ntdll_version, ntdll_exception, ntdll_c_specific_handler, ntdll_status, ntdll_slist;
}
namespace winrun::ntdll {
extern const winrun::builtin::ExportPart ntdll_nt_file, ntdll_peb, ntdll_nt_query;
}

namespace winrun::builtin {
static const ExportPart* const k_ntdll_parts[] = {&winrun::k32::ntdll_version, &winrun::k32::ntdll_exception,
                                                  &winrun::k32::ntdll_c_specific_handler, &winrun::k32::ntdll_status, &winrun::k32::ntdll_slist, &winrun::ntdll::ntdll_nt_file,
                                                  &winrun::ntdll::ntdll_peb, &winrun::ntdll::ntdll_nt_query};
extern const DllDef ntdll_dll{"ntdll.dll", k_ntdll_parts, sizeof(k_ntdll_parts) / sizeof(k_ntdll_parts[0]), nullptr};
}  // namespace winrun::builtin
