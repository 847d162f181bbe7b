// Console control events: SetConsoleCtrlHandler and their delivery.
//
// Windows runs the registered handlers, last registered first, on a new thread of the process when
// a control event arrives; the first that returns TRUE ends the search; when none does, the default
// handler ends the process with STATUS_CONTROL_C_EXIT. SetConsoleCtrlHandler(NULL, TRUE) makes the
// process ignore Ctrl+C (not Ctrl+Break or close), and children inherit that.
//
// Until conhost brings its own events (issue 6), the events come from the terminal as Linux signals:
// SIGINT is CTRL_C_EVENT and SIGHUP (the terminal went away) is CTRL_CLOSE_EVENT. The signal
// handler only writes the event number to a pipe; a Windows thread of this process (made on the
// first registration) reads it and starts one new thread per event that runs the handlers. While no
// handler is registered the signals keep their Linux default, which the parent reports as
// STATUS_CONTROL_C_EXIT (see process_handle.h), exactly the Windows default.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"

namespace winrun::k32 {

using HandlerRoutine = BOOL(WINAPI*)(DWORD);
using ThreadStart = DWORD(WINAPI*)(void*);
HANDLE WINAPI CreateThread(void* sa, SIZE_T stack, ThreadStart fn, void* arg, DWORD flags, DWORD* tid);
BOOL WINAPI CloseHandle(HANDLE h);

namespace {
constexpr DWORD CTRL_C_EVENT = 0, CTRL_BREAK_EVENT = 1, CTRL_CLOSE_EVENT = 2;
constexpr UINT STATUS_CONTROL_C_EXIT = 0xC000013A;

// Lock rule: g_mutex guards g_handlers, g_ignore_ctrl_c and g_dispatcher_started.
std::mutex g_mutex;
std::vector<HandlerRoutine> g_handlers;  // in registration order; called from the back
bool g_ignore_ctrl_c = false;
bool g_dispatcher_started = false;
int g_pipe[2] = {-1, -1};

void on_signal(int sig) {
    int saved = errno;
    char ev = char(sig == SIGHUP ? CTRL_CLOSE_EVENT : CTRL_C_EVENT);
    (void)!write(g_pipe[1], &ev, 1);
    errno = saved;
}

DWORD WINAPI run_handlers(void* arg) {
    DWORD event = DWORD(reinterpret_cast<uintptr_t>(arg));
    std::vector<HandlerRoutine> handlers;
    {
        std::lock_guard lock(g_mutex);
        if (event == CTRL_C_EVENT && g_ignore_ctrl_c) return 0;
        handlers = g_handlers;
    }
    WR_TRACE(process, "console control event {} -> {} handler(s)", event, handlers.size());
    for (auto it = handlers.rbegin(); it != handlers.rend(); ++it)
        if ((*it)(event)) return 0;
    exit_process(STATUS_CONTROL_C_EXIT);
}

DWORD WINAPI dispatcher(void*) {
    char ev;
    while (true) {
        ssize_t n = read(g_pipe[0], &ev, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        HANDLE t = CreateThread(nullptr, 0, run_handlers, reinterpret_cast<void*>(uintptr_t(uint8_t(ev))), 0, nullptr);
        if (t) CloseHandle(t);
    }
}

// Under g_mutex. Called by the first registration, from a Windows thread.
void start_delivery() {
    if (g_dispatcher_started) return;
    if (pipe2(g_pipe, O_CLOEXEC) != 0) return;
    HANDLE t = CreateThread(nullptr, 64 * 1024, dispatcher, nullptr, 0, nullptr);
    if (!t) return;
    CloseHandle(t);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    g_dispatcher_started = true;
}
}  // namespace

// For CreateProcess: children inherit "ignore Ctrl+C" (WINRUN_CTRL_C_IGNORED).
bool ctrl_c_ignored() {
    std::lock_guard lock(g_mutex);
    return g_ignore_ctrl_c;
}

// At start-up: the parent ignored Ctrl+C, or started us in a new process group.
void console_ctrl_startup() {
    if (const char* v = getenv("WINRUN_CTRL_C_IGNORED")) {
        if (v[0] == '1') {
            std::lock_guard lock(g_mutex);
            g_ignore_ctrl_c = true;
        }
        unsetenv("WINRUN_CTRL_C_IGNORED");
    }
}

// From the console's control-event thread (console.cpp): the same path as a signal.
void deliver_console_ctrl_event(DWORD event) {
    HANDLE t = CreateThread(nullptr, 0, run_handlers, reinterpret_cast<void*>(uintptr_t(event)), 0, nullptr);
    if (t) CloseHandle(t);
}

BOOL WINAPI SetConsoleCtrlHandler(HandlerRoutine handler, BOOL add) {
    std::lock_guard lock(g_mutex);
    if (!handler) {
        g_ignore_ctrl_c = add;
        // Without handlers, ignoring is the Linux SIG_IGN, which children inherit as on Windows.
        if (!g_dispatcher_started) signal(SIGINT, add ? SIG_IGN : SIG_DFL);
        return TRUE;
    }
    if (add) {
        g_handlers.push_back(handler);
        start_delivery();
        return TRUE;
    }
    auto it = std::find(g_handlers.rbegin(), g_handlers.rend(), handler);
    if (it == g_handlers.rend()) return fail(ERROR_INVALID_PARAMETER);
    g_handlers.erase(std::next(it).base());
    return TRUE;
}

WR_EXPORT_PART(kernel32_console_ctrl, WR_EXPORT(SetConsoleCtrlHandler));

}  // namespace winrun::k32
