#include "resolver.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <set>

#include "log.h"
#include "pe/pe_image.h"

namespace winrun::sxs {

namespace {

// With ResolveRequest::trace, trace lines are collected for the caller (csrssd sends them back, so
// that WINRUN_DEBUG=+sxs in the program's process shows the probing done in the daemon).
thread_local std::vector<std::string>* t_trace = nullptr;
#define SXS_TRACE(...)                                                        \
    do {                                                                      \
        if (t_trace) t_trace->push_back(fmt::format(__VA_ARGS__));            \
        else WR_TRACE(sxs, __VA_ARGS__);                                      \
    } while (0)

constexpr size_t k_max_file = 256u << 20;   // a DLL we read the resources of
constexpr size_t k_cache_limit = 512;        // parsed manifests kept; the cache is dropped past it
constexpr int k_max_depth = 32;              // assembly dependency chain
constexpr size_t k_max_assemblies = 1024;    // in one context

// A whole file, mapped read-only.
struct Mapped {
    void* p = MAP_FAILED;
    size_t n = 0;
    ~Mapped() {
        if (p != MAP_FAILED) munmap(p, n);
    }
    std::span<const uint8_t> span() const { return {static_cast<const uint8_t*>(p), n}; }
};

Result<void> map_whole(int fd, const std::string& path, const struct stat& st, Mapped& m) {
    if (!S_ISREG(st.st_mode)) return make_error(fmt::format("{}: not a regular file", path));
    if (size_t(st.st_size) > k_max_file) return make_error(fmt::format("{}: too large ({} bytes)", path, st.st_size));
    m.n = size_t(st.st_size);
    if (m.n == 0) return make_error(fmt::format("{}: empty file", path));
    m.p = mmap(nullptr, m.n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m.p == MAP_FAILED) return make_error(fmt::format("{}: cannot map: {}", path, strerror(errno)));
    return {};
}

// Manifest bytes of an open file: the file itself, or resource `id` of the PE it is.
Result<std::optional<std::string>> bytes_of(int fd, const std::string& path, const struct stat& st, uint32_t id,
                                            bool* not_pe = nullptr) {
    Mapped m;
    if (auto r = map_whole(fd, path, st, m); !r) {
        if (not_pe && id) *not_pe = true;
        return r.error();
    }
    if (id == 0) return std::optional<std::string>(std::string(reinterpret_cast<const char*>(m.p), m.n));
    auto img = pe::PeImage::parse(m.span());
    if (!img) {
        if (not_pe) *not_pe = true;
        return make_error(fmt::format("{}: not a valid PE file: {}", path, img.error().message));
    }
    auto res = img->resource(RT_MANIFEST, id);
    if (!res) return make_error(fmt::format("{}: resources: {}", path, res.error().message));
    if (!res->has_value()) return std::optional<std::string>();
    auto b = **res;
    return std::optional<std::string>(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
}

bool is_file(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string dir_of(const std::string& p) {
    size_t s = p.find_last_of('/');
    return s == std::string::npos ? "." : s == 0 ? "/" : p.substr(0, s);
}

std::string none_if_empty(std::string_view s) { return s.empty() || s == "*" ? "none" : lower(s); }

// One resolution: the places tried for the current reference, for the error message.
struct Probe {
    std::vector<std::string> tried;
    void note(std::string where, std::string what) {
        SXS_TRACE( "  {}: {}", where, what);
        tried.push_back(fmt::format("{} ({})", where, what));
    }
};

struct Run {
    Resolver& r;
    const ResolveRequest& req;
    ActCtxData& out;
    std::shared_ptr<const Manifest> config;   // application configuration file, if any
    std::set<std::string> seen;               // identity keys already in the context

    Result<void> add_dependencies(const Manifest& m, int depth);
    Result<void> resolve_one(const Dependency& dep, const std::string& declared_in, int depth);
    Result<std::optional<ResolvedAssembly>> try_manifest(const std::string& path, uint32_t id, const Identity& want, Probe& p,
                                                          int depth);
    Version policy(const Identity& want, bool allow_publisher, Probe& p);
};

Version Run::policy(const Identity& want, bool allow_publisher, Probe& p) {
    Version v = want.version;
    bool cfg_publisher = true;
    if (config) {
        for (const auto& d : config->dependencies) {
            if (!iequal(d.identity.name, want.name) || !iequal(d.identity.public_key_token, want.public_key_token)) continue;
            bool red = false;
            Version nv = apply_redirects(d.redirects, v, &red);
            if (red) {
                SXS_TRACE( "{}: {} redirected to {} by {}", want.name, v.str(), nv.str(), config->source);
                p.tried.push_back(fmt::format("{} redirects {} to {}", config->source, v.str(), nv.str()));
                v = nv;
            }
            if (!d.publisher_policy) cfg_publisher = false;
        }
    }
    // Publisher policy: only for strong-named assemblies, from the store.
    if (!allow_publisher || !cfg_publisher || want.public_key_token.empty() || req.store.empty()) return v;
    std::string pdir = req.store + "/policies/" + store_policy_dir_name(want);
    DIR* dir = opendir(pdir.c_str());
    if (!dir) return v;
    std::vector<std::pair<Version, std::string>> files;
    while (dirent* e = readdir(dir)) {
        std::string n = e->d_name;
        if (n.size() <= 7 || n.substr(n.size() - 7) != ".policy") continue;
        if (auto pv = parse_version(n.substr(0, n.size() - 7))) files.push_back({*pv, pdir + "/" + n});
    }
    closedir(dir);
    std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.first > b.first; });  // newest policy first
    for (const auto& [pv, path] : files) {
        auto pm = r.load(path, 0, Kind::policy);
        if (!pm || !pm.value()) {
            WR_WARN(sxs, "publisher policy ignored: {}", pm ? path : pm.error().message);
            continue;
        }
        const Dependency& d = pm.value()->dependencies.at(0);
        if (!iequal(d.identity.name, want.name) || !iequal(d.identity.public_key_token, want.public_key_token)) continue;
        bool red = false;
        Version nv = apply_redirects(d.redirects, v, &red);
        if (red) {
            SXS_TRACE( "{}: {} redirected to {} by publisher policy {}", want.name, v.str(), nv.str(), path);
            p.tried.push_back(fmt::format("publisher policy {} redirects {} to {}", path, v.str(), nv.str()));
            v = nv;
        }
        break;
    }
    return v;
}

Result<std::optional<ResolvedAssembly>> Run::try_manifest(const std::string& path, uint32_t id, const Identity& want, Probe& p,
                                                          int depth) {
    using Out = std::optional<ResolvedAssembly>;
    if (!is_file(path)) {
        p.note(path, "not found");
        return Out();
    }
    auto m = r.load(path, id, Kind::assembly);
    if (!m) return make_error(m.error().message);  // a malformed manifest is an error, as on Windows
    if (!m.value()) {
        p.note(path, "no manifest resource 1");
        return Out();
    }
    std::string why;
    if (!identity_matches(want, *m.value()->identity, &why)) {
        p.note(path, fmt::format("found {}, but {}", m.value()->identity->str(), why));
        return Out();
    }
    p.note(path, "found");
    ResolvedAssembly a;
    a.identity = *m.value()->identity;
    a.manifest = id ? fmt::format("{} (resource {})", path, id) : path;
    a.directory = dir_of(path);
    for (const auto& f : m.value()->files) a.files.push_back(f.name);
    TRY_VOID(add_dependencies(*m.value(), depth));
    return Out(std::move(a));
}

Result<void> Run::resolve_one(const Dependency& dep, const std::string& declared_in, int depth) {
    if (depth > k_max_depth) return make_error(fmt::format("dependent assembly {}: dependencies nested more than {} deep",
                                                           dep.identity.str(), k_max_depth));
    Identity want = dep.identity;
    Probe p;
    SXS_TRACE( "resolving {}", want.str());
    want.version = policy(want, dep.publisher_policy, p);
    std::string key = want.key_without_version() + "|" + want.version.str();
    if (!seen.insert(key).second) return {};
    if (out.assemblies.size() >= k_max_assemblies)
        return make_error(fmt::format("more than {} assemblies in one activation context", k_max_assemblies));
    std::optional<ResolvedAssembly> found;
    // 1. The store (strong-named references only).
    if (!want.public_key_token.empty() && !req.store.empty()) {
        std::string name = store_dir_name(want);
        std::string dir = req.store + "/" + name;
        // An architecture or language wildcard: look at what is installed.
        std::vector<std::string> cands;
        if (want.architecture == "*" || want.language == "*") {
            if (DIR* d = opendir(req.store.c_str())) {
                std::string tail = fmt::format("_{}_{}_{}_", lower(want.name), want.public_key_token, want.version.str());
                while (dirent* e = readdir(d)) {
                    std::string n = e->d_name;
                    size_t us = n.find('_');
                    if (us != std::string::npos && n.compare(us, tail.size(), tail) == 0) cands.push_back(req.store + "/" + n);
                }
                closedir(d);
                std::sort(cands.begin(), cands.end());
            }
            if (cands.empty()) p.note(req.store, fmt::format("no {}", name));
        } else {
            cands.push_back(dir);
        }
        for (const auto& c : cands) {
            found = TRY(try_manifest(c + "/assembly.manifest", 0, want, p, depth));
            if (found) break;
        }
    }
    // 2 and 3. Private assemblies in the application directory (language subfolder first).
    std::vector<std::string> bases;
    if (!want.language.empty() && want.language != "*" && !iequal(want.language, "neutral"))
        bases.push_back(req.app_dir + "/" + want.language);
    bases.push_back(req.app_dir);
    for (size_t i = 0; i < bases.size() && !found; i++) {
        const std::string& b = bases[i];
        struct Cand {
            std::string dir, file;
            uint32_t id;
        };
        const Cand cands[] = {{b, want.name + ".dll", 1},
                              {b, want.name + ".manifest", 0},
                              {b + "/" + want.name, want.name + ".dll", 1},
                              {b + "/" + want.name, want.name + ".manifest", 0}};
        for (const auto& c : cands) {
            std::string f = find_ci(c.dir, c.file);
            found = TRY(try_manifest(f.empty() ? c.dir + "/" + c.file : c.dir + "/" + f, c.id, want, p, depth));
            if (found) break;
        }
    }
    if (!found) {
        std::string where;
        for (const auto& t : p.tried) where += "\n  " + t;
        return make_error(fmt::format("dependent assembly {} could not be found (declared in {} line {}). Searched:{}",
                                      want.str(), declared_in, dep.line,
                                      where));
    }
    SXS_TRACE( "{} -> {}", want.str(), found->manifest);
    out.assemblies.push_back(std::move(*found));
    return {};
}

Result<void> Run::add_dependencies(const Manifest& m, int depth) {
    for (const auto& d : m.dependencies) TRY_VOID(resolve_one(d, m.source, depth + 1));
    return {};
}

}  // namespace

const std::string* ActCtxData::redirect(std::string_view dll) const {
    std::string l = lower(dll);
    for (const auto& [n, p] : dll_redirects)
        if (n == l) return &p;
    return nullptr;
}

std::string store_dir_name(const Identity& id) {
    return fmt::format("{}_{}_{}_{}_{}", none_if_empty(id.architecture), lower(id.name), none_if_empty(id.public_key_token),
                       id.version.str(), none_if_empty(id.language));
}

std::string store_policy_dir_name(const Identity& id) {
    return fmt::format("{}_{}_{}", none_if_empty(id.architecture), lower(id.name), none_if_empty(id.public_key_token));
}

std::string find_ci(const std::string& dir, const std::string& name) {
    if (is_file(dir + "/" + name)) return name;
    DIR* d = opendir(dir.c_str());
    if (!d) return "";
    std::string r;
    while (dirent* e = readdir(d))
        if (iequal(e->d_name, name)) {
            r = e->d_name;
            break;
        }
    closedir(d);
    return r;
}

Result<std::optional<std::string>> read_manifest_bytes(const std::string& path, uint32_t id, bool* not_pe) {
    if (not_pe) *not_pe = false;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("{}: {}", path, strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return make_error(fmt::format("{}: {}", path, strerror(errno)));
    }
    auto r = bytes_of(fd, path, st, id, not_pe);
    close(fd);
    return r;
}

size_t Resolver::cache_size() {
    std::lock_guard l(mu_);
    return cache_.size();
}

Result<std::shared_ptr<const Manifest>> Resolver::load(const std::string& path, uint32_t id, Kind kind) {
    // The file is opened once: its identity and its bytes come from the same open file.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("{}: {}", path, strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return make_error(fmt::format("{}: {}", path, strerror(errno)));
    }
    Key k{uint64_t(st.st_dev), uint64_t(st.st_ino), uint64_t(st.st_size),
          int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, id, int(kind)};
    {
        std::lock_guard l(mu_);
        if (auto it = cache_.find(k); it != cache_.end()) {
            close(fd);
            hits_++;
            SXS_TRACE( "{}: parsed manifest from the cache", path);
            return it->second;
        }
    }
    auto bytes = bytes_of(fd, path, st, id);
    close(fd);
    if (!bytes) return bytes.error();
    std::shared_ptr<const Manifest> m;
    if (bytes->has_value()) {
        std::string src = id ? fmt::format("{} (RT_MANIFEST {})", path, id) : path;
        auto parsed = parse_manifest({reinterpret_cast<const uint8_t*>((*bytes)->data()), (*bytes)->size()}, src, kind);
        if (!parsed) return parsed.error();
        m = std::make_shared<const Manifest>(std::move(parsed.value()));
        SXS_TRACE( "{}: manifest read", src);
    }
    std::lock_guard l(mu_);
    if (cache_.size() >= k_cache_limit) cache_.clear();
    cache_[k] = m;
    return m;
}

