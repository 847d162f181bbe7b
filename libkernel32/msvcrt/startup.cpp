// msvcrt start-up and termination: argument parsing, initializer tables, atexit/onexit, exit,
// errno, locks, signal/raise/abort, and the data exports programs read directly (_acmdln, __argc ...).
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "crt.h"
#include "kernel32/environ.h"
#include "log.h"
#include "unicode.h"

namespace winrun::k32 {
HANDLE WINAPI GetProcessHeap();
LPVOID WINAPI HeapAlloc(HANDLE, DWORD, SIZE_T);
BOOL WINAPI HeapFree(HANDLE, DWORD, LPVOID);
LPVOID WINAPI HeapReAlloc(HANDLE, DWORD, LPVOID, SIZE_T);
DWORD WINAPI GetModuleFileNameW(HMODULE, LPWSTR, DWORD);
void WINAPI EnterCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI LeaveCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI InitializeCriticalSection(RTL_CRITICAL_SECTION*);
}  // namespace winrun::k32

namespace winrun::crt {

int g_app_type = 0;

// Data exports: each pointer is set to its storage inside msvcrt.dll's image at load.
char** p_acmdln;
char16_t** p_wcmdln;
extern char*** p_initenv;     // environ.cpp
extern char16_t*** p_winitenv;
int* p_argc;
char*** p_argv;
char16_t*** p_wargv;
int* p_commode;
int* p_fmode;
int* p_mb_cur_max;
unsigned* p_osver;
unsigned* p_winver;
unsigned* p_winmajor;
unsigned* p_winminor;
char** p_pgmptr;
char16_t** p_wpgmptr;

namespace {
RTL_CRITICAL_SECTION g_locks[TOTAL_LOCKS + 20];
std::mutex g_exit_mutex;
using OnExitFn = int(CDECL*)();
std::vector<OnExitFn> g_onexit;
bool g_no_flush_at_detach = false;
thread_local int t_errno = 0;
thread_local uint32_t t_doserrno = 0;

// The program's own copy of its arguments and environment, parsed once.
std::vector<char*> g_argv_a;
std::vector<char16_t*> g_argv_w;

// Splits a command line the way msvcrt's start-up code does (the VC6-era rules of msvcrt.dll):
//  - argv[0] runs to the next space, or between quotes when it starts with one (no escapes);
//  - 2n backslashes + quote -> n backslashes, and the quote toggles quoting;
//  - 2n+1 backslashes + quote -> n backslashes and a literal quote;
//  - backslashes not followed by a quote are literal;
//  - inside quotes, "" gives a literal quote (and leaves quoting, as msvcrt.dll does).
template <typename C>
std::vector<std::basic_string<C>> split_command_line(const C* p) {
    std::vector<std::basic_string<C>> out;
    std::basic_string<C> cur;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') cur.push_back(*p++);
        if (*p == '"') p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') cur.push_back(*p++);
    }
    out.push_back(cur);
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        cur.clear();
        bool inquote = false;
        for (;;) {
            bool copy = true;
            unsigned slashes = 0;
            while (*p == '\\') {
                p++;
                slashes++;
            }
            if (*p == '"') {
                if (slashes % 2 == 0) {
                    if (inquote && p[1] == '"') p++;
                    else copy = false;
                    inquote = !inquote;
                }
                slashes /= 2;
            }
            cur.append(slashes, C('\\'));
            if (!*p || (!inquote && (*p == ' ' || *p == '\t'))) break;
            if (copy) cur.push_back(*p);
            p++;
        }
        out.push_back(cur);
    }
    return out;
}

template <typename C>
C* dup_string(const std::basic_string<C>& s) {
    C* d = new C[s.size() + 1];
    std::memcpy(d, s.c_str(), (s.size() + 1) * sizeof(C));
    return d;
}

void build_args() {
    for (auto& a : split_command_line(*p_acmdln)) g_argv_a.push_back(dup_string(a));
    g_argv_a.push_back(nullptr);
    for (auto& a : split_command_line(*p_wcmdln)) g_argv_w.push_back(dup_string(a));
    g_argv_w.push_back(nullptr);
    *p_argc = int(g_argv_a.size() - 1);
    *p_argv = g_argv_a.data();
    *p_wargv = g_argv_w.data();
    init_environ();
}

void run_onexit() {
    std::vector<OnExitFn> fns;
    {
        std::lock_guard lock(g_exit_mutex);
        fns.swap(g_onexit);
    }
    for (auto it = fns.rbegin(); it != fns.rend(); ++it) (*it)();
}

