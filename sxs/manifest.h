// Side-by-side manifests: application manifests, assembly manifests, publisher policies and
// application configuration files, parsed with pugixml into plain values.
//
// Every error is a value whose message names the file, the line and the element ("app.exe.manifest:7:
// <assemblyIdentity>: version "1.0" is not four numbers"); nothing here throws or crashes on input.
// Namespaces: elements are matched by local name within the namespaces Windows accepts
// (urn:schemas-microsoft-com:asm.v1/v2/v3 for the manifest body, the windowsSettings namespaces of
// 2005, 2011, 2013, 2016, 2017, 2019 and 2020 for settings). A prefixed element (asmv3:application)
// is resolved through the xmlns declarations in scope, as an XML processor must.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace winrun::sxs {

// An assembly version: four 16-bit parts, "major.minor.build.revision".
struct Version {
    uint16_t part[4] = {0, 0, 0, 0};
    auto operator<=>(const Version&) const = default;
    std::string str() const;
};
// "1.2.3.4" only (Windows refuses other forms); nullopt otherwise.
std::optional<Version> parse_version(std::string_view s);

// assemblyIdentity. Empty strings mean "absent"; language "*" and architecture "*" are wildcards
// in dependencies. Names, architectures, tokens and languages compare case-insensitively.
struct Identity {
    std::string type;            // "win32", "win32-policy"
    std::string name;
    Version version;
    bool has_version = false;
    std::string architecture;    // processorArchitecture: amd64, x86, wow64, msil, arm64, *
    std::string public_key_token;// 16 hex digits, or empty for a private unsigned assembly
    std::string language;        // "en-us", "*", or empty (neutral)

    // "name, version=1.0.0.0, processorArchitecture=amd64, publicKeyToken=..., language=*"
    std::string str() const;
    // The same with version left out (policy and cache keys).
    std::string key_without_version() const;
};

bool iequal(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

// Whether `found` (an assembly's own identity) satisfies `wanted` (a dependentAssembly reference).
// On a mismatch, `why` names the first field that differs.
bool identity_matches(const Identity& wanted, const Identity& found, std::string* why = nullptr);

struct FileEntry {
    std::string name;  // as written ("comctl32.dll"); no directories allowed
};

// settings of <application><windowsSettings>.
struct Settings {
    std::optional<std::string> active_code_page;  // "UTF-8", "Legacy", or a locale name
    std::optional<bool> long_path_aware;
};

// bindingRedirect: versions oldLow..oldHigh (inclusive) become newVersion.
struct Redirect {
    Version old_low, old_high, new_version;
};

// A dependentAssembly with the redirects that apply to it (configuration files and policies).
struct Dependency {
    Identity identity;
    std::vector<Redirect> redirects;
    bool publisher_policy = true;  // <publisherPolicy apply="no"/> turns policy off (config files)
    int line = 0;                  // where it was declared, for messages
};

struct Manifest {
    std::string source;             // the file name used in messages
    std::optional<Identity> identity;
    std::vector<Dependency> dependencies;
    std::vector<FileEntry> files;
    Settings settings;
    bool no_inherit = false;
};

enum class Kind {
    application,  // an application manifest: identity optional, dependencies, settings
    assembly,     // an assembly manifest: identity required (type win32), files
    policy,       // a publisher policy: identity type win32-policy, dependentAssembly + bindingRedirect
};

// Parses a manifest (UTF-8 or UTF-16 with BOM, as the resource compiler or an editor leaves it).
// `source` names the file in error messages.
Result<Manifest> parse_manifest(std::span<const uint8_t> bytes, std::string source, Kind kind);
// Parses an application configuration file (app.exe.config):
//   <configuration><windows><assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
//     <dependentAssembly><assemblyIdentity .../><bindingRedirect oldVersion="a-b" newVersion="c"/>
// The result's dependencies carry the redirects.
Result<Manifest> parse_config(std::span<const uint8_t> bytes, std::string source);

// The redirect of `v` by a list of bindingRedirects (the first that covers it), or `v`.
Version apply_redirects(const std::vector<Redirect>& rs, Version v, bool* redirected = nullptr);

}  // namespace winrun::sxs
