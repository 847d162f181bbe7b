// File information and times: GetFileInformationByHandle(Ex), SetFileInformationByHandle,
// GetFileTime/SetFileTime, GetFileAttributesEx, SetFileAttributes, GetFinalPathNameByHandle and the
// FILETIME/DOS date helpers.
//
// Linux keeps no creation time in struct stat: the creation time shown is the last write time
// (as FindFirstFile shows it), and setting a creation time is accepted and has no effect.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "builtin/builtin.h"
#include "file.h"
#include "find.h"
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
struct BY_HANDLE_FILE_INFORMATION {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime, ftLastAccessTime, ftLastWriteTime;
    DWORD dwVolumeSerialNumber, nFileSizeHigh, nFileSizeLow, nNumberOfLinks, nFileIndexHigh, nFileIndexLow;
};
static_assert(sizeof(BY_HANDLE_FILE_INFORMATION) == 52);

struct WIN32_FILE_ATTRIBUTE_DATA {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime, ftLastAccessTime, ftLastWriteTime;
    DWORD nFileSizeHigh, nFileSizeLow;
};
static_assert(sizeof(WIN32_FILE_ATTRIBUTE_DATA) == 36);

// FILE_INFO_BY_HANDLE_CLASS values and their structures (winbase.h / minwinbase.h).
enum : DWORD {
    FileBasicInfo = 0, FileStandardInfo = 1, FileNameInfo = 2, FileRenameInfo = 3, FileDispositionInfo = 4,
    FileAllocationInfo = 5, FileEndOfFileInfo = 6, FileAttributeTagInfo = 9, FileIdBothDirectoryInfo = 10,
    FileIdBothDirectoryRestartInfo = 11, FileFullDirectoryInfo = 14, FileFullDirectoryRestartInfo = 15, FileIdInfo = 18,
};
// Directory entries as NtQueryDirectoryFile returns them (winbase.h), 8-byte aligned, chained by
// NextEntryOffset (0 on the last).
struct FILE_FULL_DIR_INFO {
    DWORD NextEntryOffset, FileIndex;
    int64_t CreationTime, LastAccessTime, LastWriteTime, ChangeTime, EndOfFile, AllocationSize;
    DWORD FileAttributes, FileNameLength, EaSize;
    WCHAR FileName[1];
};
static_assert(offsetof(FILE_FULL_DIR_INFO, FileAttributes) == 56 && offsetof(FILE_FULL_DIR_INFO, FileName) == 68);
struct FILE_ID_BOTH_DIR_INFO {
    DWORD NextEntryOffset, FileIndex;
    int64_t CreationTime, LastAccessTime, LastWriteTime, ChangeTime, EndOfFile, AllocationSize;
    DWORD FileAttributes, FileNameLength, EaSize;
    int8_t ShortNameLength;
    WCHAR ShortName[12];
    int64_t FileId;
    WCHAR FileName[1];
};
static_assert(offsetof(FILE_ID_BOTH_DIR_INFO, ShortName) == 70 && offsetof(FILE_ID_BOTH_DIR_INFO, FileId) == 96 &&
              offsetof(FILE_ID_BOTH_DIR_INFO, FileName) == 104);
struct FILE_BASIC_INFO {
    int64_t CreationTime, LastAccessTime, LastWriteTime, ChangeTime;
    DWORD FileAttributes;
};
static_assert(sizeof(FILE_BASIC_INFO) == 40 && offsetof(FILE_BASIC_INFO, FileAttributes) == 32);
struct FILE_STANDARD_INFO {
    int64_t AllocationSize, EndOfFile;
    DWORD NumberOfLinks;
    BYTE DeletePending, Directory;
};
static_assert(sizeof(FILE_STANDARD_INFO) == 24);
struct FILE_NAME_INFO {
    DWORD FileNameLength;  // bytes, no terminator
    WCHAR FileName[1];
};
struct FILE_ATTRIBUTE_TAG_INFO {
    DWORD FileAttributes, ReparseTag;
};
struct FILE_ID_INFO {
    uint64_t VolumeSerialNumber;
    BYTE FileId[16];
};
static_assert(sizeof(FILE_ID_INFO) == 24);
struct FILE_DISPOSITION_INFO {
    BYTE DeleteFile;
};
struct FILE_END_OF_FILE_INFO {
    int64_t EndOfFile;
};
struct FILE_RENAME_INFO {
    BYTE ReplaceIfExists;  // a DWORD Flags in the Ex form
    HANDLE RootDirectory;
    DWORD FileNameLength;
    WCHAR FileName[1];
};
static_assert(offsetof(FILE_RENAME_INFO, FileNameLength) == 16 && offsetof(FILE_RENAME_INFO, FileName) == 20);