// _pgmptr/_wpgmptr: the full path of the program, as GetModuleFileName(NULL) gives it.
void set_program_path() {
    static char16_t wpath[32768];
    DWORD n = k32::GetModuleFileNameW(nullptr, wpath, 32768);
    if (!n || n >= 32768) n = 0;
    wpath[n] = 0;
    static std::string apath;
    apath = k32::wide_to_ansi(std::u16string_view(wpath, n));
    *p_wpgmptr = wpath;
    *p_pgmptr = apath.data();
}

void msvcrt_attach(uint32_t reason) {
    if (reason == 1) {
        for (auto& l : g_locks) k32::InitializeCriticalSection(&l);
        *p_acmdln = k32::command_line_a();
        *p_wcmdln = k32::command_line_w();
        *p_mb_cur_max = 1;
        *p_fmode = O_TEXT_;
        *p_osver = 9200;
        *p_winmajor = 6;
        *p_winminor = 2;
        *p_winver = (6u << 8) | 2u;
        set_program_path();
        init_ctype();
        init_string();
        init_time();
        init_math();
        build_args();
        init_lowio();
        init_stdio();
    } else if (reason == 0) {
        // Process exit: streams are flushed unless the program left through _exit.
        if (!g_no_flush_at_detach) flush_all();
    }
}
}  // namespace

int* errno_location() { return &t_errno; }
uint32_t* doserrno_location() { return &t_doserrno; }

void lock(int n) {
    if (n >= 0 && n < int(std::size(g_locks))) k32::EnterCriticalSection(&g_locks[n]);
}
void unlock(int n) {
    if (n >= 0 && n < int(std::size(g_locks))) k32::LeaveCriticalSection(&g_locks[n]);
}

// msvcrt's _dosmaperr: Windows error -> errno (the Visual C++ CRT table, dosmap.c); anything not
// listed is EINVAL.
void dosmaperr(DWORD e) {
    *doserrno_location() = e;
    struct Map {
        DWORD win;
        int err;
    };
    static const Map k_map[] = {
        {1, EINVAL_},    {2, ENOENT_},   {3, ENOENT_},   {4, EMFILE_},   {5, EACCES_},   {6, EBADF_},
        {7, ENOMEM_},    {8, ENOMEM_},   {9, ENOMEM_},   {10, E2BIG_},   {11, ENOEXEC_}, {12, EINVAL_},
        {13, EINVAL_},   {15, ENOENT_},  {16, EACCES_},  {17, EXDEV_},   {18, ENOENT_},  {33, EACCES_},
        {53, ENOENT_},   {65, EACCES_},  {67, ENOENT_},  {80, EEXIST_},  {82, EACCES_},  {83, EACCES_},
        {87, EINVAL_},   {89, EAGAIN_},  {108, EACCES_}, {109, EPIPE_},  {112, ENOSPC_}, {114, EBADF_},
        {128, ECHILD_},  {129, ECHILD_}, {130, EBADF_},  {131, EINVAL_}, {132, EACCES_}, {145, ENOTEMPTY_},
        {158, EACCES_},  {161, ENOENT_}, {164, EAGAIN_}, {167, EACCES_}, {183, EEXIST_}, {206, ENOENT_},
        {215, EAGAIN_},  {1816, ENOMEM_},
    };
    for (const auto& m : k_map)
        if (m.win == e) return set_errno(m.err);
    if (e >= 19 && e <= 36) return set_errno(EACCES_);    // write-protect .. sharing buffer exceeded
    if (e >= 188 && e <= 202) return set_errno(ENOEXEC_); // invalid executable formats
    set_errno(EINVAL_);
}

// ---- exported ---------------------------------------------------------------------------------
struct StartupInfo {
    int newmode;
};

int CDECL __getmainargs(int* argc, char*** argv, char*** envp, int, StartupInfo*) {
    *argc = *p_argc;
    *argv = *p_argv;
    *envp = *p_initenv;
    return 0;
}
int CDECL __wgetmainargs(int* argc, char16_t*** argv, char16_t*** envp, int, StartupInfo*) {
    *argc = *p_argc;
    *argv = *p_wargv;
    *envp = *p_winitenv;
    return 0;
}

