/* CreateProcess with CREATE_SUSPENDED: the child runs nothing until ResumeThread on hThread; hThread
 * and dwThreadId are its main thread; suspend counts on it. TerminateProcess of a suspended and of a
 * running child with full 32-bit exit codes; of an ended one (ERROR_ACCESS_DENIED). The program
 * starts itself as the child. */
#include "ok.h"

static char self[MAX_PATH], mark[MAX_PATH];

static BOOL start(const char *mode, DWORD flags, PROCESS_INFORMATION *pi) {
    char cmd[2 * MAX_PATH + 64];
    snprintf(cmd, sizeof cmd, "\"%s\" child %s \"%s\"", self, mode, mark);
    STARTUPINFOA si = {sizeof si};
    return CreateProcessA(NULL, cmd, NULL, NULL, FALSE, flags, NULL, NULL, &si, pi);
}

static BOOL exists(const char *p) { return GetFileAttributesA(p) != INVALID_FILE_ATTRIBUTES; }

int main(int argc, char **argv) {
    if (argc > 3 && !strcmp(argv[1], "child")) {
        HANDLE f = CreateFileA(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
        CloseHandle(f);
        if (!strcmp(argv[2], "sleep")) Sleep(20000);
        return 5;
    }
    winetest_init("k32_create_suspended", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);
    char dir[MAX_PATH];
    GetTempPathA(sizeof dir, dir);
    snprintf(mark, sizeof mark, "%swr_suspended_%lu.txt", dir, GetCurrentProcessId());
    DeleteFileA(mark);
    PROCESS_INFORMATION pi;
    DWORD code;

    ok(start("mark", CREATE_SUSPENDED, &pi), "CreateProcess(CREATE_SUSPENDED) failed %lu\n", GetLastError());
    ok(pi.dwThreadId != 0 && pi.dwThreadId != pi.dwProcessId, "thread id %lu, process id %lu\n", pi.dwThreadId,
       pi.dwProcessId);
    ok(GetThreadId(pi.hThread) == pi.dwThreadId, "GetThreadId %lu\n", GetThreadId(pi.hThread));
    ok(GetProcessIdOfThread(pi.hThread) == pi.dwProcessId, "GetProcessIdOfThread %lu\n", GetProcessIdOfThread(pi.hThread));
    Sleep(300);
    ok(!exists(mark), "the suspended child ran\n");
    ok(WaitForSingleObject(pi.hProcess, 0) == WAIT_TIMEOUT, "suspended child is signaled\n");
    GetExitCodeThread(pi.hThread, &code);
    ok(code == STILL_ACTIVE, "suspended thread's exit code %lu\n", code);
    ok(SuspendThread(pi.hThread) == 1, "SuspendThread of the suspended main thread\n");
    ok(ResumeThread(pi.hThread) == 2, "ResumeThread from 2\n");
    Sleep(100);
    ok(!exists(mark), "the child ran with a suspend count of 1\n");
    ok(ResumeThread(pi.hThread) == 1, "ResumeThread from 1\n");
    ok(WaitForSingleObject(pi.hProcess, 20000) == WAIT_OBJECT_0, "resumed child did not end\n");
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 5, "child exit code %lu\n", code);
    ok(exists(mark), "the resumed child did not run\n");
    ok(WaitForSingleObject(pi.hThread, 0) == WAIT_OBJECT_0, "main thread handle not signaled\n");
    SetLastError(0xdeadbeef);
    ok(!TerminateProcess(pi.hProcess, 1) && GetLastError() == ERROR_ACCESS_DENIED,
       "TerminateProcess of an ended process: error %lu\n", GetLastError());
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    DeleteFileA(mark);

    /* Terminated while suspended: never runs, exit code as given. */
    ok(start("mark", CREATE_SUSPENDED, &pi), "CreateProcess(CREATE_SUSPENDED) failed %lu\n", GetLastError());
    ok(TerminateProcess(pi.hProcess, 0xC0DE1234), "TerminateProcess failed %lu\n", GetLastError());
    ok(WaitForSingleObject(pi.hProcess, 10000) == WAIT_OBJECT_0, "terminated child still runs\n");
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0xC0DE1234, "terminated suspended child: exit code %#lx\n", code);
    ok(!exists(mark), "the terminated suspended child ran\n");
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    /* Terminated while running. */
    ok(start("sleep", 0, &pi), "CreateProcess failed %lu\n", GetLastError());
    for (int i = 0; i < 200 && !exists(mark); i++) Sleep(50);
    ok(exists(mark), "the child did not start\n");
    ok(TerminateProcess(pi.hProcess, 0xFEDCBA98), "TerminateProcess failed %lu\n", GetLastError());
    ok(WaitForSingleObject(pi.hThread, 10000) == WAIT_OBJECT_0, "terminated child's thread still runs\n");
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0xFEDCBA98, "terminated child: exit code %#lx\n", code);
    GetExitCodeThread(pi.hThread, &code);
    ok(code == 0xFEDCBA98, "terminated child's thread: exit code %#lx\n", code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    DeleteFileA(mark);
    return winetest_done();
}
