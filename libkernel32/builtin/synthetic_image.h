// Presents a builtin DLL to Windows code as a PE image in memory (design decision 1): DOS and NT
// headers, one export directory, and a `jmp` trampoline per function export that leads to the C++
// function (or, with WINRUN_DEBUG=+relay, through the relay tracer). Data exports get storage inside
// the image. GetModuleHandle, GetProcAddress and manual export walks therefore behave as on Windows.
#pragma once
#include "builtin.h"
#include "module.h"

namespace winrun::builtin {

// Builds the image, registers the module and runs the DLL's attach callback. Under loader_lock.
loader::Module* build_image(const DllDef& dll);

}  // namespace winrun::builtin