constexpr DWORD ERROR_BAD_LENGTH = 24;
constexpr DWORD FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
constexpr DWORD FILE_NAME_OPENED = 0x8, VOLUME_NAME_DOS = 0x0, VOLUME_NAME_GUID = 0x1, VOLUME_NAME_NT = 0x2,
                VOLUME_NAME_NONE = 0x4;

int64_t filetime_int(const struct timespec& t) {
    FILETIME f = filetime_of(t);
    return int64_t(filetime_value(f));
}

uint64_t size_of(const struct stat& st) { return S_ISDIR(st.st_mode) ? 0 : uint64_t(st.st_size); }

bool stat_handle(const FileObject& f, struct stat& st) {
    if (fstat(f.fd, &st) == 0) return true;
    fail_errno();
    return false;
}

// An information buffer too small for its class: ERROR_BAD_LENGTH (STATUS_INFO_LENGTH_MISMATCH).
bool buffer_holds(DWORD size, size_t needed) {
    if (size >= needed) return true;
    set_last_error(ERROR_BAD_LENGTH);
    return false;
}

bool may_write_attributes(const FileObject& f) {
    return f.access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_ATTRIBUTES);
}

// futimens with UTIME_OMIT for the times not given. A FILETIME of 0 leaves the time unchanged
// (NtSetInformationFile's rule), as does -1 ("stop updating", which Linux cannot do).
bool set_times(int fd, const FILETIME* access, const FILETIME* write) {
    struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    auto take = [](const FILETIME* ft, struct timespec& out) {
        if (!ft) return;
        uint64_t v = filetime_value(*ft);
        if (v == 0 || v == ~0ull) return;
        out = timespec_of(*ft);
    };
    take(access, ts[0]);
    take(write, ts[1]);
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT) return true;
    return futimens(fd, ts) == 0;
}

// Read-only is the only attribute Linux can keep (hidden is a name property, archive/system/normal
// have no place): it is the absence of write permission.
bool apply_readonly(const std::string& path, const struct stat& st, DWORD attrs) {
    mode_t mode = st.st_mode & 07777;
    mode_t want = (attrs & FILE_ATTRIBUTE_READONLY) ? mode & ~mode_t(0222) : mode | S_IWUSR;
    return want == mode || chmod(path.c_str(), want) == 0;
}
}  // namespace

BOOL WINAPI GetFileInformationByHandle(HANDLE h, BY_HANDLE_FILE_INFORMATION* info) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    struct stat st;
    if (!stat_handle(*f, st)) return FALSE;
    std::memset(info, 0, sizeof *info);
    info->dwFileAttributes = attributes_of(f->linux_path, st);
    info->ftCreationTime = filetime_of(st.st_mtim);
    info->ftLastAccessTime = filetime_of(st.st_atim);
    info->ftLastWriteTime = filetime_of(st.st_mtim);
    info->dwVolumeSerialNumber = volume_serial_of(st.st_dev);
    uint64_t size = size_of(st);
    info->nFileSizeHigh = DWORD(size >> 32);
    info->nFileSizeLow = DWORD(size);
    info->nNumberOfLinks = DWORD(st.st_nlink);
    info->nFileIndexHigh = DWORD(uint64_t(st.st_ino) >> 32);
    info->nFileIndexLow = DWORD(st.st_ino);
    return TRUE;
}

struct DirectoryListing {
    std::vector<FindEntry> entries;  // NTFS order, "." and ".." first (find.cpp)
    size_t next = 0;
};

