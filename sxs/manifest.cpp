#include "manifest.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "unicode.h"

namespace winrun::sxs {

namespace {

constexpr size_t k_max_manifest_bytes = 4u << 20;  // real manifests are a few KB

constexpr const char* k_asm_namespaces[] = {
    "urn:schemas-microsoft-com:asm.v1", "urn:schemas-microsoft-com:asm.v2", "urn:schemas-microsoft-com:asm.v3"};
// Where Windows looks for the two settings the console cares about (Microsoft docs, "Application
// manifests": activeCodePage is in the 2019 namespace, longPathAware in the 2016 one).
constexpr const char* k_ns_active_code_page = "http://schemas.microsoft.com/SMI/2019/WindowsSettings";
constexpr const char* k_ns_long_path_aware = "http://schemas.microsoft.com/SMI/2016/WindowsSettings";

bool is_asm_ns(std::string_view ns) {
    for (const char* n : k_asm_namespaces)
        if (ns == n) return true;
    return false;
}

// The parsing state of one document: the UTF-8 text (for line numbers) and the file name.
struct Doc {
    std::string text;
    std::string source;

    int line_of(ptrdiff_t offset) const {
        if (offset < 0) return 0;
        size_t end = std::min<size_t>(size_t(offset), text.size());
        return 1 + int(std::count(text.begin(), text.begin() + ptrdiff_t(end), '\n'));
    }
    int line_of(pugi::xml_node n) const { return line_of(n.offset_debug()); }
    Error error(pugi::xml_node n, const std::string& msg) const {
        return make_error(fmt::format("{}:{}: <{}>: {}", source, line_of(n), n.name(), msg));
    }
};

std::string_view local_name(pugi::xml_node n) {
    std::string_view s = n.name();
    size_t c = s.find(':');
    return c == std::string_view::npos ? s : s.substr(c + 1);
}

// The namespace URI of an element: its prefix (or the default namespace) looked up through the
// xmlns declarations of the element and its ancestors.
std::string_view namespace_of(pugi::xml_node n) {
    std::string_view s = n.name();
    size_t c = s.find(':');
    std::string attr = c == std::string_view::npos ? std::string("xmlns") : "xmlns:" + std::string(s.substr(0, c));
    for (pugi::xml_node p = n; p && p.type() == pugi::node_element; p = p.parent())
        if (pugi::xml_attribute a = p.attribute(attr.c_str())) return a.value();
    return {};
}

// Element children in the manifest namespaces with this local name.
template <typename F>
Result<void> for_children(const Doc& d, pugi::xml_node parent, std::string_view name, F&& f) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element || local_name(c) != name || !is_asm_ns(namespace_of(c))) continue;
        TRY_VOID(f(c));
    }
    return {};
}

// An attribute by local name (attributes are unqualified in manifests; a prefixed one is accepted).
pugi::xml_attribute attr(pugi::xml_node n, std::string_view name) {
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        std::string_view an = a.name();
        size_t c = an.find(':');
        if (an.substr(0, c) == "xmlns") continue;
        if ((c == std::string_view::npos ? an : an.substr(c + 1)) == name) return a;
    }
    return {};
}

bool is_hex16(std::string_view s) {
    return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) { return isxdigit((unsigned char)c); });
}

bool plain_name(std::string_view s) {
    if (s.empty() || s.size() > 255 || s == "." || s == "..") return false;
    for (char c : s)
        if (c == '\\' || c == '/' || c == ':' || (unsigned char)c < 0x20 || c == '*' || c == '?' || c == '"' ||
            c == '<' || c == '>' || c == '|')
            return false;
    return true;
}

// kind: what the identity is for; decides which attributes are required.
enum class IdFor { app, assembly, policy, dependency, config_dependency };