Result<ActCtxData> Resolver::resolve(const ResolveRequest& req_in) {
    ActCtxData out;
    struct TraceScope {
        TraceScope(std::vector<std::string>* v) { t_trace = v; }
        ~TraceScope() { t_trace = nullptr; }
    } scope(req_in.trace ? &out.trace : nullptr);
    ResolveRequest req = req_in;
    if (req.app_dir.empty()) req.app_dir = dir_of(req.source);
    out.source = req.resource_id ? fmt::format("{} (resource {})", req.source, req.resource_id) : req.source;
    out.app_dir = req.app_dir;
    SXS_TRACE( "activation context of {}", out.source);
    auto root = TRY(load(req.source, req.resource_id, Kind::application));
    if (!root) return out;  // a PE without a manifest: an empty context
    out.has_manifest = true;
    out.settings = root->settings;
    ResolvedAssembly self;
    if (root->identity) self.identity = *root->identity;
    self.manifest = out.source;
    self.directory = req.app_dir;
    for (const auto& f : root->files) self.files.push_back(f.name);
    out.assemblies.push_back(std::move(self));
    Run run{*this, req, out, nullptr, {}};
    if (!req.config.empty() && is_file(req.config)) {
        auto cfg = load_config(req.config);
        if (!cfg) return cfg.error();
        run.config = cfg.value();
    }
    if (root->identity) run.seen.insert(root->identity->key_without_version() + "|" + root->identity->version.str());
    TRY_VOID(run.add_dependencies(*root, 0));
    // DLL redirections: every <file> of every assembly; one name may belong to one assembly only.
    for (const auto& a : out.assemblies)
        for (const auto& f : a.files) {
            std::string l = lower(f);
            for (const auto& [n, p] : out.dll_redirects)
                if (n == l)
                    return make_error(fmt::format("{} is provided by two assemblies ({} and {})", f, p, a.identity.str()));
            std::string real = find_ci(a.directory, f);
            out.dll_redirects.push_back({l, a.directory + "/" + (real.empty() ? f : real)});
            SXS_TRACE( "redirect {} -> {}", f, out.dll_redirects.back().second);
        }
    return out;
}

