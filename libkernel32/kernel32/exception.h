// Exception raising and the unhandled-exception report. The dispatcher and the unwinder live in
// ntdll (libkernel32/ntdll/seh_dispatch.cpp, unwind.cpp; see ntdll/seh.h); this is the kernel32 side.
#pragma once
#include <string>

#include "wintypes.h"

// Target of the stubs bound to unimplemented imports (design decision 3). An assembly entry that
// captures the Windows caller's context, so the STATUS_NOT_IMPLEMENTED it raises can be caught there.
extern "C" [[noreturn]] void WINAPI winrun_unimplemented_function_called(const char* dll_dot_function);

namespace winrun::seh {

// Raises a software exception from winrun's own code (no Windows frames can be walked from here:
// only the vectored handlers and the top-level filter see it). Returns only when a handler continued.
void raise(win::DWORD code, win::DWORD flags, win::DWORD nparams, const win::ULONG_PTR* params, void* address);

// Ends the process with `code` after printing the one-screen report (a backtrace when ctx is given).
[[noreturn]] void die_unhandled(const win::EXCEPTION_RECORD& rec, const win::CONTEXT* ctx = nullptr);

// SIGSEGV/SIGILL/SIGFPE/SIGBUS/SIGTRAP -> Windows exceptions, on an alternate stack.
void install_signal_handlers();

// The module+offset form of an address ("hello.exe+0x1234"), or the raw address.
std::string describe_address(const void* addr);

}  // namespace winrun::seh
