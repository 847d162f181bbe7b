// A full-screen console program for the tmux test: a coloured box moved with the arrow keys.
// Row 0: "pos X,Y"; row 1: the last key (vk, scan, char, state); row 2: the last resize.
// q quits.
#include <stdio.h>
#include <windows.h>

static HANDLE out;
static int bx = 10, by = 5;
enum { BW = 6, BH = 3, BOX_ATTR = BACKGROUND_BLUE | FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_INTENSITY };

static void line(int y, const char* s) {
    DWORD n;
    COORD at = {0, (SHORT)y};
    FillConsoleOutputCharacterA(out, ' ', 80, at, &n);
    FillConsoleOutputAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE, 80, at, &n);
    WriteConsoleOutputCharacterA(out, s, (DWORD)strlen(s), at, &n);
}

static void box(int x, int y, int on) {
    DWORD n;
    for (int r = 0; r < BH; r++) {
        COORD at = {(SHORT)x, (SHORT)(y + r)};
        FillConsoleOutputCharacterA(out, on ? '#' : ' ', BW, at, &n);
        FillConsoleOutputAttribute(out, on ? BOX_ATTR : (FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE), BW, at, &n);
    }
    char s[32];
    snprintf(s, sizeof s, "pos %d,%d", x, y);
    line(0, s);
}

int main(void) {
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode;
    if (!GetConsoleMode(out, &mode) || !GetConsoleMode(in, &mode)) {
        printf("no console\n");
        return 2;
    }
    SetConsoleMode(in, ENABLE_PROCESSED_INPUT | ENABLE_WINDOW_INPUT);
    CONSOLE_SCREEN_BUFFER_INFO sbi;
    GetConsoleScreenBufferInfo(out, &sbi);
    DWORD n;
    COORD zero = {0, 0};
    FillConsoleOutputCharacterA(out, ' ', sbi.dwSize.X * sbi.dwSize.Y, zero, &n);
    FillConsoleOutputAttribute(out, FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE, sbi.dwSize.X * sbi.dwSize.Y, zero, &n);
    SetConsoleCursorPosition(out, zero);
    box(bx, by, 1);
    for (;;) {
        INPUT_RECORD r;
        if (!ReadConsoleInputA(in, &r, 1, &n) || !n) return 3;
        if (r.EventType == WINDOW_BUFFER_SIZE_EVENT) {
            char s[64];
            snprintf(s, sizeof s, "resize %dx%d", r.Event.WindowBufferSizeEvent.dwSize.X, r.Event.WindowBufferSizeEvent.dwSize.Y);
            line(2, s);
            continue;
        }
        if (r.EventType != KEY_EVENT || !r.Event.KeyEvent.bKeyDown) continue;
        KEY_EVENT_RECORD* k = &r.Event.KeyEvent;
        char s[80];
        snprintf(s, sizeof s, "key vk=%u scan=%u ch=%u st=%lx", k->wVirtualKeyCode, k->wVirtualScanCode, (unsigned)(unsigned char)k->uChar.AsciiChar,
                 (unsigned long)k->dwControlKeyState);
        line(1, s);
        int nx = bx, ny = by;
        switch (k->wVirtualKeyCode) {
        case VK_LEFT: nx--; break;
        case VK_RIGHT: nx++; break;
        case VK_UP: ny--; break;
        case VK_DOWN: ny++; break;
        case 'Q': return 0;
        }
        if ((nx != bx || ny != by) && nx >= 0 && ny >= 3 && nx + BW <= sbi.dwSize.X && ny + BH <= sbi.dwSize.Y) {
            box(bx, by, 0);
            bx = nx, by = ny;
            box(bx, by, 1);
        }
    }
}