Result<std::shared_ptr<const Manifest>> Resolver::load_config(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("{}: {}", path, strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return make_error(fmt::format("{}: {}", path, strerror(errno)));
    }
    Key k{uint64_t(st.st_dev), uint64_t(st.st_ino), uint64_t(st.st_size),
          int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, 0, -1};
    {
        std::lock_guard l(mu_);
        if (auto it = cache_.find(k); it != cache_.end()) {
            close(fd);
            hits_++;
            return it->second;
        }
    }
    auto bytes = bytes_of(fd, path, st, 0);
    close(fd);
    if (!bytes) return bytes.error();
    auto parsed = parse_config({reinterpret_cast<const uint8_t*>((*bytes)->data()), (*bytes)->size()}, path);
    if (!parsed) return parsed.error();
    auto m = std::make_shared<const Manifest>(std::move(parsed.value()));
    std::lock_guard l(mu_);
    if (cache_.size() >= k_cache_limit) cache_.clear();
    cache_[k] = m;
    return m;
}

// ---- wire form --------------------------------------------------------------------------------
// "v1", source, app_dir, has_manifest, code page ("" = none), long path ("", "0", "1"),
// assembly count, per assembly {identity fields x7, manifest, directory, file count, files...},
// redirect count, per redirect {name, path}, trace line count, trace lines.

