// vcruntime140.dll: its own part, then the msvcrt functions it shares by name.
#include "builtin/builtin.h"
#include "msvcrt/cxx_eh.h"

namespace winrun::vcrt {
using builtin::ExportPart;
extern const ExportPart vcruntime140_main;
static const ExportPart* const k_parts[] = {&vcruntime140_main};
static const char* const k_shared[] = {
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strchr", "strrchr", "strstr", "wcschr", "wcsrchr", "wcsstr",
    "__C_specific_handler", "_purecall", "_setjmp", "longjmp", "_local_unwind",
    // MSVC C++ exceptions (msvcrt/cxx_eh.cpp): one implementation for both DLLs.
    "_CxxThrowException", "__CxxFrameHandler3", "__CxxDetectRethrow", "__CxxExceptionFilter",
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

// vcruntime140_1.dll: the x64 frame handler of the FH4 table format (MSVC 2019 and later).
namespace winrun::vcrt {
WR_EXPORT_PART(vcruntime140_1_main, WR_EXPORT_NORELAY("__CxxFrameHandler4", winrun::cxx::__CxxFrameHandler4));
static const ExportPart* const k_parts_1[] = {&vcruntime140_1_main};
}  // namespace winrun::vcrt

namespace winrun::builtin {
extern const DllDef vcruntime140_1_dll{"VCRUNTIME140_1.dll", winrun::vcrt::k_parts_1, 1, nullptr};
}  // namespace winrun::builtin
