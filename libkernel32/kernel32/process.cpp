// Process start-up state (PEB, process parameters, main-thread TEB through gs), exit, and the
// process/thread identity functions.
#include <asm/prctl.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "binder.h"
#include "client.h"
#include "builtin/builtin.h"
#include "k32.h"
#include "log.h"
#include "named_objects.h"
#include "process_handle.h"
#include "unicode.h"

namespace winrun::k32 {

std::atomic<int> g_thread_count{1};

namespace {
PEB g_peb;
RTL_USER_PROCESS_PARAMETERS g_params;
std::string g_exit_code_file;
std::u16string g_cmdline_w;
std::string g_cmdline_a;
uint32_t g_pid;
csrss::Session* g_session = nullptr;

void set_ustring(UNICODE_STRING& us, const std::u16string& s) {
    auto* buf = new char16_t[s.size() + 1];
    std::memcpy(buf, s.data(), s.size() * 2);
    buf[s.size()] = 0;
    us.Buffer = buf;
    us.Length = uint16_t(std::min<size_t>(s.size() * 2, 0xFFFC));
    us.MaximumLength = uint16_t(std::min<size_t>(s.size() * 2 + 2, 0xFFFE));
}
}  // namespace

csrss::Session* session() { return g_session; }
void set_session(csrss::Session* s) { g_session = s; }

// Windows process and thread ids are multiples of 4, handed out by csrssd (unique in the session).
// Without a session they are derived from the Linux ids, which are unique on the machine.
uint32_t current_process_id() { return g_pid; }
uint32_t current_thread_id() { return DWORD(reinterpret_cast<uintptr_t>(current_teb()->ClientId.UniqueThread)); }

win::PEB* process_peb() { return &g_peb; }

void init_process(const ProcessStart& start, void* stack_base, void* stack_limit) {
    g_pid = start.pid ? start.pid : uint32_t(getpid()) * 4;
    init_user_shared_data();
    g_exit_code_file = start.exit_code_file;
    g_cmdline_w = start.command_line;
    g_cmdline_a = wide_to_ansi(g_cmdline_w);

    std::memset(&g_params, 0, sizeof g_params);
    g_params.MaximumLength = g_params.Length = sizeof g_params;
    g_params.Flags = 1;  // PROCESS_PARAMETERS_NORMALIZED
    set_ustring(g_params.ImagePathName, start.image_path);
    set_ustring(g_params.CommandLine, start.command_line);
    g_params.StandardInput = handle_for_fd(0);
    g_params.StandardOutput = handle_for_fd(1);
    g_params.StandardError = handle_for_fd(2);
    install_inherited_handles();

    std::memset(&g_peb, 0, sizeof g_peb);
    g_peb.ProcessParameters = &g_params;
    g_peb.NumberOfProcessors = uint32_t(online_processor_count());
    // Windows 10 22H2, build 19045 (the version winrun reports everywhere).
    g_peb.OSMajorVersion = 10;
    g_peb.OSMinorVersion = 0;
    g_peb.OSBuildNumber = 19045;
    g_peb.OSPlatformId = 2;  // VER_PLATFORM_WIN32_NT
    g_peb.ImageSubsystem = 3;
    g_peb.Ldr = loader::peb_ldr_data();

    auto* teb = static_cast<TEB*>(aligned_alloc(4096, (sizeof(TEB) + 4095) & ~size_t(4095)));
    std::memset(teb, 0, sizeof(TEB));
    teb->Self = teb;
    teb->StackBase = stack_base;
    teb->StackLimit = stack_limit;
    teb->DeallocationStack = stack_limit;
    teb->ProcessEnvironmentBlock = &g_peb;
    teb->ClientId.UniqueProcess = reinterpret_cast<HANDLE>(uintptr_t(g_pid));
    uint32_t tid = start.tid ? start.tid : uint32_t(syscall(SYS_gettid)) * 4;
    teb->ClientId.UniqueThread = reinterpret_cast<HANDLE>(uintptr_t(tid));
    teb->CurrentLocale = 0x409;
    // glibc keeps fs on x86-64; Windows code gets gs (design decision 4). The base survives signals
    // and context switches when set this way (never with wrgsbase: its value is lost).
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, teb) != 0) {
        perror("winrun: arch_prctl(ARCH_SET_GS)");
        _exit(126);
    }
    g_peb.ProcessHeap = process_heap();
}

