// Activation contexts: CreateActCtx, Activate/Deactivate, AddRef/Release, GetCurrentActCtx,
// QueryActCtxW, FindActCtxSectionStringW (DLL redirection), ZombifyActCtx. The contexts themselves
// and the activation stack are loader/actctx.cpp; resolution is sxs::Resolver (csrssd or in-process).
// Structure layouts: winnt.h / winbase.h (x64), checked by tests/sxs/sxs_api.c against mingw-w64's.
#include <cstddef>
#include <cstring>

#include "actctx.h"
#include "binder.h"
#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {

using loader::actctx::ActCtx;

constexpr DWORD ERROR_RESOURCE_NAME_NOT_FOUND = 1814, ERROR_SXS_CANT_GEN_ACTCTX = 14001,
                ERROR_SXS_KEY_NOT_FOUND = 14007, ERROR_SXS_SECTION_NOT_FOUND = 14004,
                ERROR_SXS_PROCESS_DEFAULT_ALREADY_SET = 14011;

// ACTCTX flags.
constexpr DWORD ACTCTX_FLAG_PROCESSOR_ARCHITECTURE_VALID = 0x1, ACTCTX_FLAG_LANGID_VALID = 0x2,
                ACTCTX_FLAG_ASSEMBLY_DIRECTORY_VALID = 0x4, ACTCTX_FLAG_RESOURCE_NAME_VALID = 0x8,
                ACTCTX_FLAG_SET_PROCESS_DEFAULT = 0x10, ACTCTX_FLAG_APPLICATION_NAME_VALID = 0x20,
                ACTCTX_FLAG_SOURCE_IS_ASSEMBLYREF = 0x40, ACTCTX_FLAG_HMODULE_VALID = 0x80;

struct ACTCTXW {
    ULONG cbSize;
    DWORD dwFlags;
    LPCWSTR lpSource;
    USHORT wProcessorArchitecture;
    USHORT wLangId;
    LPCWSTR lpAssemblyDirectory;
    LPCWSTR lpResourceName;
    LPCWSTR lpApplicationName;
    HMODULE hModule;
};
static_assert(sizeof(ACTCTXW) == 56 && offsetof(ACTCTXW, lpSource) == 8 && offsetof(ACTCTXW, wLangId) == 18 &&
              offsetof(ACTCTXW, lpAssemblyDirectory) == 24 && offsetof(ACTCTXW, lpResourceName) == 32 &&
              offsetof(ACTCTXW, hModule) == 48);
struct ACTCTXA {
    ULONG cbSize;
    DWORD dwFlags;
    LPCSTR lpSource;
    USHORT wProcessorArchitecture;
    USHORT wLangId;
    LPCSTR lpAssemblyDirectory;
    LPCSTR lpResourceName;
    LPCSTR lpApplicationName;
    HMODULE hModule;
};
static_assert(sizeof(ACTCTXA) == 56);

struct ACTIVATION_CONTEXT_BASIC_INFORMATION {
    HANDLE hActCtx;
    DWORD dwFlags;
};
static_assert(sizeof(ACTIVATION_CONTEXT_BASIC_INFORMATION) == 16);

struct ACTIVATION_CONTEXT_DETAILED_INFORMATION {
    DWORD dwFlags, ulFormatVersion, ulAssemblyCount, ulRootManifestPathType, ulRootManifestPathChars,
        ulRootConfigurationPathType, ulRootConfigurationPathChars, ulAppDirPathType, ulAppDirPathChars;
    LPCWSTR lpRootManifestPath, lpRootConfigurationPath, lpAppDirPath;
};
static_assert(sizeof(ACTIVATION_CONTEXT_DETAILED_INFORMATION) == 64 &&
              offsetof(ACTIVATION_CONTEXT_DETAILED_INFORMATION, lpRootManifestPath) == 40);

struct ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION {
    DWORD ulFlags, ulEncodedAssemblyIdentityLength, ulManifestPathType, ulManifestPathLength;
    int64_t liManifestLastWriteTime;
    DWORD ulPolicyPathType, ulPolicyPathLength;
    int64_t liPolicyLastWriteTime;
    DWORD ulMetadataSatelliteRosterIndex, ulManifestVersionMajor, ulManifestVersionMinor, ulPolicyVersionMajor,
        ulPolicyVersionMinor, ulAssemblyDirectoryNameLength;
    LPCWSTR lpAssemblyEncodedAssemblyIdentity, lpAssemblyManifestPath, lpAssemblyPolicyPath, lpAssemblyDirectoryName;
    DWORD ulFileCount;
};
static_assert(sizeof(ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION) == 104 &&
              offsetof(ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION, liPolicyLastWriteTime) == 32 &&
              offsetof(ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION, lpAssemblyEncodedAssemblyIdentity) == 64 &&
              offsetof(ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION, ulFileCount) == 96);

