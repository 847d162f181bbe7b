#include "reg_hive.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "log.h"

namespace winrun::reg {

namespace {

constexpr uint32_t ERROR_ACCESS_DENIED = 5, ERROR_WRITE_FAULT = 29, ERROR_DISK_FULL = 112;

uint32_t save_error(int err) {
    switch (err) {
    case EACCES: case EPERM: case EROFS: return ERROR_ACCESS_DENIED;
    case ENOSPC: case EDQUOT: return ERROR_DISK_FULL;
    default: return ERROR_WRITE_FAULT;
    }
}

int mkdirs(const std::string& dir) {
    for (size_t i = 1; i <= dir.size(); i++) {
        if (i < dir.size() && dir[i] != '/') continue;
        std::string part = dir.substr(0, i);
        if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return errno;
    }
    return 0;
}

bool write_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += size_t(n);
    }
    return true;
}

}  // namespace

Hive::Hive(std::string path, DefaultsFn defaults) : path_(std::move(path)), defaults_(defaults) {
    size_t slash = path_.rfind('/');
    dir_ = slash == std::string::npos ? "." : path_.substr(0, slash);
}

Hive::~Hive() {
    if (fd_ >= 0) close(fd_);
}

int Hive::lock() {
    if (int e = mkdirs(dir_)) return -e;
    std::string lock_path = path_ + ".lock";
    int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return -e;
        }
    }
    return fd;
}

// Writes the default content when the file does not exist. Two processes racing here both
// succeed: the second finds the file once it holds the lock.
int Hive::create_default_file() {
    int lk = lock();
    if (lk < 0) return -lk;
    struct stat st;
    int err = 0;
    if (stat(path_.c_str(), &st) != 0) {
        auto saved = std::move(root_);
        root_ = defaults_();
        err = save();
        root_ = std::move(saved);
        if (!err) WR_TRACE(reg, "created {} with the default content", path_);
    }
    close(lk);
    return err;
}

void Hive::load() {
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        WR_WARN(reg, "cannot open {}: {}", path_, strerror(errno));
        if (!root_) root_ = defaults_();
        return;
    }
    struct stat st;
    std::string text;
    if (fstat(fd, &st) == 0) {
        text.resize(size_t(st.st_size));
        size_t got = 0;
        while (got < text.size()) {
            ssize_t n = pread(fd, text.data() + got, text.size() - got, off_t(got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += size_t(n);
        }
        text.resize(got);
    }
    FileId id{st.st_dev, st.st_ino, st.st_size, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
    auto parsed = parse(text);
    if (parsed) {
        root_ = std::move(parsed.value());
        corrupt_ = false;
    } else {
        // One line, always shown (not only with WINRUN_DEBUG): the program now sees default content.
        if (!(corrupt_ && id == id_))
            fprintf(stderr, "winrun: registry file %s is damaged (%s); using the default content. "
                    "It is kept as %s.corrupt when the hive is next written.\n",
                    path_.c_str(), parsed.error().message.c_str(), path_.c_str());
        root_ = defaults_();
        corrupt_ = true;
    }
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
    id_ = id;
    WR_TRACE(reg, "loaded {} ({} bytes)", path_, text.size());
}

void Hive::refresh(bool locked) {
    struct stat st;
    if (stat(path_.c_str(), &st) == 0) {
        FileId id{st.st_dev, st.st_ino, st.st_size, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
        if (root_ && fd_ >= 0 && id == id_) return;
        load();
        return;
    }
    if (errno == ENOENT && !locked && !create_failed_) {
        if (int e = create_default_file()) {
            WR_WARN(reg, "cannot create {}: {}; the registry lives in memory only", path_, strerror(e));
            create_failed_ = true;
        } else {
            load();
            return;
        }
    }
    // Missing (and not creatable) or unreadable: the default content, in memory.
    if (!root_ || fd_ >= 0) {
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
        root_ = defaults_();
    }
}

Key& Hive::read() {
    refresh(false);
    return *root_;
}

uint32_t Hive::modify(const std::function<uint32_t(Key& root, bool& changed)>& change) {
    int lk = lock();
    if (lk < 0) {
        WR_WARN(reg, "cannot lock {}: {}", path_, strerror(-lk));
        return save_error(-lk);
    }
    refresh(true);
    bool changed = false;
    uint32_t err = change(*root_, changed);
    if (err == 0 && changed) {
        if (int e = save()) {
            WR_WARN(reg, "cannot write {}: {}", path_, strerror(e));
            err = save_error(e);
            // The tree in memory holds a change the file does not: reload it next time.
            if (fd_ >= 0) close(fd_);
            fd_ = -1;
            root_.reset();
        }
    }
    close(lk);
    return err;
}

// Called with the lock held. Replaces the file atomically with the serialised tree.
int Hive::save() {
    if (int e = mkdirs(dir_)) return e;
    std::string text = serialise(*root_);
    std::string tmp = path_ + ".tmp";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    struct stat st;
    if (!write_all(fd, text) || fsync(fd) != 0 || fstat(fd, &st) != 0) {
        int e = errno ? errno : EIO;
        close(fd);
        unlink(tmp.c_str());
        return e;
    }
    if (corrupt_) {
        // Keep the damaged file for whoever wants to look at it.
        std::string keep = path_ + ".corrupt";
        unlink(keep.c_str());
        if (link(path_.c_str(), keep.c_str()) != 0) WR_WARN(reg, "cannot keep {}: {}", keep, strerror(errno));
    }
    if (rename(tmp.c_str(), path_.c_str()) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp.c_str());
        return e;
    }
    if (int dfd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    if (fd_ >= 0) close(fd_);
    fd_ = fd;  // the new file, kept open like a loaded one
    id_ = FileId{st.st_dev, st.st_ino, st.st_size, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
    corrupt_ = false;
    return 0;
}

}  // namespace winrun::reg