Result<Identity> read_identity(const Doc& d, pugi::xml_node n, IdFor what) {
    Identity id;
    id.type = attr(n, "type").value();
    id.name = attr(n, "name").value();
    std::string version = attr(n, "version").value();
    id.architecture = attr(n, "processorArchitecture").value();
    id.public_key_token = attr(n, "publicKeyToken").value();
    id.language = attr(n, "language").value();
    if (id.name.empty()) return d.error(n, "the name attribute is missing");
    if (!plain_name(id.name)) return d.error(n, fmt::format("name \"{}\" is not a valid assembly name", id.name));
    if (!version.empty()) {
        auto v = parse_version(version);
        if (!v) return d.error(n, fmt::format("version \"{}\" is not four numbers from 0 to 65535 (a.b.c.d)", version));
        id.version = *v;
        id.has_version = true;
    } else if (what != IdFor::config_dependency) {
        return d.error(n, "the version attribute is missing");
    }
    if (!id.type.empty()) {
        bool ok = what == IdFor::policy ? iequal(id.type, "win32-policy") : iequal(id.type, "win32");
        if (!ok) return d.error(n, fmt::format("type \"{}\" (expected \"{}\")", id.type, what == IdFor::policy ? "win32-policy" : "win32"));
    } else if (what == IdFor::assembly || what == IdFor::policy) {
        return d.error(n, "the type attribute is missing");
    }
    if (!id.public_key_token.empty() && !is_hex16(id.public_key_token))
        return d.error(n, fmt::format("publicKeyToken \"{}\" is not 16 hexadecimal digits", id.public_key_token));
    id.public_key_token = lower(id.public_key_token);
    static const char* const arches[] = {"x86", "amd64", "ia64", "arm", "arm64", "msil", "wow64", "*"};
    if (!id.architecture.empty() &&
        std::none_of(std::begin(arches), std::end(arches), [&](const char* a) { return iequal(id.architecture, a); }))
        return d.error(n, fmt::format("processorArchitecture \"{}\" is not one of x86, amd64, arm64, msil, wow64, *",
                                      id.architecture));
    id.architecture = lower(id.architecture);
    if (!id.language.empty() && id.language != "*" && !plain_name(id.language))
        return d.error(n, fmt::format("language \"{}\" is not a language name", id.language));
    id.language = lower(id.language);
    if (what == IdFor::policy && lower(id.name).rfind("policy.", 0) != 0)
        return d.error(n, fmt::format("a policy's name must start with \"policy.\" (got \"{}\")", id.name));
    return id;
}

// "1.0.0.0-1.0.65535.65535" or "1.0.0.0".
Result<Redirect> read_redirect(const Doc& d, pugi::xml_node n) {
    std::string oldv = attr(n, "oldVersion").value(), newv = attr(n, "newVersion").value();
    if (oldv.empty()) return d.error(n, "the oldVersion attribute is missing");
    if (newv.empty()) return d.error(n, "the newVersion attribute is missing");
    Redirect r;
    size_t dash = oldv.find('-');
    auto lo = parse_version(std::string_view(oldv).substr(0, dash));
    auto hi = dash == std::string::npos ? lo : parse_version(std::string_view(oldv).substr(dash + 1));
    auto nv = parse_version(newv);
    if (!lo || !hi) return d.error(n, fmt::format("oldVersion \"{}\" is not a version or a range a.b.c.d-a.b.c.d", oldv));
    if (*hi < *lo) return d.error(n, fmt::format("oldVersion range \"{}\" ends before it starts", oldv));
    if (!nv) return d.error(n, fmt::format("newVersion \"{}\" is not four numbers (a.b.c.d)", newv));
    r.old_low = *lo;
    r.old_high = *hi;
    r.new_version = *nv;
    return r;
}