struct ACTCTX_SECTION_KEYED_DATA {
    ULONG cbSize;
    ULONG ulDataFormatVersion;
    void* lpData;
    ULONG ulLength;
    void* lpSectionGlobalData;
    ULONG ulSectionGlobalDataLength;
    void* lpSectionBase;
    ULONG ulSectionTotalLength;
    HANDLE hActCtx;
    ULONG ulAssemblyRosterIndex;
    // Vista and later: ulFlags, AssemblyMetadata (40 bytes)
};
static_assert(offsetof(ACTCTX_SECTION_KEYED_DATA, lpSectionBase) == 40 && offsetof(ACTCTX_SECTION_KEYED_DATA, hActCtx) == 56 &&
              offsetof(ACTCTX_SECTION_KEYED_DATA, ulAssemblyRosterIndex) == 64);

// ACTIVATION_CONTEXT_DATA_DLL_REDIRECTION (+ one path segment): the whole path of the DLL, base name
// included, as one segment. Offsets are relative to the section base.
struct DllRedirection {
    ULONG Size, Flags, TotalPathLength, PathSegmentCount, PathSegmentOffset;
};
struct DllRedirectionSegment {
    ULONG Length, Offset;
};
constexpr ULONG ACTIVATION_CONTEXT_DATA_DLL_REDIRECTION_PATH_INCLUDES_BASE_NAME = 1;

constexpr ULONG ACTIVATION_CONTEXT_PATH_TYPE_NONE = 1, ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE = 2;
constexpr ULONG ActivationContextBasicInformation = 1, ActivationContextDetailedInformation = 2,
                AssemblyDetailedInformationInActivationContext = 3;
constexpr DWORD QUERY_ACTCTX_FLAG_USE_ACTIVE_ACTCTX = 0x4, QUERY_ACTCTX_FLAG_ACTCTX_IS_HMODULE = 0x8,
                QUERY_ACTCTX_FLAG_ACTCTX_IS_ADDRESS = 0x10, QUERY_ACTCTX_FLAG_NO_ADDREF = 0x80000000;
constexpr ULONG ACTIVATION_CONTEXT_SECTION_DLL_REDIRECTION = 2;
constexpr DWORD FIND_ACTCTX_SECTION_KEY_RETURN_HACTCTX = 1;

ActCtx* from_handle(HANDLE h) {
    auto* c = static_cast<ActCtx*>(h);
    return c && loader::actctx::valid(c) ? c : nullptr;
}

std::u16string win_path(const std::string& linux_path) {
    // A resource manifest's location reads "file.exe (resource 1)": the file is what Windows reports.
    std::string p = linux_path;
    if (size_t r = p.find(" (resource "); r != std::string::npos) p.resize(r);
    return paths::to_windows(p);
}

// name,processorArchitecture="amd64",publicKeyToken="...",type="win32",version="1.0.0.0"
std::u16string encoded_identity(const sxs::Identity& id) {
    std::string s = id.name;
    auto add = [&](const char* k, const std::string& v) {
        if (!v.empty()) s += std::string(",") + k + "=\"" + v + "\"";
    };
    add("language", id.language);
    add("processorArchitecture", id.architecture);
    add("publicKeyToken", id.public_key_token);
    add("type", id.type);
    add("version", id.has_version ? id.version.str() : "");
    return utf8_to_utf16(s);
}

