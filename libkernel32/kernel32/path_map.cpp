#include "path_map.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cctype>
#include <cstring>

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

const std::u16string& system_dir() {
    static const std::u16string dir = u"C:\\windows\\system32";
    return dir;
}

std::string resolve_case(const std::string& path) {
    if (path.empty() || file_exists(path)) return path;
    // Walk from the root, fixing each component that does not exist as spelled.
    std::string out = path[0] == '/' ? "" : ".";
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') i++;
        if (i >= path.size()) break;
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string comp = path.substr(i, j - i);
        std::string cand = out + "/" + comp;
        if (!file_exists(cand)) {
            std::string found;
            if (DIR* d = opendir(out.empty() ? "/" : out.c_str())) {
                while (dirent* e = readdir(d)) {
                    if (strcasecmp(e->d_name, comp.c_str()) == 0) {
                        found = e->d_name;
                        break;
                    }
                }
                closedir(d);
            }
            if (found.empty()) return path;  // does not exist in any spelling
            cand = out + "/" + found;
        }
        out = cand;
        i = j;
    }
    if (path[0] != '/' && out.size() >= 2) out = out.substr(2);  // drop "./"
    return out.empty() ? path : out;
}

Result<std::string> to_linux(std::string_view w) {
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
            out = prefix_dir() + "/drive_c" + (rest.empty() || rest[0] != '/' ? "/" + rest : rest);
        } else {
            return make_error(std::string("drive ") + char(std::toupper(drive)) + ": is not mapped (only C: and Z: exist)");
        }
    } else if (s.rfind("//", 0) == 0) {
        return make_error("UNC paths are not supported: " + std::string(w));
    } else {
        out = s;  // relative or rooted: the Linux cwd is the Windows cwd, on drive Z:
    }
    return resolve_case(out);
}

Result<std::string> to_linux(std::u16string_view w) { return to_linux(utf16_to_utf8(w)); }

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
