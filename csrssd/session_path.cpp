#include "session_path.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace winrun::csrss {

std::string prefix_path() {
    std::string p;
    if (const char* e = getenv("WINRUN_PREFIX"); e && *e) p = e;
    else if (const char* x = getenv("XDG_DATA_HOME"); x && *x) p = std::string(x) + "/winrun";
    else {
        const char* home = getenv("HOME");
        p = std::string(home ? home : "/tmp") + "/.local/share/winrun";
    }
    std::error_code ec;
    auto abs = std::filesystem::absolute(p, ec);
    std::string out = (ec ? std::filesystem::path(p) : abs).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string prefix_key(const std::string& abs_prefix) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : abs_prefix) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return fmt::format("{:016x}", h);
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
        std::string base = fmt::format("/tmp/winrun-{}", getuid());
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