using InitFn = void(CDECL*)();
void CDECL _initterm(InitFn* begin, InitFn* end) {
    for (; begin < end; begin++)
        if (*begin) (*begin)();
}
using InitFnE = int(CDECL*)();
int CDECL _initterm_e(InitFnE* begin, InitFnE* end) {
    for (; begin < end; begin++)
        if (*begin)
            if (int r = (*begin)()) return r;
    return 0;
}

void CDECL __set_app_type(int t) { g_app_type = t; }
int* CDECL __p___argc() { return p_argc; }
char*** CDECL __p___argv() { return p_argv; }
char16_t*** CDECL __p___wargv() { return p_wargv; }
char** CDECL __p__acmdln() { return p_acmdln; }
char16_t** CDECL __p__wcmdln() { return p_wcmdln; }
int* CDECL __p__fmode() { return p_fmode; }
int* CDECL __p__commode() { return p_commode; }
char** CDECL __p__pgmptr() { return p_pgmptr; }
char16_t** CDECL __p__wpgmptr() { return p_wpgmptr; }
int CDECL _get_pgmptr(char** out) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = *p_pgmptr;
    return 0;
}
int CDECL _get_wpgmptr(char16_t** out) {
    if (!out) return set_errno(EINVAL_), EINVAL_;
    *out = *p_wpgmptr;
    return 0;
}
int* CDECL _errno() { return errno_location(); }
uint32_t* CDECL __doserrno() { return doserrno_location(); }

OnExitFn CDECL _onexit(OnExitFn fn) {
    std::lock_guard lock(g_exit_mutex);
    g_onexit.push_back(fn);
    return fn;
}
int CDECL atexit(void(CDECL* fn)()) { return _onexit(reinterpret_cast<OnExitFn>(fn)) ? 0 : -1; }

// A DLL built with mingw keeps its own onexit table; msvcrt grows it (with its own heap).
OnExitFn CDECL __dllonexit(OnExitFn fn, OnExitFn** begin, OnExitFn** end) {
    size_t n = size_t(*end - *begin);
    auto* tbl = static_cast<OnExitFn*>(k32::HeapReAlloc(k32::GetProcessHeap(), 0, *begin, (n + 1) * sizeof(OnExitFn)));
    if (!*begin) tbl = static_cast<OnExitFn*>(k32::HeapAlloc(k32::GetProcessHeap(), 0, sizeof(OnExitFn)));
    if (!tbl) return nullptr;
    tbl[n] = fn;
    *begin = tbl;
    *end = tbl + n + 1;
    return fn;
}

void CDECL _cexit() {
    run_onexit();
    flush_all();
}
void CDECL _c_exit() {}

[[noreturn]] void CDECL exit(int code) {
    _cexit();
    k32::exit_process(UINT(code));
}
[[noreturn]] void CDECL _exit(int code) {
    g_no_flush_at_detach = true;
    k32::exit_process(UINT(code));
}

// ---- signals ----------------------------------------------------------------------------------
using SigHandler = void(CDECL*)(int);
constexpr int SIGINT_ = 2, SIGILL_ = 4, SIGFPE_ = 8, SIGSEGV_ = 11, SIGTERM_ = 15, SIGBREAK_ = 21, SIGABRT_ = 22,
              SIGABRT_COMPAT_ = 6;
namespace {
SigHandler g_sig[23] = {};
bool valid_signal(int s) {
    return s == SIGINT_ || s == SIGILL_ || s == SIGFPE_ || s == SIGSEGV_ || s == SIGTERM_ || s == SIGBREAK_ ||
           s == SIGABRT_ || s == SIGABRT_COMPAT_;
}
const SigHandler SIG_ERR_ = reinterpret_cast<SigHandler>(-1LL);
const SigHandler SIG_IGN_ = reinterpret_cast<SigHandler>(1LL);
}  // namespace

// SIGINT and SIGBREAK arrive as console control events (Ctrl+C, Ctrl+Break): msvcrt installs one
// console control handler that turns them into calls of the signal() handlers.
namespace {
BOOL WINAPI ctrl_to_signal(DWORD event) {
    int sig = event == 0 ? SIGINT_ : event == 1 ? SIGBREAK_ : 0;
    if (!sig) return FALSE;
    SigHandler h = g_sig[sig];
    if (!h) return FALSE;  // SIG_DFL: the default handler ends the process
    if (h != SIG_IGN_) {
        g_sig[sig] = nullptr;  // reset to SIG_DFL before the call, as msvcrt does
        h(sig);
    }
    return TRUE;
}
}  // namespace

