/* tls.c: thread-local storage: TlsAlloc/TlsGetValue/TlsSetValue/TlsFree and the TEB slots behind
 * them, the image's static TLS block (the PE TLS directory, .tls data reached through
 * TEB.ThreadLocalStoragePointer[_tls_index]), TLS callbacks before main, and GCC's __thread
 * (emutls on mingw, built on TlsAlloc). */
#include "ok.h"

/* ---- a TLS callback, placed where mingw's TLS directory picks callbacks up (.CRT$XLA..XLZ) ---- */
static volatile int main_started;
static volatile int cb_attach_calls, cb_attach_before_main, cb_thread_attach, cb_thread_detach;
static volatile PVOID cb_module;
static volatile DWORD cb_thread_attach_tid;

static void NTAPI tls_callback(PVOID module, DWORD reason, PVOID reserved) {
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        cb_attach_calls++;
        if (!main_started) cb_attach_before_main = 1;
        cb_module = module;
        /* Loading a DLL from here (allocators do, to look for newer APIs) must not run this callback
         * again. */
        if (cb_attach_calls == 1) {
            LoadLibraryA("kernel32.dll");
            LoadLibraryA("no_such_dll_for_tls_test.dll");
        }
        break;
    case DLL_THREAD_ATTACH:
        cb_thread_attach++;
        cb_thread_attach_tid = GetCurrentThreadId();
        break;
    case DLL_THREAD_DETACH:
        cb_thread_detach++;
        break;
    }
}
__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK winrun_tls_callback_ptr = tls_callback;

/* ---- static TLS data in the image's .tls section (between mingw's _tls_start and _tls_end) ---- */
__attribute__((section(".tls$WINRUN"), used)) int static_tls_var = 0x12345678;

/* ---- GCC thread-locals ---- */
static __thread int thread_var = 5;
static __thread char thread_buf[64] = "initial";

/* The TEB through gs:0x30 (TEB.Self); mingw's NtCurrentTeb() trips a GCC 12 -Warray-bounds false positive. */
static char* teb(void) {
    char* p;
    __asm__("movq %%gs:0x30, %0" : "=r"(p));
    return p;
}

