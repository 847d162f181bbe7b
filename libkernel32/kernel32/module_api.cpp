// GetModuleHandle, GetProcAddress, LoadLibrary, FreeLibrary, GetModuleFileName.
#include <cstring>

#include "binder.h"
#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "unicode.h"

namespace winrun::k32 {

using loader::Module;

namespace {
Module* module_for(HMODULE h) {
    if (!h) {
        for (Module* m : loader::modules())
            if (m->is_exe) return m;
        return nullptr;
    }
    for (Module* m : loader::modules())
        if (m->base == h) return m;
    return nullptr;
}

// "C:\dir\Name.DLL" -> "Name.DLL"; Windows matches loaded modules by base name when no path is
// given (and by full path otherwise: we compare the base name in both cases).
std::string base_of(std::string_view s) {
    size_t p = s.find_last_of("\\/");
    return std::string(p == std::string_view::npos ? s : s.substr(p + 1));
}

HMODULE get_module_handle(std::string_view name) {
    std::lock_guard lock(loader::loader_lock());
    std::string b = base_of(name);
    if (b.find('.') == std::string::npos) b += ".dll";
    std::string_view api = builtin::resolve_api_set(b);
    Module* m = loader::find_module(api.empty() ? std::string_view(b) : api);
    if (!m) {
        set_last_error(ERROR_MOD_NOT_FOUND);
        return nullptr;
    }
    return m->base;
}

HMODULE load_library(std::string_view name) {
    std::lock_guard lock(loader::loader_lock());
    auto r = loader::load_dll(name, nullptr);
    if (!r) {
        WR_WARN(module, "LoadLibrary({}): {}", name, r.error().message);
        uint32_t st = loader::last_load_status();
        set_last_error(st == STATUS_DLL_NOT_FOUND ? ERROR_MOD_NOT_FOUND
                       : st == STATUS_INVALID_IMAGE_FORMAT ? ERROR_BAD_EXE_FORMAT
                       : st == STATUS_ENTRYPOINT_NOT_FOUND ? ERROR_PROC_NOT_FOUND
                                                           : 1114 /* ERROR_DLL_INIT_FAILED */);
        return nullptr;
    }
    Module* m = r.value();
    if (!m->attached) m->static_load = false;  // attached by this call: DllMain sees lpReserved == NULL
    if (auto a = loader::attach_modules(); !a) {
        WR_WARN(module, "LoadLibrary({}): {}", name, a.error().message);
        set_last_error(1114 /* ERROR_DLL_INIT_FAILED */);
        return nullptr;
    }
    m->load_count++;
    return m->base;
}
}  // namespace

HMODULE WINAPI GetModuleHandleA(LPCSTR name) {
    if (!name) return module_for(nullptr)->base;
    return get_module_handle(name);
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR name) {
    if (!name) return module_for(nullptr)->base;
    return get_module_handle(utf16_to_utf8(wview(name)));
}

constexpr DWORD GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS = 4;
BOOL WINAPI GetModuleHandleExW(DWORD flags, LPCWSTR name, HMODULE* out) {
    if (!out) return fail(ERROR_INVALID_PARAMETER);
    if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
        Module* m = loader::find_module_by_address(name);
        *out = m ? m->base : nullptr;
        return m ? TRUE : fail(ERROR_MOD_NOT_FOUND);
    }
    *out = GetModuleHandleW(name);
    return *out != nullptr;
}
BOOL WINAPI GetModuleHandleExA(DWORD flags, LPCSTR name, HMODULE* out) {
    if (!out) return fail(ERROR_INVALID_PARAMETER);
    if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) return GetModuleHandleExW(flags, reinterpret_cast<LPCWSTR>(name), out);
    *out = GetModuleHandleA(name);
    return *out != nullptr;
}

