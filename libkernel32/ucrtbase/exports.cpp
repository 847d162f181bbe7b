// ucrtbase.dll (and every api-ms-win-crt-* contract, through the API-set map): its own parts, then
// the msvcrt functions it shares by name (shared.cpp). Its attach makes sure msvcrt's state exists:
// the shared functions work on msvcrt's streams, argv and environment, which msvcrt's attach sets up.
#include "builtin/builtin.h"
#include "binder.h"
#include "log.h"

namespace winrun::ucrt {
using builtin::ExportPart;
extern const ExportPart ucrtbase_startup, ucrtbase_stdio, ucrtbase_convert, ucrtbase_math;
extern const char* const k_shared_with_msvcrt[];
extern const size_t k_shared_with_msvcrt_count;
static const ExportPart* const k_parts[] = {&ucrtbase_startup, &ucrtbase_stdio, &ucrtbase_convert, &ucrtbase_math};

static void attach(uint32_t reason) {
    if (reason != 1) return;
    // msvcrt.dll is loaded as ucrtbase's implementation (it shows in the module list, as a
    // dependency would): its attach parses argv and the environment and opens the std streams.
    auto m = loader::load_dll("msvcrt.dll", nullptr);
    if (!m.ok()) WR_WARN(loaddll, "ucrtbase: msvcrt.dll could not be loaded: {}", m.error().message);
}
}  // namespace winrun::ucrt

namespace winrun::builtin {
extern const DllDef msvcrt_dll;
extern const DllDef ucrtbase_dll{"ucrtbase.dll",
                                 winrun::ucrt::k_parts,
                                 sizeof(winrun::ucrt::k_parts) / sizeof(winrun::ucrt::k_parts[0]),
                                 &winrun::ucrt::attach,
                                 &msvcrt_dll,
                                 winrun::ucrt::k_shared_with_msvcrt,
                                 winrun::ucrt::k_shared_with_msvcrt_count};
}  // namespace winrun::builtin