namespace {
// Fills buf with as many entries as fit, from the listing's position (from the start with restart).
// No entry left: ERROR_NO_MORE_FILES. Not even the next entry fits: ERROR_MORE_DATA.
template <typename Entry, bool with_id>
BOOL read_directory(FileObject& f, bool restart, void* buf, DWORD size) {
    if (!f.is_directory || f.linux_path.empty()) return fail(ERROR_INVALID_PARAMETER);
    if (size < offsetof(Entry, FileName)) return fail(ERROR_BAD_LENGTH);
    if (!f.listing || restart) {
        auto l = std::make_shared<DirectoryListing>();
        DWORD err = 0;
        std::u16string spec = paths::to_windows(f.linux_path) + u"\\*";
        if (!find_entries(spec, l->entries, err) && err != ERROR_FILE_NOT_FOUND) return fail(err);
        f.listing = std::move(l);
    }
    DirectoryListing& l = *f.listing;
    if (l.next >= l.entries.size()) return fail(ERROR_NO_MORE_FILES);
    auto* base = static_cast<uint8_t*>(buf);
    size_t used = 0;
    Entry* prev = nullptr;
    while (l.next < l.entries.size()) {
        const FindEntry& e = l.entries[l.next];
        size_t need = offsetof(Entry, FileName) + e.name.size() * 2;
        size_t at = (used + 7) & ~size_t(7);
        if (at + need > size) {
            if (!prev) return fail(ERROR_MORE_DATA);
            break;
        }
        auto* d = reinterpret_cast<Entry*>(base + at);
        std::memset(d, 0, offsetof(Entry, FileName));
        d->CreationTime = filetime_int(e.st.st_mtim);
        d->LastAccessTime = filetime_int(e.st.st_atim);
        d->LastWriteTime = filetime_int(e.st.st_mtim);
        d->ChangeTime = filetime_int(e.st.st_ctim);
        d->EndOfFile = int64_t(size_of(e.st));
        d->AllocationSize = S_ISDIR(e.st.st_mode) ? 0 : int64_t(e.st.st_blocks) * 512;
        d->FileAttributes = e.attributes;
        d->FileNameLength = DWORD(e.name.size() * 2);
        if constexpr (with_id) d->FileId = int64_t(e.st.st_ino);
        std::memcpy(d->FileName, e.name.data(), e.name.size() * 2);
        if (prev) prev->NextEntryOffset = DWORD(reinterpret_cast<uint8_t*>(d) - reinterpret_cast<uint8_t*>(prev));
        prev = d;
        used = at + need;
        l.next++;
    }
    return TRUE;
}
}  // namespace

BOOL WINAPI GetFileInformationByHandleEx(HANDLE h, DWORD cls, void* buf, DWORD size) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    struct stat st;
    auto need = [size](size_t n) { return buffer_holds(size, n); };
    switch (cls) {
    case FileBasicInfo: {
        if (!need(sizeof(FILE_BASIC_INFO)) || !stat_handle(*f, st)) return FALSE;
        auto* b = static_cast<FILE_BASIC_INFO*>(buf);
        std::memset(b, 0, sizeof *b);
        b->CreationTime = filetime_int(st.st_mtim);
        b->LastAccessTime = filetime_int(st.st_atim);
        b->LastWriteTime = filetime_int(st.st_mtim);
        b->ChangeTime = filetime_int(st.st_ctim);
        b->FileAttributes = attributes_of(f->linux_path, st);
        return TRUE;
    }
    case FileStandardInfo: {
        if (!need(sizeof(FILE_STANDARD_INFO)) || !stat_handle(*f, st)) return FALSE;
        auto* s = static_cast<FILE_STANDARD_INFO*>(buf);
        std::memset(s, 0, sizeof *s);
        s->AllocationSize = S_ISDIR(st.st_mode) ? 0 : int64_t(st.st_blocks) * 512;
        s->EndOfFile = int64_t(size_of(st));
        s->NumberOfLinks = DWORD(st.st_nlink);
        s->DeletePending = (f->flags & FILE_FLAG_DELETE_ON_CLOSE) ? 1 : 0;
        s->Directory = S_ISDIR(st.st_mode) ? 1 : 0;
        return TRUE;
    }
    case FileNameInfo: {
        // The path without its drive: "\dir\file".
        if (!need(sizeof(FILE_NAME_INFO))) return FALSE;
        if (f->linux_path.empty()) return fail(ERROR_INVALID_PARAMETER);
        std::u16string w = paths::to_windows(f->linux_path);
        if (w.size() >= 2 && w[1] == u':') w.erase(0, 2);
        auto* n = static_cast<FILE_NAME_INFO*>(buf);
        n->FileNameLength = DWORD(w.size() * 2);
        size_t room = (size - offsetof(FILE_NAME_INFO, FileName)) / 2;
        std::memcpy(n->FileName, w.data(), std::min(room, w.size()) * 2);
        if (room < w.size()) return fail(ERROR_MORE_DATA);
        return TRUE;
    }
    case FileAttributeTagInfo: {
        if (!need(sizeof(FILE_ATTRIBUTE_TAG_INFO)) || !stat_handle(*f, st)) return FALSE;
        auto* t = static_cast<FILE_ATTRIBUTE_TAG_INFO*>(buf);
        t->FileAttributes = attributes_of(f->linux_path, st);
        t->ReparseTag = 0;
        return TRUE;
    }
    case FileFullDirectoryInfo:
    case FileFullDirectoryRestartInfo:
        return read_directory<FILE_FULL_DIR_INFO, false>(*f, cls == FileFullDirectoryRestartInfo, buf, size);
    case FileIdBothDirectoryInfo:
    case FileIdBothDirectoryRestartInfo:
        return read_directory<FILE_ID_BOTH_DIR_INFO, true>(*f, cls == FileIdBothDirectoryRestartInfo, buf, size);
    case FileIdInfo: {
        if (!need(sizeof(FILE_ID_INFO)) || !stat_handle(*f, st)) return FALSE;
        auto* id = static_cast<FILE_ID_INFO*>(buf);
        std::memset(id, 0, sizeof *id);
        id->VolumeSerialNumber = volume_serial_of(st.st_dev);
        uint64_t ino = st.st_ino;
        std::memcpy(id->FileId, &ino, sizeof ino);
        return TRUE;
    }
    default:
        WR_WARN(file, "GetFileInformationByHandleEx: information class {} is not implemented", cls);
        return fail(ERROR_INVALID_PARAMETER);
    }
}

