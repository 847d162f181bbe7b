// combase.dll (ole32's core on Windows 8+): the COM task allocator, which shell functions such as
// SHGetKnownFolderPath hand their results out with. It is the process heap here.
#include "builtin/builtin.h"

namespace winrun::k32 {
using namespace winrun::win;
HANDLE WINAPI GetProcessHeap();
LPVOID WINAPI HeapAlloc(HANDLE, DWORD, SIZE_T);
BOOL WINAPI HeapFree(HANDLE, DWORD, LPVOID);
LPVOID WINAPI HeapReAlloc(HANDLE, DWORD, LPVOID, SIZE_T);
}  // namespace winrun::k32

namespace winrun::combase {
using namespace winrun::win;

void* WINAPI CoTaskMemAlloc(SIZE_T n) { return k32::HeapAlloc(k32::GetProcessHeap(), 0, n ? n : 1); }
void* WINAPI CoTaskMemRealloc(void* p, SIZE_T n) {
    if (!p) return CoTaskMemAlloc(n);
    return k32::HeapReAlloc(k32::GetProcessHeap(), 0, p, n ? n : 1);
}
void WINAPI CoTaskMemFree(void* p) {
    if (p) k32::HeapFree(k32::GetProcessHeap(), 0, p);
}

WR_EXPORT_PART(combase_task_memory, WR_EXPORT(CoTaskMemAlloc), WR_EXPORT(CoTaskMemRealloc), WR_EXPORT(CoTaskMemFree));

}  // namespace winrun::combase

namespace winrun::builtin {
static const ExportPart* const k_combase_parts[] = {&winrun::combase::combase_task_memory};
extern const DllDef combase_dll{"combase.dll", k_combase_parts, 1, nullptr};
}  // namespace winrun::builtin
