// ntdll's process/thread environment accessors: RtlGetCurrentPeb (the Go runtime looks it up with
// GetProcAddress and calls it at start-up).
#include "builtin/builtin.h"
#include "wintypes.h"

namespace winrun::ntdll {
using namespace winrun::win;

PEB* WINAPI RtlGetCurrentPeb() { return current_teb()->ProcessEnvironmentBlock; }

WR_EXPORT_PART(ntdll_peb, WR_EXPORT(RtlGetCurrentPeb));

}  // namespace winrun::ntdll
