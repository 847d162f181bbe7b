// Activation-context resolution: from a manifest (an .exe/.dll's RT_MANIFEST resource or a manifest
// file) to the list of assemblies it depends on, found in the documented order, with the DLL
// redirections and settings that follow. Runs in csrssd (design decision 10) and, when no daemon is
// available, in the process itself: both call Resolver::resolve.
//
// Search order for one dependentAssembly (Microsoft docs, "Assembly Searching Sequence"), after the
// application configuration file's and the publisher policy's bindingRedirects:
//   1. the store, $WINRUN_PREFIX/winsxs/<arch>_<name>_<token>_<version>_<language>/ (strong-named
//      assemblies only: a publicKeyToken is required there)
//   2. for a language-specific reference, in appdir\<language>\: name.dll, name.manifest,
//      name\name.dll, name\name.manifest
//   3. in appdir\: name.dll (its RT_MANIFEST resource 1), name.manifest, name\name.dll,
//      name\name.manifest
// An assembly's own dependencies are resolved the same way (same application directory).
// Parsed manifests are cached keyed on file identity (device, inode, size, mtime), never on a name,
// so a file changed in place is parsed again.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "manifest.h"
#include "result.h"

namespace winrun::sxs {

// The error code Windows gives when an activation context cannot be generated.
constexpr uint32_t ERROR_SXS_CANT_GEN_ACTCTX = 14001;

// RT_MANIFEST resource IDs.
constexpr uint32_t RT_MANIFEST = 24;
constexpr uint32_t CREATEPROCESS_MANIFEST_RESOURCE_ID = 1;
constexpr uint32_t ISOLATIONAWARE_MANIFEST_RESOURCE_ID = 2;
constexpr uint32_t ISOLATIONAWARE_NOSTATICIMPORT_MANIFEST_RESOURCE_ID = 3;

struct ResolveRequest {
    std::string source;        // Linux path: a PE file (with resource_id) or a manifest file
    uint32_t resource_id = 0;  // 0: `source` is a manifest file; else the RT_MANIFEST id in the PE file
    std::string app_dir;       // where private assemblies are probed; empty: the directory of `source`
    std::string config;        // application configuration file (app.exe.config), may not exist; "" none
    std::string store;         // the store directory ($WINRUN_PREFIX/winsxs)
    bool trace = false;        // collect the probing in ActCtxData::trace instead of logging it here
};

struct ResolvedAssembly {
    Identity identity;
    std::string manifest;   // where its manifest came from (file, or "file.dll" resource 1)
    std::string directory;  // Linux directory of its files
    std::vector<std::string> files;
};

struct ActCtxData {
    std::string source;     // the root manifest's location
    std::string app_dir;
    bool has_manifest = false;  // false: the PE has no manifest (a context with no assemblies)
    Settings settings;      // from the root manifest
    std::vector<ResolvedAssembly> assemblies;  // [0] is the root manifest itself (identity may be empty)
    std::vector<std::pair<std::string, std::string>> dll_redirects;  // lower-case file name -> Linux path
    std::vector<std::string> trace;  // with ResolveRequest::trace: what was probed and found

    // The Linux path the context redirects `dll` (a plain file name) to, or nullptr.
    const std::string* redirect(std::string_view dll) const;
};

// ActCtxData as a list of strings (the RESOLVE_ACTCTX reply tail) and back; decode checks everything.
std::vector<std::string> encode(const ActCtxData& d);
Result<ActCtxData> decode(const std::vector<std::string>& s);

// Reads the RT_MANIFEST resource `id` of a PE file, or a whole manifest file (id 0), through the
// checked readers. nullopt: the PE file has no such resource. *not_pe (if given) is set when the
// error is that the file is not a valid PE file at all (the loader reports that itself).
Result<std::optional<std::string>> read_manifest_bytes(const std::string& path, uint32_t id, bool* not_pe = nullptr);

class Resolver {
public:
    // The error message of a failed resolution names the assembly identity and every place searched.
    Result<ActCtxData> resolve(const ResolveRequest& req);

    size_t cache_size();
    uint64_t cache_hits() const { return hits_; }

    // A parsed manifest, from the cache when the file's identity is unchanged. nullptr (no error):
    // a PE file without that resource.
    Result<std::shared_ptr<const Manifest>> load(const std::string& path, uint32_t resource_id, Kind kind);
    // An application configuration file, cached the same way.
    Result<std::shared_ptr<const Manifest>> load_config(const std::string& path);

private:
    struct Key {
        uint64_t dev, ino, size;
        int64_t mtime_ns;
        uint32_t resource_id;
        int kind;
        auto operator<=>(const Key&) const = default;
    };
    std::mutex mu_;
    std::map<Key, std::shared_ptr<const Manifest>> cache_;
    uint64_t hits_ = 0;
};

// The store's directory name of an assembly: <arch>_<name>_<token>_<version>_<language>, lower case,
// "none" for an absent architecture, token or language.
std::string store_dir_name(const Identity& id);
// Policies: <store>/policies/<arch>_<name>_<token>/<policy version>.policy
std::string store_policy_dir_name(const Identity& redirected);

// Case-insensitive lookup of one file name in a Linux directory ("" when none).
std::string find_ci(const std::string& dir, const std::string& name);

}  // namespace winrun::sxs
