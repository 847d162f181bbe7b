/* cxx_dynamic.cpp: cxx_basic.cpp linked against the shared libstdc++-6.dll and libgcc_s_seh-1.dll
 * (the mingw-w64 default). The DLLs must sit next to the EXE (the application directory comes
 * first in the DLL search order). */
#include <windows.h>

static void check_dynamic_runtime(void);
#define CXX_TEST_NAME cxx_dynamic
#define CXX_EXTRA_CHECKS check_dynamic_runtime
#include "cxx_basic.cpp"

static void check_dynamic_runtime(void) {
    HMODULE stdcxx = GetModuleHandleA("libstdc++-6.dll");
    char path[MAX_PATH], exe[MAX_PATH];
    ok(stdcxx != NULL, "libstdc++-6.dll is not loaded: this is not the dynamically linked build\n");
    if (!stdcxx) return;
    ok(GetModuleFileNameA(stdcxx, path, sizeof(path)) > 0, "GetModuleFileNameA(libstdc++-6.dll) failed\n");
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    /* it was found in the application directory */
    char* slash = strrchr(exe, '\\');
    if (slash) slash[1] = 0;
    ok(!_strnicmp(path, exe, strlen(exe)), "libstdc++-6.dll loaded from %s, expected the application directory %s\n", path, exe);
    ok(GetModuleHandleA("libgcc_s_seh-1.dll") != NULL, "libgcc_s_seh-1.dll is not loaded\n");
}
