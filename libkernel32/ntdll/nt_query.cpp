// NtQueryInformationFile for the information classes programs ask ntdll for directly. Only
// FileModeInformation so far (the Go runtime asks it whether a handle was opened for overlapped
// I/O); other classes answer STATUS_NOT_IMPLEMENTED rather than anything invented.
#include "builtin/builtin.h"
#include "kernel32/file.h"
#include "kernel32/k32.h"
#include "nt_io.h"

namespace winrun::ntdll {
using namespace winrun::win;

namespace {
constexpr LONG STATUS_SUCCESS = 0, STATUS_NOT_IMPLEMENTED = LONG(0xC0000002), STATUS_INFO_LENGTH_MISMATCH = LONG(0xC0000004),
               STATUS_INVALID_HANDLE = LONG(0xC0000008), STATUS_OBJECT_TYPE_MISMATCH = LONG(0xC0000024);
constexpr ULONG FileModeInformation = 16;
constexpr ULONG FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
}  // namespace

LONG WINAPI NtQueryInformationFile(HANDLE h, IO_STATUS_BLOCK* iosb, void* info, ULONG length, ULONG cls) {
    if (cls != FileModeInformation) return STATUS_NOT_IMPLEMENTED;
    if (length < sizeof(ULONG)) return STATUS_INFO_LENGTH_MISMATCH;
    auto o = k32::handle_get(h);
    if (!o) return STATUS_INVALID_HANDLE;
    if (o->kind != k32::ObjectKind::File) return STATUS_OBJECT_TYPE_MISMATCH;
    auto* f = static_cast<k32::FileObject*>(o.get());
    // A handle opened without FILE_FLAG_OVERLAPPED does synchronous I/O (CreateFile asks for
    // FILE_SYNCHRONOUS_IO_NONALERT then).
    ULONG mode = (f->flags & k32::FILE_FLAG_OVERLAPPED) ? 0 : FILE_SYNCHRONOUS_IO_NONALERT;
    *static_cast<ULONG*>(info) = mode;
    if (iosb) {
        iosb->Status = STATUS_SUCCESS;
        iosb->Information = sizeof(ULONG);
    }
    return STATUS_SUCCESS;
}

WR_EXPORT_PART(ntdll_nt_query, WR_EXPORT(NtQueryInformationFile));

}  // namespace winrun::ntdll