// The last steps of every exit: the full code to --exit-code-file and to csrssd (which also
// disarms the watchdog), then the low 8 bits to Linux.
void console_process_exit();  // console.cpp: lets conhost give the terminal back

[[noreturn]] void finish(UINT code) {
    console_process_exit();
    named::process_exiting();  // named mutexes this process owns become abandoned
    write_exit_code_file(code);
    if (g_session) (void)g_session->report_exit(code);
    _exit(int(code & 0xFF));
}

void write_exit_code_file(UINT code) {
    if (g_exit_code_file.empty()) return;
    if (FILE* f = fopen(g_exit_code_file.c_str(), "w")) {
        fprintf(f, "0x%08X %u\n", code, code);
        fclose(f);
    }
}

[[noreturn]] void exit_process(UINT code) {
    static std::atomic<bool> exiting{false};
    if (!exiting.exchange(true)) {
        WR_TRACE(process, "ExitProcess({:#x})", code);
        loader::detach_modules();
        // Builtin DLLs detach last, in reverse load order (msvcrt flushes its streams here).
        const auto& mods = loader::modules();
        for (auto it = mods.rbegin(); it != mods.rend(); ++it)
            if ((*it)->builtin && (*it)->builtin->attach) (*it)->builtin->attach(0 /* DLL_PROCESS_DETACH */);
    }
    finish(code);
}

// ---- exported ---------------------------------------------------------------------------------

[[noreturn]] void WINAPI ExitProcess(UINT code) { exit_process(code); }

BOOL WINAPI TerminateProcess(HANDLE process, UINT code) {
    if (process == PSEUDO_PROCESS) {
        // Unlike ExitProcess, no DLL is notified.
        finish(code);
    }
    auto o = handle_get(process);
    if (!o || o->kind != ObjectKind::Process) return fail(ERROR_INVALID_HANDLE);
    auto* p = static_cast<ProcessObject*>(o.get());
    if (p->self) finish(code);
    return terminate_other_process(*p, code);
}

// SetErrorMode/GetErrorMode: kept and reported (winrun shows no dialog boxes anyway).
namespace {
std::atomic<UINT> g_error_mode{0};
std::atomic<DWORD> g_wer_flags{0};
}  // namespace
UINT WINAPI SetErrorMode(UINT mode) { return g_error_mode.exchange(mode); }
UINT WINAPI GetErrorMode() { return g_error_mode.load(); }
// Windows Error Reporting flags of the current process: kept and reported; there is no WER here.
LONG WINAPI WerSetFlags(DWORD flags) {
    g_wer_flags = flags;
    return 0;  // S_OK
}
LONG WINAPI WerGetFlags(HANDLE process, DWORD* flags) {
    if (!flags) return LONG(0x80070057);  // E_INVALIDARG
    if (process != PSEUDO_PROCESS) {
        auto o = handle_get(process);
        if (!o || o->kind != ObjectKind::Process || !static_cast<ProcessObject*>(o.get())->self)
            return LONG(0x80070057);  // another process's flags are not known here
    }
    *flags = g_wer_flags;
    return 0;
}
// Priority boost is the scheduler's business here: accepted.
BOOL WINAPI SetProcessPriorityBoost(HANDLE, BOOL) { return TRUE; }

// Ends the process at once with the exception's code: no handler, no DLL notification (what
// Windows does, minus the error report it may send).
[[noreturn]] void WINAPI RaiseFailFastException(EXCEPTION_RECORD* rec, CONTEXT*, DWORD) {
    UINT code = rec ? rec->ExceptionCode : 0xC0000602;  // STATUS_FAIL_FAST_EXCEPTION
    char line[96];
    int n = snprintf(line, sizeof line, "winrun: fail-fast exception 0x%08X\n", code);
    (void)!write(2, line, size_t(n));
    finish(code);
}

