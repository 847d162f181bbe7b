// The console API while no console exists (design decision 13, redirected mode). Until conhost
// arrives (issue 6) every standard handle is a plain handle on an inherited file descriptor, as on
// Windows when stdin/stdout/stderr are redirected: the console-only calls fail on them with
// ERROR_INVALID_HANDLE, which is how programs detect redirection (and fall back to WriteFile).
#include "builtin/builtin.h"
#include "k32.h"

namespace winrun::k32 {

namespace {
// A console handle would be answered here; no handle is one yet. Invalid handles give the same error.
BOOL not_a_console(HANDLE) { return fail(ERROR_INVALID_HANDLE); }
}  // namespace

BOOL WINAPI GetConsoleMode(HANDLE h, DWORD* mode) {
    if (mode) *mode = 0;
    return not_a_console(h);
}
BOOL WINAPI SetConsoleMode(HANDLE h, DWORD) { return not_a_console(h); }
BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE h, void*) { return not_a_console(h); }
BOOL WINAPI GetConsoleScreenBufferInfoEx(HANDLE h, void*) { return not_a_console(h); }
BOOL WINAPI WriteConsoleA(HANDLE h, const void*, DWORD, DWORD* written, void*) {
    if (written) *written = 0;
    return not_a_console(h);
}
BOOL WINAPI WriteConsoleW(HANDLE h, const void*, DWORD, DWORD* written, void*) {
    if (written) *written = 0;
    return not_a_console(h);
}
BOOL WINAPI ReadConsoleA(HANDLE h, void*, DWORD, DWORD* read, void*) {
    if (read) *read = 0;
    return not_a_console(h);
}
BOOL WINAPI ReadConsoleW(HANDLE h, void*, DWORD, DWORD* read, void*) {
    if (read) *read = 0;
    return not_a_console(h);
}
// No console window: NULL, as for a process without a console.
HANDLE WINAPI GetConsoleWindow() { return nullptr; }

WR_EXPORT_PART(kernel32_console,
    WR_EXPORT(GetConsoleMode),
    WR_EXPORT(SetConsoleMode),
    WR_EXPORT(GetConsoleScreenBufferInfo),
    WR_EXPORT(GetConsoleScreenBufferInfoEx),
    WR_EXPORT(WriteConsoleA),
    WR_EXPORT(WriteConsoleW),
    WR_EXPORT(ReadConsoleA),
    WR_EXPORT(ReadConsoleW),
    WR_EXPORT(GetConsoleWindow));

}  // namespace winrun::k32
