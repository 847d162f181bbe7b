/* k32_console_redirected.c: the console API on redirected standard handles (ctest runs programs with
 * stdout and stderr on pipes): console-only calls fail with ERROR_INVALID_HANDLE, WriteFile works;
 * SetConsoleCtrlHandler registration rules. With the argument "ctrl" the program registers a
 * handler, prints "ready" and waits for a Ctrl+C (loader_cli.sh sends SIGINT): the handler must run
 * on another thread, with CTRL_C_EVENT; the program then exits with 42. */
#include "ok.h"

static HANDLE handled;
static DWORD handler_thread, handler_event = 99;

static BOOL WINAPI on_ctrl(DWORD ev) {
    handler_event = ev;
    handler_thread = GetCurrentThreadId();
    SetEvent(handled);
    return TRUE;
}
static BOOL WINAPI other_handler(DWORD ev) { return FALSE; }

static int ctrl_mode(void) {
    handled = CreateEventA(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(other_handler, TRUE); /* called after on_ctrl (last registered first) */
    SetConsoleCtrlHandler(on_ctrl, TRUE);
    printf("ready\n");
    fflush(stdout);
    if (WaitForSingleObject(handled, 10000) != WAIT_OBJECT_0) {
        printf("no control event\n");
        return 1;
    }
    printf("event %lu on %s thread\n", handler_event, handler_thread != GetCurrentThreadId() ? "another" : "the main");
    return handler_event == CTRL_C_EVENT && handler_thread != GetCurrentThreadId() ? 42 : 2;
}

START_TEST(k32_console_redirected)
{
    DWORD mode = 0xdeadbeef, n;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (winetest_argc > 1 && !strcmp(winetest_argv[1], "ctrl")) exit(ctrl_mode());

    ok(GetFileType(out) == FILE_TYPE_PIPE || GetFileType(out) == FILE_TYPE_DISK,
       "stdout should be redirected for this test (type %lu)\n", GetFileType(out));
    SetLastError(0xdeadbeef);
    ok(!GetConsoleMode(out, &mode) && GetLastError() == ERROR_INVALID_HANDLE, "GetConsoleMode on a pipe: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!SetConsoleMode(out, ENABLE_PROCESSED_OUTPUT) && GetLastError() == ERROR_INVALID_HANDLE,
       "SetConsoleMode on a pipe: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetConsoleScreenBufferInfo(out, &info) && GetLastError() == ERROR_INVALID_HANDLE,
       "GetConsoleScreenBufferInfo on a pipe: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!WriteConsoleA(out, "x", 1, &n, NULL) && GetLastError() == ERROR_INVALID_HANDLE, "WriteConsoleA on a pipe: %lu\n",
       GetLastError());
    SetLastError(0xdeadbeef);
    ok(!GetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), &mode) && GetLastError() == ERROR_INVALID_HANDLE,
       "GetConsoleMode on redirected stderr: %lu\n", GetLastError());
    ok(WriteFile(out, "", 0, &n, NULL), "WriteFile on redirected stdout failed: %lu\n", GetLastError());

    ok(SetConsoleCtrlHandler(on_ctrl, TRUE), "SetConsoleCtrlHandler add failed: %lu\n", GetLastError());
    ok(SetConsoleCtrlHandler(on_ctrl, FALSE), "SetConsoleCtrlHandler remove failed: %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    ok(!SetConsoleCtrlHandler(on_ctrl, FALSE) && GetLastError() == ERROR_INVALID_PARAMETER,
       "removing a handler that is not registered: %lu\n", GetLastError());
    ok(SetConsoleCtrlHandler(NULL, TRUE) && SetConsoleCtrlHandler(NULL, FALSE), "SetConsoleCtrlHandler(NULL, ...) failed\n");

    ok(AreFileApisANSI(), "file APIs should start as ANSI\n");
    SetFileApisToOEM();
    ok(!AreFileApisANSI(), "SetFileApisToOEM did not switch\n");
    SetFileApisToANSI();
    ok(AreFileApisANSI(), "SetFileApisToANSI did not switch back\n");
}