HANDLE WINAPI GetCurrentProcess() { return PSEUDO_PROCESS; }
HANDLE WINAPI GetCurrentThread() { return PSEUDO_THREAD; }
DWORD WINAPI GetCurrentProcessId() { return current_process_id(); }
DWORD WINAPI GetCurrentThreadId() { return DWORD(reinterpret_cast<uintptr_t>(current_teb()->ClientId.UniqueThread)); }

char* command_line_a() { return g_cmdline_a.data(); }
void refresh_ansi_command_line() { g_cmdline_a = wide_to_ansi(g_cmdline_w); }
char16_t* command_line_w() { return g_cmdline_w.data(); }
LPSTR WINAPI GetCommandLineA() { return g_cmdline_a.data(); }
LPWSTR WINAPI GetCommandLineW() { return g_cmdline_w.data(); }


void WINAPI GetStartupInfoW(STARTUPINFOW* si) {
    std::memset(si, 0, sizeof *si);
    si->cb = sizeof *si;
    si->dwFlags = 0;  // not STARTF_USESTDHANDLES: a console program started from a shell
    si->wShowWindow = 1;
}
void WINAPI GetStartupInfoA(STARTUPINFOW* si) { GetStartupInfoW(si); }  // same layout; strings are NULL

HANDLE WINAPI GetStdHandle(DWORD which) {
    switch (which) {
    case DWORD(-10): return g_params.StandardInput;
    case DWORD(-11): return g_params.StandardOutput;
    case DWORD(-12): return g_params.StandardError;
    default: set_last_error(ERROR_INVALID_HANDLE); return INVALID_HANDLE_VALUE;
    }
}

BOOL WINAPI SetStdHandle(DWORD which, HANDLE h) {
    switch (which) {
    case DWORD(-10): g_params.StandardInput = h; return TRUE;
    case DWORD(-11): g_params.StandardOutput = h; return TRUE;
    case DWORD(-12): g_params.StandardError = h; return TRUE;
    default: return fail(ERROR_INVALID_HANDLE);
    }
}

BOOL WINAPI IsDebuggerPresent() { return FALSE; }

void WINAPI OutputDebugStringA(LPCSTR s) { WR_TRACE(process, "OutputDebugString: {}", s ? s : ""); }
void WINAPI OutputDebugStringW(LPCWSTR s) { WR_TRACE(process, "OutputDebugString: {}", utf16_to_utf8(wview(s))); }

WR_EXPORT_PART(kernel32_process,
    WR_EXPORT(ExitProcess),
    WR_EXPORT(TerminateProcess),
    WR_EXPORT(SetErrorMode),
    WR_EXPORT(GetErrorMode),
    WR_EXPORT(WerSetFlags),
    WR_EXPORT(WerGetFlags),
    WR_EXPORT(SetProcessPriorityBoost),
    WR_EXPORT(RaiseFailFastException),
    WR_EXPORT(GetCurrentProcess),
    WR_EXPORT(GetCurrentThread),
    WR_EXPORT(GetCurrentProcessId),
    WR_EXPORT(GetCurrentThreadId),
    WR_EXPORT(GetCommandLineA),
    WR_EXPORT(GetCommandLineW),
    WR_EXPORT(GetStartupInfoA),
    WR_EXPORT(GetStartupInfoW),
    WR_EXPORT(GetStdHandle),
    WR_EXPORT(SetStdHandle),
    WR_EXPORT(IsDebuggerPresent),
    WR_EXPORT(OutputDebugStringA),
    WR_EXPORT(OutputDebugStringW));

}  // namespace winrun::k32

namespace winrun::loader {
win::PEB* peb() { return winrun::k32::process_peb(); }
}  // namespace winrun::loader
