/* The small kernel32 functions without a test of their own: start-up info, std handles, debugger
 * queries, thread priorities, spin counts, heap locks, processor features, local file times, and
 * TerminateProcess of the own process (run in a child). */
#include "ok.h"

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "terminate")) {
        TerminateProcess(GetCurrentProcess(), 0xE0001234);
        return 1; /* not reached */
    }
    winetest_init("k32_misc", argc, argv);

    STARTUPINFOW si;
    memset(&si, 0xcc, sizeof si);
    GetStartupInfoW(&si);
    ok(si.cb == sizeof si && !(si.dwFlags & STARTF_USESTDHANDLES), "GetStartupInfoW: cb %lu flags %lx\n", si.cb, si.dwFlags);
    STARTUPINFOA sa;
    GetStartupInfoA(&sa);
    ok(sa.cb == sizeof sa, "GetStartupInfoA: cb %lu\n", sa.cb);

    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE), e = CreateEventA(NULL, FALSE, FALSE, NULL);
    ok(SetStdHandle(STD_OUTPUT_HANDLE, e) && GetStdHandle(STD_OUTPUT_HANDLE) == e, "SetStdHandle did not take\n");
    ok(SetStdHandle(STD_OUTPUT_HANDLE, out) && GetStdHandle(STD_OUTPUT_HANDLE) == out, "restoring stdout failed\n");
    SetLastError(0xdeadbeef);
    ok(GetStdHandle(12345) == INVALID_HANDLE_VALUE && GetLastError() == ERROR_INVALID_HANDLE, "bad std handle id: %lu\n",
       GetLastError());
    CloseHandle(e);

    ok(!IsDebuggerPresent(), "IsDebuggerPresent\n");
    OutputDebugStringA("k32_misc: OutputDebugStringA\n");
    OutputDebugStringW(L"k32_misc: OutputDebugStringW\n");
    ok(DisableThreadLibraryCalls(GetModuleHandleA(NULL)), "DisableThreadLibraryCalls\n");

    SwitchToThread();
    ok(GetThreadPriority(GetCurrentThread()) == THREAD_PRIORITY_NORMAL, "GetThreadPriority %d\n",
       GetThreadPriority(GetCurrentThread()));
    ok(SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL), "SetThreadPriority(BELOW_NORMAL)\n");
    SetLastError(0xdeadbeef);
    ok(!SetThreadPriority(GetCurrentThread(), 7) && GetLastError() == ERROR_INVALID_PARAMETER,
       "SetThreadPriority(7): error %lu\n", GetLastError());

    CRITICAL_SECTION cs;
    ok(InitializeCriticalSectionAndSpinCount(&cs, 4000), "InitializeCriticalSectionAndSpinCount\n");
    ok(SetCriticalSectionSpinCount(&cs, 100) == 4000, "SetCriticalSectionSpinCount returns the old count\n");
    DeleteCriticalSection(&cs);

    HANDLE h = HeapCreate(0, 0, 0);
    ok(HeapLock(h) && HeapUnlock(h), "HeapLock/HeapUnlock\n");
    ok(HeapValidate(h, 0, NULL), "HeapValidate\n");
    HeapDestroy(h);

    ok(IsProcessorFeaturePresent(PF_XMMI64_INSTRUCTIONS_AVAILABLE), "SSE2 is always there on x64\n");
    ok(IsProcessorFeaturePresent(PF_NX_ENABLED), "NX\n");

    ULONGLONG t1 = GetTickCount64();
    Sleep(20);
    ULONGLONG t2 = GetTickCount64();
    ok(t2 >= t1 + 15 && t2 < t1 + 2000, "GetTickCount64 advanced %llu ms over a 20 ms sleep\n", t2 - t1);

    FILETIME utc, local, back;
    GetSystemTimeAsFileTime(&utc);
    ok(FileTimeToLocalFileTime(&utc, &local) && LocalFileTimeToFileTime(&local, &back), "local file time conversions\n");
    ok(back.dwLowDateTime == utc.dwLowDateTime && back.dwHighDateTime == utc.dwHighDateTime, "UTC -> local -> UTC\n");

    /* TerminateProcess of the own process: the full code arrives at the parent. */
    char self[MAX_PATH], cmd[MAX_PATH + 32];
    GetModuleFileNameA(NULL, self, sizeof self);
    snprintf(cmd, sizeof cmd, "\"%s\" terminate", self);
    STARTUPINFOA csi = {sizeof csi};
    PROCESS_INFORMATION pi;
    DWORD code = 0;
    ok(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &csi, &pi), "CreateProcess failed %lu\n", GetLastError());
    WaitForSingleObject(pi.hProcess, 10000);
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0xE0001234, "TerminateProcess(self) exit code %lx\n", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return winetest_done();
}
