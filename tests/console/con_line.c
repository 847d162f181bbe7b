// A line-oriented console program for the tmux test: prompts, reads lines with ReadConsole
// (cooked: echo and editing by conhost), echoes them; Ctrl+C runs a handler; "quit" ends.
#include <stdio.h>
#include <string.h>
#include <windows.h>

static HANDLE out;

static void say(const char* s) {
    DWORD n;
    WriteConsoleA(out, s, (DWORD)strlen(s), &n, NULL);
}

static BOOL WINAPI on_ctrl(DWORD ev) {
    say(ev == CTRL_C_EVENT ? "[ctrl-c handled]\r\n" : "[other event]\r\n");
    return TRUE;
}

int main(void) {
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode;
    if (!GetConsoleMode(in, &mode)) {
        printf("no console input\n");
        return 2;
    }
    SetConsoleCtrlHandler(on_ctrl, TRUE);
    printf("line program ready\n");
    fflush(stdout);
    SetConsoleTextAttribute(out, FOREGROUND_GREEN | FOREGROUND_INTENSITY);
    say("green text\r\n");
    SetConsoleTextAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE);
    for (;;) {
        say("prompt> ");
        char buf[256];
        DWORD n = 0;
        if (!ReadConsoleA(in, buf, sizeof buf - 1, &n, NULL)) return 3;
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
        buf[n] = 0;
        if (!strcmp(buf, "quit")) break;
        char line[300];
        snprintf(line, sizeof line, "got: [%s]\r\n", buf);
        say(line);
    }
    say("bye\r\n");
    return 0;
}
