#include "path_map.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <cerrno>

#include "log.h"
#include "unicode.h"

namespace winrun::paths {

bool file_exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

const std::string& prefix_dir() {
    static const std::string dir = [] {
        if (const char* p = getenv("WINRUN_PREFIX"); p && *p) return std::string(p);
        if (const char* x = getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/winrun";
        const char* home = getenv("HOME");
        return std::string(home ? home : "/tmp") + "/.local/share/winrun";
    }();
    return dir;
}

const std::string& windows_user_name() {
    static const std::string name = [] {
        auto usable = [](std::string_view n) { return !n.empty() && n.find('/') == std::string_view::npos; };
        if (const char* u = getenv("USER"); u && usable(u)) return std::string(u);
        // /etc/passwd read directly, for a login without $USER (a service, a container): getpwuid
        // would load NSS modules, which a statically linked winrun must not.
        if (FILE* f = fopen("/etc/passwd", "re")) {
            char line[1024];
            std::string found;
            const std::string uid = std::to_string(getuid());
            while (found.empty() && fgets(line, sizeof line, f)) {
                std::string_view l(line);  // name:password:uid:...
                size_t c1 = l.find(':'), c2 = c1 == l.npos ? l.npos : l.find(':', c1 + 1);
                size_t c3 = c2 == l.npos ? l.npos : l.find(':', c2 + 1);
                if (c3 != l.npos && l.substr(c2 + 1, c3 - c2 - 1) == uid && usable(l.substr(0, c1)))
                    found = std::string(l.substr(0, c1));
            }
            fclose(f);
            if (!found.empty()) return found;
        }
        return std::string("winrun");
    }();
    return name;
}

// The prefix's drive_c with the directories every Windows installation has. Made on first use of
// C: by mkdir of each level, EEXIST being success, so that processes racing to create a fresh
// prefix all succeed. A prefix that cannot be written is not an error here: C: then simply has
// fewer directories (the failure is logged on the file channel).
void ensure_prefix() {
    static std::once_flag once;
    std::call_once(once, [] {
        const std::string c = prefix_dir() + "/drive_c";
        struct stat st;
        // The user's Temp is the last directory made: a prefix first used under another user name
        // still gets this user's profile.
        std::string users = "/users/" + windows_user_name();
        if (stat((c + users + "/AppData/Local/Temp").c_str(), &st) == 0) return;
        for (std::string rel : {std::string(), std::string("/windows"), std::string("/windows/system32"),
                                std::string("/windows/temp"), std::string("/ProgramData"), std::string("/Program Files"),
                                std::string("/users"), users, users + "/AppData", users + "/AppData/Roaming",
                                users + "/AppData/Local", users + "/AppData/Local/Temp"}) {
            std::string d = rel.empty() ? c : c + rel;
            // Parents of drive_c (the prefix itself, XDG_DATA_HOME/winrun) too, on the first level.
            if (rel.empty()) {
                for (size_t i = 1; i < d.size(); i++)
                    if (d[i] == '/') mkdir(d.substr(0, i).c_str(), 0755);
            }
            if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
                WR_WARN(file, "cannot create {} in the prefix: {}", d, strerror(errno));
                return;
            }
        }
    });
}

const std::u16string& system_dir() {
    static const std::u16string dir = u"C:\\windows\\system32";
    return dir;
}

namespace {
// Case-insensitive lookup needs the listing of a directory. Reading it for every missing name makes
// creating N new files in one directory cost O(N^2) (every new name is missing by definition), so
// each directory's listing is kept, keyed by path and checked against the directory's identity and
// change times on every use: any change made by another process moves mtime/ctime and forces a new
// read. Changes made through winrun itself (note_created / note_removed) update the listing in place.
// Known limit: a change by another process in the same instant as one of ours (between our lookup
// and our own create, a few microseconds) can be missed until the directory changes again.
struct Stamp {
    dev_t dev = 0;
    ino_t ino = 0;
    timespec mtime{}, ctime{};
    bool operator==(const Stamp& o) const {
        return dev == o.dev && ino == o.ino && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
               ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
    }
};
Stamp stamp_of(const struct stat& st) { return {st.st_dev, st.st_ino, st.st_mtim, st.st_ctim}; }

struct DirListing {
    Stamp stamp;
    std::unordered_map<std::string, std::string> by_folded;  // folded name -> name as stored
};

// Lock rule: g_dirs_mutex guards g_dirs; a listing is read from disk while holding it (other
// threads needing a listing would read the same directory anyway).
std::mutex g_dirs_mutex;
std::unordered_map<std::string, DirListing> g_dirs;
constexpr size_t k_max_cached_dirs = 128;

// Names compare as NTFS compares them for ASCII letters (the upcase table beyond ASCII is not
// modelled yet).
std::string fold(std::string_view name) {
    std::string f(name);
    for (auto& c : f)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return f;
}

bool read_listing(const std::string& dir, DirListing& out) {
    DIR* d = opendir(dir.c_str());
    if (!d) return false;
    out.by_folded.clear();
    while (dirent* e = readdir(d)) {
        std::string_view n = e->d_name;
        if (n == "." || n == "..") continue;
        out.by_folded.emplace(fold(n), std::string(n));  // with two case variants, the first read wins
    }
    closedir(d);
    return true;
}

// The name as stored in `dir` that matches `name` case-insensitively, or "" when none does.
std::string find_in_dir(const std::string& dir, const std::string& name, const struct stat& dir_st) {
    std::lock_guard lock(g_dirs_mutex);
    Stamp now = stamp_of(dir_st);
    auto it = g_dirs.find(dir);
    if (it == g_dirs.end() || !(it->second.stamp == now)) {
        if (it == g_dirs.end()) {
            if (g_dirs.size() >= k_max_cached_dirs) g_dirs.clear();
            it = g_dirs.emplace(dir, DirListing{}).first;
        }
        if (!read_listing(dir, it->second)) {
            g_dirs.erase(it);
            return {};
        }
        it->second.stamp = now;
    }
    auto hit = it->second.by_folded.find(fold(name));
    return hit == it->second.by_folded.end() ? std::string() : hit->second;
}

std::pair<std::string, std::string> split_last(const std::string& path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return {".", path};
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// After a change made by winrun itself: keep the listing current if it was current before.
void note_change(const std::string& path, bool created) {
    auto [dir, name] = split_last(path);
    std::lock_guard lock(g_dirs_mutex);
    auto it = g_dirs.find(dir);
    if (it == g_dirs.end()) return;
    struct stat st;
    if (stat(dir.c_str(), &st) != 0) {
        g_dirs.erase(it);
        return;
    }
    if (created) it->second.by_folded.emplace(fold(name), name);
    else it->second.by_folded.erase(fold(name));
    it->second.stamp = stamp_of(st);
}
}  // namespace

void note_created(const std::string& linux_path) { note_change(linux_path, true); }
void note_removed(const std::string& linux_path) { note_change(linux_path, false); }

std::string resolve_case(const std::string& path, struct stat* st_out, bool* exists_out) {
    struct stat st;
    if (exists_out) *exists_out = false;
    if (path.empty()) return path;
    if (stat(path.c_str(), &st) == 0) {
        if (st_out) *st_out = st;
        if (exists_out) *exists_out = true;
        return path;
    }
    if (errno != ENOENT && errno != ENOTDIR) return path;
    // Strip trailing separators: "dir/" names the directory itself.
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto [dir, name] = split_last(p);
    if (name.empty() || name == "." || name == "..") return path;
    // The directory first (recursively, only when it is misspelt too), then the name inside it.
    struct stat dst;
    bool dir_exists = false;
    std::string rdir = resolve_case(dir, &dst, &dir_exists);
    if (!dir_exists || !S_ISDIR(dst.st_mode)) return path;
    bool bare = p.find('/') == std::string::npos;  // "name" alone: relative to the cwd, keep it so
    std::string joined = bare ? "" : rdir == "/" ? "/" : rdir + "/";
    std::string found = find_in_dir(rdir, name, dst);
    if (found.empty()) return joined + name;  // does not exist in any spelling: to be created there
    std::string out = joined + found;
    if (stat(out.c_str(), &st) == 0) {  // a dangling symlink matches by name but does not exist
        if (st_out) *st_out = st;
        if (exists_out) *exists_out = true;
    }
    return out;
}

namespace {
// The Linux spelling of a Windows path, before case resolution.
Result<std::string> map_drive(std::string_view w) {
    std::string s(w);
    for (auto& c : s)
        if (c == '\\') c = '/';
    // \\?\ and \??\ prefixes: the rest is a plain path.
    if (s.rfind("//?/", 0) == 0 || s.rfind("/?\?/", 0) == 0) s = s.substr(4);
    std::string out;
    if (s.size() >= 2 && s[1] == ':' && std::isalpha(static_cast<unsigned char>(s[0]))) {
        char drive = char(std::tolower(static_cast<unsigned char>(s[0])));
        std::string rest = s.substr(2);
        if (drive == 'z') {
            out = rest.empty() || rest[0] != '/' ? "/" + rest : rest;
        } else if (drive == 'c') {
            ensure_prefix();
            out = prefix_dir() + "/drive_c" + (rest.empty() || rest[0] != '/' ? "/" + rest : rest);
        } else {
            return make_error(std::string("drive ") + char(std::toupper(drive)) + ": is not mapped (only C: and Z: exist)");
        }
    } else if (s.rfind("//", 0) == 0) {
        return make_error("UNC paths are not supported: " + std::string(w));
    } else {
        out = s;  // relative or rooted: the Linux cwd is the Windows cwd, on drive Z:
    }
    return out;
}
}  // namespace

Result<std::string> to_linux(std::string_view w) {
    auto p = TRY(map_drive(w));
    return resolve_case(p);
}

Result<std::string> to_linux(std::u16string_view w) { return to_linux(utf16_to_utf8(w)); }

Result<LinuxPath> to_linux_stat(std::u16string_view w) {
    auto p = TRY(map_drive(utf16_to_utf8(w)));
    LinuxPath out;
    out.path = resolve_case(p, &out.st, &out.exists);
    return out;
}

std::u16string to_windows(std::string_view linux_path) {
    std::string p(linux_path);
    if (p.empty() || p[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) p = std::string(cwd) + "/" + p;
    }
    std::string drive_c = prefix_dir() + "/drive_c";
    std::string win;
    if (p.rfind(drive_c, 0) == 0 && (p.size() == drive_c.size() || p[drive_c.size()] == '/')) {
        win = "C:" + p.substr(drive_c.size());
        if (win.size() == 2) win += "/";
    } else {
        win = "Z:" + p;
    }
    // Collapse "/./" and "//" which Windows never shows.
    std::string clean;
    for (size_t i = 0; i < win.size(); i++) {
        if (win[i] == '/' && !clean.empty() && clean.back() == '\\') continue;
        if (win[i] == '/' && win.compare(i, 3, "/./") == 0) { i++; continue; }
        clean.push_back(win[i] == '/' ? '\\' : win[i]);
    }
    if (clean.size() > 3 && clean.back() == '\\') clean.pop_back();
    return utf8_to_utf16(clean);
}

}  // namespace winrun::paths
