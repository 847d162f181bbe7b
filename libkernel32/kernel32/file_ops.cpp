// Whole-file operations: CopyFile(Ex), MoveFile(Ex), ReplaceFile.
//
// Windows quirks kept here:
// - CopyFile copies the data, the attributes and the last write time; an existing read-only (or
//   hidden) target is refused with ERROR_ACCESS_DENIED; bFailIfExists gives ERROR_FILE_EXISTS.
// - MoveFile refuses an existing target with ERROR_ALREADY_EXISTS unless MOVEFILE_REPLACE_EXISTING;
//   a directory is never replaced (ERROR_ACCESS_DENIED); across file systems a file is copied and
//   deleted only with MOVEFILE_COPY_ALLOWED (MoveFile implies it), a directory never moves across
//   (ERROR_NOT_SAME_DEVICE).
// - A file open without FILE_SHARE_DELETE cannot be moved, replaced or deleted (sharing violation).
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
int link_file(const std::string& from, const std::string& to) { return ::link(from.c_str(), to.c_str()); }
constexpr DWORD MOVEFILE_REPLACE_EXISTING = 0x1, MOVEFILE_COPY_ALLOWED = 0x2, MOVEFILE_DELAY_UNTIL_REBOOT = 0x4,
                MOVEFILE_WRITE_THROUGH = 0x8;
constexpr DWORD COPY_FILE_FAIL_IF_EXISTS = 0x1;
constexpr DWORD PROGRESS_CONTINUE = 0, PROGRESS_CANCEL = 1, PROGRESS_STOP = 2, PROGRESS_QUIET = 3;
constexpr DWORD CALLBACK_CHUNK_FINISHED = 0, CALLBACK_STREAM_SWITCH = 1;
constexpr DWORD ERROR_REQUEST_ABORTED = 1235, ERROR_UNABLE_TO_REMOVE_REPLACED = 1175,
                ERROR_UNABLE_TO_MOVE_REPLACEMENT = 1176;

using ProgressRoutine = DWORD(WINAPI*)(LARGE_INTEGER total, LARGE_INTEGER transferred, LARGE_INTEGER stream_size,
                                       LARGE_INTEGER stream_transferred, DWORD stream, DWORD reason, HANDLE src,
                                       HANDLE dst, void* data);

bool busy_for_delete(const std::string& path, const struct stat& st) {
    return S_ISREG(st.st_mode) && (would_conflict(st.st_dev, st.st_ino, USE_DELETE, USE_READ | USE_WRITE | USE_DELETE) ||
                                   share_conflict_on_disk(path, USE_DELETE, USE_READ | USE_WRITE | USE_DELETE));
}

LARGE_INTEGER li(uint64_t v) {
    LARGE_INTEGER l;
    l.QuadPart = int64_t(v);
    return l;
}

// Copies src (an existing regular file) to dst. Returns a Windows error, 0 on success.
DWORD copy_data(const std::string& src, const struct stat& sst, const std::string& dst, bool fail_if_exists,
                ProgressRoutine progress, void* data, BOOL* cancel) {
    if (S_ISDIR(sst.st_mode)) return ERROR_ACCESS_DENIED;
    struct stat dst_st;
    bool dst_exists = stat(dst.c_str(), &dst_st) == 0;
    if (dst_exists) {
        if (fail_if_exists) return ERROR_FILE_EXISTS;
        if (S_ISDIR(dst_st.st_mode) || !(dst_st.st_mode & S_IWUSR)) return ERROR_ACCESS_DENIED;
        if (dst_st.st_dev == sst.st_dev && dst_st.st_ino == sst.st_ino) return ERROR_SHARING_VIOLATION;
        if (S_ISREG(dst_st.st_mode) &&
            (would_conflict(dst_st.st_dev, dst_st.st_ino, USE_WRITE, USE_READ | USE_WRITE | USE_DELETE) ||
             share_conflict_on_disk(dst, USE_WRITE, USE_READ | USE_WRITE | USE_DELETE)))
            return ERROR_SHARING_VIOLATION;
    }
    if (S_ISREG(sst.st_mode) && (would_conflict(sst.st_dev, sst.st_ino, USE_READ, USE_READ | USE_WRITE | USE_DELETE) ||
                                 share_conflict_on_disk(src, USE_READ, USE_READ | USE_WRITE | USE_DELETE)))
        return ERROR_SHARING_VIOLATION;
    int in = open(src.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return open_error(errno, src);
    int out = open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, sst.st_mode & 0777);
    if (out < 0) {
        DWORD e = open_error(errno, dst);
        close(in);
        return e;
    }
    if (!dst_exists) paths::note_created(dst);
    uint64_t total = uint64_t(sst.st_size), done = 0;
    DWORD err = 0;
    auto report = [&](DWORD reason) {
        if (!progress) return true;
        DWORD r = progress(li(total), li(done), li(total), li(done), 1, reason, nullptr, nullptr, data);
        if (r == PROGRESS_QUIET) progress = nullptr;
        if (r == PROGRESS_CANCEL || r == PROGRESS_STOP) {
            err = ERROR_REQUEST_ABORTED;
            return false;
        }
        return true;
    };
    if (report(CALLBACK_STREAM_SWITCH)) {
        while (true) {
            if (cancel && *cancel) {
                err = ERROR_REQUEST_ABORTED;
                break;
            }
            ssize_t n = sendfile(out, in, nullptr, 1 << 20);
            if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {  // sendfile refuses some files: copy by hand
                char buf[65536];
                n = read(in, buf, sizeof buf);
                if (n > 0 && write(out, buf, size_t(n)) != n) n = -1;
            }
            if (n < 0) {
                if (errno == EINTR) continue;
                err = error_from_errno(errno);
                break;
            }
            if (n == 0) break;
            done += uint64_t(n);
            if (!report(CALLBACK_CHUNK_FINISHED)) break;
        }
    }
    if (!err) {
        // The copy keeps the source's last write time (and its read-only bit through the mode).
        struct timespec ts[2] = {sst.st_atim, sst.st_mtim};
        futimens(out, ts);
    }
    close(in);
    close(out);
    if (err) {
        unlink(dst.c_str());  // an aborted copy leaves no partial target
        paths::note_removed(dst);
    }
    return err;
}