BOOL WINAPI SetFileInformationByHandle(HANDLE h, DWORD cls, void* buf, DWORD size) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    auto need = [size](size_t n) { return buffer_holds(size, n); };
    switch (cls) {
    case FileBasicInfo: {
        if (!need(sizeof(FILE_BASIC_INFO))) return FALSE;
        if (!may_write_attributes(*f)) return fail(ERROR_ACCESS_DENIED);
        auto* b = static_cast<const FILE_BASIC_INFO*>(buf);
        FILETIME a{DWORD(b->LastAccessTime), DWORD(uint64_t(b->LastAccessTime) >> 32)};
        FILETIME w{DWORD(b->LastWriteTime), DWORD(uint64_t(b->LastWriteTime) >> 32)};
        if (!set_times(f->fd, &a, &w)) return fail_errno();
        if (b->FileAttributes) {
            struct stat st;
            if (!stat_handle(*f, st)) return FALSE;
            if (!apply_readonly(f->linux_path, st, b->FileAttributes)) return fail_errno();
        }
        return TRUE;
    }
    case FileDispositionInfo: {
        if (!need(sizeof(FILE_DISPOSITION_INFO))) return FALSE;
        if (!(f->access & (DELETE_ACCESS | GENERIC_ALL))) return fail(ERROR_ACCESS_DENIED);
        if (static_cast<const FILE_DISPOSITION_INFO*>(buf)->DeleteFile) f->flags |= FILE_FLAG_DELETE_ON_CLOSE;
        else f->flags &= ~FILE_FLAG_DELETE_ON_CLOSE;
        return TRUE;
    }
    case FileEndOfFileInfo:
    case FileAllocationInfo: {
        if (!need(sizeof(FILE_END_OF_FILE_INFO))) return FALSE;
        if (!(f->access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA))) return fail(ERROR_ACCESS_DENIED);
        int64_t n = static_cast<const FILE_END_OF_FILE_INFO*>(buf)->EndOfFile;
        if (n < 0) return fail(ERROR_INVALID_PARAMETER);
        if (cls == FileAllocationInfo) {
            // Allocation only ever cuts the file when it is smaller than the data.
            struct stat st;
            if (!stat_handle(*f, st)) return FALSE;
            if (n >= st.st_size) return TRUE;
        }
        if (ftruncate(f->fd, n) != 0) return fail_errno();
        return TRUE;
    }
    case FileRenameInfo: {
        if (!need(sizeof(FILE_RENAME_INFO))) return FALSE;
        auto* r = static_cast<const FILE_RENAME_INFO*>(buf);
        if (r->RootDirectory || f->linux_path.empty()) return fail(ERROR_INVALID_PARAMETER);
        if (!(f->access & (DELETE_ACCESS | GENERIC_ALL))) return fail(ERROR_ACCESS_DENIED);
        std::u16string target(r->FileName, r->FileNameLength / 2);
        auto lp = paths::to_linux_stat(target);
        if (!lp) return fail(ERROR_PATH_NOT_FOUND);
        if (lp->exists && !r->ReplaceIfExists) return fail(ERROR_ALREADY_EXISTS);
        if (rename(f->linux_path.c_str(), lp->path.c_str()) != 0) return fail(open_error(errno, lp->path));
        paths::note_removed(f->linux_path);
        paths::note_created(lp->path);
        f->linux_path = lp->path;
        return TRUE;
    }
    default:
        WR_WARN(file, "SetFileInformationByHandle: information class {} is not implemented", cls);
        return fail(ERROR_INVALID_PARAMETER);
    }
}

