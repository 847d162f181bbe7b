/* The own process seen through the process APIs csrssd backs: OpenProcess, GetExitCodeProcess,
 * GetProcessId, GetProcessTimes, Toolhelp snapshots of processes and threads. */
#include "ok.h"
#include <tlhelp32.h>

static DWORD WINAPI idle_thread(void *p) {
    WaitForSingleObject((HANDLE)p, 5000);
    return 0;
}

START_TEST(k32_process)
{
    DWORD pid = GetCurrentProcessId();
    ok(pid != 0 && pid % 4 == 0, "GetCurrentProcessId = %lu\n", pid);
    HANDLE self = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid);
    ok(self != NULL, "OpenProcess(own pid) failed, error %lu\n", GetLastError());
    DWORD code = 0;
    ok(GetExitCodeProcess(self, &code) && code == STILL_ACTIVE, "own exit code %lu\n", code);
    ok(GetExitCodeProcess(GetCurrentProcess(), &code) && code == STILL_ACTIVE, "pseudo-handle exit code %lu\n", code);
    ok(GetProcessId(self) == pid && GetProcessId(GetCurrentProcess()) == pid, "GetProcessId\n");
    ok(WaitForSingleObject(self, 0) == WAIT_TIMEOUT, "a running process is not signaled\n");

    FILETIME create, exitt, kernel, user, now;
    ok(GetProcessTimes(GetCurrentProcess(), &create, &exitt, &kernel, &user), "GetProcessTimes failed\n");
    GetSystemTimeAsFileTime(&now);
    ULONGLONG c = ((ULONGLONG)create.dwHighDateTime << 32) | create.dwLowDateTime;
    ULONGLONG n = ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
    ok(c <= n && n - c < 60ull * 10000000, "creation time %llu, now %llu\n", c, n);

    SetLastError(0xdeadbeef);
    ok(OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, 0x7FFFFFF0) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
       "OpenProcess of an unknown pid: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, 0) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
       "OpenProcess(0): error %lu\n", GetLastError());
    CloseHandle(self);

    HANDLE stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    DWORD tid = 0;
    HANDLE t = CreateThread(NULL, 0, idle_thread, stop, 0, &tid);

    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    ok(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot failed, error %lu\n", GetLastError());
    PROCESSENTRY32W pe = {sizeof pe};
    int found = 0;
    for (BOOL more = Process32FirstW(snap, &pe); more; more = Process32NextW(snap, &pe))
        if (pe.th32ProcessID == pid) {
            found = 1;
            ok(!_wcsicmp(pe.szExeFile, L"k32_process.exe"), "szExeFile = %ls\n", pe.szExeFile);
            ok(pe.cntThreads >= 2, "cntThreads = %lu, expected at least 2\n", pe.cntThreads);
        }
    ok(found, "own process not in the snapshot\n");
    ok(GetLastError() == ERROR_NO_MORE_FILES, "end of the process list: error %lu\n", GetLastError());
    THREADENTRY32 te = {sizeof te};
    int mine = 0, other = 0;
    for (BOOL more = Thread32First(snap, &te); more; more = Thread32Next(snap, &te)) {
        if (te.th32OwnerProcessID != pid) continue;
        if (te.th32ThreadID == GetCurrentThreadId()) mine = 1;
        if (te.th32ThreadID == tid) other = 1;
    }
    ok(mine && other, "threads in the snapshot: main %d, second %d\n", mine, other);
    pe.dwSize = 10;
    SetLastError(0xdeadbeef);
    ok(!Process32FirstW(snap, &pe) && GetLastError() == ERROR_BAD_LENGTH, "small dwSize: error %lu\n", GetLastError());
    CloseHandle(snap);

    SetEvent(stop);
    WaitForSingleObject(t, 5000);
    CloseHandle(t);
}
