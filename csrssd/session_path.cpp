#include "session_path.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace winrun::csrss {

// What std::filesystem::absolute(p).lexically_normal() gives, without std::filesystem: this runs at
// every winrun start, and the first use of std::filesystem and fmt costs tens of microseconds of
// page faults in a fresh process (tested against std::filesystem in test_protocol.cpp).
std::string normalize_path(std::string p) {
    if (p.empty() || p[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd)) p = std::string(cwd) + "/" + p;
    }
    bool absolute = !p.empty() && p[0] == '/';
    std::vector<std::string_view> parts;
    std::string_view v(p);
    size_t i = 0;
    while (i < v.size()) {
        size_t j = v.find('/', i);
        if (j == std::string_view::npos) j = v.size();
        std::string_view e = v.substr(i, j - i);
        i = j + 1;
        if (e.empty() || e == ".") continue;
        if (e == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else if (!absolute) parts.push_back(e);
            continue;
        }
        parts.push_back(e);
    }
    std::string out = absolute ? "/" : "";
    for (size_t k = 0; k < parts.size(); k++) {
        if (k) out += '/';
        out += parts[k];
    }
    if (out.empty()) out = ".";
    return out;
}

std::string prefix_path() {
    std::string p;
    if (const char* e = getenv("WINRUN_PREFIX"); e && *e) p = e;
    else if (const char* x = getenv("XDG_DATA_HOME"); x && *x) p = std::string(x) + "/winrun";
    else {
        const char* home = getenv("HOME");
        p = std::string(home ? home : "/tmp") + "/.local/share/winrun";
    }
    return normalize_path(std::move(p));
}

std::string prefix_key(const std::string& abs_prefix) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : abs_prefix) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    std::string out(16, '0');
    for (int k = 15; k >= 0; k--, h >>= 4) out[size_t(k)] = "0123456789abcdef"[h & 15];
    return out;
}

Result<void> ensure_private_dir(const std::string& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return make_error(fmt::format("cannot create {}: {}", dir, strerror(errno)));
    struct stat st;
    if (lstat(dir.c_str(), &st) != 0) return make_error(fmt::format("{}: {}", dir, strerror(errno)));
    if (!S_ISDIR(st.st_mode)) return make_error(fmt::format("{} is not a directory", dir));
    if (st.st_uid != getuid()) return make_error(fmt::format("{} belongs to another user", dir));
    if ((st.st_mode & 077) != 0) return make_error(fmt::format("{} is accessible to other users (mode {:o})", dir, st.st_mode & 0777));
    return {};
}

Result<SessionPaths> session_paths(bool create) {
    std::string key = prefix_key(prefix_path());
    SessionPaths sp;
    const char* xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0] == '/') {
        sp.dir = std::string(xdg) + "/winrun-" + key;
        if (create) TRY_VOID(ensure_private_dir(sp.dir));
    } else {
        std::string base = "/tmp/winrun-" + std::to_string(getuid());
        sp.dir = base + "/" + key;
        if (create) {
            TRY_VOID(ensure_private_dir(base));
            TRY_VOID(ensure_private_dir(sp.dir));
        }
    }
    sp.socket = sp.dir + "/csrss.sock";
    sp.lock = sp.dir + "/lock";
    if (sp.socket.size() >= sizeof(sockaddr_un::sun_path))
        return make_error(fmt::format("socket path too long ({} bytes): {}", sp.socket.size(), sp.socket));
    return sp;
}

static bool fill_addr(sockaddr_un& a, const std::string& path) {
    std::memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (path.size() >= sizeof a.sun_path) return false;
    std::memcpy(a.sun_path, path.data(), path.size());
    return true;
}

Result<int> listen_socket(const std::string& path) {
    sockaddr_un a;
    if (!fill_addr(a, path)) return make_error(fmt::format("socket path too long: {}", path));
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error(fmt::format("socket: {}", strerror(errno)));
    unlink(path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        return make_error(fmt::format("cannot listen on {}: {}", path, strerror(e)));
    }
    return fd;
}

Result<int> connect_socket(const std::string& path, int* err) {
    sockaddr_un a;
    if (!fill_addr(a, path)) return make_error(fmt::format("socket path too long: {}", path));
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (err) *err = errno;
        return make_error(fmt::format("socket: {}", strerror(errno)));
    }
    // Bounds connect (a full backlog blocks it) and every send: a wedged daemon cannot hang us.
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (errno == EINTR) continue;
        int e = errno;
        close(fd);
        if (err) *err = e;
        return make_error(fmt::format("cannot connect to {}: {}", path, strerror(e)));
    }
    if (err) *err = 0;
    return fd;
}

}  // namespace winrun::csrss