SigHandler CDECL signal(int sig, SigHandler h) {
    if (!valid_signal(sig) || h == reinterpret_cast<SigHandler>(2) /* SIG_SGE */ ||
        h == reinterpret_cast<SigHandler>(3) /* SIG_ACK */) {
        set_errno(22);
        return SIG_ERR_;
    }
    if (sig == SIGABRT_COMPAT_) sig = SIGABRT_;
    if ((sig == SIGINT_ || sig == SIGBREAK_) && h) {
        static std::once_flag once;
        std::call_once(once, [] { k32::SetConsoleCtrlHandler(ctrl_to_signal, TRUE); });
    }
    SigHandler old = g_sig[sig];
    g_sig[sig] = h;
    return old;
}

[[noreturn]] void abort_now() {
    // msvcrt's console message for abort(), then exit code 3.
    static const char msg[] =
        "\r\nThis application has requested the Runtime to terminate it in an unusual way.\n"
        "Please contact the application's support team for more information.\r\n";
    (void)!::write(2, msg, sizeof msg - 1);
    g_no_flush_at_detach = true;
    k32::exit_process(3);
}

// _XcptFilter: the filter of the __except that MSVC's start-up code puts around main. An exception
// that maps to a C signal whose handler was installed with signal() goes to that handler and
// execution continues; SIG_IGN continues at once; anything else is UnhandledExceptionFilter's.
}  // namespace winrun::crt
namespace winrun::k32 {
LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS* p);
}
namespace winrun::crt {
int CDECL _XcptFilter(DWORD code, EXCEPTION_POINTERS* ptrs) {
    int sig = 0, fpe = 0;
    switch (code) {
    case STATUS_ACCESS_VIOLATION: sig = SIGSEGV_; break;
    case STATUS_ILLEGAL_INSTRUCTION:
    case 0xC0000096:  // STATUS_PRIVILEGED_INSTRUCTION
        sig = SIGILL_;
        break;
    // The floating-point statuses and msvcrt's _FPE_* sub-codes passed as the handler's 2nd argument.
    case 0xC000008D: sig = SIGFPE_, fpe = 0x82; break;  // denormal operand
    case 0xC000008E: sig = SIGFPE_, fpe = 0x83; break;  // divide by zero
    case 0xC000008F: sig = SIGFPE_, fpe = 0x86; break;  // inexact result
    case 0xC0000090: sig = SIGFPE_, fpe = 0x81; break;  // invalid operation
    case 0xC0000091: sig = SIGFPE_, fpe = 0x84; break;  // overflow
    case 0xC0000092: sig = SIGFPE_, fpe = 0x8A; break;  // stack check
    case 0xC0000093: sig = SIGFPE_, fpe = 0x85; break;  // underflow
    default: break;
    }
    SigHandler h = sig ? g_sig[sig] : nullptr;
    if (!h) return k32::UnhandledExceptionFilter(ptrs);
    if (h == SIG_IGN_) return -1;  // EXCEPTION_CONTINUE_EXECUTION
    g_sig[sig] = nullptr;          // reset to SIG_DFL before the call, as msvcrt does
    if (sig == SIGFPE_) reinterpret_cast<void(CDECL*)(int, int)>(reinterpret_cast<void*>(h))(sig, fpe);
    else h(sig);
    return -1;
}

int CDECL raise(int sig) {
    if (!valid_signal(sig)) {
        set_errno(22);
        return -1;
    }
    if (sig == SIGABRT_COMPAT_) sig = SIGABRT_;
    SigHandler h = g_sig[sig];
    if (h == SIG_IGN_) return 0;
    if (!h) {
        if (sig == SIGABRT_) abort_now();
        g_no_flush_at_detach = true;
        k32::exit_process(3);  // default action of the other signals: terminate with exit code 3
    }
    g_sig[sig] = nullptr;  // reset to SIG_DFL before the call, as msvcrt does
    h(sig);
    return 0;
}

// The filter the start-up code puts around main (msvcrt's _XcptFilter, the UCRT's _seh_filter_exe):
// a hardware exception becomes the C signal it corresponds to. With no handler (SIG_DFL) the search
// goes on; SIG_IGN continues execution; a handler is reset to SIG_DFL, called, and execution
// continues.
long seh_filter(DWORD code) {
    int sig;
    switch (code) {
    case 0xC0000005: sig = SIGSEGV_; break;  // access violation
    case 0xC000001D: case 0xC0000096: sig = SIGILL_; break;  // illegal / privileged instruction
    case 0xC000008D: case 0xC000008E: case 0xC000008F: case 0xC0000090: case 0xC0000091: case 0xC0000092:
    case 0xC0000093: case 0xC00002B4: case 0xC00002B5: sig = SIGFPE_; break;
    default: return 0;  // EXCEPTION_CONTINUE_SEARCH
    }
    SigHandler h = g_sig[sig];
    if (!h) return 0;
    if (h == SIG_IGN_) return -1;  // EXCEPTION_CONTINUE_EXECUTION
    g_sig[sig] = nullptr;
    h(sig);
    return -1;
}

[[noreturn]] void CDECL abort() {
    raise(SIGABRT_);
    abort_now();
}

// _amsg_exit: the run-time error banner and message for a console program, then exit code 255.
[[noreturn]] void CDECL _amsg_exit(int n) {
    const char* what = nullptr;
    switch (n) {
    case 2: what = "- floating point not loaded"; break;
    case 8: what = "- not enough space for arguments"; break;
    case 9: what = "- not enough space for environment"; break;
    case 16: what = "- not enough space for thread data"; break;
    case 17: what = "- unexpected multithread lock error"; break;
    case 18: what = "- unexpected heap error"; break;
    case 19: what = "- unable to open console device"; break;
    case 24: what = "- not enough space for _onexit/atexit table"; break;
    case 25: what = "- pure virtual function call"; break;
    case 26: what = "- not enough space for stdio initialization"; break;
    case 27: what = "- not enough space for lowio initialization"; break;
    case 28: what = "- unable to initialize heap"; break;
    default: break;
    }
    std::string msg = fmt::format("\r\nruntime error R60{:02d}\r\n", n);
    if (what) msg += std::string(what) + "\r\n";
    (void)!::write(2, msg.data(), msg.size());
    g_no_flush_at_detach = true;
    k32::exit_process(255);
}

void CDECL _lock(int n) { lock(n); }
void CDECL _unlock(int n) { unlock(n); }


WR_EXPORT_PART(msvcrt_startup,
    WR_DATA("_acmdln", p_acmdln, 8), WR_DATA("_wcmdln", p_wcmdln, 8),
    WR_DATA("__argc", p_argc, 4), WR_DATA("__argv", p_argv, 8), WR_DATA("__wargv", p_wargv, 8),
    WR_DATA("_commode", p_commode, 4), WR_DATA("_fmode", p_fmode, 4), WR_DATA("__mb_cur_max", p_mb_cur_max, 4),
    WR_DATA("_osver", p_osver, 4), WR_DATA("_winver", p_winver, 4), WR_DATA("_winmajor", p_winmajor, 4),
    WR_DATA("_winminor", p_winminor, 4), WR_DATA("_pgmptr", p_pgmptr, 8), WR_DATA("_wpgmptr", p_wpgmptr, 8),
    WR_EXPORT(__p__pgmptr), WR_EXPORT(__p__wpgmptr), WR_EXPORT(_get_pgmptr), WR_EXPORT(_get_wpgmptr),
    WR_EXPORT(__getmainargs), WR_EXPORT(__wgetmainargs), WR_EXPORT(_initterm), WR_EXPORT(_initterm_e),
    WR_EXPORT(__set_app_type), WR_EXPORT(__p___argc), WR_EXPORT(__p___argv),
    WR_EXPORT(__p___wargv), WR_EXPORT(__p__acmdln), WR_EXPORT(__p__wcmdln), WR_EXPORT(__p__fmode),
    WR_EXPORT(__p__commode), WR_EXPORT(_errno), WR_EXPORT(__doserrno), WR_EXPORT(_onexit), WR_EXPORT(atexit),
    WR_EXPORT(__dllonexit), WR_EXPORT(_cexit), WR_EXPORT(_c_exit), WR_EXPORT(exit), WR_EXPORT(_exit),
    WR_EXPORT(signal), WR_EXPORT(raise), WR_EXPORT(_XcptFilter), WR_EXPORT(abort), WR_EXPORT(_amsg_exit), WR_EXPORT(_lock),
    WR_EXPORT(_unlock));

}  // namespace winrun::crt

namespace winrun::builtin {
AttachFn msvcrt_attach_fn() { return &winrun::crt::msvcrt_attach; }
}  // namespace winrun::builtin
