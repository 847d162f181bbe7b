#include "store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "resolver.h"

namespace winrun::sxs {

namespace {

namespace fs = std::filesystem;

bool ends_with_ci(const std::string& s, std::string_view suffix) {
    return s.size() > suffix.size() && iequal(std::string_view(s).substr(s.size() - suffix.size()), suffix);
}

Result<std::string> read_small(const std::string& path) {
    auto b = read_manifest_bytes(path, 0);
    if (!b) return b.error();
    return std::move(**b);
}

std::span<const uint8_t> as_bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

Result<void> copy_file(const std::string& from, const std::string& to) {
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) return make_error(fmt::format("cannot copy {} to {}: {}", from, to, ec.message()));
    return {};
}

Result<void> make_dirs(const std::string& d) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) return make_error(fmt::format("cannot create {}: {}", d, ec.message()));
    return {};
}

}  // namespace

Result<std::vector<std::string>> install_assembly(const std::string& dir, const std::string& store) {
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return make_error(fmt::format("{}: not a directory", dir));
    std::vector<std::string> manifests, policies;
    DIR* d = opendir(dir.c_str());
    if (!d) return make_error(fmt::format("{}: {}", dir, strerror(errno)));
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (ends_with_ci(n, ".manifest")) manifests.push_back(n);
        else if (ends_with_ci(n, ".policy")) policies.push_back(n);
    }
    closedir(d);
    std::sort(manifests.begin(), manifests.end());
    std::sort(policies.begin(), policies.end());
    if (manifests.empty() && policies.empty())
        return make_error(fmt::format("{}: no assembly manifest (*.manifest) and no publisher policy (*.policy)", dir));
    if (manifests.size() > 1)
        return make_error(fmt::format("{}: {} manifests ({}, {}...): install one assembly at a time", dir, manifests.size(),
                                      manifests[0], manifests[1]));
    // Check everything first.
    std::optional<Manifest> assembly;
    std::string manifest_text;
    std::vector<std::pair<std::string, std::string>> files;  // source path, name in the store
    if (!manifests.empty()) {
        std::string path = dir + "/" + manifests[0];
        manifest_text = TRY(read_small(path));
        Manifest m = TRY(parse_manifest(as_bytes(manifest_text), path, Kind::assembly));
        if (m.identity->public_key_token.empty())
            return make_error(fmt::format("{}: {} has no publicKeyToken: the store holds strong-named (shared) assemblies "
                                          "only; ship it as a private assembly in the application's directory instead",
                                          path, m.identity->name));
        for (const auto& f : m.files) {
            std::string real = find_ci(dir, f.name);
            struct stat fst;
            if (real.empty() || stat((dir + "/" + real).c_str(), &fst) != 0 || !S_ISREG(fst.st_mode))
                return make_error(fmt::format("{}: lists file \"{}\", which is not in {}", path, f.name, dir));
            files.push_back({dir + "/" + real, f.name});
        }
        assembly = std::move(m);
    }
    std::vector<std::pair<std::string, Manifest>> pols;
    for (const auto& p : policies) {
        std::string path = dir + "/" + p;
        std::string text = TRY(read_small(path));
        Manifest m = TRY(parse_manifest(as_bytes(text), path, Kind::policy));
        if (m.dependencies[0].identity.public_key_token.empty())
            return make_error(fmt::format("{}: the redirected assembly has no publicKeyToken (policies apply to strong-named "
                                          "assemblies only)", path));
        pols.push_back({path, std::move(m)});
    }
    // Then write.
    std::vector<std::string> done;
    TRY_VOID(make_dirs(store));
    if (assembly) {
        std::string name = store_dir_name(*assembly->identity);
        std::string final_dir = store + "/" + name;
        std::string tmp = fmt::format("{}/.tmp-{}-{}", store, getpid(), name);
        std::error_code ec;
        fs::remove_all(tmp, ec);
        TRY_VOID(make_dirs(tmp));
        {
            std::string mp = tmp + "/assembly.manifest";
            FILE* f = fopen(mp.c_str(), "wb");
            if (!f || fwrite(manifest_text.data(), 1, manifest_text.size(), f) != manifest_text.size() || fclose(f) != 0)
                return make_error(fmt::format("cannot write {}: {}", mp, strerror(errno)));
        }
        for (const auto& [from, to] : files) TRY_VOID(copy_file(from, tmp + "/" + to));
        if (fs::exists(final_dir)) {
            std::string old = fmt::format("{}/.old-{}-{}", store, getpid(), name);
            fs::rename(final_dir, old, ec);
            if (ec) return make_error(fmt::format("cannot replace {}: {}", final_dir, ec.message()));
            fs::rename(tmp, final_dir, ec);
            fs::remove_all(old);
        } else {
            fs::rename(tmp, final_dir, ec);
        }
        if (ec) return make_error(fmt::format("cannot install {}: {}", final_dir, ec.message()));
        done.push_back(fmt::format("installed {} in {}", assembly->identity->str(), final_dir));
    }
    for (const auto& [path, m] : pols) {
        const Identity& target = m.dependencies[0].identity;
        std::string pdir = store + "/policies/" + store_policy_dir_name(target);
        TRY_VOID(make_dirs(pdir));
        std::string to = pdir + "/" + m.identity->version.str() + ".policy";
        std::string tmp = to + ".tmp";
        TRY_VOID(copy_file(path, tmp));
        std::error_code ec;
        fs::rename(tmp, to, ec);
        if (ec) return make_error(fmt::format("cannot install {}: {}", to, ec.message()));
        std::string redirects;
        for (const auto& r : m.dependencies[0].redirects)
            redirects += fmt::format("{}{}-{} -> {}", redirects.empty() ? "" : ", ", r.old_low.str(), r.old_high.str(),
                                     r.new_version.str());
        done.push_back(fmt::format("installed publisher policy {} for {} ({}) in {}", m.identity->version.str(), target.name,
                                   redirects, to));
    }
    return done;
}

