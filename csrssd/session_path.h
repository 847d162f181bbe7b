// Where a session's socket lives. One daemon per (uid, prefix): the directory name carries a key
// that is a hash of the absolute prefix path.
//   $XDG_RUNTIME_DIR/winrun-<key>/        (XDG_RUNTIME_DIR set and absolute)
//   /tmp/winrun-<uid>/<key>/              (fallback)
// holding `csrss.sock` (the listening socket) and `lock` (flock'ed while a daemon is started or
// stops). Every directory we create is 0700; an existing one must be a real directory (not a
// symlink), owned by us, with no group/other access, or we refuse to use it.
#pragma once
#include <cstdint>
#include <string>

#include "result.h"

namespace winrun::csrss {

// The prefix winrun uses, by the same rule as libkernel32's paths::prefix_dir() (WINRUN_PREFIX,
// else $XDG_DATA_HOME/winrun, else $HOME/.local/share/winrun), made absolute and lexically
// normalised (no symlink resolution: the prefix may not exist yet).
std::string prefix_path();
// std::filesystem::absolute(p).lexically_normal() without a trailing '/' (the rule prefix_path uses).
std::string normalize_path(std::string p);
// 16 hex digits: FNV-1a 64 of the absolute prefix path.
std::string prefix_key(const std::string& abs_prefix);

struct SessionPaths {
    std::string dir;
    std::string socket;
    std::string lock;
};
// The paths for the current environment. With create, makes and checks the directories; without,
// only computes them (a client that just connects need not touch the file system).
Result<SessionPaths> session_paths(bool create);
// Makes (if missing) and checks one private directory.
Result<void> ensure_private_dir(const std::string& dir);

// A non-blocking, close-on-exec SOCK_SEQPACKET socket bound to `path` and listening. An existing
// file at `path` is removed first: call it only under the session lock, after a failed connect.
Result<int> listen_socket(const std::string& path);
// A close-on-exec SOCK_SEQPACKET socket connected to `path`; the error keeps errno's meaning in
// `*err` (ENOENT, ECONNREFUSED: no daemon) when err is given.
Result<int> connect_socket(const std::string& path, int* err = nullptr);

}  // namespace winrun::csrss
