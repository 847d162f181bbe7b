// msvcrt's console I/O (conio.h): _cputs, _putch, _getch, _getche, _kbhit, _ungetch, _cgets. As in
// msvcrt they work on CONIN$/CONOUT$ opened on first use (not on stdin/stdout): without a console
// the open starts a headless one (design decision 13), so they never touch redirected std handles.
#include <cstring>
#include <mutex>

#include "builtin/builtin.h"
#include "crt.h"
#include "model/types.h"

namespace winrun::k32 {
HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share, void* sa, DWORD disposition, DWORD flags, HANDLE t);
BOOL WINAPI WriteConsoleA(HANDLE h, const void* buf, DWORD n, DWORD* written, void*);
BOOL WINAPI ReadConsoleA(HANDLE h, void* buf, DWORD n, DWORD* read, void*);
BOOL WINAPI ReadConsoleInputA(HANDLE h, con::INPUT_RECORD* r, DWORD n, DWORD* count);
BOOL WINAPI PeekConsoleInputA(HANDLE h, con::INPUT_RECORD* r, DWORD n, DWORD* count);
BOOL WINAPI GetConsoleMode(HANDLE h, DWORD* mode);
BOOL WINAPI SetConsoleMode(HANDLE h, DWORD mode);
}  // namespace winrun::k32

namespace winrun::crt {

namespace {
using con::INPUT_RECORD;
std::mutex g_mutex;  // guards the handles and the pushed-back character
HANDLE g_in = nullptr, g_out = nullptr;
int g_ungot = -1;

HANDLE console(bool out) {
    HANDLE& h = out ? g_out : g_in;
    if (!h) {
        h = k32::CreateFileW(reinterpret_cast<LPCWSTR>(out ? u"CONOUT$" : u"CONIN$"), 0xC0000000 /* GENERIC_READ|WRITE */,
                             3 /* FILE_SHARE_READ|WRITE */, nullptr, 3 /* OPEN_EXISTING */, 0, nullptr);
        if (h == INVALID_HANDLE_VALUE) h = nullptr;
    }
    return h;
}

// Keys with no character that _getch reports as 0xE0 (or 0 for function keys) + a second code:
// msvcrt gives the scan code.
bool extended_key(const con::KEY_EVENT_RECORD& k, int& lead) {
    uint16_t vk = k.wVirtualKeyCode;
    if (vk >= 0x21 && vk <= 0x2E) {  // PgUp .. Delete: arrows, Home, End, Insert, Delete
        lead = 0xE0;
        return true;
    }
    if (vk >= 0x70 && vk <= 0x7B) {  // F1..F12
        lead = 0;
        return true;
    }
    return false;
}

// One key-down with a character or an extended key, waiting for it. Under g_mutex.
int read_key() {
    if (g_ungot >= 0) {
        int c = g_ungot;
        g_ungot = -1;
        return c;
    }
    HANDLE in = console(false);
    if (!in) return -1;
    DWORD mode = 0, n = 0;
    k32::GetConsoleMode(in, &mode);
    k32::SetConsoleMode(in, 0);  // raw: no echo, Ctrl+C is a key
    int result = -1;
    INPUT_RECORD r;
    while (k32::ReadConsoleInputA(in, &r, 1, &n) && n == 1) {
        if (r.EventType != con::KEY_EVENT || !r.Event.KeyEvent.bKeyDown) continue;
        const auto& k = r.Event.KeyEvent;
        int lead;
        if (k.uChar) {
            result = uint8_t(k.uChar);
            break;
        }
        if (extended_key(k, lead)) {
            g_ungot = k.wVirtualScanCode;
            result = lead;
            break;
        }
    }
    k32::SetConsoleMode(in, mode);
    return result;
}
}  // namespace

int CDECL _getch() {
    std::lock_guard lock(g_mutex);
    return read_key();
}

int CDECL _putch(int c) {
    std::lock_guard lock(g_mutex);
    HANDLE out = console(true);
    char ch = char(c);
    DWORD n = 0;
    return out && k32::WriteConsoleA(out, &ch, 1, &n, nullptr) && n == 1 ? c & 0xFF : -1;
}

int CDECL _getche() {
    int c = _getch();
    if (c > 0 && c != 0xE0) _putch(c);
    return c;
}

int CDECL _ungetch(int c) {
    std::lock_guard lock(g_mutex);
    if (c == -1 || g_ungot >= 0) return -1;
    g_ungot = c;
    return c;
}

int CDECL _cputs(const char* s) {
    std::lock_guard lock(g_mutex);
    HANDLE out = console(true);
    DWORD len = DWORD(std::strlen(s)), n = 0;
    return out && k32::WriteConsoleA(out, s, len, &n, nullptr) && n == len ? 0 : -1;
}

int CDECL _kbhit() {
    std::lock_guard lock(g_mutex);
    if (g_ungot >= 0) return 1;
    HANDLE in = console(false);
    if (!in) return 0;
    INPUT_RECORD recs[64];
    DWORD n = 0;
    if (!k32::PeekConsoleInputA(in, recs, 64, &n)) return 0;
    for (DWORD i = 0; i < n; i++) {
        int lead;
        if (recs[i].EventType == con::KEY_EVENT && recs[i].Event.KeyEvent.bKeyDown &&
            (recs[i].Event.KeyEvent.uChar || extended_key(recs[i].Event.KeyEvent, lead)))
            return 1;
    }
    return 0;
}

// buf[0]: the most characters to read; the line (without CR LF) goes to buf + 2, its length to buf[1].
char* CDECL _cgets(char* buf) {
    std::lock_guard lock(g_mutex);
    HANDLE in = console(false);
    if (!in || !buf) return nullptr;
    unsigned max = uint8_t(buf[0]);
    DWORD mode = 0, n = 0;
    k32::GetConsoleMode(in, &mode);
    k32::SetConsoleMode(in, 0x7 /* processed, line, echo */);
    char line[260];
    BOOL ok = k32::ReadConsoleA(in, line, sizeof line, &n, nullptr);
    k32::SetConsoleMode(in, mode);
    if (!ok) return nullptr;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    n = std::min<DWORD>(n, max ? max - 1 : 0);
    std::memcpy(buf + 2, line, n);
    buf[2 + n] = 0;
    buf[1] = char(n);
    return buf + 2;
}

WR_EXPORT_PART(msvcrt_conio,
    WR_EXPORT(_getch),
    WR_EXPORT(_getche),
    WR_EXPORT(_putch),
    WR_EXPORT(_ungetch),
    WR_EXPORT(_cputs),
    WR_EXPORT(_kbhit),
    WR_EXPORT(_cgets));

}  // namespace winrun::crt
