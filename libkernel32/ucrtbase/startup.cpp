// ucrtbase.dll start-up and termination: what the UCRT's start-up code (MSVC's exe_common.inl,
// mingw-w64's crt in its UCRT flavour) calls in place of msvcrt's __getmainargs and _onexit, on top
// of msvcrt's argv, environment and atexit list (parsed once per process, at msvcrt's attach).
#include <unistd.h>

#include <mutex>
#include <vector>

#include "builtin/builtin.h"
#include "kernel32/k32.h"
#include "ucrt.h"

namespace winrun::ucrt {

namespace {
using Pvfv = void(CDECL*)();
using Pifv = int(CDECL*)();
using TlsCallback = void(WINAPI*)(void*, DWORD, void*);
using InvalidParameterHandler = void(CDECL*)(const char16_t*, const char16_t*, const char16_t*, unsigned, uintptr_t);
using TerminateHandler = void(CDECL*)();

std::mutex g_mutex;
TlsCallback g_tls_exit_callback = nullptr;
std::vector<Pvfv> g_quick_exit;
std::atomic<InvalidParameterHandler> g_invalid_parameter_handler{nullptr};
std::atomic<TerminateHandler> g_terminate_handler{nullptr};
std::atomic<int> g_new_mode{0};
thread_local int t_locale_mode = 2;  // _DISABLE_PER_THREAD_LOCALE
}  // namespace

void invalid_parameter() {
    if (InvalidParameterHandler h = g_invalid_parameter_handler.load()) {
        h(nullptr, nullptr, nullptr, 0, 0);
        return;
    }
    static const char msg[] = "winrun: invalid parameter passed to a C runtime function (ucrtbase.dll)\n";
    (void)!::write(2, msg, sizeof msg - 1);
    k32::exit_process(0xC0000409);  // STATUS_STACK_BUFFER_OVERRUN: what __fastfail reports
}

// ---- initializers and argv/environment ------------------------------------------------------------
// _initterm/_initterm_e are msvcrt's (shared). The arguments and environment are already parsed; the
// configure/initialize calls only choose what the program looks at.
// _crt_argv_expanded_arguments (2) asks for wildcard expansion of argv, which is not implemented:
// arguments stay as given (as with _crt_argv_unexpanded_arguments).
int CDECL _configure_narrow_argv(int mode) {
    if (mode < 0 || mode > 2) return set_errno(EINVAL_), invalid_parameter(), EINVAL_;
    return 0;
}
int CDECL _configure_wide_argv(int mode) { return _configure_narrow_argv(mode); }
int CDECL _initialize_narrow_environment() { return 0; }
int CDECL _initialize_wide_environment() { return 0; }
char** CDECL _get_initial_narrow_environment() { return *p_initenv; }
char16_t** CDECL _get_initial_wide_environment() { return *p_winitenv; }
void CDECL _set_app_type(int type) { g_app_type = type; }
int CDECL _get_app_type() { return g_app_type; }
long CDECL _seh_filter_exe(DWORD code, void* /*EXCEPTION_POINTERS*/) { return seh_filter(code); }
long CDECL _seh_filter_dll(DWORD code, void*) { return seh_filter(code); }

// ---- onexit tables ------------------------------------------------------------------------------
// struct _onexit_table_t { _PVFV* _first; _PVFV* _last; _PVFV* _end; }: a module's own atexit list
// (DLLs, and the exe when it keeps its own). Grown by the CRT, run last-registered first.
struct OnexitTable {
    Pvfv* first;
    Pvfv* last;
    Pvfv* end;
};
static_assert(sizeof(OnexitTable) == 24);

int CDECL _initialize_onexit_table(OnexitTable* t) {
    if (!t) return -1;
    if (t->first == t->end) t->first = t->last = t->end = nullptr;
    return 0;
}
int CDECL _register_onexit_function(OnexitTable* t, Pvfv fn) {
    if (!t) return -1;
    std::lock_guard lock(g_mutex);
    if (t->last == t->end) {
        size_t n = size_t(t->end - t->first), grow = n ? n * 2 : 32;
        auto* p = static_cast<Pvfv*>(crt::realloc(t->first, grow * sizeof(Pvfv)));
        if (!p) return -1;
        t->last = p + n;
        t->first = p;
        t->end = p + grow;
    }
    *t->last++ = fn;
    return 0;
}
int CDECL _execute_onexit_table(OnexitTable* t) {
    if (!t) return -1;
    Pvfv *first, *last;
    {
        std::lock_guard lock(g_mutex);
        first = t->first;
        last = t->last;
        t->first = t->last = t->end = nullptr;  // the table is emptied before anything runs
    }
    for (Pvfv* p = last; p != first;) {
        Pvfv fn = *--p;
        if (fn) fn();
    }
    crt::free(first);
    return 0;
}
int CDECL _crt_atexit(Pvfv fn) { return crt::atexit(fn); }
int CDECL _crt_at_quick_exit(Pvfv fn) {
    std::lock_guard lock(g_mutex);
    g_quick_exit.push_back(fn);
    return 0;
}
int CDECL at_quick_exit(Pvfv fn) { return _crt_at_quick_exit(fn); }
[[noreturn]] void CDECL quick_exit(int code) {
    std::vector<Pvfv> fns;
    {
        std::lock_guard lock(g_mutex);
        fns.swap(g_quick_exit);
    }
    for (auto it = fns.rbegin(); it != fns.rend(); ++it) (*it)();
    crt::_exit(code);
}

// The exe's thread_local destructors (vcruntime registers them here): exit() runs them for the
// exiting thread before the atexit functions, as the UCRT does.
void CDECL _register_thread_local_exe_atexit_callback(TlsCallback cb) {
    std::lock_guard lock(g_mutex);
    g_tls_exit_callback = cb;
}
[[noreturn]] void CDECL ucrt_exit(int code) {
    TlsCallback cb;
    {
        std::lock_guard lock(g_mutex);
        cb = g_tls_exit_callback;
        g_tls_exit_callback = nullptr;
    }
    if (cb) cb(nullptr, 0 /* DLL_PROCESS_DETACH */, nullptr);
    crt::exit(code);
}

// ---- terminate ------------------------------------------------------------------------------------
TerminateHandler CDECL set_terminate(TerminateHandler h) { return g_terminate_handler.exchange(h); }
TerminateHandler CDECL _get_terminate() { return g_terminate_handler.load(); }
[[noreturn]] void CDECL terminate() {
    if (TerminateHandler h = g_terminate_handler.load()) h();
    crt::abort();  // a handler that returns: abort, as the UCRT does
}

// ---- modes and errno ------------------------------------------------------------------------------
int CDECL _set_new_mode(int mode) {
    if (mode != 0 && mode != 1) return set_errno(EINVAL_), invalid_parameter(), -1;
    return g_new_mode.exchange(mode);
}
int CDECL _query_new_mode() { return g_new_mode.load(); }
// Per-thread locales: 1 = _ENABLE_PER_THREAD_LOCALE, 2 = _DISABLE_PER_THREAD_LOCALE, 0 queries,
// -1 resets to the default. The one locale is "C", so the mode changes nothing else.
int CDECL _configthreadlocale(int mode) {
    int old = t_locale_mode;
    if (mode == 1 || mode == 2) t_locale_mode = mode;
    else if (mode == -1) t_locale_mode = 2;
    else if (mode != 0) return set_errno(EINVAL_), invalid_parameter(), -1;
    return old;
}
int CDECL _set_fmode(int mode) {
    if (mode != O_TEXT_ && mode != O_BINARY_ && mode != O_WTEXT_) return set_errno(EINVAL_), invalid_parameter(), EINVAL_;
    *p_fmode = mode;
    return 0;
}
int CDECL _get_fmode(int* mode) {
    if (!mode) return set_errno(EINVAL_), invalid_parameter(), EINVAL_;
    *mode = *p_fmode;
    return 0;
}
int CDECL _get_errno(int* v) {
    if (!v) return invalid_parameter(), EINVAL_;
    *v = *errno_location();
    return 0;
}
int CDECL _set_errno(int v) {
    *errno_location() = v;
    return 0;
}
int CDECL _get_doserrno(unsigned long* v) {  // unsigned long is 32-bit on Windows
    if (!v) return invalid_parameter(), EINVAL_;
    *reinterpret_cast<uint32_t*>(v) = *doserrno_location();
    return 0;
}
int CDECL _set_doserrno(uint32_t v) {
    *doserrno_location() = v;
    return 0;
}

InvalidParameterHandler CDECL _set_invalid_parameter_handler(InvalidParameterHandler h) {
    return g_invalid_parameter_handler.exchange(h);
}
InvalidParameterHandler CDECL _get_invalid_parameter_handler() { return g_invalid_parameter_handler.load(); }
void CDECL _invalid_parameter_noinfo() { invalid_parameter(); }
[[noreturn]] void CDECL _invalid_parameter_noinfo_noreturn() {
    invalid_parameter();
    k32::exit_process(0xC0000409);  // a handler that returns: the process still ends
}
void CDECL _invalid_parameter(const char16_t*, const char16_t*, const char16_t*, unsigned, uintptr_t) {
    invalid_parameter();
}

WR_EXPORT_PART(ucrtbase_startup,
    WR_EXPORT(_configure_narrow_argv), WR_EXPORT(_configure_wide_argv), WR_EXPORT(_initialize_narrow_environment),
    WR_EXPORT(_initialize_wide_environment), WR_EXPORT(_get_initial_narrow_environment),
    WR_EXPORT(_get_initial_wide_environment), WR_EXPORT(_set_app_type), WR_EXPORT(_get_app_type),
    WR_EXPORT(_seh_filter_exe), WR_EXPORT(_seh_filter_dll), WR_EXPORT(_initialize_onexit_table),
    WR_EXPORT(_register_onexit_function), WR_EXPORT(_execute_onexit_table), WR_EXPORT(_crt_atexit),
    WR_EXPORT(_crt_at_quick_exit), WR_EXPORT(at_quick_exit), WR_EXPORT(quick_exit),
    WR_EXPORT(_register_thread_local_exe_atexit_callback), WR_EXPORT_AS("exit", ucrt_exit), WR_EXPORT(set_terminate),
    WR_EXPORT(_get_terminate), WR_EXPORT(terminate), WR_EXPORT(_set_new_mode), WR_EXPORT(_query_new_mode),
    WR_EXPORT(_configthreadlocale), WR_EXPORT(_set_fmode), WR_EXPORT(_get_fmode), WR_EXPORT(_get_errno),
    WR_EXPORT(_set_errno), WR_EXPORT(_get_doserrno), WR_EXPORT(_set_doserrno), WR_EXPORT(_set_invalid_parameter_handler),
    WR_EXPORT(_get_invalid_parameter_handler), WR_EXPORT(_invalid_parameter_noinfo),
    WR_EXPORT(_invalid_parameter_noinfo_noreturn), WR_EXPORT(_invalid_parameter));

}  // namespace winrun::ucrt
