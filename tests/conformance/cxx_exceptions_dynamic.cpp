/* cxx_exceptions_dynamic.cpp: cxx_exceptions.cpp linked against the shared libstdc++-6.dll and
 * libgcc_s_seh-1.dll (the mingw-w64 default): the personality routine and _Unwind_* live in DLLs,
 * and exceptions cross from libstdc++ (std::rethrow_exception, __cxa_throw) into the EXE's frames. */
#include <windows.h>

static void check_dynamic_runtime(void);
#define CXX_TEST_NAME cxx_exceptions_dynamic
#define CXX_EXTRA_CHECKS check_dynamic_runtime
#include "cxx_exceptions.cpp"

#include <string>
#include <stdexcept>

static void check_dynamic_runtime(void) {
    ok(GetModuleHandleA("libstdc++-6.dll") != NULL, "libstdc++-6.dll is not loaded: this is not the dynamic build\n");
    ok(GetModuleHandleA("libgcc_s_seh-1.dll") != NULL, "libgcc_s_seh-1.dll is not loaded\n");
    // Thrown inside libstdc++-6.dll itself, caught here.
    bool caught = false;
    try {
        std::string s("abc");
        (void)s.at(10);
    } catch (const std::out_of_range&) {
        caught = true;
    }
    ok(caught, "std::out_of_range from inside libstdc++-6.dll was not caught\n");
}