Result<Dependency> read_dependent_assembly(const Doc& d, pugi::xml_node da, IdFor what) {
    Dependency dep;
    dep.line = d.line_of(da);
    int ids = 0;
    TRY_VOID(for_children(d, da, "assemblyIdentity", [&](pugi::xml_node n) -> Result<void> {
        if (++ids > 1) return d.error(n, "a dependentAssembly has more than one assemblyIdentity");
        dep.identity = TRY(read_identity(d, n, what));
        return {};
    }));
    if (!ids) return d.error(da, "no assemblyIdentity inside");
    TRY_VOID(for_children(d, da, "bindingRedirect", [&](pugi::xml_node n) -> Result<void> {
        if (what == IdFor::dependency)
            return d.error(n, "bindingRedirect belongs in a configuration file or a publisher policy, not an application manifest");
        dep.redirects.push_back(TRY(read_redirect(d, n)));
        return {};
    }));
    TRY_VOID(for_children(d, da, "publisherPolicy", [&](pugi::xml_node n) -> Result<void> {
        std::string a = attr(n, "apply").value();
        if (iequal(a, "no")) dep.publisher_policy = false;
        else if (!iequal(a, "yes")) return d.error(n, fmt::format("apply=\"{}\" (expected yes or no)", a));
        return {};
    }));
    return dep;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && isspace((unsigned char)s.front())) s.remove_prefix(1);
    while (!s.empty() && isspace((unsigned char)s.back())) s.remove_suffix(1);
    return std::string(s);
}

// <application><windowsSettings>...: only the two console-relevant settings are read; an element
// in another namespace than the documented one is ignored, as Windows ignores it.
Result<void> read_settings(const Doc& d, pugi::xml_node app, Settings& s) {
    return for_children(d, app, "windowsSettings", [&](pugi::xml_node ws) -> Result<void> {
        for (pugi::xml_node c = ws.first_child(); c; c = c.next_sibling()) {
            if (c.type() != pugi::node_element) continue;
            std::string_view ln = local_name(c), ns = namespace_of(c);
            if (ln == "activeCodePage" && ns == k_ns_active_code_page) {
                if (s.active_code_page) return d.error(c, "activeCodePage is given twice");
                std::string v = trimmed(c.child_value());
                if (v.empty()) return d.error(c, "empty value (expected UTF-8, Legacy or a locale name)");
                s.active_code_page = v;
            } else if (ln == "longPathAware" && ns == k_ns_long_path_aware) {
                if (s.long_path_aware) return d.error(c, "longPathAware is given twice");
                std::string v = lower(trimmed(c.child_value()));
                if (v != "true" && v != "false") return d.error(c, fmt::format("value \"{}\" (expected true or false)", v));
                s.long_path_aware = v == "true";
            }
        }
        return {};
    });
}

Result<Doc> load(std::span<const uint8_t> bytes, std::string source, pugi::xml_document& doc) {
    Doc d;
    d.source = std::move(source);
    if (bytes.size() > k_max_manifest_bytes)
        return make_error(fmt::format("{}: {} bytes: larger than any manifest ({} MiB at most)", d.source, bytes.size(),
                                      k_max_manifest_bytes >> 20));
    // UTF-16 (a BOM says so: Visual Studio and some editors write it) is converted to UTF-8 first, so
    // that pugixml's offsets index the text we count lines in.
    if (bytes.size() >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))) {
        bool be = bytes[0] == 0xFE;
        std::u16string w;
        for (size_t i = 2; i + 1 < bytes.size(); i += 2)
            w.push_back(char16_t(be ? (bytes[i] << 8 | bytes[i + 1]) : (bytes[i] | bytes[i + 1] << 8)));
        d.text = utf16_to_utf8(w);
    } else {
        size_t skip = bytes.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        d.text.assign(reinterpret_cast<const char*>(bytes.data()) + skip, bytes.size() - skip);
    }
    // No parse_eol: offsets must stay those of d.text. parse_declaration | parse_pi skip them safely.
    unsigned opts = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_wconv_attribute;
    pugi::xml_parse_result r = doc.load_buffer(d.text.data(), d.text.size(), opts, pugi::encoding_utf8);
    if (!r) return make_error(fmt::format("{}:{}: not well-formed XML: {}", d.source, d.line_of(r.offset), r.description()));
    return d;
}

