/* k32_fls_slist.c: fiber local storage with callbacks (thread exit, FlsFree), interlocked SLists
 * (LIFO order, depth, flush, concurrent push/pop), lstr* functions, processor numbers,
 * SetThreadStackGuarantee, FlushProcessWriteBuffers, and ntdll's RtlNtStatusToDosError. */
#include "ok.h"

static DWORD fls_index;
static LONG callback_calls;
static void* last_callback_value;

static void WINAPI fls_callback(void* v) {
    InterlockedIncrement(&callback_calls);
    last_callback_value = v;
}

static DWORD WINAPI fls_thread(void* arg) {
    ok(FlsGetValue(fls_index) == NULL, "a new thread sees a value\n");
    ok(FlsSetValue(fls_index, arg), "FlsSetValue in a thread failed: %lu\n", GetLastError());
    ok(FlsGetValue(fls_index) == arg, "FlsGetValue in the thread\n");
    return 0;
}

typedef struct {
    SLIST_ENTRY entry;
    int value;
} Item;

static SLIST_HEADER shared_list;
static DWORD WINAPI slist_worker(void* arg) {
    int i;
    Item* items = (Item*)arg;
    for (i = 0; i < 5000; i++) {
        InterlockedPushEntrySList(&shared_list, &items[i].entry);
        if (i % 2) {
            PSLIST_ENTRY e = InterlockedPopEntrySList(&shared_list);
            if (e) InterlockedPushEntrySList(&shared_list, e);
        }
    }
    return 0;
}

