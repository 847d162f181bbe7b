/* k32_console.c: the console API against a console. Under winrun in CI there is none at first:
 * AllocConsole starts a headless conhost. On Windows, started from a console, AllocConsole fails with
 * ERROR_ACCESS_DENIED and the program uses the console it has. Output checks work on a screen buffer
 * of their own (CreateConsoleScreenBuffer), so a real console's content does not matter; input checks
 * queue their own records with WriteConsoleInput and turn echo off. */
#include "ok.h"

static HANDLE ctrl_done;
static DWORD ctrl_thread, ctrl_event = 99;
static BOOL WINAPI on_ctrl(DWORD ev) {
    ctrl_event = ev;
    ctrl_thread = GetCurrentThreadId();
    SetEvent(ctrl_done);
    return TRUE;
}

static INPUT_RECORD key(WCHAR ch, WORD vk, BOOL down) {
    INPUT_RECORD r;
    memset(&r, 0, sizeof r);
    r.EventType = KEY_EVENT;
    r.Event.KeyEvent.bKeyDown = down;
    r.Event.KeyEvent.wRepeatCount = 1;
    r.Event.KeyEvent.wVirtualKeyCode = vk;
    r.Event.KeyEvent.uChar.UnicodeChar = ch;
    return r;
}

static void type_keys(HANDLE in, const char* s) {
    DWORD n;
    for (; *s; s++) {
        WORD vk = *s == '\r' ? VK_RETURN : *s == '\b' ? VK_BACK : (WORD)toupper((unsigned char)*s);
        INPUT_RECORD r[2] = {key((WCHAR)(unsigned char)*s, vk, TRUE), key((WCHAR)(unsigned char)*s, vk, FALSE)};
        ok(WriteConsoleInputW(in, r, 2, &n) && n == 2, "WriteConsoleInputW failed: %lu\n", GetLastError());
    }
}

static WCHAR cell_char(HANDLE h, SHORT x, SHORT y) {
    WCHAR c = 0;
    DWORD n = 0;
    COORD at = {x, y};
    ReadConsoleOutputCharacterW(h, &c, 1, at, &n);
    return n == 1 ? c : 0;
}
static WORD cell_attr(HANDLE h, SHORT x, SHORT y) {
    WORD a = 0;
    DWORD n = 0;
    COORD at = {x, y};
    ReadConsoleOutputAttribute(h, &a, 1, at, &n);
    return n == 1 ? a : 0xFFFF;
}

