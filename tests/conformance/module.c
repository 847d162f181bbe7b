/* module.c: modules as a program sees them: GetModuleHandle, GetProcAddress (by name, by ordinal,
 * missing), GetModuleFileName (with truncation), LoadLibrary, the export directories of the system
 * DLLs walked by hand from their PE headers, and the PEB loader lists. */
#include "ok.h"
#include <winternl.h>

/* Loader structures at their documented x64 offsets (winternl.h hides most fields). */
typedef struct {
    LIST_ENTRY InLoadOrderLinks;           /* 0x00 */
    LIST_ENTRY InMemoryOrderLinks;         /* 0x10 */
    LIST_ENTRY InInitializationOrderLinks; /* 0x20 */
    void* DllBase;                         /* 0x30 */
    void* EntryPoint;                      /* 0x38 */
    ULONG SizeOfImage;                     /* 0x40 */
    UNICODE_STRING FullDllName;            /* 0x48 */
    UNICODE_STRING BaseDllName;            /* 0x58 */
} LDR_ENTRY;
typedef struct {
    ULONG Length;
    BOOLEAN Initialized;
    void* SsHandle;
    LIST_ENTRY InLoadOrderModuleList;      /* 0x10 */
    LIST_ENTRY InMemoryOrderModuleList;    /* 0x20 */
    LIST_ENTRY InInitializationOrderModuleList; /* 0x30 */
} LDR_DATA;

static char* teb(void) {
    char* p;
    __asm__("movq %%gs:0x30, %0" : "=r"(p));
    return p;
}
static char* peb(void) { return *(char**)(teb() + 0x60); }

static int stricmp_a(const char* a, const char* b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y || !x) return x - y;
    }
}
static int wcsnicmp_(const WCHAR* a, const WCHAR* b, int n) {
    for (int i = 0; i < n; i++) {
        unsigned x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return (int)x - (int)y;
        if (!x) return 0;
    }
    return 0;
}
static int ends_with_i(const char* s, const char* tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && !stricmp_a(s + a - b, tail);
}
/* UNICODE_STRING vs a NUL-terminated string, case-insensitively */
static int us_equals_i(const UNICODE_STRING* us, const WCHAR* s) {
    int n = us->Length / 2;
    return (int)wcslen(s) == n && !wcsnicmp_(us->Buffer, s, n);
}

static IMAGE_NT_HEADERS64* nt_headers(HMODULE m) {
    return (IMAGE_NT_HEADERS64*)((char*)m + ((IMAGE_DOS_HEADER*)m)->e_lfanew);
}

static void test_GetModuleHandle(void) {
    HMODULE exe = GetModuleHandleA(NULL), k32, h;
    extern IMAGE_DOS_HEADER __ImageBase;

    ok(exe == (HMODULE)&__ImageBase, "GetModuleHandle(NULL) %p is not the image base %p\n", exe, &__ImageBase);
    ok(exe == *(HMODULE*)(peb() + 0x10), "GetModuleHandle(NULL) %p differs from PEB.ImageBaseAddress %p\n", exe,
       *(HMODULE*)(peb() + 0x10));
    ok(GetModuleHandleW(NULL) == exe, "GetModuleHandleW(NULL) differs\n");

    k32 = GetModuleHandleA("kernel32.dll");
    ok(k32 != NULL, "GetModuleHandleA(kernel32.dll) failed: %lu\n", GetLastError());
    ok(GetModuleHandleA("KERNEL32.DLL") == k32, "GetModuleHandleA is not case-insensitive\n");
    ok(GetModuleHandleA("KeRnEl32") == k32, "GetModuleHandleA without the .dll extension failed\n");
    ok(GetModuleHandleW(L"kernel32.dll") == k32, "GetModuleHandleW(kernel32.dll) differs\n");
    ok(GetModuleHandleA("ntdll.dll") != NULL, "ntdll.dll is not loaded\n");
    ok(GetModuleHandleA("msvcrt.dll") != NULL, "msvcrt.dll is not loaded\n");

    SetLastError(0xdeadbeef);
    h = GetModuleHandleA("winrun_no_such_module.dll");
    ok(h == NULL, "GetModuleHandleA of a module that is not loaded returned %p\n", h);
    ok(GetLastError() == ERROR_MOD_NOT_FOUND, "GetModuleHandleA(missing): expected ERROR_MOD_NOT_FOUND, got %lu\n", GetLastError());

    /* from an address */
    h = NULL;
    ok(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                          (LPCSTR)test_GetModuleHandle, &h) && h == exe,
       "GetModuleHandleExA(FROM_ADDRESS, code in the EXE): expected %p, got %p\n", exe, h);
    h = NULL;
    ok(GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                          (LPCSTR)k32 + 0x10, &h) && h == k32,
       "GetModuleHandleExA(FROM_ADDRESS, inside kernel32's headers): expected %p, got %p\n", k32, h);
}

