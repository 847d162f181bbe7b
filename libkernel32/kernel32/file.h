// File internals shared by the kernel32 file area files (file.cpp: open/read/write and sharing;
// file_info.cpp: information and times; file_ops.cpp: copy/move; file_lock.cpp: byte-range locks).
#pragma once
#include <string>

#include "k32.h"

namespace winrun::k32 {

constexpr DWORD GENERIC_READ = 0x80000000, GENERIC_WRITE = 0x40000000, GENERIC_EXECUTE = 0x20000000,
                GENERIC_ALL = 0x10000000, FILE_READ_DATA = 1, FILE_WRITE_DATA = 2, FILE_APPEND_DATA = 4,
                FILE_READ_ATTRIBUTES = 0x80, FILE_WRITE_ATTRIBUTES = 0x100, DELETE_ACCESS = 0x10000;
constexpr DWORD CREATE_NEW = 1, CREATE_ALWAYS = 2, OPEN_EXISTING = 3, OPEN_ALWAYS = 4, TRUNCATE_EXISTING = 5;
constexpr DWORD FILE_FLAG_BACKUP_SEMANTICS = 0x02000000, FILE_FLAG_DELETE_ON_CLOSE = 0x04000000,
                FILE_FLAG_OVERLAPPED = 0x40000000;
constexpr DWORD FILE_SHARE_READ = 1, FILE_SHARE_WRITE = 2, FILE_SHARE_DELETE = 4;
constexpr DWORD INVALID_FILE_ATTRIBUTES = 0xFFFFFFFF;

struct OVERLAPPED {
    ULONG_PTR Internal, InternalHigh;  // NTSTATUS and byte count of the request
    DWORD Offset, OffsetHigh;
    HANDLE hEvent;
};
static_assert(sizeof(OVERLAPPED) == 32);
BOOL WINAPI ReadFile(HANDLE h, LPVOID buf, DWORD n, DWORD* read_out, OVERLAPPED* ov);
BOOL WINAPI WriteFile(HANDLE h, LPCVOID buf, DWORD n, DWORD* written, OVERLAPPED* ov);

// Sharing modes, within the process (across the processes of a session: later, through csrssd).
// Every open of a regular file records what it may do (read/write/delete) and what it lets later
// opens do; an open that conflicts either way fails with ERROR_SHARING_VIOLATION.
constexpr unsigned USE_READ = 1, USE_WRITE = 2, USE_DELETE = 4;
unsigned uses_of(DWORD access);
unsigned shares_of(DWORD share);
bool would_conflict(uint64_t dev, uint64_t ino, unsigned uses, unsigned shares);
// The same question asked of the opens of other processes (and other descriptions in this one),
// through the sharing markers every open holds (file.cpp). path must be a regular file.
bool share_conflict_on_disk(const std::string& path, unsigned uses, unsigned shares);

// Posts the completion packet of an overlapped request on f to the port f is associated with, if
// any (completion_port.cpp). status is an NTSTATUS (0 = success).
void post_file_completion(FileObject& f, DWORD bytes, ULONG_PTR status, void* overlapped);

// Windows error for a failed open/stat of path: ENOENT is ERROR_FILE_NOT_FOUND when the directory
// exists and ERROR_PATH_NOT_FOUND otherwise.
DWORD open_error(int err, const std::string& path);
DWORD missing_error(const std::string& path);
// The Windows error for a path a lookup found missing: stat() again for what the kernel says
// (EACCES, ENOTDIR ...), ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND when it is simply absent.
DWORD lookup_error(const std::string& path);

// The volume serial number Windows code sees for a Linux device (GetFileInformationByHandle and
// GetVolumeInformation agree on it).
inline DWORD volume_serial_of(uint64_t dev) { return DWORD(dev ^ (dev >> 32) ^ 0x5752554E); }

}  // namespace winrun::k32