START_TEST(k32_console)
{
    HANDLE in, out, sb;
    DWORD n, mode, in_mode, pids[64];
    CONSOLE_SCREEN_BUFFER_INFO info;
    CONSOLE_CURSOR_INFO ci;
    COORD at;
    char buf[64];
    WCHAR wbuf[64];
    UINT old_cp;
    BOOL alloc;

    SetLastError(0xdeadbeef);
    alloc = AllocConsole();
    ok(alloc || GetLastError() == ERROR_ACCESS_DENIED, "AllocConsole: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!AllocConsole() && GetLastError() == ERROR_ACCESS_DENIED, "a second AllocConsole: %lu\n", GetLastError());

    out = CreateFileA("CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    in = CreateFileA("CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ok(out != INVALID_HANDLE_VALUE && in != INVALID_HANDLE_VALUE, "CONOUT$/CONIN$: %lu\n", GetLastError());
    ok(GetFileType(out) == FILE_TYPE_CHAR, "GetFileType(CONOUT$) = %lu\n", GetFileType(out));
    ok(GetConsoleMode(in, &in_mode), "GetConsoleMode(CONIN$): %lu\n", GetLastError());
    ok(in_mode & ENABLE_PROCESSED_INPUT, "input mode %#lx\n", in_mode);
    ok(GetConsoleMode(out, &mode) && (mode & ENABLE_PROCESSED_OUTPUT), "GetConsoleMode(CONOUT$): %lu, %#lx\n", GetLastError(), mode);
    ok(GetConsoleScreenBufferInfo(out, &info), "GetConsoleScreenBufferInfo(CONOUT$): %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetConsoleScreenBufferInfo(in, &info) && GetLastError() == ERROR_INVALID_HANDLE, "buffer info of CONIN$: %lu\n", GetLastError());

    /* ---- a screen buffer of our own ---- */
    sb = CreateConsoleScreenBuffer(GENERIC_READ | GENERIC_WRITE, 0, NULL, CONSOLE_TEXTMODE_BUFFER, NULL);
    ok(sb != INVALID_HANDLE_VALUE, "CreateConsoleScreenBuffer: %lu\n", GetLastError());
    at.X = 200; at.Y = 300;
    ok(SetConsoleScreenBufferSize(sb, at), "SetConsoleScreenBufferSize: %lu\n", GetLastError());
    ok(GetConsoleScreenBufferInfo(sb, &info) && info.dwSize.X == 200 && info.dwSize.Y == 300, "size %dx%d\n", info.dwSize.X,
       info.dwSize.Y);
    at.X = 1; at.Y = 1;
    SetLastError(0xdeadbeef);
    ok(!SetConsoleScreenBufferSize(sb, at) && GetLastError() == ERROR_INVALID_PARAMETER, "a buffer smaller than its window: %lu\n",
       GetLastError());

    at.X = 0; at.Y = 0;
    ok(SetConsoleCursorPosition(sb, at), "SetConsoleCursorPosition: %lu\n", GetLastError());
    ok(SetConsoleTextAttribute(sb, 0x1E), "SetConsoleTextAttribute: %lu\n", GetLastError());
    ok(WriteConsoleA(sb, "hello\r\nworld", 12, &n, NULL) && n == 12, "WriteConsoleA: %lu, %lu\n", GetLastError(), n);
    n = 0;
    ok(ReadConsoleOutputCharacterA(sb, buf, 5, at, &n) && n == 5 && !memcmp(buf, "hello", 5), "read back: %lu '%.5s'\n", n, buf);
    ok(cell_attr(sb, 0, 1) == 0x1E, "attribute %#x\n", cell_attr(sb, 0, 1));
    GetConsoleScreenBufferInfo(sb, &info);
    ok(info.dwCursorPosition.X == 5 && info.dwCursorPosition.Y == 1, "cursor %d,%d\n", info.dwCursorPosition.X,
       info.dwCursorPosition.Y);
    ok(info.wAttributes == 0x1E, "wAttributes %#x\n", info.wAttributes);
    ok(WriteFile(sb, "!", 1, &n, NULL) && n == 1, "WriteFile on a console buffer: %lu\n", GetLastError());
    ok(cell_char(sb, 5, 1) == '!', "WriteFile wrote %#x\n", cell_char(sb, 5, 1));

    /* wrapping at the end of a line */
    at.X = 198; at.Y = 2;
    SetConsoleCursorPosition(sb, at);
    WriteConsoleW(sb, L"abc", 3, &n, NULL);
    ok(cell_char(sb, 199, 2) == 'b' && cell_char(sb, 0, 3) == 'c', "wrap: %#x %#x\n", cell_char(sb, 199, 2), cell_char(sb, 0, 3));
    at.X = -1; at.Y = 0;
    SetLastError(0xdeadbeef);
    ok(!SetConsoleCursorPosition(sb, at) && GetLastError() == ERROR_INVALID_PARAMETER, "cursor outside: %lu\n", GetLastError());

    /* fills wrap across rows */
    at.X = 195; at.Y = 4;
    ok(FillConsoleOutputCharacterA(sb, 'x', 10, at, &n) && n == 10, "FillConsoleOutputCharacterA: %lu\n", n);
    ok(FillConsoleOutputAttribute(sb, 0x4F, 10, at, &n) && n == 10, "FillConsoleOutputAttribute: %lu\n", n);
    ok(cell_char(sb, 4, 5) == 'x' && cell_char(sb, 5, 5) != 'x' && cell_attr(sb, 199, 4) == 0x4F, "fill result\n");
    at.X = 199; at.Y = 299;
    ok(FillConsoleOutputCharacterW(sb, L'y', 10, at, &n) && n == 1, "fill clipped at the end: %lu\n", n);

    /* blocks */
    {
        CHAR_INFO block[4], back[4];
        COORD size = {2, 2}, from = {0, 0};
        SMALL_RECT r = {10, 10, 11, 11}, src = {10, 10, 11, 11};
        CHAR_INFO fill;
        COORD dest = {20, 10};
        int i;
        for (i = 0; i < 4; i++) {
            block[i].Char.UnicodeChar = (WCHAR)('A' + i);
            block[i].Attributes = (WORD)(0x10 + i);
        }
        ok(WriteConsoleOutputW(sb, block, size, from, &r) && r.Right == 11 && r.Bottom == 11, "WriteConsoleOutputW: %lu\n",
           GetLastError());
        memset(back, 0, sizeof back);
        r.Left = 10; r.Top = 10; r.Right = 11; r.Bottom = 11;
        ok(ReadConsoleOutputW(sb, back, size, from, &r), "ReadConsoleOutputW: %lu\n", GetLastError());
        ok(back[3].Char.UnicodeChar == 'D' && back[3].Attributes == 0x13, "block back: %#x %#x\n", back[3].Char.UnicodeChar,
           back[3].Attributes);
        fill.Char.UnicodeChar = '.';
        fill.Attributes = 0x07;
        ok(ScrollConsoleScreenBufferW(sb, &src, NULL, dest, &fill), "ScrollConsoleScreenBufferW: %lu\n", GetLastError());
        ok(cell_char(sb, 10, 10) == '.' && cell_char(sb, 20, 10) == 'A' && cell_char(sb, 21, 11) == 'D', "scroll result %#x %#x\n",
           cell_char(sb, 10, 10), cell_char(sb, 20, 10));
        r.Left = 198; r.Top = 0; r.Right = 201; r.Bottom = 1;
        ok(WriteConsoleOutputW(sb, block, size, from, &r) && r.Right == 199, "clipped block: right %d\n", r.Right);
    }

    /* cursor info */
    ci.dwSize = 50;
    ci.bVisible = FALSE;
    ok(SetConsoleCursorInfo(sb, &ci), "SetConsoleCursorInfo: %lu\n", GetLastError());
    memset(&ci, 0, sizeof ci);
    ok(GetConsoleCursorInfo(sb, &ci) && ci.dwSize == 50 && !ci.bVisible, "cursor info %lu %d\n", ci.dwSize, ci.bVisible);
    ci.dwSize = 0;
    SetLastError(0xdeadbeef);
    ok(!SetConsoleCursorInfo(sb, &ci) && GetLastError() == ERROR_INVALID_PARAMETER, "cursor size 0: %lu\n", GetLastError());

    /* VT output */
    ok(SetConsoleMode(sb, ENABLE_PROCESSED_OUTPUT | ENABLE_VIRTUAL_TERMINAL_PROCESSING), "VT mode: %lu\n", GetLastError());
    SetConsoleTextAttribute(sb, 0x07);
    GetConsoleScreenBufferInfo(sb, &info);
    { const char* vt = "\x1b[3;5H\x1b[31mR\x1b[0m"; WriteConsoleA(sb, vt, (DWORD)strlen(vt), &n, NULL); }
    ok(cell_char(sb, info.srWindow.Left + 4, info.srWindow.Top + 2) == 'R', "VT CUP: %#x\n",
       cell_char(sb, info.srWindow.Left + 4, info.srWindow.Top + 2));
    ok(cell_attr(sb, info.srWindow.Left + 4, info.srWindow.Top + 2) == FOREGROUND_RED, "VT SGR 31: %#x\n",
       cell_attr(sb, info.srWindow.Left + 4, info.srWindow.Top + 2));
    SetLastError(0xdeadbeef);
    ok(!SetConsoleMode(sb, 0x100) && GetLastError() == ERROR_INVALID_PARAMETER, "invalid output mode: %lu\n", GetLastError());

    /* code pages */
    old_cp = GetConsoleOutputCP();
    ok(old_cp != 0, "GetConsoleOutputCP\n");
    ok(SetConsoleOutputCP(65001) && GetConsoleOutputCP() == 65001, "SetConsoleOutputCP(65001): %lu\n", GetLastError());
    at.X = 0; at.Y = 20;
    SetConsoleMode(sb, ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT);
    SetConsoleCursorPosition(sb, at);
    WriteConsoleA(sb, "\xc3\xa9", 2, &n, NULL);
    ok(cell_char(sb, 0, 20) == 0xE9, "UTF-8 output: %#x\n", cell_char(sb, 0, 20));
    ok(SetConsoleOutputCP(850), "SetConsoleOutputCP(850): %lu\n", GetLastError());
    WriteConsoleA(sb, "\x82", 1, &n, NULL);
    ok(cell_char(sb, 1, 20) == 0xE9, "CP850 output: %#x\n", cell_char(sb, 1, 20));
    SetLastError(0xdeadbeef);
    ok(!SetConsoleOutputCP(12345) && GetLastError() == ERROR_INVALID_PARAMETER, "bad code page: %lu\n", GetLastError());
    SetConsoleOutputCP(old_cp);

    /* title */
    ok(SetConsoleTitleA("winrun console test"), "SetConsoleTitleA: %lu\n", GetLastError());
    memset(buf, 0, sizeof buf);
    ok(GetConsoleTitleA(buf, sizeof buf) == 19 && !strcmp(buf, "winrun console test"), "title '%s'\n", buf);
    ok(GetConsoleTitleW(wbuf, 64) == 19 && wbuf[0] == 'w', "GetConsoleTitleW\n");

    /* active buffer */
    ok(SetConsoleActiveScreenBuffer(sb), "SetConsoleActiveScreenBuffer: %lu\n", GetLastError());
    ok(SetConsoleActiveScreenBuffer(out), "SetConsoleActiveScreenBuffer back: %lu\n", GetLastError());

    /* ---- input ---- */
    ok(FlushConsoleInputBuffer(in), "FlushConsoleInputBuffer: %lu\n", GetLastError());
    {
        INPUT_RECORD r[2] = {key('a', 'A', TRUE), key('a', 'A', FALSE)}, got[4];
        ok(WriteConsoleInputW(in, r, 2, &n) && n == 2, "WriteConsoleInputW: %lu\n", GetLastError());
        ok(GetNumberOfConsoleInputEvents(in, &n) && n == 2, "events: %lu\n", n);
        ok(PeekConsoleInputW(in, got, 4, &n) && n == 2, "PeekConsoleInputW: %lu\n", n);
        ok(GetNumberOfConsoleInputEvents(in, &n) && n == 2, "events after peek: %lu\n", n);
        ok(ReadConsoleInputW(in, got, 1, &n) && n == 1 && got[0].EventType == KEY_EVENT && got[0].Event.KeyEvent.bKeyDown &&
               got[0].Event.KeyEvent.uChar.UnicodeChar == 'a' && got[0].Event.KeyEvent.wVirtualKeyCode == 'A',
           "ReadConsoleInputW: %lu\n", n);
        ok(FlushConsoleInputBuffer(in) && GetNumberOfConsoleInputEvents(in, &n) && n == 0, "flush: %lu\n", n);
        SetLastError(0xdeadbeef);
        ok(!GetNumberOfConsoleInputEvents(sb, &n) && GetLastError() == ERROR_INVALID_HANDLE, "input events of an output buffer: %lu\n",
           GetLastError());
    }
    /* raw ReadConsole: what is there, without waiting for Enter */
    ok(SetConsoleMode(in, 0), "SetConsoleMode(CONIN$, 0): %lu\n", GetLastError());
    type_keys(in, "xy");
    memset(wbuf, 0, sizeof wbuf);
    ok(ReadConsoleW(in, wbuf, 10, &n, NULL) && n == 2 && wbuf[0] == 'x' && wbuf[1] == 'y', "raw ReadConsoleW: %lu\n", n);
    /* cooked ReadConsole without echo: editing, then the line with CR LF */
    ok(SetConsoleMode(in, ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT), "cooked mode: %lu\n", GetLastError());
    type_keys(in, "ab\bc\r");
    memset(buf, 0, sizeof buf);
    ok(ReadConsoleA(in, buf, sizeof buf, &n, NULL) && n == 4 && !memcmp(buf, "ac\r\n", 4), "cooked ReadConsoleA: %lu '%s'\n", n, buf);
    type_keys(in, "hello\r");
    memset(buf, 0, sizeof buf);
    ok(ReadConsoleA(in, buf, 3, &n, NULL) && n == 3 && !memcmp(buf, "hel", 3), "short read: %lu\n", n);
    ok(ReadFile(in, buf, sizeof buf, &n, NULL) && n == 4 && !memcmp(buf, "lo\r\n", 4), "rest through ReadFile: %lu\n", n);
    SetConsoleMode(in, in_mode);

    /* processes */
    n = GetConsoleProcessList(pids, 64);
    ok(n >= 1, "GetConsoleProcessList: %lu\n", n);
    {
        DWORD i, found = 0;
        for (i = 0; i < n && i < 64; i++) found |= pids[i] == GetCurrentProcessId();
        ok(found, "this process is not in the console's list\n");
    }
    at = GetLargestConsoleWindowSize(out);
    ok(at.X > 0 && at.Y > 0, "GetLargestConsoleWindowSize %d %d\n", at.X, at.Y);

    /* Ctrl+C through GenerateConsoleCtrlEvent reaches the handler on another thread. (On Windows every
     * process of this console gets it, so it is sent only to a console this program made itself.) */
    if (alloc) {
        ctrl_done = CreateEventA(NULL, TRUE, FALSE, NULL);
        SetConsoleCtrlHandler(on_ctrl, TRUE);
        ok(GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0), "GenerateConsoleCtrlEvent: %lu\n", GetLastError());
        ok(WaitForSingleObject(ctrl_done, 5000) == WAIT_OBJECT_0, "no control event\n");
        ok(ctrl_event == CTRL_C_EVENT && ctrl_thread != GetCurrentThreadId(), "event %lu\n", ctrl_event);
        SetConsoleCtrlHandler(on_ctrl, FALSE);
    }

    CloseHandle(sb);
    if (alloc) {
        ok(FreeConsole(), "FreeConsole: %lu\n", GetLastError());
        SetLastError(0xdeadbeef);
        ok(!GetConsoleMode(out, &mode) && GetLastError() == ERROR_INVALID_HANDLE, "a handle after FreeConsole: %lu\n", GetLastError());
        ok(AllocConsole(), "AllocConsole after FreeConsole: %lu\n", GetLastError());
        FreeConsole();
    }
}
