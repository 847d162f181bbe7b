// errno -> Windows error codes, in one table; GetLastError/SetLastError.
#include <cerrno>

#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

DWORD error_from_errno(int err) {
    struct Map {
        int e;
        DWORD w;
    };
    static const Map k_map[] = {
        {EPERM, ERROR_ACCESS_DENIED},       {ENOENT, ERROR_FILE_NOT_FOUND},    {EIO, ERROR_INVALID_FUNCTION},
        {EBADF, ERROR_INVALID_HANDLE},      {ENOMEM, ERROR_NOT_ENOUGH_MEMORY}, {EACCES, ERROR_ACCESS_DENIED},
        {EFAULT, ERROR_NOACCESS},           {EBUSY, ERROR_BUSY},               {EEXIST, ERROR_FILE_EXISTS},
        {EXDEV, ERROR_NOT_SAME_DEVICE},     {ENOTDIR, ERROR_PATH_NOT_FOUND},   {EISDIR, ERROR_ACCESS_DENIED},
        {EINVAL, ERROR_INVALID_PARAMETER},  {ENFILE, ERROR_TOO_MANY_OPEN_FILES}, {EMFILE, ERROR_TOO_MANY_OPEN_FILES},
        {ENOSPC, ERROR_DISK_FULL},          {ESPIPE, ERROR_SEEK_ON_DEVICE},    {EROFS, ERROR_WRITE_PROTECT},
        {EMLINK, ERROR_TOO_MANY_LINKS},     {EPIPE, ERROR_BROKEN_PIPE},        {ENAMETOOLONG, ERROR_FILENAME_EXCED_RANGE},
        {ENOTEMPTY, ERROR_DIR_NOT_EMPTY},   {ELOOP, ERROR_CANT_RESOLVE_FILENAME}, {ENOSYS, ERROR_CALL_NOT_IMPLEMENTED},
        {ENOTSUP, ERROR_NOT_SUPPORTED},     {EAGAIN, ERROR_LOCK_VIOLATION},    {ETXTBSY, ERROR_SHARING_VIOLATION},
        {EDQUOT, ERROR_DISK_FULL},          {ENXIO, ERROR_FILE_NOT_FOUND},     {ENODEV, ERROR_FILE_NOT_FOUND},
    };
    for (const auto& m : k_map)
        if (m.e == err) return m.w;
    return ERROR_INVALID_FUNCTION;
}

BOOL fail_errno() {
    set_last_error(error_from_errno(errno));
    return FALSE;
}

DWORD WINAPI GetLastError() { return current_teb()->LastErrorValue; }
void WINAPI SetLastError(DWORD e) { current_teb()->LastErrorValue = e; }

WR_EXPORT_PART(kernel32_error,
    WR_EXPORT(GetLastError),
    WR_EXPORT(SetLastError));

}  // namespace winrun::k32
