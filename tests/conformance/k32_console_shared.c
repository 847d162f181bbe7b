/* Consoles shared between processes (csrssd allocates them): a child inherits its parent's console
 * and writes to it, the parent reads the cells back; GetConsoleProcessList counts both;
 * AttachConsole(ATTACH_PARENT_PROCESS) in a DETACHED_PROCESS child; CREATE_NEW_CONSOLE gives another
 * console; GenerateConsoleCtrlEvent reaches a child of our group, not one of CREATE_NEW_PROCESS_GROUP.
 * The program starts itself in child modes. */
#include "ok.h"

static char self[MAX_PATH];

static HANDLE start(const char *args, DWORD flags, DWORD *pid) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, args);
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, flags, NULL, NULL, &si, &pi)) return NULL;
    CloseHandle(pi.hThread);
    if (pid) *pid = pi.dwProcessId;
    return pi.hProcess;
}

static DWORD finish(HANDLE p) {
    DWORD code = 0xdead;
    ok(WaitForSingleObject(p, 20000) == WAIT_OBJECT_0, "child did not end\n");
    GetExitCodeProcess(p, &code);
    CloseHandle(p);
    return code;
}

static volatile LONG got_ctrl = -1;
static BOOL WINAPI handler(DWORD ev) { InterlockedExchange(&got_ctrl, (LONG)ev); return TRUE; }

static int child(char **argv) {
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode, n;
    if (!strcmp(argv[2], "write")) {
        if (!GetConsoleMode(out, &mode)) return 10;  /* not a console handle: not inherited */
        static const WCHAR text[] = L"from the child";
        if (!WriteConsoleW(out, text, 14, &n, NULL)) return 11;
        DWORD pids[16];
        return (int)GetConsoleProcessList(pids, 16);  /* both of us */
    }
    if (!strcmp(argv[2], "detached")) {
        if (GetConsoleMode(out, &mode)) return 20;  /* DETACHED_PROCESS: no console */
        DWORD pids[16];
        if (GetConsoleProcessList(pids, 16)) return 21;
        if (!AttachConsole(ATTACH_PARENT_PROCESS)) return 22;
        HANDLE con = CreateFileA("CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
        if (con == INVALID_HANDLE_VALUE) return 23;
        COORD at = {0, 5};
        if (!WriteConsoleOutputCharacterA(con, "attached", 8, at, &n)) return 24;
        if (AttachConsole(ATTACH_PARENT_PROCESS) || GetLastError() != ERROR_ACCESS_DENIED) return 25;
        FreeConsole();
        return 0;
    }
    if (!strcmp(argv[2], "newconsole")) {
        DWORD pids[16];
        return (int)GetConsoleProcessList(pids, 16);  /* alone on its console */
    }
    if (!strcmp(argv[2], "ctrl")) {
        SetConsoleCtrlHandler(handler, TRUE);
        printf("ready\n");
        for (int i = 0; i < 400 && got_ctrl < 0; i++) Sleep(10);
        return got_ctrl < 0 ? 100 : (int)got_ctrl;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "child")) return child(argv);
    winetest_init("k32_console_shared", argc, argv);
    GetModuleFileNameA(NULL, self, sizeof self);

    /* A console of our own (headless: the test runs redirected), written by a child. */
    FreeConsole();
    ok(AllocConsole(), "AllocConsole: %lu\n", GetLastError());
    HANDLE out = CreateFileA("CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(out != INVALID_HANDLE_VALUE, "CONOUT$: %lu\n", GetLastError());
    SetStdHandle(STD_OUTPUT_HANDLE, out);
    COORD home = {0, 0};
    SetConsoleCursorPosition(out, home);
    DWORD pids[16];
    ok(GetConsoleProcessList(pids, 16) == 1 && pids[0] == GetCurrentProcessId(), "alone on the console\n");

    HANDLE p = start("child write", 0, NULL);
    ok(p != NULL, "CreateProcess: %lu\n", GetLastError());
    if (p) {
        DWORD code = finish(p);
        ok(code == 2, "the child saw %lu process(es) on the console (or failed: %lu)\n", code, code);
        char cells[32] = {0};
        DWORD n = 0;
        ok(ReadConsoleOutputCharacterA(out, cells, 14, home, &n) && n == 14, "ReadConsoleOutputCharacter: %lu\n", GetLastError());
        ok(!memcmp(cells, "from the child", 14), "the child's output is on our console: '%s'\n", cells);
    }

    /* DETACHED_PROCESS: no console, until AttachConsole(ATTACH_PARENT_PROCESS). */
    p = start("child detached", DETACHED_PROCESS, NULL);
    ok(p != NULL, "CreateProcess(DETACHED_PROCESS): %lu\n", GetLastError());
    if (p) {
        DWORD code = finish(p);
        ok(code == 0, "detached child: %lu\n", code);
        char cells[16] = {0};
        COORD at = {0, 5};
        DWORD n = 0;
        ReadConsoleOutputCharacterA(out, cells, 8, at, &n);
        ok(!memcmp(cells, "attached", 8), "the attached child's cells: '%s'\n", cells);
    }

    /* CREATE_NEW_CONSOLE: a console of its own. */
    p = start("child newconsole", CREATE_NEW_CONSOLE, NULL);
    ok(p != NULL, "CreateProcess(CREATE_NEW_CONSOLE): %lu\n", GetLastError());
    if (p) ok(finish(p) == 1, "the new console has one process\n");
    ok(GetConsoleProcessList(pids, 16) == 1, "we are alone again\n");

    /* Control events across processes: our group reaches a normal child, not a new group's. */
    SetConsoleCtrlHandler(NULL, TRUE);  /* we ignore the Ctrl+C we send */
    SetConsoleCtrlHandler(NULL, FALSE);
    SetConsoleCtrlHandler(handler, TRUE);
    DWORD gpid = 0, npid = 0;
    HANDLE same = start("child ctrl", 0, &gpid);
    HANDLE group = start("child ctrl", CREATE_NEW_PROCESS_GROUP, &npid);
    ok(same && group, "CreateProcess: %lu\n", GetLastError());
    for (int i = 0; i < 300 && GetConsoleProcessList(pids, 16) < 3; i++) Sleep(10);
    ok(GetConsoleProcessList(pids, 16) == 3, "three processes on the console\n");
    ok(GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0), "GenerateConsoleCtrlEvent: %lu\n", GetLastError());
    if (same) ok(finish(same) == CTRL_C_EVENT, "the child of our group got Ctrl+C\n");
    ok(GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, npid), "GenerateConsoleCtrlEvent(group): %lu\n", GetLastError());
    if (group) ok(finish(group) == CTRL_BREAK_EVENT, "the new group ignored Ctrl+C and got Ctrl+Break\n");
    for (int i = 0; i < 200 && got_ctrl < 0; i++) Sleep(10);
    ok(got_ctrl == CTRL_C_EVENT, "we got our own Ctrl+C: %ld\n", got_ctrl);
    return winetest_done();
}
