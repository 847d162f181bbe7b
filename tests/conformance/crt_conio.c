/* crt_conio.c: msvcrt's conio functions on the console (a headless one under winrun in CI, the real
 * one on Windows). Keys are queued with WriteConsoleInput. */
#include <conio.h>
#include "ok.h"

static void queue_key(HANDLE in, WCHAR ch, WORD vk, WORD scan) {
    INPUT_RECORD r[2];
    DWORD n;
    memset(r, 0, sizeof r);
    r[0].EventType = r[1].EventType = KEY_EVENT;
    r[0].Event.KeyEvent.bKeyDown = TRUE;
    r[0].Event.KeyEvent.wRepeatCount = r[1].Event.KeyEvent.wRepeatCount = 1;
    r[0].Event.KeyEvent.wVirtualKeyCode = r[1].Event.KeyEvent.wVirtualKeyCode = vk;
    r[0].Event.KeyEvent.wVirtualScanCode = r[1].Event.KeyEvent.wVirtualScanCode = scan;
    r[0].Event.KeyEvent.uChar.UnicodeChar = r[1].Event.KeyEvent.uChar.UnicodeChar = ch;
    if (ch == 0) r[0].Event.KeyEvent.dwControlKeyState = r[1].Event.KeyEvent.dwControlKeyState = ENHANCED_KEY;
    WriteConsoleInputW(in, r, 2, &n);
}

START_TEST(crt_conio)
{
    HANDLE in;
    BOOL alloc = AllocConsole();
    ok(alloc || GetLastError() == ERROR_ACCESS_DENIED, "AllocConsole: %lu\n", GetLastError());
    in = CreateFileA("CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(in != INVALID_HANDLE_VALUE, "CONIN$: %lu\n", GetLastError());
    FlushConsoleInputBuffer(in);
    ok(!_kbhit(), "_kbhit with an empty queue\n");
    queue_key(in, 'q', 'Q', 0x10);
    ok(_kbhit(), "_kbhit after a key\n");
    ok(_getch() == 'q', "_getch\n");
    queue_key(in, 0, VK_UP, 0x48);
    ok(_getch() == 0xE0, "_getch of an arrow: lead byte\n");
    ok(_getch() == 0x48, "_getch of an arrow: scan code\n");
    ok(_ungetch('z') == 'z' && _kbhit() && _getch() == 'z', "_ungetch\n");
    ok(_cputs("") == 0, "_cputs\n");
    ok(_putch('\r') == '\r', "_putch\n");
    if (alloc) FreeConsole();
}
