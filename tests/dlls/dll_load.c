/* Loader behaviour with a real PE DLL: import binding (by name, data), relocation, DllMain,
 * GetProcAddress by ordinal, forwarders, LoadLibrary/GetModuleHandle on an already loaded DLL,
 * GetModuleFileName of a DLL, and the PEB loader lists. */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <string.h>
#include "ok.h"

__declspec(dllimport) int dll_data;
__declspec(dllimport) int __cdecl dll_add(int, int);
__declspec(dllimport) int __cdecl dll_attach_count(void);
__declspec(dllimport) int __cdecl dll_static_load(void);
__declspec(dllimport) void *__cdecl dll_self(void);

START_TEST(dll_load)
{
    ok(dll_add(2, 40) == 42, "dll_add(2, 40) = %d\n", dll_add(2, 40));
    ok(dll_data == 1234, "dll_data = %d\n", dll_data);
    ok(dll_attach_count() == 1, "DllMain attach called %d times\n", dll_attach_count());
    ok(dll_static_load() == 1, "lpReserved at static load: %d (expected non-NULL)\n", dll_static_load());

    HMODULE exe = GetModuleHandleA(NULL);
    HMODULE dll = GetModuleHandleA("winrun_testdll.dll");
    ok(dll != NULL, "GetModuleHandle(winrun_testdll.dll) failed, error %lu\n", GetLastError());
    ok(GetModuleHandleA("WINRUN_TESTDLL") == dll, "module names must match case-insensitively, without .dll\n");
    /* The DLL wants the EXE's base: it must have been relocated, and its code must still work. */
    ok(dll != exe && (ULONG_PTR)dll != 0x140000000, "DLL at %p, EXE at %p: expected a relocated DLL\n", dll, exe);
    ok((char *)dll_self() > (char *)dll && (char *)dll_self() < (char *)dll + 0x100000,
       "dll_self() = %p outside the DLL at %p (relocation not applied?)\n", dll_self(), dll);
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)((char *)dll + ((IMAGE_DOS_HEADER *)dll)->e_lfanew);
    ok(nt->OptionalHeader.ImageBase == (ULONG_PTR)dll, "header ImageBase %llx, loaded at %p\n",
       (unsigned long long)nt->OptionalHeader.ImageBase, dll);

    FARPROC byord = GetProcAddress(dll, MAKEINTRESOURCEA(42));
    ok(byord != NULL && ((int (*)(void))byord)() == 77, "GetProcAddress by ordinal 42 failed\n");
    SetLastError(0xdeadbeef);
    ok(GetProcAddress(dll, MAKEINTRESOURCEA(999)) == NULL && GetLastError() == ERROR_PROC_NOT_FOUND,
       "missing ordinal: error %lu\n", GetLastError());
    FARPROC fwd = GetProcAddress(dll, "dll_tick_count");
    FARPROC real = GetProcAddress(GetModuleHandleA("kernel32.dll"), "GetTickCount");
    ok(fwd != NULL && fwd == real, "forwarder dll_tick_count -> %p, KERNEL32.GetTickCount is %p\n", fwd, real);

    HMODULE again = LoadLibraryA("winrun_testdll.dll");
    ok(again == dll, "LoadLibrary of a loaded DLL returned %p, expected %p\n", again, dll);
    ok(dll_attach_count() == 1, "DllMain ran again on a second load (%d)\n", dll_attach_count());
    ok(FreeLibrary(again), "FreeLibrary failed\n");

    char path[MAX_PATH];
    DWORD n = GetModuleFileNameA(dll, path, sizeof path);
    ok(n > 0 && n == strlen(path), "GetModuleFileNameA returned %lu\n", n);
    ok(n > 19 && _stricmp(path + n - 19, "\\winrun_testdll.dll") == 0, "DLL path %s\n", path);

    /* The loader lists: the EXE first in load order, the DLL somewhere after it. */
    PEB *peb = NtCurrentTeb()->ProcessEnvironmentBlock;
    LIST_ENTRY *head = &peb->Ldr->InMemoryOrderModuleList, *e = head->Flink;
    LDR_DATA_TABLE_ENTRY *first = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks);
    ok(first->DllBase == exe, "first module in memory order is %p, expected the EXE %p\n", first->DllBase, exe);
    int found = 0, count = 0;
    for (; e != head && count < 100; e = e->Flink, count++)
        if (CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks)->DllBase == dll) found = 1;
    ok(found, "the DLL is not in the PEB's InMemoryOrderModuleList (%d entries)\n", count);

    SetLastError(0xdeadbeef);
    ok(LoadLibraryA("winrun_no_such.dll") == NULL && GetLastError() == ERROR_MOD_NOT_FOUND,
       "LoadLibrary of a missing DLL: error %lu\n", GetLastError());
}