Result<pugi::xml_node> root_assembly(const Doc& d, const pugi::xml_document& doc) {
    pugi::xml_node root = doc.document_element();
    if (!root) return make_error(fmt::format("{}: no root element", d.source));
    if (local_name(root) != "assembly")
        return d.error(root, "the root element must be <assembly>");
    if (!is_asm_ns(namespace_of(root)))
        return d.error(root, fmt::format("namespace \"{}\" (expected urn:schemas-microsoft-com:asm.v1)", namespace_of(root)));
    std::string mv = attr(root, "manifestVersion").value();
    if (mv != "1.0") return d.error(root, fmt::format("manifestVersion \"{}\" (expected \"1.0\")", mv));
    return root;
}

}  // namespace

std::string Version::str() const { return fmt::format("{}.{}.{}.{}", part[0], part[1], part[2], part[3]); }

std::optional<Version> parse_version(std::string_view s) {
    Version v;
    for (int i = 0; i < 4; i++) {
        size_t n = 0;
        uint32_t x = 0;
        while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
            x = x * 10 + uint32_t(s[n] - '0');
            if (x > 65535) return std::nullopt;
            n++;
        }
        if (n == 0 || n > 5) return std::nullopt;
        v.part[i] = uint16_t(x);
        s.remove_prefix(n);
        if (i < 3) {
            if (s.empty() || s[0] != '.') return std::nullopt;
            s.remove_prefix(1);
        }
    }
    if (!s.empty()) return std::nullopt;
    return v;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return tolower((unsigned char)x) == tolower((unsigned char)y); });
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = char(tolower((unsigned char)c));
    return r;
}

std::string Identity::str() const {
    std::string s = name;
    if (has_version) s += ", version=" + version.str();
    if (!type.empty()) s += ", type=" + type;
    if (!architecture.empty()) s += ", processorArchitecture=" + architecture;
    if (!public_key_token.empty()) s += ", publicKeyToken=" + public_key_token;
    if (!language.empty()) s += ", language=" + language;
    return s;
}

std::string Identity::key_without_version() const {
    return lower(name) + "|" + lower(architecture) + "|" + lower(public_key_token) + "|" + lower(language);
}

bool identity_matches(const Identity& w, const Identity& f, std::string* why) {
    auto fail = [&](std::string m) {
        if (why) *why = std::move(m);
        return false;
    };
    if (!iequal(w.name, f.name)) return fail(fmt::format("its name is {}", f.name));
    if (w.has_version && (!f.has_version || w.version != f.version))
        return fail(fmt::format("its version is {}", f.has_version ? f.version.str() : "missing"));
    auto arch_ok = [](std::string_view a, std::string_view b) {
        return a.empty() || b.empty() || a == "*" || b == "*" || iequal(a, b) || (iequal(a, "amd64") && iequal(b, "wow64"));
    };
    if (!arch_ok(w.architecture, f.architecture)) return fail(fmt::format("its processorArchitecture is {}", f.architecture));
    if (!iequal(w.public_key_token, f.public_key_token))
        return fail(fmt::format("its publicKeyToken is {}", f.public_key_token.empty() ? "absent" : f.public_key_token));
    auto neutral = [](std::string_view l) { return l.empty() || l == "*" || iequal(l, "neutral"); };
    if (w.language != "*" && !(neutral(w.language) && neutral(f.language)) && !iequal(w.language, f.language))
        return fail(fmt::format("its language is {}", f.language.empty() ? "neutral" : f.language));
    return true;
}

Version apply_redirects(const std::vector<Redirect>& rs, Version v, bool* redirected) {
    for (const auto& r : rs)
        if (v >= r.old_low && v <= r.old_high) {
            if (redirected) *redirected = true;
            return r.new_version;
        }
    if (redirected) *redirected = false;
    return v;
}