static IMAGE_TLS_DIRECTORY64* tls_directory(void) {
    char* base = (char*)GetModuleHandleA(NULL);
    IMAGE_NT_HEADERS64* nt = (IMAGE_NT_HEADERS64*)(base + ((IMAGE_DOS_HEADER*)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY* d = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_TLS];
    return d->VirtualAddress ? (IMAGE_TLS_DIRECTORY64*)(base + d->VirtualAddress) : NULL;
}

static void** teb_tls_pointer(void) {
    return *(void***)(teb() + 0x58);  /* TEB.ThreadLocalStoragePointer */
}

static void test_callbacks(void) {
    LoadLibraryA("advapi32.dll"); /* nor from main */
    ok(cb_attach_calls == 1, "TLS callback: expected 1 DLL_PROCESS_ATTACH call, got %d\n", cb_attach_calls);
    ok(cb_attach_before_main, "TLS callback: DLL_PROCESS_ATTACH did not come before main\n");
    ok(cb_module == (PVOID)GetModuleHandleA(NULL), "TLS callback: module %p, expected the EXE %p\n", cb_module,
       GetModuleHandleA(NULL));
}

static void test_static_tls(void) {
    IMAGE_TLS_DIRECTORY64* dir = tls_directory();
    void** slots = teb_tls_pointer();
    DWORD index;
    char* block;
    ok(dir != NULL, "the EXE has no TLS directory\n");
    ok(slots != NULL, "TEB.ThreadLocalStoragePointer is NULL\n");
    if (!dir || !slots) return;
    index = *(DWORD*)dir->AddressOfIndex;
    block = slots[index];
    ok(block != NULL, "no TLS block for index %lu\n", index);
    if (!block) return;
    ok(block != (char*)dir->StartAddressOfRawData, "the TLS block is the template itself, not a per-thread copy\n");
    {
        int* mine = (int*)(block + ((char*)&static_tls_var - (char*)dir->StartAddressOfRawData));
        ok((char*)&static_tls_var >= (char*)dir->StartAddressOfRawData && (char*)&static_tls_var < (char*)dir->EndAddressOfRawData,
           "static_tls_var %p is outside the TLS template [%p, %p)\n", &static_tls_var, (void*)dir->StartAddressOfRawData,
           (void*)dir->EndAddressOfRawData);
        ok(*mine == 0x12345678, "the thread's copy of static_tls_var: expected 0x12345678, got 0x%x\n", *mine);
        *mine = 77;
        ok(static_tls_var == 0x12345678, "writing the thread's copy changed the template\n");
    }
}

static void test_tls_api(void) {
    DWORD a, b, c, idx[80];
    int n, i, high = -1;
    void* v;

    a = TlsAlloc();
    ok(a != TLS_OUT_OF_INDEXES, "TlsAlloc failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    v = TlsGetValue(a);
    ok(v == NULL, "a new slot holds %p, expected NULL\n", v);
    ok(GetLastError() == ERROR_SUCCESS, "TlsGetValue must set the last error to 0 on success, got %lu\n", GetLastError());

    SetLastError(0xdeadbeef);
    ok(TlsSetValue(a, (void*)0x1234), "TlsSetValue failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    v = TlsGetValue(a);
    ok(v == (void*)0x1234, "TlsGetValue: expected 0x1234, got %p\n", v);
    ok(GetLastError() == ERROR_SUCCESS, "TlsGetValue: last error expected 0, got %lu\n", GetLastError());
    if (a < TLS_MINIMUM_AVAILABLE) {
        void** teb_slots = (void**)(teb() + 0x1480);  /* TEB.TlsSlots[64] */
        ok(teb_slots[a] == (void*)0x1234, "TEB.TlsSlots[%lu]: expected 0x1234, got %p\n", a, teb_slots[a]);
    }

    /* freed slots are reused lowest first and come back cleared */
    b = TlsAlloc();
    ok(b != TLS_OUT_OF_INDEXES && b != a, "second TlsAlloc: %lu\n", b);
    ok(TlsFree(a), "TlsFree failed: %lu\n", GetLastError());
    c = TlsAlloc();
    ok(c == a, "TlsAlloc after TlsFree(%lu): expected the freed index back, got %lu\n", a, c);
    ok(TlsGetValue(c) == NULL, "a reused slot is not cleared: %p\n", TlsGetValue(c));
    TlsFree(b);
    TlsFree(c);

    /* bad indexes */
    SetLastError(0xdeadbeef);
    v = TlsGetValue(1088);
    ok(v == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "TlsGetValue(1088): expected NULL/ERROR_INVALID_PARAMETER, got %p/%lu\n",
       v, GetLastError());
    SetLastError(0xdeadbeef);
    ok(!TlsSetValue(1088, (void*)1), "TlsSetValue(1088) succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "TlsSetValue(1088): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!TlsFree(1088), "TlsFree(1088) succeeded\n");
    ok(GetLastError() == ERROR_INVALID_PARAMETER, "TlsFree(1088): expected ERROR_INVALID_PARAMETER, got %lu\n", GetLastError());

    /* more than 64 slots: the expansion slots (TEB.TlsExpansionSlots) */
    for (n = 0; n < 80; n++) {
        idx[n] = TlsAlloc();
        if (idx[n] == TLS_OUT_OF_INDEXES) break;
        if (idx[n] >= TLS_MINIMUM_AVAILABLE && high < 0) high = n;
    }
    ok(n == 80, "TlsAlloc ran out after %d slots (%lu)\n", n, GetLastError());
    ok(high >= 0, "no index >= 64 after %d allocations\n", n);
    if (high >= 0) {
        void** exp;
        ok(TlsSetValue(idx[high], (void*)0x5678), "TlsSetValue(%lu) failed: %lu\n", idx[high], GetLastError());
        ok(TlsGetValue(idx[high]) == (void*)0x5678, "TlsGetValue(%lu): got %p\n", idx[high], TlsGetValue(idx[high]));
        exp = *(void***)(teb() + 0x1780);  /* TEB.TlsExpansionSlots */
        ok(exp != NULL, "TEB.TlsExpansionSlots is NULL after using index %lu\n", idx[high]);
        if (exp) ok(exp[idx[high] - 64] == (void*)0x5678, "TlsExpansionSlots[%lu]: got %p\n", idx[high] - 64, exp[idx[high] - 64]);
    }
    for (i = 0; i < n; i++) TlsFree(idx[i]);
}

static DWORD tls_index_for_thread;
static volatile int thread_saw_var, thread_saw_slot_null, thread_saw_buf_ok;
static volatile int thread_static_ok;

static DWORD WINAPI thread_proc(void* arg) {
    IMAGE_TLS_DIRECTORY64* dir = tls_directory();
    thread_saw_var = thread_var;
    thread_var = 99;
    thread_saw_buf_ok = !strcmp(thread_buf, "initial");
    thread_saw_slot_null = TlsGetValue(tls_index_for_thread) == NULL;
    TlsSetValue(tls_index_for_thread, (void*)0x77);
    if (dir && teb_tls_pointer()) {
        char* block = teb_tls_pointer()[*(DWORD*)dir->AddressOfIndex];
        int* mine = block ? (int*)(block + ((char*)&static_tls_var - (char*)dir->StartAddressOfRawData)) : NULL;
        thread_static_ok = mine && *mine == 0x12345678;  /* a fresh copy of the template, not the main thread's 77 */
    }
    return 7;
}

static void test_threads(void) {
    HANDLE (WINAPI * pCreateThread)(LPSECURITY_ATTRIBUTES, SIZE_T, LPTHREAD_START_ROUTINE, LPVOID, DWORD, LPDWORD) =
        (void*)GetProcAddress(GetModuleHandleA("kernel32.dll"), "CreateThread");
    BOOL (WINAPI * pGetExitCodeThread)(HANDLE, LPDWORD) =
        (void*)GetProcAddress(GetModuleHandleA("kernel32.dll"), "GetExitCodeThread");
    HANDLE h;
    DWORD tid = 0, code = 0;

    ok(thread_var == 5, "__thread int: expected the initial 5, got %d\n", thread_var);
    ok(!strcmp(thread_buf, "initial"), "__thread char[]: expected \"initial\", got %s\n", wine_dbgstr_a(thread_buf));
    thread_var = 6;
    strcpy(thread_buf, "main");

    ok(pCreateThread != NULL, "kernel32.dll does not export CreateThread\n");
    if (!pCreateThread) return;
    tls_index_for_thread = TlsAlloc();
    TlsSetValue(tls_index_for_thread, (void*)0x66);
    h = pCreateThread(NULL, 0, thread_proc, NULL, 0, &tid);
    ok(h != NULL, "CreateThread failed: %lu\n", GetLastError());
    if (!h) return;
    ok(WaitForSingleObject(h, 5000) == WAIT_OBJECT_0, "the thread did not finish\n");
    if (pGetExitCodeThread) ok(pGetExitCodeThread(h, &code) && code == 7, "thread exit code: expected 7, got %lu\n", code);
    CloseHandle(h);

    ok(thread_saw_var == 5, "__thread in a new thread: expected the initial 5, got %d\n", thread_saw_var);
    ok(thread_saw_buf_ok, "__thread char[] in a new thread did not start as \"initial\"\n");
    ok(thread_var == 6, "the new thread's write changed the main thread's __thread variable (%d)\n", thread_var);
    ok(thread_saw_slot_null, "a TLS slot in a new thread does not start NULL\n");
    ok(TlsGetValue(tls_index_for_thread) == (void*)0x66, "the new thread's TlsSetValue changed the main thread's slot\n");
    ok(thread_static_ok, "the new thread's static TLS block is not a fresh copy of the template\n");
    ok(cb_thread_attach == 1, "TLS callback: expected 1 DLL_THREAD_ATTACH, got %d\n", cb_thread_attach);
    ok(cb_thread_attach_tid == tid, "DLL_THREAD_ATTACH ran on thread %lu, expected the new thread %lu\n", cb_thread_attach_tid, tid);
    ok(cb_thread_detach == 1, "TLS callback: expected 1 DLL_THREAD_DETACH, got %d\n", cb_thread_detach);
    TlsFree(tls_index_for_thread);
}

START_TEST(tls)
{
    main_started = 1;
    test_callbacks();
    test_static_tls();
    test_tls_api();
    test_threads();
}
