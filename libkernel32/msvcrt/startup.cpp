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
void WINAPI EnterCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI LeaveCriticalSection(RTL_CRITICAL_SECTION*);
void WINAPI InitializeCriticalSection(RTL_CRITICAL_SECTION*);
}  // namespace winrun::k32

namespace winrun::crt {

int g_app_type = 0;

// Data exports: each pointer is set to its storage inside msvcrt.dll's image at load.
char** p_acmdln;
char16_t** p_wcmdln;
char*** p_initenv;
char16_t*** p_winitenv;
char*** p_environ;
char16_t*** p_wenviron;
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

namespace {
RTL_CRITICAL_SECTION g_locks[TOTAL_LOCKS + 20];
std::mutex g_exit_mutex;
using OnExitFn = int(CDECL*)();
std::vector<OnExitFn> g_onexit;
bool g_no_flush_at_detach = false;
thread_local int t_errno = 0;
thread_local unsigned long t_doserrno = 0;

// The program's own copy of its arguments and environment, parsed once.
std::vector<char*> g_argv_a;
std::vector<char16_t*> g_argv_w;
std::vector<char*> g_env_a;
std::vector<char16_t*> g_env_w;

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
    std::u16string block = k32::environment_block();
    for (size_t i = 0; i < block.size() && block[i];) {
        std::u16string e(block.c_str() + i);
        i += e.size() + 1;
        if (e[0] == u'=') continue;  // msvcrt hides the "=C:=C:\..." entries
        g_env_w.push_back(dup_string(e));
        g_env_a.push_back(dup_string(k32::wide_to_ansi(e)));
    }
    g_env_a.push_back(nullptr);
    g_env_w.push_back(nullptr);
    *p_argc = int(g_argv_a.size() - 1);
    *p_argv = g_argv_a.data();
    *p_wargv = g_argv_w.data();
    *p_environ = *p_initenv = g_env_a.data();
    *p_wenviron = *p_winitenv = g_env_w.data();
}

void run_onexit() {
    std::vector<OnExitFn> fns;
    {
        std::lock_guard lock(g_exit_mutex);
        fns.swap(g_onexit);
    }
    for (auto it = fns.rbegin(); it != fns.rend(); ++it) (*it)();
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
unsigned long* doserrno_location() { return &t_doserrno; }

void lock(int n) {
    if (n >= 0 && n < int(std::size(g_locks))) k32::EnterCriticalSection(&g_locks[n]);
}
void unlock(int n) {
    if (n >= 0 && n < int(std::size(g_locks))) k32::LeaveCriticalSection(&g_locks[n]);
}

// msvcrt's _dosmaperr table: Windows error -> errno.
void dosmaperr(DWORD e) {
    *doserrno_location() = e;
    int r;
    switch (e) {
    case 2: case 3: case 15: case 18: case 53: case 161: case 206: r = 2; break;  // ENOENT
    case 4: r = 24; break;                                                        // EMFILE
    case 5: case 16: case 19: case 32: case 33: case 65: case 82: case 89: case 108: case 145: r = 13; break;  // EACCES
    case 6: r = 9; break;                                                         // EBADF
    case 7: case 8: case 14: r = 12; break;                                       // ENOMEM
    case 17: r = 18; break;                                                       // EXDEV
    case 80: case 183: r = 17; break;                                             // EEXIST
    case 109: r = 32; break;                                                      // EPIPE
    case 112: r = 28; break;                                                      // ENOSPC
    case 131: case 87: case 1: r = 22; break;                                     // EINVAL
    case 188: case 189: case 190: case 191: case 192: case 193: case 194: case 195: case 196: case 197:
    case 198: case 199: case 200: case 201: case 202: r = 8; break;               // ENOEXEC
    default: r = 22; break;
    }
    set_errno(r);
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
void CDECL __setusermatherr(void*) {}
int* CDECL __p___argc() { return p_argc; }
char*** CDECL __p___argv() { return p_argv; }
char16_t*** CDECL __p___wargv() { return p_wargv; }
char*** CDECL __p__environ() { return p_environ; }
char16_t*** CDECL __p__wenviron() { return p_wenviron; }
char*** CDECL __p___initenv() { return p_initenv; }
char16_t*** CDECL __p___winitenv() { return p_winitenv; }
char** CDECL __p__acmdln() { return p_acmdln; }
char16_t** CDECL __p__wcmdln() { return p_wcmdln; }
int* CDECL __p__fmode() { return p_fmode; }
int* CDECL __p__commode() { return p_commode; }
int* CDECL _errno() { return errno_location(); }
unsigned long* CDECL __doserrno() { return doserrno_location(); }

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

SigHandler CDECL signal(int sig, SigHandler h) {
    if (!valid_signal(sig) || h == reinterpret_cast<SigHandler>(2) /* SIG_SGE */ ||
        h == reinterpret_cast<SigHandler>(3) /* SIG_ACK */) {
        set_errno(22);
        return SIG_ERR_;
    }
    if (sig == SIGABRT_COMPAT_) sig = SIGABRT_;
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

[[noreturn]] void CDECL abort() {
    raise(SIGABRT_);
    abort_now();
}

[[noreturn]] void CDECL _amsg_exit(int n) {
    std::string msg = fmt::format("runtime error R60{:02d}\r\n", n);
    (void)!::write(2, msg.data(), msg.size());
    g_no_flush_at_detach = true;
    k32::exit_process(255);
}

// ---- locale bits the mingw CRT asks for --------------------------------------------------------
struct Lconv {
    const char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol, *currency_symbol, *mon_decimal_point,
        *mon_thousands_sep, *mon_grouping, *positive_sign, *negative_sign;
    char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space, n_cs_precedes, n_sep_by_space, p_sign_posn,
        n_sign_posn;
};
static Lconv g_lconv = {".", "", "", "", "", "", "", "", "", "", 127, 127, 127, 127, 127, 127, 127, 127};
Lconv* CDECL localeconv() { return &g_lconv; }
// The "C" locale has code page 0 in msvcrt (bytes are taken as they are).
unsigned CDECL ___lc_codepage_func() { return 0; }
int CDECL ___mb_cur_max_func() { return *p_mb_cur_max; }
int* CDECL __p___mb_cur_max() { return p_mb_cur_max; }
void CDECL _lock(int n) { lock(n); }
void CDECL _unlock(int n) { unlock(n); }

unsigned CDECL _controlfp(unsigned, unsigned) { return 0x9001F; }  // _CW_DEFAULT for x64
void CDECL _fpreset() {}
unsigned CDECL _clearfp() { return 0; }
unsigned CDECL _statusfp() { return 0; }

WR_EXPORT_PART(msvcrt_startup,
    WR_DATA("_acmdln", p_acmdln, 8), WR_DATA("_wcmdln", p_wcmdln, 8), WR_DATA("__initenv", p_initenv, 8),
    WR_DATA("__winitenv", p_winitenv, 8), WR_DATA("_environ", p_environ, 8), WR_DATA("_wenviron", p_wenviron, 8),
    WR_DATA("__argc", p_argc, 4), WR_DATA("__argv", p_argv, 8), WR_DATA("__wargv", p_wargv, 8),
    WR_DATA("_commode", p_commode, 4), WR_DATA("_fmode", p_fmode, 4), WR_DATA("__mb_cur_max", p_mb_cur_max, 4),
    WR_DATA("_osver", p_osver, 4), WR_DATA("_winver", p_winver, 4), WR_DATA("_winmajor", p_winmajor, 4),
    WR_DATA("_winminor", p_winminor, 4),
    WR_EXPORT(__getmainargs), WR_EXPORT(__wgetmainargs), WR_EXPORT(_initterm), WR_EXPORT(_initterm_e),
    WR_EXPORT(__set_app_type), WR_EXPORT(__setusermatherr), WR_EXPORT(__p___argc), WR_EXPORT(__p___argv),
    WR_EXPORT(__p___wargv), WR_EXPORT(__p__environ), WR_EXPORT(__p__wenviron), WR_EXPORT(__p___initenv),
    WR_EXPORT(__p___winitenv), WR_EXPORT(__p__acmdln), WR_EXPORT(__p__wcmdln), WR_EXPORT(__p__fmode),
    WR_EXPORT(__p__commode), WR_EXPORT(_errno), WR_EXPORT(__doserrno), WR_EXPORT(_onexit), WR_EXPORT(atexit),
    WR_EXPORT(__dllonexit), WR_EXPORT(_cexit), WR_EXPORT(_c_exit), WR_EXPORT(exit), WR_EXPORT(_exit),
    WR_EXPORT(signal), WR_EXPORT(raise), WR_EXPORT(abort), WR_EXPORT(_amsg_exit), WR_EXPORT(localeconv),
    WR_EXPORT(___lc_codepage_func), WR_EXPORT(___mb_cur_max_func), WR_EXPORT(__p___mb_cur_max), WR_EXPORT(_lock),
    WR_EXPORT(_unlock), WR_EXPORT(_controlfp), WR_EXPORT(_fpreset), WR_EXPORT(_clearfp), WR_EXPORT(_statusfp));

}  // namespace winrun::crt

namespace winrun::builtin {
AttachFn msvcrt_attach_fn() { return &winrun::crt::msvcrt_attach; }
}  // namespace winrun::builtin
