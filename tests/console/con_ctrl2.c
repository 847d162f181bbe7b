// Ctrl+C typed at the terminal reaches every process of the console's group: this program starts
// itself as a child on the same console (same process group), both register a handler, and each
// handler says so. The parent waits for the child, then for its own handler, and exits.
#include <stdio.h>
#include <string.h>
#include <windows.h>

static volatile LONG got;
static const char* who = "parent";

static void say(const char* s) {
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)strlen(s), &n, NULL);
}

static BOOL WINAPI handler(DWORD ev) {
    if (ev != CTRL_C_EVENT) return FALSE;
    char line[64];
    snprintf(line, sizeof line, "[%s ctrl-c]\r\n", who);
    say(line);
    InterlockedExchange(&got, 1);
    return TRUE;
}

int main(int argc, char** argv) {
    if (argc > 1 && !strcmp(argv[1], "child")) who = "child";
    SetConsoleCtrlHandler(handler, TRUE);
    if (argc > 1) {
        say("child ready\r\n");
        while (!got) Sleep(10);
        return 0;
    }
    char self[MAX_PATH], cmd[MAX_PATH + 16];
    GetModuleFileNameA(NULL, self, MAX_PATH);
    snprintf(cmd, sizeof cmd, "\"%s\" child", self);
    STARTUPINFOA si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        say("CreateProcess failed\r\n");
        return 1;
    }
    WaitForSingleObject(pi.hProcess, 30000);
    while (!got) Sleep(10);
    say("both handled\r\n");
    return 0;
}
