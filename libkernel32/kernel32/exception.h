// Exception raising and the unhandled-exception report. Full SEH (unwind tables, __C_specific_handler,
// C++ exceptions) is issue 7; until then an exception goes to the vectored handlers, then the
// top-level filter (SetUnhandledExceptionFilter), then ends the process with its code and a report.
#pragma once
#include <string>

#include "wintypes.h"

namespace winrun::seh {

// Target of the stubs bound to unimplemented imports (design decision 3).
[[noreturn]] void WINAPI unimplemented_function_called(const char* dll_dot_function);

// Raises a software exception the way RaiseException does. Returns only when a handler continued.
void raise(win::DWORD code, win::DWORD flags, win::DWORD nparams, const win::ULONG_PTR* params, void* address);

// Ends the process with `code` after printing the one-screen report.
[[noreturn]] void die_unhandled(const win::EXCEPTION_RECORD& rec);

// SIGSEGV/SIGILL/SIGFPE/SIGBUS/SIGTRAP -> Windows exception codes, on an alternate stack.
void install_signal_handlers();

// The module+offset form of an address ("hello.exe+0x1234"), or the raw address.
std::string describe_address(const void* addr);

}  // namespace winrun::seh