std::vector<std::string> encode(const ActCtxData& d) {
    std::vector<std::string> s{"v1", d.source, d.app_dir, d.has_manifest ? "1" : "0",
                               d.settings.active_code_page ? "=" + *d.settings.active_code_page : "",
                               d.settings.long_path_aware ? (*d.settings.long_path_aware ? "1" : "0") : ""};
    s.push_back(std::to_string(d.assemblies.size()));
    for (const auto& a : d.assemblies) {
        const Identity& i = a.identity;
        for (const std::string* f : {&i.type, &i.name, &i.architecture, &i.public_key_token, &i.language}) s.push_back(*f);
        s.push_back(i.has_version ? i.version.str() : "");
        s.push_back(a.manifest);
        s.push_back(a.directory);
        s.push_back(std::to_string(a.files.size()));
        for (const auto& f : a.files) s.push_back(f);
    }
    s.push_back(std::to_string(d.dll_redirects.size()));
    for (const auto& [n, p] : d.dll_redirects) {
        s.push_back(n);
        s.push_back(p);
    }
    s.push_back(std::to_string(d.trace.size()));
    for (const auto& t : d.trace) s.push_back(t);
    return s;
}

Result<ActCtxData> decode(const std::vector<std::string>& s) {
    size_t i = 0;
    auto next = [&]() -> Result<std::string> {
        if (i >= s.size()) return make_error("activation context reply: truncated");
        return s[i++];
    };
    auto count = [&]() -> Result<size_t> {
        std::string c = TRY(next());
        if (c.empty() || c.size() > 6 || !std::all_of(c.begin(), c.end(), ::isdigit))
            return make_error("activation context reply: bad count");
        size_t n = std::stoul(c);
        if (n > s.size()) return make_error("activation context reply: count larger than the reply");
        return n;
    };
    ActCtxData d;
    if (TRY(next()) != "v1") return make_error("activation context reply: unknown format");
    d.source = TRY(next());
    d.app_dir = TRY(next());
    d.has_manifest = TRY(next()) == "1";
    std::string cp = TRY(next());
    if (!cp.empty()) d.settings.active_code_page = cp.substr(1);
    std::string lp = TRY(next());
    if (!lp.empty()) d.settings.long_path_aware = lp == "1";
    size_t na = TRY(count());
    for (size_t k = 0; k < na; k++) {
        ResolvedAssembly a;
        Identity& id = a.identity;
        for (std::string* f : {&id.type, &id.name, &id.architecture, &id.public_key_token, &id.language}) *f = TRY(next());
        std::string v = TRY(next());
        if (!v.empty()) {
            auto pv = parse_version(v);
            if (!pv) return make_error("activation context reply: bad version");
            id.version = *pv;
            id.has_version = true;
        }
        a.manifest = TRY(next());
        a.directory = TRY(next());
        size_t nf = TRY(count());
        for (size_t f = 0; f < nf; f++) a.files.push_back(TRY(next()));
        d.assemblies.push_back(std::move(a));
    }
    size_t nr = TRY(count());
    for (size_t k = 0; k < nr; k++) {
        std::string n = TRY(next());
        std::string p = TRY(next());
        d.dll_redirects.push_back({std::move(n), std::move(p)});
    }
    size_t nt = TRY(count());
    for (size_t k = 0; k < nt; k++) d.trace.push_back(TRY(next()));
    if (i != s.size()) return make_error("activation context reply: trailing data");
    return d;
}

}  // namespace winrun::sxs
