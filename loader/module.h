// A module (EXE, PE DLL or builtin DLL) loaded into the Windows process, and the process's module
// list. The list is what GetModuleHandle, GetProcAddress, LoadLibrary and the PEB loader lists show.
// Lock rule: the list is guarded by loader_lock() (a recursive mutex, like Windows' loader lock);
// DllMain and TLS callbacks run with it held, as on Windows.
#pragma once
#include <deque>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "builtin/builtin.h"
#include "pe/pe_image.h"
#include "result.h"
#include "wintypes.h"

namespace winrun::loader {

struct Module {
    std::string name;            // base name as Windows shows it: "KERNEL32.dll", "hello.exe"
    std::u16string win_path;     // full Windows path: "C:\windows\system32\kernel32.dll"
    std::string linux_path;      // the file it came from (empty for builtins)
    uint8_t* base = nullptr;
    uint32_t size = 0;
    void* entry = nullptr;       // DllMain / exe entry point (null for builtins)
    bool is_exe = false;
    const builtin::DllDef* builtin = nullptr;

    // Exports, the same way for PE and builtin modules.
    uint32_t ordinal_base = 1;
    std::vector<uint32_t> export_rvas;       // index = ordinal - ordinal_base
    std::vector<std::string> forwarders;     // same index; empty when not forwarded
    // Named exports sorted by name (byte order, as strcmp and the PE name table): looked up by binary
    // search, as Windows' GetProcAddress does. The names are the builtin tables' static strings, or
    // export_name_storage below for PE images: one allocation per DLL at each process start, not one
    // per name as a hash table needs.
    struct ExportName {
        std::string_view name;
        uint32_t index;  // into export_rvas
    };
    std::vector<ExportName> export_names;
    std::deque<std::string> export_name_storage;  // stable storage for a PE image's export names
    // The export_rvas index of `name`, or nullopt.
    std::optional<uint32_t> find_export_index(std::string_view name) const;

    std::optional<pe::TlsInfo> tls;  // rebased to the actual load address
    int tls_index = -1;
    std::vector<Module*> deps;       // modules this one imports from
    int load_count = 1;
    bool attached = false;           // DLL_PROCESS_ATTACH done
    bool static_load = true;         // loaded with the process (lpReserved != NULL in DllMain)
    win::LDR_DATA_TABLE_ENTRY* ldr = nullptr;
};

std::recursive_mutex& loader_lock();

// All modules in load order (the EXE first).
const std::vector<Module*>& modules();
// Looks a module up by base name, case-insensitively, with or without ".dll".
Module* find_module(std::string_view name);
Module* find_module_by_address(const void* addr);
// Appends to the module list and to the three PEB loader lists.
void register_module(Module* m);
void unregister_module(Module* m);
// Appends to the PEB's initialization-order list (DLLs only; the EXE is never in it).
void note_initialized(Module* m);

// Exported address, following forwarders (which may load further DLLs). Error when missing.
Result<void*> resolve_export(Module& m, std::string_view name);
Result<void*> resolve_export_ordinal(Module& m, uint16_t ordinal);

// The PEB, its loader data and process parameters (built once by the process start).
win::PEB* peb();
win::PEB_LDR_DATA* peb_ldr_data();

// Case-insensitive ASCII comparison, as Windows compares module names.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

}  // namespace winrun::loader