BOOL WINAPI GetFileTime(HANDLE h, FILETIME* creation, FILETIME* access, FILETIME* write) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    struct stat st;
    if (!stat_handle(*f, st)) return FALSE;
    if (creation) *creation = filetime_of(st.st_mtim);
    if (access) *access = filetime_of(st.st_atim);
    if (write) *write = filetime_of(st.st_mtim);
    return TRUE;
}

BOOL WINAPI SetFileTime(HANDLE h, const FILETIME* creation, const FILETIME* access, const FILETIME* write) {
    (void)creation;  // Linux cannot set a creation time
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (!may_write_attributes(*f)) return fail(ERROR_ACCESS_DENIED);
    if (!set_times(f->fd, access, write)) return fail_errno();
    return TRUE;
}

BOOL WINAPI GetFileAttributesExW(LPCWSTR name, DWORD level, void* out) {
    if (level != 0 /* GetFileExInfoStandard */) return fail(ERROR_INVALID_PARAMETER);
    if (!name) return fail(ERROR_PATH_NOT_FOUND);
    auto lp = paths::to_linux_stat(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (!lp->exists) return fail(lookup_error(lp->path));
    auto* d = static_cast<WIN32_FILE_ATTRIBUTE_DATA*>(out);
    d->dwFileAttributes = attributes_of(lp->path, lp->st, is_symlink(lp->path));
    d->ftCreationTime = filetime_of(lp->st.st_mtim);
    d->ftLastAccessTime = filetime_of(lp->st.st_atim);
    d->ftLastWriteTime = filetime_of(lp->st.st_mtim);
    uint64_t size = size_of(lp->st);
    d->nFileSizeHigh = DWORD(size >> 32);
    d->nFileSizeLow = DWORD(size);
    return TRUE;
}
BOOL WINAPI GetFileAttributesExA(LPCSTR name, DWORD level, void* out) {
    if (!name) return fail(ERROR_PATH_NOT_FOUND);
    return GetFileAttributesExW(file_to_wide(name).c_str(), level, out);
}

BOOL WINAPI SetFileAttributesW(LPCWSTR name, DWORD attrs) {
    if (!name) return fail(ERROR_PATH_NOT_FOUND);
    auto lp = paths::to_linux_stat(wview(name));
    if (!lp) return fail(ERROR_PATH_NOT_FOUND);
    if (!lp->exists) return fail(lookup_error(lp->path));
    if (!apply_readonly(lp->path, lp->st, attrs)) return fail_errno();
    return TRUE;
}
BOOL WINAPI SetFileAttributesA(LPCSTR name, DWORD attrs) {
    if (!name) return fail(ERROR_PATH_NOT_FOUND);
    return SetFileAttributesW(file_to_wide(name).c_str(), attrs);
}

// "\\?\C:\dir\file" (VOLUME_NAME_DOS) or "\dir\file" (VOLUME_NAME_NONE). Returns the length without
// the terminator, or the size needed including it when the buffer is too small.
DWORD WINAPI GetFinalPathNameByHandleW(HANDLE h, LPWSTR buf, DWORD len, DWORD flags) {
    auto f = file_from_handle(h);
    if (!f) return 0;
    if (f->linux_path.empty()) {
        set_last_error(ERROR_INVALID_HANDLE);  // pipes and std handles have no path
        return 0;
    }
    char real[4096];
    std::string p = realpath(f->linux_path.c_str(), real) ? std::string(real) : f->linux_path;
    std::u16string w = paths::to_windows(p);
    DWORD volume = flags & 0x7;
    if (volume == VOLUME_NAME_NONE) {
        if (w.size() >= 2 && w[1] == u':') w.erase(0, 2);
    } else if (volume == VOLUME_NAME_DOS) {
        w = u"\\\\?\\" + w;
    } else {
        WR_WARN(file, "GetFinalPathNameByHandleW: volume name form {:#x} is not implemented", volume);
        set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (w.size() + 1 > len) return DWORD(w.size() + 1);
    std::memcpy(buf, w.c_str(), (w.size() + 1) * 2);
    return DWORD(w.size());
}
DWORD WINAPI GetFinalPathNameByHandleA(HANDLE h, LPSTR buf, DWORD len, DWORD flags) {
    WCHAR wbuf[4096];
    DWORD n = GetFinalPathNameByHandleW(h, wbuf, 4096, flags);
    if (n == 0 || n >= 4096) return n;
    std::string a = wide_to_file(std::u16string_view(wbuf, n));
    if (a.size() + 1 > len) return DWORD(a.size() + 1);
    std::memcpy(buf, a.c_str(), a.size() + 1);
    return DWORD(a.size());
}

LONG WINAPI CompareFileTime(const FILETIME* a, const FILETIME* b) {
    uint64_t x = filetime_value(*a), y = filetime_value(*b);
    return x < y ? -1 : x > y ? 1 : 0;
}

// MS-DOS date: bits 0-4 day, 5-8 month, 9-15 years since 1980; time: bits 0-4 seconds/2, 5-10
// minutes, 11-15 hours. No time zone is applied: the caller converts to local time first.
BOOL WINAPI FileTimeToDosDateTime(const FILETIME* ft, WORD* date, WORD* time_out) {
    struct timespec ts = timespec_of(*ft);
    struct tm t;
    if (!gmtime_r(&ts.tv_sec, &t)) return fail(ERROR_INVALID_PARAMETER);
    int year = t.tm_year + 1900;
    if (year < 1980 || year > 2107) return fail(ERROR_INVALID_PARAMETER);
    *date = WORD(((year - 1980) << 9) | ((t.tm_mon + 1) << 5) | t.tm_mday);
    *time_out = WORD((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2));
    return TRUE;
}

BOOL WINAPI DosDateTimeToFileTime(WORD date, WORD time_in, FILETIME* ft) {
    struct tm t {};
    t.tm_year = 80 + (date >> 9);
    t.tm_mon = ((date >> 5) & 15) - 1;
    t.tm_mday = date & 31;
    t.tm_hour = time_in >> 11;
    t.tm_min = (time_in >> 5) & 63;
    t.tm_sec = (time_in & 31) * 2;
    if (t.tm_mon < 0 || t.tm_mon > 11 || t.tm_mday < 1 || t.tm_hour > 23 || t.tm_min > 59 || t.tm_sec > 59)
        return fail(ERROR_INVALID_PARAMETER);
    struct tm check = t;
    time_t secs = timegm(&check);
    if (check.tm_mday != t.tm_mday) return fail(ERROR_INVALID_PARAMETER);  // 31 February and the like
    *ft = filetime_of(timespec{secs, 0});
    return TRUE;
}

// Device and file-system controls. Only the ones that have a meaning here are carried out; the
// others fail as a Windows driver that does not know the code fails: ERROR_INVALID_FUNCTION.
BOOL WINAPI DeviceIoControl(HANDLE h, DWORD code, void* in, DWORD in_size, void* out, DWORD out_size, DWORD* returned,
                            void* overlapped) {
    (void)in, (void)in_size, (void)out, (void)out_size, (void)overlapped;
    constexpr DWORD FSCTL_SET_SPARSE = 0x900C4;
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    if (returned) *returned = 0;
    switch (code) {
    case FSCTL_SET_SPARSE: return TRUE;  // Linux files are sparse wherever nothing was written
    default:
        WR_WARN(file, "DeviceIoControl: control code {:#x} is not supported", code);
        return fail(ERROR_INVALID_FUNCTION);
    }
}

WR_EXPORT_PART(kernel32_file_info,
    WR_EXPORT(DeviceIoControl),
    WR_EXPORT(GetFileInformationByHandle),
    WR_EXPORT(GetFileInformationByHandleEx),
    WR_EXPORT(SetFileInformationByHandle),
    WR_EXPORT(GetFileTime),
    WR_EXPORT(SetFileTime),
    WR_EXPORT(GetFileAttributesExA),
    WR_EXPORT(GetFileAttributesExW),
    WR_EXPORT(SetFileAttributesA),
    WR_EXPORT(SetFileAttributesW),
    WR_EXPORT(GetFinalPathNameByHandleA),
    WR_EXPORT(GetFinalPathNameByHandleW),
    WR_EXPORT(CompareFileTime),
    WR_EXPORT(FileTimeToDosDateTime),
    WR_EXPORT(DosDateTimeToFileTime));

}  // namespace winrun::k32