Result<std::vector<std::string>> list_assemblies(const std::string& store) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(store, ec)) return out;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(store, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        if (n.empty() || n[0] == '.' || n == "policies") continue;
        std::string mp = store + "/" + n + "/assembly.manifest";
        auto text = read_small(mp);
        auto m = text ? parse_manifest(as_bytes(*text), mp, Kind::assembly) : Result<Manifest>(text.error());
        if (!m) {
            out.push_back(fmt::format("{}: damaged: {}", n, m.error().message));
            continue;
        }
        std::string files;
        for (const auto& f : m->files) files += (files.empty() ? "" : ", ") + f.name;
        out.push_back(fmt::format("{}  [{}]", m->identity->str(), files));
    }
    std::string pol = store + "/policies";
    if (fs::is_directory(pol, ec)) {
        std::vector<std::string> paths;
        for (const auto& e : fs::recursive_directory_iterator(pol, ec))
            if (e.is_regular_file() && ends_with_ci(e.path().string(), ".policy")) paths.push_back(e.path().string());
        std::sort(paths.begin(), paths.end());
        for (const auto& p : paths) {
            auto text = read_small(p);
            auto m = text ? parse_manifest(as_bytes(*text), p, Kind::policy) : Result<Manifest>(text.error());
            if (!m) {
                out.push_back(fmt::format("policy {}: damaged: {}", p, m.error().message));
                continue;
            }
            const auto& d = m->dependencies[0];
            std::string redirects;
            for (const auto& r : d.redirects)
                redirects += fmt::format("{}{}-{} -> {}", redirects.empty() ? "" : ", ", r.old_low.str(), r.old_high.str(),
                                         r.new_version.str());
            out.push_back(fmt::format("policy {} for {}: {}", m->identity->version.str(), d.identity.str(), redirects));
        }
    }
    return out;
}

}  // namespace winrun::sxs
