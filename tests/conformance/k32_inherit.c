/* bInheritHandles: inheritable file and pipe handles and a named event reach the child at the same
 * handle values; non-inheritable ones do not; with bInheritHandles FALSE nothing does. The file
 * handle shares its position with the parent's. The program starts itself as the child. */
#include "ok.h"

static char self[MAX_PATH];

static int child(char **argv) {
    HANDLE file = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 16);
    HANDLE pipe_w = (HANDLE)(ULONG_PTR)strtoull(argv[3], NULL, 16);
    HANDLE ev = (HANDLE)(ULONG_PTR)strtoull(argv[4], NULL, 16);
    HANDLE private_h = (HANDLE)(ULONG_PTR)strtoull(argv[5], NULL, 16);
    int expect = atoi(argv[6]);
    int bad = 0;
    DWORD n, flags;
    if (expect) {
        if (!WriteFile(file, "child", 5, &n, NULL) || n != 5) bad |= 1;
        if (!WriteFile(pipe_w, "through the pipe", 16, &n, NULL)) bad |= 2;
        if (!SetEvent(ev)) bad |= 4;
        if (!GetHandleInformation(file, &flags) || !(flags & HANDLE_FLAG_INHERIT)) bad |= 8;
    } else {
        if (WriteFile(file, "child", 5, &n, NULL)) bad |= 16;
        if (SetEvent(ev)) bad |= 32;
    }
    if (GetHandleInformation(private_h, &flags)) bad |= 64;
    return bad;
}

static DWORD run(HANDLE file, HANDLE pipe_w, HANDLE ev, HANDLE private_h, BOOL inherit) {
    char cmd[MAX_PATH + 128];
    snprintf(cmd, sizeof cmd, "\"%s\" child %p %p %p %p %d", self, file, pipe_w, ev, private_h, inherit);
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, inherit, 0, NULL, NULL, &si, &pi)) return 1000 + GetLastError();
    WaitForSingleObject(pi.hProcess, 20000);
    DWORD code = 999;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

int main(int argc, char **argv) {
    if (argc > 6 && !strcmp(argv[1], "child")) return child(argv);
    winetest_init("k32_inherit", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);
    char path[MAX_PATH], dir[MAX_PATH], name[64];
    GetTempPathA(sizeof dir, dir);
    snprintf(path, sizeof path, "%swr_inherit_%lu.txt", dir, GetCurrentProcessId());
    snprintf(name, sizeof name, "wr_inherit_ev_%lu", GetCurrentProcessId());
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

    HANDLE private_h = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "CreateFile failed %lu\n", GetLastError());
    HANDLE rd, wr;
    ok(CreatePipe(&rd, &wr, &sa, 0), "CreatePipe failed %lu\n", GetLastError());
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);  /* the child must not hold the read end */
    HANDLE ev = CreateEventA(&sa, TRUE, FALSE, name);
    ok(ev != NULL, "CreateEvent failed %lu\n", GetLastError());
    DWORD n;
    ok(WriteFile(file, "parent-", 7, &n, NULL), "WriteFile failed\n");

    DWORD code = run(file, wr, ev, private_h, TRUE);
    ok(code == 0, "inheriting child failed: %#lx\n", code);
    CloseHandle(wr);
    char buf[64] = {0};
    ok(ReadFile(rd, buf, sizeof buf - 1, &n, NULL) && n == 16 && !memcmp(buf, "through the pipe", 16),
       "pipe: %lu bytes [%s]\n", n, buf);
    ok(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0, "the child did not set the inherited event\n");
    /* One file object, one position: the child's write came after ours. */
    LARGE_INTEGER pos = {0}, at;
    ok(SetFilePointerEx(file, pos, &at, FILE_CURRENT) && at.QuadPart == 12, "position after the child: %lld\n",
       at.QuadPart);
    SetFilePointer(file, 0, NULL, FILE_BEGIN);
    memset(buf, 0, sizeof buf);
    ok(ReadFile(file, buf, sizeof buf - 1, &n, NULL) && !strcmp(buf, "parent-child"), "file: [%s]\n", buf);
    CloseHandle(rd);

    /* bInheritHandles FALSE: nothing passes. */
    ResetEvent(ev);
    code = run(file, file, ev, private_h, FALSE);
    ok(code == 0, "non-inheriting child failed: %#lx\n", code);
    ok(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT, "event set without inheritance\n");

    CloseHandle(file);
    CloseHandle(ev);
    CloseHandle(private_h);
    DeleteFileA(path);
    return winetest_done();
}