FARPROC WINAPI GetProcAddress(HMODULE h, LPCSTR name) {
    std::lock_guard lock(loader::loader_lock());
    Module* m = module_for(h);
    if (!m) {
        set_last_error(ERROR_MOD_NOT_FOUND);
        return nullptr;
    }
    // A "name" below 64K is an ordinal (MAKEINTRESOURCE).
    bool by_ordinal = reinterpret_cast<uintptr_t>(name) < 0x10000;
    auto r = by_ordinal ? loader::resolve_export_ordinal(*m, uint16_t(reinterpret_cast<uintptr_t>(name)))
                        : loader::resolve_export(*m, name);
    if (!r) {
        // Unlike import binding, GetProcAddress answers truthfully: the program can fall back.
        WR_TRACE(module, "GetProcAddress: {}", r.error().message);
        set_last_error(ERROR_PROC_NOT_FOUND);
        return nullptr;
    }
    return r.value();
}

HMODULE WINAPI LoadLibraryA(LPCSTR name) {
    start_user_shared_clock();  // see user_shared_data.cpp
    if (!name || !*name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return load_library(utf16_to_utf8(ansi_to_wide(name)));
}
HMODULE WINAPI LoadLibraryW(LPCWSTR name) {
    start_user_shared_clock();  // see user_shared_data.cpp
    if (!name || !*name) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return nullptr;
    }
    return load_library(utf16_to_utf8(wview(name)));
}
HMODULE WINAPI LoadLibraryExA(LPCSTR name, HANDLE, DWORD) { return LoadLibraryA(name); }
HMODULE WINAPI LoadLibraryExW(LPCWSTR name, HANDLE, DWORD) { return LoadLibraryW(name); }

BOOL WINAPI FreeLibrary(HMODULE h) {
    std::lock_guard lock(loader::loader_lock());
    Module* m = module_for(h);
    if (!m || !h) return fail(ERROR_MOD_NOT_FOUND);
    // Modules stay mapped until exit (a later issue unloads them at a zero count).
    if (m->load_count > 1) m->load_count--;
    return TRUE;
}

DWORD WINAPI GetModuleFileNameW(HMODULE h, LPWSTR buf, DWORD size) {
    Module* m = module_for(h);
    if (!m) return fail(ERROR_MOD_NOT_FOUND);
    const std::u16string& p = m->win_path;
    // Truncation: copies size-1 chars, terminates, and reports ERROR_INSUFFICIENT_BUFFER, returning size.
    if (p.size() >= size) {
        if (size) {
            std::memcpy(buf, p.data(), (size - 1) * 2);
            buf[size - 1] = 0;
        }
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    std::memcpy(buf, p.data(), p.size() * 2);
    buf[p.size()] = 0;
    set_last_error(ERROR_SUCCESS);
    return DWORD(p.size());
}

DWORD WINAPI GetModuleFileNameA(HMODULE h, LPSTR buf, DWORD size) {
    Module* m = module_for(h);
    if (!m) return fail(ERROR_MOD_NOT_FOUND);
    std::string p = wide_to_ansi(m->win_path);
    if (p.size() >= size) {
        if (size) {
            std::memcpy(buf, p.data(), size - 1);
            buf[size - 1] = 0;
        }
        set_last_error(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    std::memcpy(buf, p.c_str(), p.size() + 1);
    set_last_error(ERROR_SUCCESS);
    return DWORD(p.size());
}

BOOL WINAPI DisableThreadLibraryCalls(HMODULE) { return TRUE; }

WR_EXPORT_PART(kernel32_module,
    WR_EXPORT(GetModuleHandleA),
    WR_EXPORT(GetModuleHandleW),
    WR_EXPORT(GetModuleHandleExA),
    WR_EXPORT(GetModuleHandleExW),
    WR_EXPORT(GetProcAddress),
    WR_EXPORT(LoadLibraryA),
    WR_EXPORT(LoadLibraryW),
    WR_EXPORT(LoadLibraryExA),
    WR_EXPORT(LoadLibraryExW),
    WR_EXPORT(FreeLibrary),
    WR_EXPORT(GetModuleFileNameA),
    WR_EXPORT(GetModuleFileNameW),
    WR_EXPORT(DisableThreadLibraryCalls));

}  // namespace winrun::k32
