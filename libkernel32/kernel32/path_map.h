// Windows paths <-> Linux paths (design decision 8).
//   Z:\x\y         -> /x/y                 (Z: is the Linux root)
//   C:\x           -> <prefix>/drive_c/x
//   relative       -> against the current directory (the Linux cwd is the Windows one)
//   \x (rooted)    -> on the current drive (Z:)
// Both separators are accepted. When a component does not exist with that exact spelling, a
// case-insensitive match in its directory is used, as NTFS would find it.
#pragma once
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "result.h"

namespace winrun::paths {

Result<std::string> to_linux(std::u16string_view win);
Result<std::string> to_linux(std::string_view win_utf8);
// The same, with what stat() says about the result (st is valid only when exists).
struct LinuxPath {
    std::string path;
    bool exists = false;
    struct stat st {};
};
Result<LinuxPath> to_linux_stat(std::u16string_view win);
// An absolute Linux path as Windows code should see it.
std::u16string to_windows(std::string_view linux_path);
// The same path, or the existing path that matches it case-insensitively component by component.
// When only the last component is missing in every spelling, the result is the path with its
// directory part resolved (where a new file of that name would be created). With st_out/exists_out,
// the stat of the result is returned too, so callers need not stat again.
std::string resolve_case(const std::string& linux_path, struct stat* st_out = nullptr, bool* exists_out = nullptr);
// Keep the directory listings used by resolve_case current after winrun itself creates or removes
// a name (otherwise the next lookup re-reads the directory).
void note_created(const std::string& linux_path);
void note_removed(const std::string& linux_path);
// The prefix directory (${WINRUN_PREFIX:-${XDG_DATA_HOME:-~/.local/share}/winrun}).
const std::string& prefix_dir();
// Creates drive_c and its standard directories (windows\system32, users\<user>, ...) once per process,
// on first use of C:. Safe against concurrent creation by other processes.
void ensure_prefix();
// The Windows user name (UTF-8): $USER, else the name /etc/passwd gives the uid, else "winrun"; a
// name with '/' is not usable as a directory and is skipped. USERNAME, GetUserName, the profile
// directory C:\users\NAME and the registry's per-user values all use this one name.
const std::string& windows_user_name();
// "C:\windows\system32", where the builtin DLLs appear to live.
const std::u16string& system_dir();
bool file_exists(const std::string& linux_path);

}  // namespace winrun::paths
