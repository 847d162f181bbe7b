/* A DLL for the loader tests. Its preferred base is the EXE's (0x140000000), so the loader must
 * relocate it. Exports: by name, by ordinal only (42), a variable, and a forwarder to KERNEL32. */
#include <windows.h>

static int attach_count;
static int static_load = -1;
static int detach_seen;

__declspec(dllexport) int dll_data = 1234;

__declspec(dllexport) int __cdecl dll_add(int a, int b) { return a + b; }
__declspec(dllexport) int __cdecl dll_attach_count(void) { return attach_count; }
__declspec(dllexport) int __cdecl dll_static_load(void) { return static_load; }
__declspec(dllexport) void *__cdecl dll_self(void) { return (void *)&dll_self; }
int __cdecl dll_by_ordinal(void) { return 77; }

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) {
    if (reason == DLL_PROCESS_ATTACH) {
        attach_count++;
        /* lpReserved is non-NULL for DLLs loaded with the process, NULL for LoadLibrary. */
        static_load = reserved != NULL;
    }
    if (reason == DLL_PROCESS_DETACH) detach_seen = 1;
    return TRUE;
}
