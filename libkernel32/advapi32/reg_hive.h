// One hive file of the registry store (docs/registry.md): loading, reloading when another process
// changed it, and crash-safe replacement under a lock.
//
// Consistency between processes:
//  - every write takes an exclusive flock on "<file>.lock", reloads the file if it changed, applies
//    the change, writes "<file>.tmp", fsyncs it, renames it over the file and fsyncs the directory.
//    A writer killed at any point leaves either the old or the new file, never a mixture.
//  - a reader needs no lock: it compares the file's identity (device, inode, size, mtime) with the
//    one it loaded and reloads when they differ. Since every write makes a new inode, and the
//    loaded file is kept open (so its inode number cannot be reused while we compare against it),
//    a replaced file is always noticed.
// Lock rule: the caller (registry.cpp) serialises all calls with its own mutex.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "reg_store.h"

namespace winrun::reg {

using DefaultsFn = std::unique_ptr<Key> (*)();

class Hive {
public:
    // `path` is the hive file; its directory is created when first needed.
    Hive(std::string path, DefaultsFn defaults);
    ~Hive();
    Hive(const Hive&) = delete;
    Hive& operator=(const Hive&) = delete;

    // The current tree, reloaded first if the file changed. A missing file is created with the
    // default content; an unreadable or corrupt one gives the default content (with one warning).
    Key& read();
    // Applies `change` to a fresh tree under the file lock and saves the hive when it reports a
    // change. `change` returns a Windows error code (0 = success); a failed save returns
    // ERROR_ACCESS_DENIED / ERROR_DISK_FULL / ERROR_WRITE_FAULT and leaves the file as it was.
    uint32_t modify(const std::function<uint32_t(Key& root, bool& changed)>& change);

    const std::string& path() const { return path_; }

private:
    struct FileId {
        dev_t dev = 0;
        ino_t ino = 0;
        off_t size = 0;
        int64_t mtime_ns = 0;
        bool operator==(const FileId&) const = default;
    };
    void refresh(bool locked);
    void load();
    int create_default_file();
    int save();
    int lock();  // returns the locked fd, or -errno

    std::string path_, dir_;
    DefaultsFn defaults_;
    std::unique_ptr<Key> root_;
    int fd_ = -1;           // the loaded file, kept open (see above)
    FileId id_;
    bool corrupt_ = false;  // the file on disk did not parse: keep it as "<file>.corrupt" on the next write
    bool create_failed_ = false;
};

}  // namespace winrun::reg

namespace winrun::reg {
// The default content of each hive (reg_defaults.cpp): what a fresh prefix holds.
std::unique_ptr<Key> default_machine();  // HKEY_LOCAL_MACHINE (HKCR and HKCC are views into it)
std::unique_ptr<Key> default_user();     // HKEY_CURRENT_USER
std::unique_ptr<Key> default_users();    // HKEY_USERS
}  // namespace winrun::reg
