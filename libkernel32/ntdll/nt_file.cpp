// NtReadFile / NtWriteFile: the native read and write (the Rust standard library does its handle
// I/O through them). They run on the same code as ReadFile/WriteFile — files, pipes and console
// handles alike — and report NTSTATUS values and an IO_STATUS_BLOCK instead of BOOL + last error.
#include "builtin/builtin.h"
#include "kernel32/file.h"
#include "kernel32/k32.h"
#include "nt_io.h"

namespace winrun::k32 {
BOOL WINAPI SetEvent(HANDLE h);
DWORD WINAPI GetFileType(HANDLE h);
DWORD WINAPI GetLastError();
}  // namespace winrun::k32

namespace winrun::ntdll {

using namespace winrun::win;

namespace {
constexpr LONG STATUS_SUCCESS = 0, STATUS_UNSUCCESSFUL = LONG(0xC0000001), STATUS_INVALID_HANDLE = LONG(0xC0000008),
               STATUS_INVALID_PARAMETER = LONG(0xC000000D), STATUS_END_OF_FILE = LONG(0xC0000011),
               STATUS_ACCESS_DENIED = LONG(0xC0000022), STATUS_DISK_FULL = LONG(0xC000007F),
               STATUS_NOT_SUPPORTED = LONG(0xC00000BB), STATUS_PIPE_BROKEN = LONG(0xC000014B),
               STATUS_PIPE_CLOSING = LONG(0xC00000B1);
constexpr DWORD FILE_TYPE_DISK = 1;

LONG status_from_error(DWORD e) {
    switch (e) {
    case 0: return STATUS_SUCCESS;
    case 6: return STATUS_INVALID_HANDLE;
    case 5: return STATUS_ACCESS_DENIED;
    case 38: return STATUS_END_OF_FILE;     // ERROR_HANDLE_EOF
    case 109: return STATUS_PIPE_BROKEN;    // ERROR_BROKEN_PIPE
    case 232: return STATUS_PIPE_CLOSING;   // ERROR_NO_DATA: writing to a pipe nobody reads
    case 112: return STATUS_DISK_FULL;
    case 87: return STATUS_INVALID_PARAMETER;
    default: return STATUS_UNSUCCESSFUL;
    }
}

// ByteOffset: NULL or the two "current position" values (FILE_USE_FILE_POINTER_POSITION = -2,
// FILE_WRITE_TO_END_OF_FILE = -1, which for an append handle is the same thing) mean the file
// pointer; anything else is an explicit position.
bool explicit_offset(const LARGE_INTEGER* off, k32::OVERLAPPED& ov) {
    if (!off || off->QuadPart == -1 || off->QuadPart == -2) return false;
    ov = {};
    ov.Offset = DWORD(uint64_t(off->QuadPart));
    ov.OffsetHigh = DWORD(uint64_t(off->QuadPart) >> 32);
    return true;
}

LONG finish(BOOL ok, DWORD bytes, HANDLE event, IO_STATUS_BLOCK* iosb) {
    LONG st = ok ? STATUS_SUCCESS : status_from_error(k32::GetLastError());
    if (iosb) {
        iosb->Status = st;
        iosb->Information = bytes;
    }
    if (event) k32::SetEvent(event);
    return st;
}
}  // namespace

using IoApcRoutine = void(WINAPI*)(void*, IO_STATUS_BLOCK*, ULONG);

LONG WINAPI NtReadFile(HANDLE h, HANDLE event, IoApcRoutine apc, void* apc_context, IO_STATUS_BLOCK* iosb, void* buf,
                       ULONG len, LARGE_INTEGER* offset, ULONG* key) {
    (void)apc_context, (void)key;
    if (apc) return STATUS_NOT_SUPPORTED;  // APC completion of native I/O is not implemented
    if (!iosb) return STATUS_INVALID_PARAMETER;
    k32::OVERLAPPED ov;
    bool positioned = explicit_offset(offset, ov);
    DWORD got = 0;
    BOOL ok = k32::ReadFile(h, buf, len, &got, positioned ? &ov : nullptr);
    // The native read reports the end of a file as STATUS_END_OF_FILE (ReadFile says TRUE, 0 bytes).
    if (ok && got == 0 && len > 0 && k32::GetFileType(h) == FILE_TYPE_DISK) {
        iosb->Status = STATUS_END_OF_FILE;
        iosb->Information = 0;
        return STATUS_END_OF_FILE;
    }
    return finish(ok, got, event, iosb);
}

LONG WINAPI NtWriteFile(HANDLE h, HANDLE event, IoApcRoutine apc, void* apc_context, IO_STATUS_BLOCK* iosb,
                        const void* buf, ULONG len, LARGE_INTEGER* offset, ULONG* key) {
    (void)apc_context, (void)key;
    if (apc) return STATUS_NOT_SUPPORTED;
    if (!iosb) return STATUS_INVALID_PARAMETER;
    k32::OVERLAPPED ov;
    bool positioned = explicit_offset(offset, ov);
    DWORD done = 0;
    BOOL ok = k32::WriteFile(h, buf, len, &done, positioned ? &ov : nullptr);
    return finish(ok, done, event, iosb);
}

WR_EXPORT_PART(ntdll_nt_file, WR_EXPORT(NtReadFile), WR_EXPORT(NtWriteFile));

}  // namespace winrun::ntdll