HANDLE create(const ACTCTXW* a) {
    if (!a || a->cbSize < offsetof(ACTCTXW, lpSource) + sizeof(LPCWSTR) || a->cbSize > sizeof(ACTCTXW) * 4) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    ACTCTXW c{};
    std::memcpy(&c, a, std::min<size_t>(a->cbSize, sizeof c));
    if (c.dwFlags & ACTCTX_FLAG_SOURCE_IS_ASSEMBLYREF) {  // not supported: say so, create nothing
        WR_WARN(sxs, "CreateActCtx: ACTCTX_FLAG_SOURCE_IS_ASSEMBLYREF is not supported");
        set_last_error(ERROR_NOT_SUPPORTED);
        return INVALID_HANDLE_VALUE;
    }
    sxs::ResolveRequest req;
    req.store = loader::actctx::store_dir();
    if (c.lpSource && *c.lpSource) {
        auto lp = paths::to_linux(wview(c.lpSource));
        if (!lp || !paths::file_exists(lp.value())) {
            set_last_error(ERROR_FILE_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
        req.source = lp.value();
    } else if ((c.dwFlags & ACTCTX_FLAG_HMODULE_VALID) && (c.dwFlags & ACTCTX_FLAG_RESOURCE_NAME_VALID)) {
        std::lock_guard lock(loader::loader_lock());
        for (loader::Module* m : loader::modules())
            if (m->base == c.hModule && !m->linux_path.empty()) req.source = m->linux_path;
        if (req.source.empty()) {
            set_last_error(ERROR_MOD_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
    } else {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (c.dwFlags & ACTCTX_FLAG_RESOURCE_NAME_VALID) {
        uintptr_t id = reinterpret_cast<uintptr_t>(c.lpResourceName);
        if (id == 0 || id >= 0x10000) {  // resource names given as strings are not supported
            set_last_error(ERROR_RESOURCE_NAME_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
        req.resource_id = uint32_t(id);
    } else {
        // A PE file as source without a resource name: its resource 1 (CREATEPROCESS_MANIFEST_RESOURCE_ID).
        auto probe = sxs::read_manifest_bytes(req.source, 0);
        if (probe && probe->has_value() && (*probe)->size() >= 2 && (**probe)[0] == 'M' && (**probe)[1] == 'Z')
            req.resource_id = 1;
    }
    if (req.resource_id) {
        auto bytes = sxs::read_manifest_bytes(req.source, req.resource_id);
        if (!bytes || !bytes->has_value()) {
            WR_TRACE(sxs, "CreateActCtx: {}: {}", req.source, bytes ? "no such RT_MANIFEST resource" : bytes.error().message);
            set_last_error(bytes ? ERROR_RESOURCE_NAME_NOT_FOUND : ERROR_SXS_CANT_GEN_ACTCTX);
            return INVALID_HANDLE_VALUE;
        }
    }
    if ((c.dwFlags & ACTCTX_FLAG_ASSEMBLY_DIRECTORY_VALID) && c.lpAssemblyDirectory) {
        auto d = paths::to_linux(wview(c.lpAssemblyDirectory));
        if (!d) {
            set_last_error(ERROR_PATH_NOT_FOUND);
            return INVALID_HANDLE_VALUE;
        }
        req.app_dir = d.value();
    }
    auto r = loader::actctx::create(req);
    if (!r) {
        WR_WARN(sxs, "CreateActCtx: {}", r.error().message);
        set_last_error(ERROR_SXS_CANT_GEN_ACTCTX);
        return INVALID_HANDLE_VALUE;
    }
    if (c.dwFlags & ACTCTX_FLAG_SET_PROCESS_DEFAULT) {
        if (!loader::actctx::set_process_default(r.value())) {
            loader::actctx::release(r.value());
            set_last_error(ERROR_SXS_PROCESS_DEFAULT_ALREADY_SET);
            return INVALID_HANDLE_VALUE;
        }
    }
    return r.value();
}

// The DLL redirection section of a context, built once.
void build_dll_section(ActCtx& c) {
    if (!c.dll_section.empty() || c.data.dll_redirects.empty()) return;
    for (const auto& [name, path] : c.data.dll_redirects) {
        std::u16string w = paths::to_windows(path);
        size_t at = c.dll_section.size();
        DllRedirection r{sizeof(DllRedirection), ACTIVATION_CONTEXT_DATA_DLL_REDIRECTION_PATH_INCLUDES_BASE_NAME,
                         ULONG(w.size() * 2), 1, ULONG(at + sizeof(DllRedirection))};
        DllRedirectionSegment s{ULONG(w.size() * 2), ULONG(at + sizeof r + sizeof(DllRedirectionSegment))};
        c.dll_section.resize(at + sizeof r + sizeof s + (w.size() + 1) * 2);
        std::memcpy(&c.dll_section[at], &r, sizeof r);
        std::memcpy(&c.dll_section[at + sizeof r], &s, sizeof s);
        std::memcpy(&c.dll_section[at + sizeof r + sizeof s], w.c_str(), (w.size() + 1) * 2);
        while (c.dll_section.size() % 4) c.dll_section.push_back(0);
        c.dll_section_entries.push_back(uint32_t(at));
    }
}

// Writes a string after the fixed part of a query buffer; returns its address.
struct Packer {
    uint8_t* buf;
    size_t pos;
    LPCWSTR put(const std::u16string& s) {
        if (s.empty()) return nullptr;
        auto* p = reinterpret_cast<char16_t*>(buf + pos);
        std::memcpy(p, s.c_str(), (s.size() + 1) * 2);
        pos += (s.size() + 1) * 2;
        return p;
    }
};
size_t wbytes(const std::u16string& s) { return s.empty() ? 0 : (s.size() + 1) * 2; }

}  // namespace

HANDLE WINAPI CreateActCtxW(const ACTCTXW* a) { return create(a); }

HANDLE WINAPI CreateActCtxA(const ACTCTXA* a) {
    if (!a || a->cbSize < offsetof(ACTCTXA, lpSource) + sizeof(LPCSTR)) {
        set_last_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    ACTCTXA c{};
    std::memcpy(&c, a, std::min<size_t>(a->cbSize, sizeof c));
    std::u16string src, dir, app, res;
    ACTCTXW w{};
    w.cbSize = sizeof w;
    w.dwFlags = c.dwFlags;
    w.wProcessorArchitecture = c.wProcessorArchitecture;
    w.wLangId = c.wLangId;
    w.hModule = c.hModule;
    if (c.lpSource) w.lpSource = (src = ansi_to_wide(c.lpSource)).c_str();
    if (c.lpAssemblyDirectory) w.lpAssemblyDirectory = (dir = ansi_to_wide(c.lpAssemblyDirectory)).c_str();
    if (c.lpApplicationName) w.lpApplicationName = (app = ansi_to_wide(c.lpApplicationName)).c_str();
    if (reinterpret_cast<uintptr_t>(c.lpResourceName) < 0x10000) w.lpResourceName = reinterpret_cast<LPCWSTR>(c.lpResourceName);
    else w.lpResourceName = (res = ansi_to_wide(c.lpResourceName)).c_str();
    return create(&w);
}

BOOL WINAPI ActivateActCtx(HANDLE h, ULONG_PTR* cookie) {
    if (!cookie) return fail(ERROR_INVALID_PARAMETER);
    ActCtx* c = from_handle(h);
    if (h && !c) return fail(ERROR_INVALID_HANDLE);
    *cookie = loader::actctx::activate(c);
    return TRUE;
}

BOOL WINAPI DeactivateActCtx(DWORD flags, ULONG_PTR cookie) {
    constexpr DWORD DEACTIVATE_ACTCTX_FLAG_FORCE_EARLY_DEACTIVATION = 1;
    if (flags & ~DEACTIVATE_ACTCTX_FLAG_FORCE_EARLY_DEACTIVATION) return fail(ERROR_INVALID_PARAMETER);
    uint32_t e = loader::actctx::deactivate(cookie, flags & DEACTIVATE_ACTCTX_FLAG_FORCE_EARLY_DEACTIVATION);
    return e ? fail(e) : TRUE;
}

void WINAPI AddRefActCtx(HANDLE h) { loader::actctx::add_ref(from_handle(h)); }
void WINAPI ReleaseActCtx(HANDLE h) { loader::actctx::release(from_handle(h)); }

BOOL WINAPI GetCurrentActCtx(HANDLE* out) {
    if (!out) return fail(ERROR_INVALID_PARAMETER);
    ActCtx* c = loader::actctx::active();
    loader::actctx::add_ref(c);
    *out = c;
    return TRUE;
}

BOOL WINAPI ZombifyActCtx(HANDLE h) {
    ActCtx* c = from_handle(h);
    if (!c) return fail(ERROR_INVALID_PARAMETER);
    // A zombie stays a valid handle but no longer redirects anything.
    c->zombie = true;
    return TRUE;
}

BOOL WINAPI QueryActCtxW(DWORD flags, HANDLE h, void* sub, ULONG info_class, void* buffer, SIZE_T size, SIZE_T* needed) {
    constexpr DWORD known = QUERY_ACTCTX_FLAG_USE_ACTIVE_ACTCTX | QUERY_ACTCTX_FLAG_ACTCTX_IS_HMODULE |
                            QUERY_ACTCTX_FLAG_ACTCTX_IS_ADDRESS | QUERY_ACTCTX_FLAG_NO_ADDREF;
    if (flags & ~known) return fail(ERROR_INVALID_PARAMETER);
    if ((flags & (QUERY_ACTCTX_FLAG_ACTCTX_IS_HMODULE | QUERY_ACTCTX_FLAG_ACTCTX_IS_ADDRESS)) != 0) {
        // A module's own context (its resource 2): modules carry none here; report the process default.
        h = nullptr;
    }
    ActCtx* c;
    if (flags & QUERY_ACTCTX_FLAG_USE_ACTIVE_ACTCTX) {
        c = loader::actctx::active();
    } else {
        c = from_handle(h);
        if (h && !c) return fail(ERROR_INVALID_PARAMETER);
    }
    ActCtx* eff = c ? c : loader::actctx::process_default();
    if (!buffer && size) return fail(ERROR_INVALID_PARAMETER);
    switch (info_class) {
    case ActivationContextBasicInformation: {
        if (needed) *needed = sizeof(ACTIVATION_CONTEXT_BASIC_INFORMATION);
        if (size < sizeof(ACTIVATION_CONTEXT_BASIC_INFORMATION)) return fail(ERROR_INSUFFICIENT_BUFFER);
        auto* info = static_cast<ACTIVATION_CONTEXT_BASIC_INFORMATION*>(buffer);
        info->hActCtx = c;
        info->dwFlags = 0;
        if (!(flags & QUERY_ACTCTX_FLAG_NO_ADDREF)) loader::actctx::add_ref(c);
        return TRUE;
    }
    case ActivationContextDetailedInformation: {
        std::u16string manifest, config, appdir;
        DWORD count = 0;
        if (eff && eff->data.has_manifest) {
            manifest = win_path(eff->data.source);
            count = DWORD(eff->data.assemblies.size());
        }
        if (eff) {
            appdir = paths::to_windows(eff->data.app_dir);
            if (!appdir.empty() && appdir.back() != u'\\') appdir += u'\\';
            if (!eff->config.empty() && paths::file_exists(eff->config)) config = paths::to_windows(eff->config);
        }
        size_t total = sizeof(ACTIVATION_CONTEXT_DETAILED_INFORMATION) + wbytes(manifest) + wbytes(config) + wbytes(appdir);
        if (needed) *needed = total;
        if (size < total) return fail(ERROR_INSUFFICIENT_BUFFER);
        ACTIVATION_CONTEXT_DETAILED_INFORMATION info{};
        Packer p{static_cast<uint8_t*>(buffer), sizeof info};
        info.ulFormatVersion = 1;
        info.ulAssemblyCount = count;
        info.ulRootManifestPathType = manifest.empty() ? ACTIVATION_CONTEXT_PATH_TYPE_NONE : ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE;
        info.ulRootManifestPathChars = DWORD(manifest.size());
        info.ulRootConfigurationPathType = config.empty() ? ACTIVATION_CONTEXT_PATH_TYPE_NONE : ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE;
        info.ulRootConfigurationPathChars = DWORD(config.size());
        info.ulAppDirPathType = appdir.empty() ? ACTIVATION_CONTEXT_PATH_TYPE_NONE : ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE;
        info.ulAppDirPathChars = DWORD(appdir.size());
        info.lpRootManifestPath = p.put(manifest);
        info.lpRootConfigurationPath = p.put(config);
        info.lpAppDirPath = p.put(appdir);
        std::memcpy(buffer, &info, sizeof info);
        return TRUE;
    }
    case AssemblyDetailedInformationInActivationContext: {
        if (!sub) return fail(ERROR_INVALID_PARAMETER);
        DWORD index;
        std::memcpy(&index, sub, sizeof index);
        // Index 1 is the root manifest, as on Windows.
        if (!eff || index == 0 || index > eff->data.assemblies.size()) return fail(ERROR_INVALID_PARAMETER);
        const auto& a = eff->data.assemblies[index - 1];
        std::u16string ident = encoded_identity(a.identity), manifest = win_path(a.manifest),
                       dir = paths::to_windows(a.directory);
        size_t total = sizeof(ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION) + wbytes(ident) + wbytes(manifest) + wbytes(dir);
        if (needed) *needed = total;
        if (size < total) return fail(ERROR_INSUFFICIENT_BUFFER);
        ACTIVATION_CONTEXT_ASSEMBLY_DETAILED_INFORMATION info{};
        Packer p{static_cast<uint8_t*>(buffer), sizeof info};
        info.ulEncodedAssemblyIdentityLength = DWORD(ident.size() * 2);  // bytes, as Windows gives them
        info.ulManifestPathType = ACTIVATION_CONTEXT_PATH_TYPE_WIN32_FILE;
        info.ulManifestPathLength = DWORD(manifest.size() * 2);
        info.ulPolicyPathType = ACTIVATION_CONTEXT_PATH_TYPE_NONE;
        info.ulManifestVersionMajor = 1;
        info.ulAssemblyDirectoryNameLength = DWORD(dir.size() * 2);
        info.lpAssemblyEncodedAssemblyIdentity = p.put(ident);
        info.lpAssemblyManifestPath = p.put(manifest);
        info.lpAssemblyDirectoryName = p.put(dir);
        info.ulFileCount = DWORD(a.files.size());
        std::memcpy(buffer, &info, sizeof info);
        return TRUE;
    }
    default:
        // Other classes (file information, run level, compatibility) are not provided.
        return fail(ERROR_INVALID_PARAMETER);
    }
}

BOOL WINAPI FindActCtxSectionStringW(DWORD flags, const void* guid, ULONG section, LPCWSTR key, ACTCTX_SECTION_KEYED_DATA* out) {
    if (guid || !key || !out || (flags & ~FIND_ACTCTX_SECTION_KEY_RETURN_HACTCTX) ||
        out->cbSize < offsetof(ACTCTX_SECTION_KEYED_DATA, ulAssemblyRosterIndex) + sizeof(ULONG))
        return fail(ERROR_INVALID_PARAMETER);
    if (section != ACTIVATION_CONTEXT_SECTION_DLL_REDIRECTION) {
        WR_TRACE(sxs, "FindActCtxSectionStringW: section {} is not provided", section);
        return fail(ERROR_SXS_SECTION_NOT_FOUND);
    }
    std::string name = sxs::lower(utf16_to_utf8(wview(key)));
    for (ActCtx* c : {loader::actctx::active(), loader::actctx::process_default()}) {
        if (!c || c->zombie) continue;
        for (size_t i = 0; i < c->data.dll_redirects.size(); i++) {
            if (c->data.dll_redirects[i].first != name) continue;
            build_dll_section(*c);
            size_t at = c->dll_section_entries[i];
            // The assembly that provides the file (1-based; 1 is the root manifest).
            ULONG roster = 1;
            std::string dir = c->data.dll_redirects[i].second.substr(0, c->data.dll_redirects[i].second.find_last_of('/'));
            for (size_t k = 0; k < c->data.assemblies.size(); k++)
                if (c->data.assemblies[k].directory == dir) {
                    roster = ULONG(k + 1);
                    break;
                }
            size_t keep = out->cbSize;
            std::memset(out, 0, std::min<size_t>(keep, sizeof *out));
            out->cbSize = ULONG(keep);
            out->ulDataFormatVersion = 1;
            out->lpData = c->dll_section.data() + at;
            out->ulLength = ULONG(sizeof(DllRedirection) + sizeof(DllRedirectionSegment));
            out->lpSectionBase = c->dll_section.data();
            out->ulSectionTotalLength = ULONG(c->dll_section.size());
            out->ulAssemblyRosterIndex = roster;
            if (flags & FIND_ACTCTX_SECTION_KEY_RETURN_HACTCTX) {
                loader::actctx::add_ref(c);
                out->hActCtx = c;
            }
            return TRUE;
        }
    }
    return fail(ERROR_SXS_KEY_NOT_FOUND);
}

WR_EXPORT_PART(kernel32_actctx,
    WR_EXPORT(CreateActCtxA), WR_EXPORT(CreateActCtxW), WR_EXPORT(ActivateActCtx), WR_EXPORT(DeactivateActCtx),
    WR_EXPORT(AddRefActCtx), WR_EXPORT(ReleaseActCtx), WR_EXPORT(GetCurrentActCtx), WR_EXPORT(ZombifyActCtx),
    WR_EXPORT(QueryActCtxW), WR_EXPORT(FindActCtxSectionStringW));

}  // namespace winrun::k32
