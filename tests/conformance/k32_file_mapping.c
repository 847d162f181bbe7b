/* k32_file_mapping.c: CreateFileMapping over a file and over the paging file, views (shared,
 * copy-on-write, offsets on the allocation granularity), named mappings, VirtualQuery of a view,
 * FlushViewOfFile, UnmapViewOfFile, and the errors Windows gives. */
#include "ok.h"

START_TEST(k32_file_mapping)
{
    char name[64];
    DWORD n;
    HANDLE f, m, m2;
    char *v, *v2;
    MEMORY_BASIC_INFORMATION mbi;
    SYSTEM_INFO si;
    static char data[70000];

    GetSystemInfo(&si);
    sprintf(name, "fmap_%lu.bin", GetCurrentProcessId());
    memset(data, 'a', sizeof data);
    memcpy(data + 65536, "second chunk", 12);
    f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(f != INVALID_HANDLE_VALUE, "create failed: %lu\n", GetLastError());
    WriteFile(f, data, sizeof data, &n, NULL);

    m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    ok(m != NULL, "CreateFileMapping failed: %lu\n", GetLastError());
    v = MapViewOfFile(m, FILE_MAP_WRITE | FILE_MAP_READ, 0, 0, 0);
    ok(v != NULL, "MapViewOfFile failed: %lu\n", GetLastError());
    ok(((ULONG_PTR)v % si.dwAllocationGranularity) == 0, "view %p is not on the allocation granularity\n", v);
    ok(v && v[0] == 'a' && !memcmp(v + 65536, "second chunk", 12), "view content differs\n");
    ok(VirtualQuery(v, &mbi, sizeof mbi) == sizeof mbi, "VirtualQuery failed\n");
    ok(mbi.Type == MEM_MAPPED && mbi.State == MEM_COMMIT && mbi.AllocationBase == v, "VirtualQuery type %#lx state %#lx base %p\n",
       mbi.Type, mbi.State, mbi.AllocationBase);

    /* writes through the view reach the file */
    memcpy(v, "mapped!", 7);
    ok(FlushViewOfFile(v, 0), "FlushViewOfFile failed: %lu\n", GetLastError());
    {
        char buf[8] = {0};
        SetFilePointer(f, 0, NULL, FILE_BEGIN);
        ReadFile(f, buf, 7, &n, NULL);
        ok(!memcmp(buf, "mapped!", 7), "file does not show the write through the view: %.7s\n", buf);
    }

    /* a view at an offset must start on the allocation granularity */
    SetLastError(0xdeadbeef);
    v2 = MapViewOfFile(m, FILE_MAP_READ, 0, 4096, 0);
    ok(!v2 && GetLastError() == ERROR_MAPPED_ALIGNMENT, "unaligned offset: %p/%lu\n", v2, GetLastError());
    v2 = MapViewOfFile(m, FILE_MAP_READ, 0, 65536, 12);
    ok(v2 && !memcmp(v2, "second chunk", 12), "view at 64K: %p/%lu\n", v2, GetLastError());
    if (v2) ok(UnmapViewOfFile(v2), "UnmapViewOfFile failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    v2 = MapViewOfFile(m, FILE_MAP_READ, 0, 0, sizeof data + 65536);
    ok(!v2 && GetLastError() == ERROR_ACCESS_DENIED, "view past the end: %p/%lu\n", v2, GetLastError());

    /* copy-on-write: private changes */
    v2 = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);
    ok(v2 != NULL, "FILE_MAP_COPY failed: %lu\n", GetLastError());
    if (v2) {
        v2[0] = 'X';
        ok(v[0] == 'm', "a copy-on-write change reached the shared view\n");
        UnmapViewOfFile(v2);
    }

    /* the mapping outlives the file handle; the view outlives the mapping handle */
    CloseHandle(f);
    CloseHandle(m);
    ok(v[1] == 'a', "view unreadable after closing handles\n");
    ok(UnmapViewOfFile(v), "UnmapViewOfFile failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!UnmapViewOfFile(v) && GetLastError() == ERROR_INVALID_ADDRESS, "unmapping twice: %lu\n", GetLastError());

    /* an empty file cannot be mapped without a size */
    f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    SetLastError(0xdeadbeef);
    m = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
    ok(!m && GetLastError() == ERROR_FILE_INVALID, "mapping an empty file: %p/%lu\n", m, GetLastError());
    /* a bigger read-write mapping grows the file */
    m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 8192, NULL);
    ok(m != NULL, "mapping with a size failed: %lu\n", GetLastError());
    ok(GetFileSize(f, NULL) == 8192, "file size after mapping %lu\n", GetFileSize(f, NULL));
    CloseHandle(m);
    CloseHandle(f);
    /* a read-only handle gives no read-write mapping */
    f = CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    SetLastError(0xdeadbeef);
    m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    ok(!m && GetLastError() == ERROR_ACCESS_DENIED, "read-write mapping of a read-only handle: %p/%lu\n", m, GetLastError());
    CloseHandle(f);
    ok(DeleteFileA(name), "DeleteFile failed: %lu\n", GetLastError());

    /* paging-file mappings, by name */
    sprintf(name, "Local\\winrun_fmap_%lu", GetCurrentProcessId());
    SetLastError(0xdeadbeef);
    ok(!OpenFileMappingA(FILE_MAP_READ, FALSE, name) && GetLastError() == ERROR_FILE_NOT_FOUND,
       "OpenFileMapping of a missing name: %lu\n", GetLastError());
    m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100000, name);
    ok(m && GetLastError() == 0, "CreateFileMapping(paging file) failed: %lu\n", GetLastError());
    m2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100000, name);
    ok(m2 && GetLastError() == ERROR_ALREADY_EXISTS, "second create: %p/%lu\n", m2, GetLastError());
    v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    v2 = MapViewOfFile(m2, FILE_MAP_READ, 0, 0, 0);
    ok(v && v2 && v != v2, "views %p %p\n", v, v2);
    if (v && v2) {
        ok(v2[99999] == 0, "paging-file mapping is not zero-filled\n");
        strcpy(v, "shared");
        ok(!strcmp(v2, "shared"), "two views of one mapping do not share\n");
        UnmapViewOfFile(v2);
    }
    CloseHandle(m2);
    m2 = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
    ok(m2 != NULL, "OpenFileMapping failed: %lu\n", GetLastError());
    CloseHandle(m2);
    if (v) UnmapViewOfFile(v);
    CloseHandle(m);
    SetLastError(0xdeadbeef);
    ok(!CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
       "paging-file mapping without a size: %lu\n", GetLastError());
}
