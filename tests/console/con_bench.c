// 100,000 lines of 35 bytes: WriteConsoleW on a console, WriteFile otherwise (to make the same
// bytes for `cat`).
#include <stdio.h>
#include <wchar.h>
#include <windows.h>

int main(void) {
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode, n;
    BOOL console = GetConsoleMode(out, &mode);
    for (int i = 0; i < 100000; i++) {
        if (console) {
            wchar_t w[40];
            int k = swprintf(w, 40, L"line %06d of the benchmark text\r\n", i);
            WriteConsoleW(out, w, (DWORD)k, &n, NULL);
        } else {
            char s[40];
            int k = snprintf(s, sizeof s, "line %06d of the benchmark text\r\n", i);
            WriteFile(out, s, (DWORD)k, &n, NULL);
        }
    }
    return 0;
}