Result<Manifest> parse_manifest(std::span<const uint8_t> bytes, std::string source, Kind kind) {
    pugi::xml_document doc;
    Doc d = TRY(load(bytes, source, doc));
    pugi::xml_node root = TRY(root_assembly(d, doc));
    Manifest m;
    m.source = d.source;
    const IdFor self = kind == Kind::application ? IdFor::app : kind == Kind::policy ? IdFor::policy : IdFor::assembly;
    int ids = 0;
    TRY_VOID(for_children(d, root, "assemblyIdentity", [&](pugi::xml_node n) -> Result<void> {
        if (++ids > 1) return d.error(n, "more than one assemblyIdentity at the top level");
        m.identity = TRY(read_identity(d, n, self));
        return {};
    }));
    if (!m.identity && kind != Kind::application) return d.error(root, "no assemblyIdentity (an assembly must name itself)");
    TRY_VOID(for_children(d, root, "noInherit", [&](pugi::xml_node) -> Result<void> {
        m.no_inherit = true;
        return {};
    }));
    TRY_VOID(for_children(d, root, "dependency", [&](pugi::xml_node dep) -> Result<void> {
        int n = 0;
        TRY_VOID(for_children(d, dep, "dependentAssembly", [&](pugi::xml_node da) -> Result<void> {
            n++;
            m.dependencies.push_back(TRY(read_dependent_assembly(d, da, kind == Kind::policy ? IdFor::config_dependency : IdFor::dependency)));
            if (kind == Kind::policy && m.dependencies.back().redirects.empty())
                return d.error(da, "a publisher policy's dependentAssembly needs a bindingRedirect");
            return {};
        }));
        if (!n) return d.error(dep, "no dependentAssembly inside");
        return {};
    }));
    if (kind == Kind::policy && m.dependencies.size() != 1)
        return d.error(root, fmt::format("a publisher policy redirects exactly one assembly ({} given)", m.dependencies.size()));
    TRY_VOID(for_children(d, root, "file", [&](pugi::xml_node f) -> Result<void> {
        if (kind == Kind::policy) return d.error(f, "a publisher policy has no files");
        std::string name = attr(f, "name").value();
        if (name.empty()) return d.error(f, "the name attribute is missing");
        if (!plain_name(name)) return d.error(f, fmt::format("name \"{}\" must be a plain file name (no directories)", name));
        for (const auto& e : m.files)
            if (iequal(e.name, name)) return d.error(f, fmt::format("file \"{}\" is listed twice", name));
        m.files.push_back({name});
        return {};
    }));
    TRY_VOID(for_children(d, root, "application", [&](pugi::xml_node app) { return read_settings(d, app, m.settings); }));
    return m;
}

Result<Manifest> parse_config(std::span<const uint8_t> bytes, std::string source) {
    pugi::xml_document doc;
    Doc d = TRY(load(bytes, source, doc));
    pugi::xml_node root = doc.document_element();
    if (!root || std::string_view(root.name()) != "configuration")
        return root ? d.error(root, "the root element of a configuration file must be <configuration>")
                    : make_error(fmt::format("{}: no root element", d.source));
    Manifest m;
    m.source = d.source;
    for (pugi::xml_node w = root.child("windows"); w; w = w.next_sibling("windows")) {
        for (pugi::xml_node ab = w.first_child(); ab; ab = ab.next_sibling()) {
            if (ab.type() != pugi::node_element || local_name(ab) != "assemblyBinding") continue;
            if (!is_asm_ns(namespace_of(ab)))
                return d.error(ab, fmt::format("namespace \"{}\" (expected urn:schemas-microsoft-com:asm.v1)", namespace_of(ab)));
            TRY_VOID(for_children(d, ab, "dependentAssembly", [&](pugi::xml_node da) -> Result<void> {
                m.dependencies.push_back(TRY(read_dependent_assembly(d, da, IdFor::config_dependency)));
                return {};
            }));
        }
    }
    return m;
}

}  // namespace winrun::sxs
