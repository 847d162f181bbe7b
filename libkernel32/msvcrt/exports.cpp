// msvcrt.dll: the parts of its export list, one per area file.
#include "builtin/builtin.h"

namespace winrun::crt {
using builtin::ExportPart;
extern const ExportPart msvcrt_startup, msvcrt_lowio, msvcrt_stdio, msvcrt_heap, msvcrt_string, msvcrt_ctype,
    msvcrt_mbcs, msvcrt_stdlib, msvcrt_environ, msvcrt_dir, msvcrt_time, msvcrt_math, msvcrt_locale, msvcrt_misc,
    msvcrt_float, msvcrt_seh, msvcrt_conio, msvcrt_cxx_eh, msvcrt_process;
static const ExportPart* const k_parts[] = {
    &msvcrt_startup, &msvcrt_lowio, &msvcrt_stdio,   &msvcrt_heap, &msvcrt_string, &msvcrt_ctype,  &msvcrt_mbcs,
    &msvcrt_stdlib,  &msvcrt_environ, &msvcrt_dir,   &msvcrt_time, &msvcrt_math,   &msvcrt_locale, &msvcrt_misc,
    &msvcrt_float, &msvcrt_seh, &msvcrt_conio, &msvcrt_cxx_eh, &msvcrt_process,
};
}  // namespace winrun::crt

namespace winrun::builtin {
AttachFn msvcrt_attach_fn();
extern const DllDef msvcrt_dll{"msvcrt.dll", winrun::crt::k_parts, sizeof(winrun::crt::k_parts) / sizeof(winrun::crt::k_parts[0]),
                               msvcrt_attach_fn()};
}  // namespace winrun::builtin
