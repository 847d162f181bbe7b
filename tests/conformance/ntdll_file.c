/* ntdll_file.c: NtReadFile/NtWriteFile as the Rust standard library uses them: the file pointer or an
 * explicit offset, the IO_STATUS_BLOCK, STATUS_END_OF_FILE at the end of a file, STATUS_PIPE_BROKEN
 * on a pipe whose writer has gone. */
#include "ok.h"

typedef struct {
    union {
        LONG Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IOSB;
typedef LONG(WINAPI* NtRW)(HANDLE, HANDLE, void*, void*, IOSB*, void*, ULONG, LARGE_INTEGER*, ULONG*);

START_TEST(ntdll_file)
{
    HMODULE nt = GetModuleHandleA("ntdll.dll");
    NtRW pNtReadFile = (NtRW)GetProcAddress(nt, "NtReadFile"), pNtWriteFile = (NtRW)GetProcAddress(nt, "NtWriteFile");
    char name[64], buf[32];
    HANDLE f, rd, wr;
    IOSB io;
    LARGE_INTEGER off;
    LONG st;

    ok(pNtReadFile && pNtWriteFile, "NtReadFile/NtWriteFile not exported\n");
    if (!pNtReadFile || !pNtWriteFile) return;
    sprintf(name, "ntfile_%lu.txt", GetCurrentProcessId());
    f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    memset(&io, 0xcc, sizeof io);
    st = pNtWriteFile(f, NULL, NULL, NULL, &io, "0123456789", 10, NULL, NULL);
    ok(st == 0 && io.Status == 0 && io.Information == 10, "NtWriteFile: %#lx, iosb %#lx/%llu\n", st, io.Status, (unsigned long long)io.Information);
    off.QuadPart = 2;
    memset(buf, 0, sizeof buf);
    st = pNtReadFile(f, NULL, NULL, NULL, &io, buf, 4, &off, NULL);
    ok(st == 0 && io.Information == 4 && !memcmp(buf, "2345", 4), "NtReadFile at offset 2: %#lx %.4s\n", st, buf);
    off.QuadPart = 100;
    st = pNtReadFile(f, NULL, NULL, NULL, &io, buf, 4, &off, NULL);
    ok(st == (LONG)0xC0000011 && io.Information == 0, "NtReadFile past the end: %#lx\n", st);
    CloseHandle(f);
    DeleteFileA(name);

    ok(CreatePipe(&rd, &wr, NULL, 0), "CreatePipe failed\n");
    st = pNtWriteFile(wr, NULL, NULL, NULL, &io, "pipe", 4, NULL, NULL);
    ok(st == 0 && io.Information == 4, "NtWriteFile to a pipe: %#lx\n", st);
    CloseHandle(wr);
    st = pNtReadFile(rd, NULL, NULL, NULL, &io, buf, sizeof buf, NULL, NULL);
    ok(st == 0 && io.Information == 4, "NtReadFile from a pipe: %#lx %llu\n", st, (unsigned long long)io.Information);
    st = pNtReadFile(rd, NULL, NULL, NULL, &io, buf, sizeof buf, NULL, NULL);
    ok(st == (LONG)0xC000014B, "NtReadFile of a pipe without writer: %#lx\n", st);
    CloseHandle(rd);
}