BOOL copy_file(LPCWSTR from, LPCWSTR to, bool fail_if_exists, ProgressRoutine progress, void* data, BOOL* cancel) {
    if (!from || !to) return fail(ERROR_INVALID_PARAMETER);
    auto src = paths::to_linux_stat(wview(from));
    if (!src) return fail(ERROR_PATH_NOT_FOUND);
    if (!src->exists) return fail(missing_error(src->path));
    auto dst = paths::to_linux(wview(to));
    if (!dst) return fail(ERROR_PATH_NOT_FOUND);
    DWORD e = copy_data(src->path, src->st, dst.value(), fail_if_exists, progress, data, cancel);
    WR_TRACE(file, "copy {} -> {}: {}", src->path, dst.value(), e);
    if (e) return fail(e);
    set_last_error(ERROR_SUCCESS);
    return TRUE;
}

BOOL move_file(LPCWSTR from, LPCWSTR to, DWORD flags) {
    if (!from) return fail(ERROR_INVALID_PARAMETER);
    if (flags & MOVEFILE_DELAY_UNTIL_REBOOT) {
        WR_WARN(file, "MoveFileEx: MOVEFILE_DELAY_UNTIL_REBOOT is not supported (there is no reboot)");
        return fail(ERROR_ACCESS_DENIED);  // what a non-administrator gets on Windows
    }
    auto src = paths::to_linux_stat(wview(from));
    if (!src) return fail(ERROR_PATH_NOT_FOUND);
    if (!src->exists) return fail(missing_error(src->path));
    if (!to) {  // MoveFileEx(x, NULL, ...) deletes x (only meaningful with DELAY_UNTIL_REBOOT, refused above)
        return fail(ERROR_INVALID_PARAMETER);
    }
    auto dst = paths::to_linux_stat(wview(to));
    if (!dst) return fail(ERROR_PATH_NOT_FOUND);
    if (busy_for_delete(src->path, src->st)) return fail(ERROR_SHARING_VIOLATION);
    bool same_file = dst->exists && dst->st.st_dev == src->st.st_dev && dst->st.st_ino == src->st.st_ino;
    if (dst->exists && !same_file) {
        if (!(flags & MOVEFILE_REPLACE_EXISTING)) return fail(ERROR_ALREADY_EXISTS);
        if (S_ISDIR(dst->st.st_mode) || S_ISDIR(src->st.st_mode)) return fail(ERROR_ACCESS_DENIED);
        if (!(dst->st.st_mode & S_IWUSR)) return fail(ERROR_ACCESS_DENIED);  // a read-only target stays
        if (busy_for_delete(dst->path, dst->st)) return fail(ERROR_SHARING_VIOLATION);
    }
    if (rename(src->path.c_str(), dst->path.c_str()) == 0) {
        paths::note_removed(src->path);
        paths::note_created(dst->path);
        return TRUE;
    }
    if (errno != EXDEV) {
        if (errno == ENOTEMPTY || errno == EEXIST) return fail(ERROR_ACCESS_DENIED);
        return fail(open_error(errno, errno == ENOENT ? dst->path : src->path));
    }
    // Another file system: copy and delete, when allowed and for files only.
    if (S_ISDIR(src->st.st_mode)) return fail(ERROR_NOT_SAME_DEVICE);
    if (!(flags & MOVEFILE_COPY_ALLOWED)) return fail(ERROR_NOT_SAME_DEVICE);
    DWORD e = copy_data(src->path, src->st, dst->path, false, nullptr, nullptr, nullptr);
    if (e) return fail(e);
    if (flags & MOVEFILE_WRITE_THROUGH) {
        int fd = open(dst->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    if (unlink(src->path.c_str()) != 0) return fail_errno();
    paths::note_removed(src->path);
    return TRUE;
}
}  // namespace

BOOL WINAPI CopyFileW(LPCWSTR from, LPCWSTR to, BOOL fail_if_exists) {
    return copy_file(from, to, fail_if_exists, nullptr, nullptr, nullptr);
}
BOOL WINAPI CopyFileA(LPCSTR from, LPCSTR to, BOOL fail_if_exists) {
    if (!from || !to) return fail(ERROR_INVALID_PARAMETER);
    return CopyFileW(file_to_wide(from).c_str(), file_to_wide(to).c_str(), fail_if_exists);
}
BOOL WINAPI CopyFileExW(LPCWSTR from, LPCWSTR to, ProgressRoutine progress, void* data, BOOL* cancel, DWORD flags) {
    return copy_file(from, to, flags & COPY_FILE_FAIL_IF_EXISTS, progress, data, cancel);
}
BOOL WINAPI CopyFileExA(LPCSTR from, LPCSTR to, ProgressRoutine progress, void* data, BOOL* cancel, DWORD flags) {
    if (!from || !to) return fail(ERROR_INVALID_PARAMETER);
    return CopyFileExW(file_to_wide(from).c_str(), file_to_wide(to).c_str(), progress, data, cancel, flags);
}

BOOL WINAPI MoveFileExW(LPCWSTR from, LPCWSTR to, DWORD flags) { return move_file(from, to, flags); }
BOOL WINAPI MoveFileExA(LPCSTR from, LPCSTR to, DWORD flags) {
    if (!from) return fail(ERROR_INVALID_PARAMETER);
    std::u16string wto = to ? file_to_wide(to) : std::u16string();
    return MoveFileExW(file_to_wide(from).c_str(), to ? wto.c_str() : nullptr, flags);
}
BOOL WINAPI MoveFileW(LPCWSTR from, LPCWSTR to) { return move_file(from, to, MOVEFILE_COPY_ALLOWED); }
BOOL WINAPI MoveFileA(LPCSTR from, LPCSTR to) { return MoveFileExA(from, to, MOVEFILE_COPY_ALLOWED); }

// ReplaceFile: `replacement` takes the place of `replaced` (which must exist), keeping the replaced
// file's attributes; with a backup name the old file is kept under it.
BOOL WINAPI ReplaceFileW(LPCWSTR replaced, LPCWSTR replacement, LPCWSTR backup, DWORD flags, void*, void*) {
    (void)flags;  // REPLACEFILE_WRITE_THROUGH / IGNORE_MERGE_ERRORS / IGNORE_ACL_ERRORS change nothing here
    if (!replaced || !replacement) return fail(ERROR_INVALID_PARAMETER);
    auto old_file = paths::to_linux_stat(wview(replaced));
    auto new_file = paths::to_linux_stat(wview(replacement));
    if (!old_file || !new_file) return fail(ERROR_PATH_NOT_FOUND);
    if (!old_file->exists) return fail(missing_error(old_file->path));
    if (!new_file->exists) return fail(missing_error(new_file->path));
    if (busy_for_delete(old_file->path, old_file->st) || busy_for_delete(new_file->path, new_file->st)) return fail(ERROR_SHARING_VIOLATION);
    if (backup) {
        auto b = paths::to_linux(wview(backup));
        if (!b) return fail(ERROR_PATH_NOT_FOUND);
        // The backup keeps the old file; an existing backup is replaced.
        if (rename(old_file->path.c_str(), b->c_str()) != 0) return fail(ERROR_UNABLE_TO_REMOVE_REPLACED);
        paths::note_removed(old_file->path);
        paths::note_created(b.value());
    }
    // The result keeps the replaced file's permissions (its read-only bit).
    chmod(new_file->path.c_str(), old_file->st.st_mode & 07777);
    if (rename(new_file->path.c_str(), old_file->path.c_str()) != 0) return fail(ERROR_UNABLE_TO_MOVE_REPLACEMENT);
    paths::note_removed(new_file->path);
    paths::note_created(old_file->path);
    return TRUE;
}
BOOL WINAPI ReplaceFileA(LPCSTR replaced, LPCSTR replacement, LPCSTR backup, DWORD flags, void* x, void* y) {
    if (!replaced || !replacement) return fail(ERROR_INVALID_PARAMETER);
    std::u16string b = backup ? file_to_wide(backup) : std::u16string();
    return ReplaceFileW(file_to_wide(replaced).c_str(), file_to_wide(replacement).c_str(), backup ? b.c_str() : nullptr,
                        flags, x, y);
}

// Symbolic links: a relative target stays relative (with '/' separators), an absolute one is mapped
// to its Linux path. Creating them needs no privilege here (as with Windows' developer mode).
BOOLEAN WINAPI CreateSymbolicLinkW(LPCWSTR link, LPCWSTR target, DWORD flags) {
    (void)flags;  // SYMBOLIC_LINK_FLAG_DIRECTORY: Linux links are not typed
    if (!link || !target || !*target) return fail(ERROR_INVALID_PARAMETER);
    auto lp = paths::to_linux_stat(wview(link));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (lp->exists || is_symlink(lp->path)) return fail(ERROR_ALREADY_EXISTS);
    std::u16string t(wview(target));
    std::string linux_target;
    bool absolute = (t.size() >= 2 && t[1] == u':') || (!t.empty() && (t[0] == u'\\' || t[0] == u'/'));
    if (absolute) {
        auto tp = paths::to_linux(t);
        if (!tp) return fail(ERROR_PATH_NOT_FOUND);
        linux_target = tp.value();
    } else {
        linux_target = utf16_to_utf8(t);
        for (auto& c : linux_target)
            if (c == '\\') c = '/';
    }
    if (symlink(linux_target.c_str(), lp->path.c_str()) != 0) return fail(open_error(errno, lp->path));
    paths::note_created(lp->path);
    return TRUE;
}
BOOLEAN WINAPI CreateSymbolicLinkA(LPCSTR link, LPCSTR target, DWORD flags) {
    if (!link || !target) return fail(ERROR_INVALID_PARAMETER);
    return CreateSymbolicLinkW(file_to_wide(link).c_str(), file_to_wide(target).c_str(), flags);
}

BOOL WINAPI CreateHardLinkW(LPCWSTR link, LPCWSTR existing, void*) {
    if (!link || !existing) return fail(ERROR_INVALID_PARAMETER);
    auto src = paths::to_linux_stat(wview(existing));
    auto dst = paths::to_linux_stat(wview(link));
    if (!src || !dst) return fail(ERROR_PATH_NOT_FOUND);
    if (!src->exists) return fail(missing_error(src->path));
    if (S_ISDIR(src->st.st_mode)) return fail(ERROR_ACCESS_DENIED);
    if (dst->exists) return fail(ERROR_ALREADY_EXISTS);
    if (link_file(src->path, dst->path) != 0) return fail(errno == EXDEV ? ERROR_NOT_SAME_DEVICE : open_error(errno, dst->path));
    paths::note_created(dst->path);
    return TRUE;
}
BOOL WINAPI CreateHardLinkA(LPCSTR link, LPCSTR existing, void* sa) {
    if (!link || !existing) return fail(ERROR_INVALID_PARAMETER);
    return CreateHardLinkW(file_to_wide(link).c_str(), file_to_wide(existing).c_str(), sa);
}

WR_EXPORT_PART(kernel32_file_ops,
    WR_EXPORT(CreateSymbolicLinkA),
    WR_EXPORT(CreateSymbolicLinkW),
    WR_EXPORT(CreateHardLinkA),
    WR_EXPORT(CreateHardLinkW),
    WR_EXPORT(CopyFileA),
    WR_EXPORT(CopyFileW),
    WR_EXPORT(CopyFileExA),
    WR_EXPORT(CopyFileExW),
    WR_EXPORT(MoveFileA),
    WR_EXPORT(MoveFileW),
    WR_EXPORT(MoveFileExA),
    WR_EXPORT(MoveFileExW),
    WR_EXPORT(ReplaceFileA),
    WR_EXPORT(ReplaceFileW));

}  // namespace winrun::k32
