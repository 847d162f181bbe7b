// Drives and volumes: GetLogicalDrives, GetLogicalDriveStrings, GetDriveType, GetDiskFreeSpace(Ex),
// GetVolumeInformation. There are two drives (design decision 8): C: is the prefix's drive_c and Z:
// is the Linux root; both are fixed disks. A volume's serial number comes from the Linux device,
// the same number GetFileInformationByHandle reports for files on it.
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "builtin/builtin.h"
#include "file.h"
#include "k32.h"
#include "log.h"
#include "path_map.h"
#include "unicode.h"

namespace winrun::k32 {

namespace {
constexpr UINT DRIVE_UNKNOWN = 0, DRIVE_NO_ROOT_DIR = 1, DRIVE_FIXED = 3;
constexpr DWORD ERROR_BAD_LENGTH = 24;
// What the volumes can do: case-preserved Unicode names, sparse files, symbolic links as reparse
// points. Names are looked up case-insensitively by winrun, so not FILE_CASE_SENSITIVE_SEARCH.
constexpr DWORD k_volume_flags = 0x2 /* CASE_PRESERVED_NAMES */ | 0x4 /* UNICODE_ON_DISK */ |
                                 0x40 /* SUPPORTS_SPARSE_FILES */ | 0x80 /* SUPPORTS_REPARSE_POINTS */;

char16_t current_drive() {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return u'Z';
    std::u16string w = paths::to_windows(cwd);
    return w.empty() ? u'Z' : w[0];
}

// The drive letter a root path names ("C:\", "c:", "C:/", NULL for the current drive), or 0.
char16_t drive_of_root(LPCWSTR root) {
    if (!root) return current_drive();
    std::u16string_view r = wview(root);
    if (r.size() < 2 || r[1] != u':') return 0;
    if (r.size() > 3 || (r.size() == 3 && r[2] != u'\\' && r[2] != u'/')) return 0;
    char16_t d = r[0];
    if (d >= u'a' && d <= u'z') d = char16_t(d - 32);
    return d == u'C' || d == u'Z' ? d : 0;
}

// The Linux directory for a path given to a volume function (a root or any directory on it).
bool linux_dir_of(LPCWSTR path, std::string& out) {
    if (!path) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return false;
        out = cwd;
        return true;
    }
    auto lp = paths::to_linux_stat(wview(path));
    if (!lp || !lp->exists || !S_ISDIR(lp->st.st_mode)) return false;
    out = lp->path;
    return true;
}

std::u16string to_wide_buffer_a(const char* s) { return s ? file_to_wide(s) : std::u16string(); }
}  // namespace

DWORD WINAPI GetLogicalDrives() { return (1u << 2) | (1u << 25); }

DWORD WINAPI GetLogicalDriveStringsW(DWORD len, LPWSTR buf) {
    static const char16_t k_list[] = u"C:\\\0Z:\\\0";  // two strings and the closing empty one
    constexpr DWORD n = 8;                              // characters without the final terminator
    if (len < n + 1) return n + 1;
    std::memcpy(buf, k_list, (n + 1) * 2);
    return n;
}
DWORD WINAPI GetLogicalDriveStringsA(DWORD len, LPSTR buf) {
    static const char k_list[] = "C:\\\0Z:\\\0";
    constexpr DWORD n = 8;
    if (len < n + 1) return n + 1;
    std::memcpy(buf, k_list, n + 1);
    return n;
}

UINT WINAPI GetDriveTypeW(LPCWSTR root) { return drive_of_root(root) ? DRIVE_FIXED : DRIVE_NO_ROOT_DIR; }
UINT WINAPI GetDriveTypeA(LPCSTR root) {
    if (!root) return GetDriveTypeW(nullptr);
    return GetDriveTypeW(file_to_wide(root).c_str());
}

BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR dir, ULARGE_INTEGER* avail, ULARGE_INTEGER* total, ULARGE_INTEGER* free_total) {
    std::string d;
    if (!linux_dir_of(dir, d)) return fail(ERROR_PATH_NOT_FOUND);
    struct statvfs v;
    if (statvfs(d.c_str(), &v) != 0) return fail_errno();
    if (avail) avail->QuadPart = uint64_t(v.f_bavail) * v.f_frsize;
    if (total) total->QuadPart = uint64_t(v.f_blocks) * v.f_frsize;
    if (free_total) free_total->QuadPart = uint64_t(v.f_bfree) * v.f_frsize;
    return TRUE;
}
BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR dir, ULARGE_INTEGER* a, ULARGE_INTEGER* t, ULARGE_INTEGER* f) {
    std::u16string w = to_wide_buffer_a(dir);
    return GetDiskFreeSpaceExW(dir ? w.c_str() : nullptr, a, t, f);
}

