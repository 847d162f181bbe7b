// Loading and binding: maps PE files, builds builtin DLL images, binds imports, runs TLS callbacks and
// DllMain. Everything here runs under loader_lock().
#pragma once
#include <string>
#include <string_view>

#include "module.h"
#include "result.h"

namespace winrun::loader {

// The NTSTATUS a failed load would end the process with on Windows, with the message.
struct LoadError {
    uint32_t status;
    std::string message;
};

// Maps the EXE, registers it as the first module and binds its imports (recursively loading DLLs).
Result<Module*> load_exe(const std::string& linux_path, std::u16string win_path);
// Finds or loads a DLL by the name an import table, a forwarder or LoadLibrary gives.
Result<Module*> load_dll(std::string_view name, const Module* importer);
// The status code that goes with the last load error (STATUS_DLL_NOT_FOUND etc).
uint32_t last_load_status();

// DLL_PROCESS_ATTACH for every loaded module not yet attached, dependencies first; the EXE's TLS
// callbacks last. Error when a DllMain returns FALSE.
Result<void> attach_modules();
// DLL_PROCESS_DETACH in reverse initialization order (ExitProcess).
void detach_modules();
// Static TLS of every module for a new thread (the TEB's ThreadLocalStoragePointer array).
void init_thread_tls(win::TEB* teb);
// DLL_THREAD_ATTACH / DETACH to every module (TLS callbacks and DllMain), for issue-4 threads.
void notify_threads(uint32_t reason);

// A stub that reports "unimplemented function DLL.Function called" and raises when called.
void* unimplemented_stub(std::string_view dll, std::string_view function);

// --check: instead of failing, record what binds and what does not.
struct CheckEntry {
    std::string importer, dll, function;
    bool implemented;
    bool dll_found;
};
void begin_check();
const std::vector<CheckEntry>& check_entries();

// The directory of the EXE as a Linux path (first place of the DLL search).
const std::string& app_dir();

}  // namespace winrun::loader