static void test_GetProcAddress(void) {
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    FARPROC p;

    p = GetProcAddress(k32, "GetProcAddress");
    ok(p != NULL, "GetProcAddress(GetProcAddress) failed\n");
    ok(p == (FARPROC)GetProcAddress, "GetProcAddress result %p differs from the import binding %p\n", p, (FARPROC)GetProcAddress);
    ok(GetProcAddress(k32, "GetLastError") == (FARPROC)GetLastError, "GetLastError: export and import binding differ\n");

    SetLastError(0xdeadbeef);
    p = GetProcAddress(k32, "WinrunNoSuchFunction");
    ok(p == NULL, "GetProcAddress of a missing export returned %p\n", p);
    ok(GetLastError() == ERROR_PROC_NOT_FOUND, "missing export: expected ERROR_PROC_NOT_FOUND, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    p = GetProcAddress(k32, "getlasterror");
    ok(p == NULL, "GetProcAddress is case-sensitive, but \"getlasterror\" returned %p\n", p);
    ok(GetLastError() == ERROR_PROC_NOT_FOUND, "wrong-case export: expected ERROR_PROC_NOT_FOUND, got %lu\n", GetLastError());
}

/* Walks a module's export directory by hand and checks it against GetProcAddress: every name,
 * sorted, resolving to the same address by name and by ordinal. */
static void test_exports(const char* dllname) {
    HMODULE m = GetModuleHandleA(dllname);
    IMAGE_NT_HEADERS64* nt;
    IMAGE_DATA_DIRECTORY dd;
    IMAGE_EXPORT_DIRECTORY* ed;
    DWORD *names, *funcs;
    WORD* ords;
    DWORD i, bad_name = 0, bad_ord = 0, unsorted = 0, forwarders = 0;
    char* base = (char*)m;

    ok(m != NULL, "%s is not loaded\n", dllname);
    if (!m) return;
    ok(((IMAGE_DOS_HEADER*)m)->e_magic == IMAGE_DOS_SIGNATURE, "%s: no MZ header\n", dllname);
    nt = nt_headers(m);
    ok(nt->Signature == IMAGE_NT_SIGNATURE, "%s: no PE signature\n", dllname);
    ok(nt->FileHeader.Machine == IMAGE_FILE_MACHINE_AMD64, "%s: Machine 0x%x\n", dllname, nt->FileHeader.Machine);
    ok(nt->FileHeader.Characteristics & IMAGE_FILE_DLL, "%s: IMAGE_FILE_DLL not set (0x%x)\n", dllname,
       nt->FileHeader.Characteristics);
    ok(nt->OptionalHeader.Magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC, "%s: optional header magic 0x%x\n", dllname,
       nt->OptionalHeader.Magic);
    dd = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    ok(dd.VirtualAddress && dd.Size, "%s: no export directory\n", dllname);
    if (!dd.VirtualAddress) return;
    ok(dd.VirtualAddress + dd.Size <= nt->OptionalHeader.SizeOfImage, "%s: export directory beyond SizeOfImage\n", dllname);
    ed = (IMAGE_EXPORT_DIRECTORY*)(base + dd.VirtualAddress);
    ok(!stricmp_a(base + ed->Name, dllname), "%s: export directory Name is %s\n", dllname, wine_dbgstr_a(base + ed->Name));
    ok(ed->NumberOfNames > 0 && ed->NumberOfNames <= ed->NumberOfFunctions, "%s: %lu names, %lu functions\n", dllname,
       ed->NumberOfNames, ed->NumberOfFunctions);
    names = (DWORD*)(base + ed->AddressOfNames);
    funcs = (DWORD*)(base + ed->AddressOfFunctions);
    ords = (WORD*)(base + ed->AddressOfNameOrdinals);

    for (i = 0; i < ed->NumberOfNames; i++) {
        const char* name = base + names[i];
        DWORD rva = funcs[ords[i]];
        FARPROC byname, byord;
        if (i && strcmp(base + names[i - 1], name) >= 0) {
            if (!unsorted++) ok(0, "%s: export names not sorted: %s before %s\n", dllname, base + names[i - 1], name);
        }
        if (rva >= dd.VirtualAddress && rva < dd.VirtualAddress + dd.Size) {
            forwarders++;  /* "DLL.Function": resolved elsewhere */
            continue;
        }
        byname = GetProcAddress(m, name);
        byord = GetProcAddress(m, (LPCSTR)(ULONG_PTR)(ed->Base + ords[i]));
        if (byname != (FARPROC)(base + rva) && !bad_name++)
            ok(0, "%s!%s: GetProcAddress %p, export table %p\n", dllname, name, byname, base + rva);
        if (byord != (FARPROC)(base + rva) && !bad_ord++)
            ok(0, "%s!%s: by ordinal %lu: %p, export table %p\n", dllname, name, ed->Base + ords[i], byord, base + rva);
    }
    ok(!unsorted, "%s: %lu names out of order\n", dllname, unsorted);
    ok(!bad_name, "%s: %lu names resolve differently by GetProcAddress\n", dllname, bad_name);
    ok(!bad_ord, "%s: %lu ordinals resolve differently by GetProcAddress\n", dllname, bad_ord);
    trace("%s: %lu names, %lu functions, %lu forwarders\n", dllname, ed->NumberOfNames, ed->NumberOfFunctions, forwarders);

    SetLastError(0xdeadbeef);
    ok(GetProcAddress(m, (LPCSTR)(ULONG_PTR)(ed->Base + ed->NumberOfFunctions + 10)) == NULL,
       "%s: an ordinal past the table resolved\n", dllname);
    ok(GetLastError() == ERROR_PROC_NOT_FOUND, "%s: bad ordinal: expected ERROR_PROC_NOT_FOUND, got %lu\n", dllname, GetLastError());
}

static void test_GetModuleFileName(void) {
    char path[MAX_PATH], sysdir[MAX_PATH], small[8], expect[MAX_PATH + 20];
    WCHAR wpath[MAX_PATH], wsmall[8];
    DWORD len, r, wlen;

    len = GetModuleFileNameA(NULL, path, sizeof(path));
    ok(len > 0 && len < sizeof(path) && strlen(path) == len, "GetModuleFileNameA(NULL): %lu %s\n", len, wine_dbgstr_a(path));
    ok(ends_with_i(path, "\\module.exe"), "EXE path %s does not end with \\module.exe\n", wine_dbgstr_a(path));
    ok(len >= 3 && path[1] == ':' && path[2] == '\\', "EXE path %s is not a drive path\n", wine_dbgstr_a(path));

    wlen = GetModuleFileNameW(NULL, wpath, MAX_PATH);
    ok(wlen == len, "GetModuleFileNameW length %lu, A length %lu\n", wlen, len);

    /* truncation (Vista+): returns the buffer size, NUL-terminates, ERROR_INSUFFICIENT_BUFFER */
    memset(small, 'x', sizeof(small));
    SetLastError(0xdeadbeef);
    r = GetModuleFileNameA(NULL, small, 5);
    ok(r == 5, "truncated GetModuleFileNameA: expected 5, got %lu\n", r);
    ok(GetLastError() == ERROR_INSUFFICIENT_BUFFER, "truncated: expected ERROR_INSUFFICIENT_BUFFER, got %lu\n", GetLastError());
    ok(small[4] == 0 && !memcmp(small, path, 4), "truncated: expected the first 4 characters and a NUL, got %s\n",
       wine_dbgstr_an(small, 5));
    ok(small[5] == 'x', "truncated: wrote past the buffer\n");

    SetLastError(0xdeadbeef);
    r = GetModuleFileNameA(NULL, path, len);  /* room for everything but the NUL: still truncated */
    ok(r == len && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "size == length: expected %lu/ERROR_INSUFFICIENT_BUFFER, got %lu/%lu\n",
       len, r, GetLastError());
    r = GetModuleFileNameA(NULL, path, len + 1);
    ok(r == len, "size == length + 1: expected %lu, got %lu\n", len, r);

    SetLastError(0xdeadbeef);
    r = GetModuleFileNameW(NULL, wsmall, 5);
    ok(r == 5 && wsmall[4] == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER,
       "truncated GetModuleFileNameW: expected 5/NUL/ERROR_INSUFFICIENT_BUFFER, got %lu/%u/%lu\n", r, wsmall[4], GetLastError());

    /* kernel32 lives in the system directory */
    r = GetSystemDirectoryA(sysdir, sizeof(sysdir));
    ok(r > 0 && r < sizeof(sysdir), "GetSystemDirectoryA failed\n");
    strcpy(expect, sysdir);
    strcat(expect, "\\kernel32.dll");
    r = GetModuleFileNameA(GetModuleHandleA("kernel32.dll"), path, sizeof(path));
    ok(r > 0 && !stricmp_a(path, expect), "kernel32 path: expected %s (any case), got %s\n", expect, wine_dbgstr_a(path));
    ok(!stricmp_a(sysdir, "C:\\windows\\system32"), "system directory: expected C:\\windows\\system32 (any case), got %s\n", sysdir);
    r = GetModuleFileNameA(GetModuleHandleA("msvcrt.dll"), path, sizeof(path));
    ok(r > 0 && ends_with_i(path, "\\system32\\msvcrt.dll"), "msvcrt path: got %s\n", wine_dbgstr_a(path));

    SetLastError(0xdeadbeef);
    r = GetModuleFileNameA((HMODULE)0x10000, path, sizeof(path));
    ok(r == 0, "GetModuleFileNameA of a bogus module returned %lu\n", r);
    ok(GetLastError() == ERROR_MOD_NOT_FOUND, "bogus module: expected ERROR_MOD_NOT_FOUND, got %lu\n", GetLastError());
}

static void test_LoadLibrary(void) {
    HMODULE h;
    SetLastError(0xdeadbeef);
    h = LoadLibraryA("winrun_no_such_library.dll");
    ok(h == NULL, "LoadLibraryA of a missing DLL returned %p\n", h);
    ok(GetLastError() == ERROR_MOD_NOT_FOUND, "missing DLL: expected ERROR_MOD_NOT_FOUND (126), got %lu\n", GetLastError());

    h = LoadLibraryA("KERNEL32");
    ok(h == GetModuleHandleA("kernel32.dll"), "LoadLibraryA(KERNEL32): expected %p, got %p\n", GetModuleHandleA("kernel32.dll"), h);
    ok(FreeLibrary(h), "FreeLibrary failed\n");
    ok(GetModuleHandleA("kernel32.dll") != NULL, "kernel32 went away after one FreeLibrary\n");
}

static void test_peb_lists(void) {
    char* p = peb();
    LDR_DATA* ldr = *(LDR_DATA**)(p + 0x18);
    LIST_ENTRY *head, *e;
    int n = 0, nmem = 0, ninit = 0, saw_k32 = 0, bad = 0;
    WCHAR exe_path[MAX_PATH];

    ok(ldr != NULL, "PEB.Ldr is NULL\n");
    if (!ldr) return;
    GetModuleFileNameW(NULL, exe_path, MAX_PATH);
    head = &ldr->InLoadOrderModuleList;
    for (e = head->Flink; e != head && n < 500; e = e->Flink, n++) {
        LDR_ENTRY* m = CONTAINING_RECORD(e, LDR_ENTRY, InLoadOrderLinks);
        WCHAR name[MAX_PATH];
        int len = m->BaseDllName.Length / 2;
        if (e->Flink->Blink != e) bad++;
        if (n == 0) {
            ok(m->DllBase == GetModuleHandleA(NULL), "first load-order entry %p is not the EXE %p\n", m->DllBase, GetModuleHandleA(NULL));
            ok(us_equals_i(&m->BaseDllName, L"module.exe"), "first entry BaseDllName %s\n", wine_dbgstr_wn(m->BaseDllName.Buffer, len));
            ok(us_equals_i(&m->FullDllName, exe_path), "first entry FullDllName %s, GetModuleFileNameW %s\n",
               wine_dbgstr_wn(m->FullDllName.Buffer, m->FullDllName.Length / 2), wine_dbgstr_w(exe_path));
        }
        if (n == 1) ok(us_equals_i(&m->BaseDllName, L"ntdll.dll"), "second load-order entry: expected ntdll.dll, got %s\n",
                       wine_dbgstr_wn(m->BaseDllName.Buffer, len));
        if (us_equals_i(&m->BaseDllName, L"kernel32.dll")) saw_k32 = 1;
        if (len > 0 && len < MAX_PATH) {
            memcpy(name, m->BaseDllName.Buffer, len * 2);
            name[len] = 0;
            ok(GetModuleHandleW(name) == (HMODULE)m->DllBase, "entry %s: DllBase %p, GetModuleHandleW %p\n", wine_dbgstr_w(name),
               m->DllBase, GetModuleHandleW(name));
            ok(m->SizeOfImage == nt_headers((HMODULE)m->DllBase)->OptionalHeader.SizeOfImage,
               "entry %s: SizeOfImage 0x%lx, PE header 0x%lx\n", wine_dbgstr_w(name), m->SizeOfImage,
               nt_headers((HMODULE)m->DllBase)->OptionalHeader.SizeOfImage);
        }
    }
    ok(e == head, "the load-order list does not come back to its head\n");
    ok(!bad, "%d load-order entries with a broken Blink\n", bad);
    ok(n >= 3, "only %d modules in the load-order list\n", n);
    ok(saw_k32, "kernel32.dll is not in the load-order list\n");

    head = &ldr->InMemoryOrderModuleList;
    for (e = head->Flink; e != head && nmem < 500; e = e->Flink, nmem++)
        if (nmem == 0)
            ok(CONTAINING_RECORD(e, LDR_ENTRY, InMemoryOrderLinks)->DllBase == GetModuleHandleA(NULL),
               "first memory-order entry is not the EXE\n");
    ok(nmem == n, "memory-order list has %d entries, load-order %d\n", nmem, n);

    head = &ldr->InInitializationOrderModuleList;
    for (e = head->Flink; e != head && ninit < 500; e = e->Flink, ninit++)
        ok(CONTAINING_RECORD(e, LDR_ENTRY, InInitializationOrderLinks)->DllBase != GetModuleHandleA(NULL),
           "the EXE is in the initialization-order list\n");
    ok(ninit == n - 1, "initialization-order list has %d entries, expected %d (all but the EXE)\n", ninit, n - 1);

    /* the process parameters */
    {
        char* params = *(char**)(p + 0x20);
        UNICODE_STRING* image = (UNICODE_STRING*)(params + 0x60);
        UNICODE_STRING* cmd = (UNICODE_STRING*)(params + 0x70);
        const WCHAR* cl = GetCommandLineW();
        ok(us_equals_i(image, exe_path), "ProcessParameters.ImagePathName %s, GetModuleFileNameW %s\n",
           wine_dbgstr_wn(image->Buffer, image->Length / 2), wine_dbgstr_w(exe_path));
        ok(cmd->Length == wcslen(cl) * 2 && !memcmp(cmd->Buffer, cl, cmd->Length),
           "ProcessParameters.CommandLine %s, GetCommandLineW %s\n", wine_dbgstr_wn(cmd->Buffer, cmd->Length / 2), wine_dbgstr_w(cl));
    }
}

START_TEST(module)
{
    test_GetModuleHandle();
    test_GetProcAddress();
    test_exports("kernel32.dll");
    test_exports("ntdll.dll");
    test_exports("msvcrt.dll");
    test_GetModuleFileName();
    test_LoadLibrary();
    test_peb_lists();
}