// The old form counts in clusters of 32-bit numbers: 512-byte sectors, clusters of the file
// system's block size, counts capped at 0xFFFFFFFF as Windows caps them for big volumes.
BOOL WINAPI GetDiskFreeSpaceW(LPCWSTR root, DWORD* sectors_per_cluster, DWORD* bytes_per_sector, DWORD* free_clusters,
                              DWORD* total_clusters) {
    std::string d;
    if (!linux_dir_of(root, d)) return fail(ERROR_PATH_NOT_FOUND);
    struct statvfs v;
    if (statvfs(d.c_str(), &v) != 0) return fail_errno();
    uint64_t cluster = v.f_frsize < 512 ? 512 : v.f_frsize;
    auto cap = [](uint64_t x) { return x > 0xFFFFFFFFull ? DWORD(0xFFFFFFFF) : DWORD(x); };
    if (sectors_per_cluster) *sectors_per_cluster = DWORD(cluster / 512);
    if (bytes_per_sector) *bytes_per_sector = 512;
    if (free_clusters) *free_clusters = cap(uint64_t(v.f_bavail) * v.f_frsize / cluster);
    if (total_clusters) *total_clusters = cap(uint64_t(v.f_blocks) * v.f_frsize / cluster);
    return TRUE;
}
BOOL WINAPI GetDiskFreeSpaceA(LPCSTR root, DWORD* a, DWORD* b, DWORD* c, DWORD* d) {
    std::u16string w = to_wide_buffer_a(root);
    return GetDiskFreeSpaceW(root ? w.c_str() : nullptr, a, b, c, d);
}

BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR name, DWORD name_len, DWORD* serial, DWORD* max_component,
                                  DWORD* fs_flags, LPWSTR fs_name, DWORD fs_name_len) {
    char16_t drive = drive_of_root(root);
    if (!drive) return fail(root && wview(root).size() >= 2 && wview(root)[1] == u':' ? ERROR_PATH_NOT_FOUND : ERROR_INVALID_NAME);
    if (drive == u'C') paths::ensure_prefix();
    std::string dir = drive == u'Z' ? std::string("/") : paths::prefix_dir() + "/drive_c";
    struct stat st;
    if (stat(dir.c_str(), &st) != 0) return fail(ERROR_PATH_NOT_FOUND);
    static const char16_t k_fs[] = u"NTFS";
    if (name) {
        if (name_len < 1) return fail(ERROR_BAD_LENGTH);
        name[0] = 0;  // no volume label
    }
    if (fs_name) {
        if (fs_name_len < 5) return fail(ERROR_BAD_LENGTH);
        std::memcpy(fs_name, k_fs, sizeof k_fs);
    }
    if (serial) *serial = volume_serial_of(st.st_dev);
    if (max_component) *max_component = 255;
    if (fs_flags) *fs_flags = k_volume_flags;
    return TRUE;
}
// The volume of an open file: its drive's answer, with the serial of the file system the file is
// really on (the same serial GetFileInformationByHandle reports for it).
BOOL WINAPI GetVolumeInformationByHandleW(HANDLE h, LPWSTR name, DWORD name_len, DWORD* serial, DWORD* max_component,
                                          DWORD* fs_flags, LPWSTR fs_name, DWORD fs_name_len) {
    auto f = file_from_handle(h);
    if (!f) return FALSE;
    struct stat st;
    if (fstat(f->fd, &st) != 0) return fail_errno();
    std::u16string win = f->linux_path.empty() ? std::u16string(u"Z:\\") : paths::to_windows(f->linux_path);
    std::u16string root = win.size() >= 2 && win[1] == u':' ? win.substr(0, 2) + u"\\" : std::u16string(u"Z:\\");
    if (!GetVolumeInformationW(root.c_str(), name, name_len, serial, max_component, fs_flags, fs_name, fs_name_len))
        return FALSE;
    if (serial) *serial = volume_serial_of(st.st_dev);
    return TRUE;
}

BOOL WINAPI GetVolumeInformationA(LPCSTR root, LPSTR name, DWORD name_len, DWORD* serial, DWORD* max_component,
                                  DWORD* fs_flags, LPSTR fs_name, DWORD fs_name_len) {
    std::u16string w = to_wide_buffer_a(root);
    WCHAR wname[2], wfs[8];
    if (!GetVolumeInformationW(root ? w.c_str() : nullptr, name ? wname : nullptr, 2, serial, max_component, fs_flags,
                               fs_name ? wfs : nullptr, 8))
        return FALSE;
    if (name) {
        if (name_len < 1) return fail(ERROR_BAD_LENGTH);
        name[0] = 0;
    }
    if (fs_name) {
        if (fs_name_len < 5) return fail(ERROR_BAD_LENGTH);
        std::memcpy(fs_name, "NTFS", 5);
    }
    return TRUE;
}

WR_EXPORT_PART(kernel32_volume,
    WR_EXPORT(GetVolumeInformationByHandleW),
    WR_EXPORT(GetLogicalDrives),
    WR_EXPORT(GetLogicalDriveStringsA),
    WR_EXPORT(GetLogicalDriveStringsW),
    WR_EXPORT(GetDriveTypeA),
    WR_EXPORT(GetDriveTypeW),
    WR_EXPORT(GetDiskFreeSpaceA),
    WR_EXPORT(GetDiskFreeSpaceW),
    WR_EXPORT(GetDiskFreeSpaceExA),
    WR_EXPORT(GetDiskFreeSpaceExW),
    WR_EXPORT(GetVolumeInformationA),
    WR_EXPORT(GetVolumeInformationW));

}  // namespace winrun::k32