START_TEST(k32_fls_slist)
{
    HANDLE t, threads[4];
    int i, n;
    char buf[8];
    WCHAR wbuf[8];
    ULONG guarantee;
    SLIST_HEADER list;
    Item items[3], *it;
    static Item many[4][5000];
    ULONG(WINAPI * pRtlNtStatusToDosError)(LONG);

    /* FLS */
    fls_index = FlsAlloc(fls_callback);
    ok(fls_index != FLS_OUT_OF_INDEXES, "FlsAlloc failed: %lu\n", GetLastError());
    ok(FlsGetValue(fls_index) == NULL, "a fresh slot has a value\n");
    t = CreateThread(NULL, 0, fls_thread, (void*)0x1234, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    ok(callback_calls == 1 && last_callback_value == (void*)0x1234, "thread exit: callback calls %ld value %p\n",
       callback_calls, last_callback_value);
    ok(FlsSetValue(fls_index, (void*)0x5678), "FlsSetValue failed: %lu\n", GetLastError());
    ok(FlsFree(fls_index), "FlsFree failed: %lu\n", GetLastError());
    ok(callback_calls == 2 && last_callback_value == (void*)0x5678, "FlsFree: callback calls %ld value %p\n",
       callback_calls, last_callback_value);
    SetLastError(0xdeadbeef);
    ok(!FlsSetValue(fls_index, (void*)1) && GetLastError() == ERROR_INVALID_PARAMETER, "FlsSetValue of a freed slot: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(FlsGetValue(12345) == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "FlsGetValue of a bad slot: %lu\n",
       GetLastError());
    ok(!IsThreadAFiber(), "the main thread is a fiber\n");

    /* SList */
    InitializeSListHead(&list);
    ok(QueryDepthSList(&list) == 0 && InterlockedPopEntrySList(&list) == NULL, "empty list\n");
    for (i = 0; i < 3; i++) {
        items[i].value = i;
        InterlockedPushEntrySList(&list, &items[i].entry);
    }
    ok(QueryDepthSList(&list) == 3, "depth %u\n", QueryDepthSList(&list));
    {
        PSLIST_ENTRY(WINAPI * pRtlFirstEntrySList)(const SLIST_HEADER*) =
            (void*)GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlFirstEntrySList");
        ok(pRtlFirstEntrySList && pRtlFirstEntrySList(&list) == &items[2].entry, "RtlFirstEntrySList\n");
    }
    it = (Item*)InterlockedPopEntrySList(&list);
    ok(it && it->value == 2, "LIFO: popped %d\n", it ? it->value : -1);
    it = (Item*)InterlockedFlushSList(&list);
    ok(it && it->value == 1 && ((Item*)it->entry.Next)->value == 0, "flush returns the chain\n");
    ok(QueryDepthSList(&list) == 0 && InterlockedPopEntrySList(&list) == NULL, "flushed list is empty\n");

    InitializeSListHead(&shared_list);
    for (i = 0; i < 4; i++) threads[i] = CreateThread(NULL, 0, slist_worker, many[i], 0, NULL);
    WaitForMultipleObjects(4, threads, TRUE, INFINITE);
    for (i = 0; i < 4; i++) CloseHandle(threads[i]);
    ok(QueryDepthSList(&shared_list) == 20000, "concurrent pushes: depth %u, expected 20000\n", QueryDepthSList(&shared_list));
    for (n = 0; InterlockedPopEntrySList(&shared_list); n++)
        ;
    ok(n == 20000, "popped %d entries\n", n);

    /* lstr* */
    ok(lstrlenA(NULL) == 0 && lstrlenW(NULL) == 0 && lstrlenA("abc") == 3 && lstrlenW(L"abcd") == 4, "lstrlen\n");
    lstrcpynA(buf, "abcdefgh", 4);
    ok(!strcmp(buf, "abc"), "lstrcpynA: %s\n", buf);
    lstrcpynW(wbuf, L"abcdefgh", 3);
    ok(!wcscmp(wbuf, L"ab"), "lstrcpynW\n");
    lstrcpyA(buf, "ab");
    lstrcatA(buf, "cd");
    ok(!strcmp(buf, "abcd"), "lstrcatA: %s\n", buf);
    lstrcpyW(wbuf, L"ab");
    lstrcatW(wbuf, L"cd");
    ok(!wcscmp(wbuf, L"abcd"), "lstrcpyW/lstrcatW\n");

    /* processors, barriers, stack guarantee */
    {
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        ok(GetCurrentProcessorNumber() < si.dwNumberOfProcessors, "processor %lu of %lu\n", GetCurrentProcessorNumber(),
           si.dwNumberOfProcessors);
    }
    {
        PROCESSOR_NUMBER pn;
        GetCurrentProcessorNumberEx(&pn);
        ok(pn.Group == 0 && pn.Number < 64, "GetCurrentProcessorNumberEx: group %u number %u\n", pn.Group, pn.Number);
    }
    FlushProcessWriteBuffers();
    guarantee = 0x5000;
    ok(SetThreadStackGuarantee(&guarantee), "SetThreadStackGuarantee failed: %lu\n", GetLastError());
    ok(guarantee < 0x5000, "previous guarantee %#lx\n", guarantee);
    guarantee = 0x1000;
    ok(SetThreadStackGuarantee(&guarantee) && guarantee == 0x5000, "second call returns the previous value %#lx\n", guarantee);

    /* ntdll */
    pRtlNtStatusToDosError = (void*)GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlNtStatusToDosError");
    ok(pRtlNtStatusToDosError != NULL, "RtlNtStatusToDosError missing\n");
    if (pRtlNtStatusToDosError) {
        ok(pRtlNtStatusToDosError(0) == 0, "STATUS_SUCCESS\n");
        ok(pRtlNtStatusToDosError((LONG)0xC0000022) == ERROR_ACCESS_DENIED, "STATUS_ACCESS_DENIED\n");
        ok(pRtlNtStatusToDosError((LONG)0xC0000034) == ERROR_FILE_NOT_FOUND, "STATUS_OBJECT_NAME_NOT_FOUND\n");
        ok(pRtlNtStatusToDosError((LONG)0xC0000043) == ERROR_SHARING_VIOLATION, "STATUS_SHARING_VIOLATION\n");
        ok(pRtlNtStatusToDosError((LONG)0x80070005) == ERROR_ACCESS_DENIED, "HRESULT_FROM_WIN32 unwraps\n");
        ok(pRtlNtStatusToDosError((LONG)0xC0FFEE01) == ERROR_MR_MID_NOT_FOUND, "unknown status: %lu\n",
           pRtlNtStatusToDosError((LONG)0xC0FFEE01));
    }
}
