// The list of builtin DLLs and the API-set map.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "builtin.h"
#include "module.h"

namespace winrun::builtin {

// Each DLL's table is defined in its own exports.cpp.
extern const DllDef kernel32_dll;
extern const DllDef ntdll_dll;
extern const DllDef msvcrt_dll;
extern const DllDef advapi32_dll;
extern const DllDef oleaut32_dll;
extern const DllDef user32_dll;
extern const DllDef ucrtbase_dll;
extern const DllDef vcruntime140_dll;
extern const DllDef vcruntime140_1_dll;
extern const DllDef bcrypt_dll;
extern const DllDef bcryptprimitives_dll;
extern const DllDef combase_dll;
extern const DllDef shell32_dll;
extern const DllDef ws2_32_dll;

static const DllDef* const k_dlls[] = {&ntdll_dll,    &kernel32_dll, &msvcrt_dll,   &advapi32_dll,
                                       &oleaut32_dll, &user32_dll,   &ucrtbase_dll, &vcruntime140_dll, &vcruntime140_1_dll,
                                       &bcrypt_dll,   &bcryptprimitives_dll, &combase_dll,  &shell32_dll,
                                       &ws2_32_dll};

const DllDef* find_dll(std::string_view name) {
    if (name.size() > 4 && loader::iequals(name.substr(name.size() - 4), ".dll")) name.remove_suffix(4);
    for (const DllDef* d : k_dlls) {
        std::string_view dn = d->name;
        if (dn.size() > 4 && loader::iequals(dn.substr(dn.size() - 4), ".dll")) dn.remove_suffix(4);
        if (loader::iequals(dn, name)) return d;
    }
    return nullptr;
}

// API sets (Windows 10 apisetschema): a contract name resolves to its host DLL. Matching is on the
// name without its version suffix "-lX-Y-Z", as Windows does.
std::string_view resolve_api_set(std::string_view name) {
    if (!(loader::iequals(name.substr(0, 4), "api-") || loader::iequals(name.substr(0, 4), "ext-"))) return {};
    struct Entry {
        const char* prefix;
        const char* host;
    };
    static const Entry k_sets[] = {
        {"api-ms-win-crt-", "ucrtbase.dll"},
        {"api-ms-win-core-rtlsupport-", "ntdll.dll"},
        {"api-ms-win-core-registry-", "advapi32.dll"},  // kernelbase on Windows; our registry is in advapi32
        {"api-ms-win-core-", "kernel32.dll"},  // kernelbase on Windows; ours is one DLL for now
        {"api-ms-win-security-base-", "advapi32.dll"},
        {"api-ms-win-security-lsalookup-", "advapi32.dll"},
        {"api-ms-win-eventing-", "advapi32.dll"},
        {"api-ms-win-shell-", "shell32.dll"},
    };
    for (const auto& e : k_sets)
        if (name.size() >= std::strlen(e.prefix) && loader::iequals(name.substr(0, std::strlen(e.prefix)), e.prefix))
            return e.host;
    return {};
}

std::span<const ExportDef* const> exports_of(const DllDef& dll) {
    // Pointers into the static tables, not copies: this list is made at every process start for each
    // builtin DLL loaded (~1,200 entries for kernel32 + msvcrt).
    static std::mutex m;
    static std::map<const DllDef*, std::vector<const ExportDef*>> merged;
    std::lock_guard lock(m);
    auto it = merged.find(&dll);
    if (it == merged.end()) {
        std::vector<const ExportDef*> all;
        size_t total = dll.nshared;
        for (size_t p = 0; p < dll.nparts; p++) total += dll.parts[p]->count;
        all.reserve(total);
        for (size_t p = 0; p < dll.nparts; p++)
            for (size_t i = 0; i < dll.parts[p]->count; i++) all.push_back(&dll.parts[p]->exports[i]);
        if (dll.shares) {
            for (size_t i = 0; i < dll.nshared; i++) {
                const ExportDef* hit = nullptr;
                for (size_t p = 0; p < dll.shares->nparts && !hit; p++)
                    for (size_t k = 0; k < dll.shares->parts[p]->count; k++) {
                        const ExportDef& e = dll.shares->parts[p]->exports[k];
                        if (e.name && !(e.flags & EXP_DATA) && std::strcmp(e.name, dll.shared_names[i]) == 0) {
                            hit = &e;
                            break;
                        }
                    }
                // A name the other DLL does not implement (yet) is left out. A shared entry's ordinal
                // follows this DLL's own table (build_image ignores its fixed one).
                if (hit) all.push_back(hit);
            }
        }
        it = merged.emplace(&dll, std::move(all)).first;
    }
    return it->second;
}

size_t own_export_count(const DllDef& dll) {
    size_t n = 0;
    for (size_t p = 0; p < dll.nparts; p++) n += dll.parts[p]->count;
    return n;
}

}  // namespace winrun::builtin
