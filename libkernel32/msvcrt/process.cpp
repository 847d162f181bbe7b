// Starting programs from msvcrt: _spawn*/_wspawn* (P_WAIT, P_NOWAIT/P_NOWAITO returning a process
// handle, P_DETACH, P_OVERLAY), _cwait, system/_wsystem and _popen/_pclose (+ _wpopen).
//
// As msvcrt does, _spawn* completes the program name itself (.com/.exe/.bat/.cmd when it has no
// extension; the PATH directories for the p variants only), joins the arguments with single spaces
// and no quoting (a caller passing arguments with spaces quotes them itself) and starts the program
// with CreateProcess, handles inherited. There is no cmd.exe in winrun: system() and _popen() use
// %COMSPEC% ("... /c command") when it names an existing program, and otherwise run the command line itself with CreateProcess:
// a program and its arguments work, cmd's built-in commands, redirections and pipes do not
// (system(NULL) then answers 0: no command processor).
#include <map>
#include <mutex>

#include "builtin/builtin.h"
#include "crt.h"
#include "kernel32/environ.h"
#include "unicode.h"

namespace winrun::k32 {
BOOL WINAPI CreateProcessW(LPCWSTR app, LPWSTR cmdline, void*, void*, BOOL inherit, DWORD flags, LPVOID env,
                           LPCWSTR cwd, STARTUPINFOW* si, PROCESS_INFORMATION* pi);
DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD timeout);
BOOL WINAPI GetExitCodeProcess(HANDLE h, DWORD* code);
BOOL WINAPI CloseHandle(HANDLE h);
BOOL WINAPI CreatePipe(HANDLE* r, HANDLE* w, void* sa, DWORD size);
BOOL WINAPI SetHandleInformation(HANDLE h, DWORD mask, DWORD flags);
HANDLE WINAPI GetStdHandle(DWORD which);
DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size);
DWORD WINAPI GetFileAttributesW(LPCWSTR name);
}  // namespace winrun::k32

namespace winrun::crt {

int CDECL _open_osfhandle(intptr_t h, int flags);
FILE* CDECL _fdopen(int fd, const char* mode);
int CDECL fclose(FILE* f);
[[noreturn]] void CDECL _exit(int code);

namespace {
constexpr int P_WAIT = 0, P_NOWAIT = 1, P_OVERLAY = 2, P_NOWAITO = 3, P_DETACH = 4;
constexpr int E_NOENT = 2, E_CHILD = 10, E_INVAL = 22;
constexpr DWORD DETACHED_PROCESS = 0x8, CREATE_UNICODE_ENVIRONMENT = 0x400;

std::u16string widen(const char* s) { return s ? k32::ansi_to_wide(s) : std::u16string(); }

// Starts `cmdline` (app may be null). Returns the process handle, or null with errno set.
HANDLE start(const char16_t* app, std::u16string cmdline, const char16_t* env_block, DWORD flags,
             k32::STARTUPINFOW* si = nullptr) {
    k32::STARTUPINFOW own{};
    own.cb = sizeof own;
    k32::PROCESS_INFORMATION pi{};
    if (!k32::CreateProcessW(app, cmdline.data(), nullptr, nullptr, TRUE, flags | (env_block ? CREATE_UNICODE_ENVIRONMENT : 0),
                             const_cast<char16_t*>(env_block), nullptr, si ? si : &own, &pi)) {
        dosmaperr(k32::last_error());
        return nullptr;
    }
    k32::CloseHandle(pi.hThread);
    return pi.hProcess;
}

bool is_program_file(const std::u16string& name) {
    DWORD a = k32::GetFileAttributesW(name.c_str());
    return a != 0xFFFFFFFF && !(a & 0x10 /* FILE_ATTRIBUTE_DIRECTORY */);
}

// `name` as the _spawn functions complete it: a name without an extension (and not ending in a
// period) is tried with .com, .exe, .bat, .cmd in that order; one with an extension, or ending in
// a period, only as given. Empty when none exists.
std::u16string with_spawn_extension(const std::u16string& name) {
    size_t sep = name.find_last_of(u"\\/:");
    size_t dot = name.find_last_of(u'.');
    bool has_ext = dot != std::u16string::npos && (sep == std::u16string::npos || dot > sep);
    if (has_ext) return is_program_file(name) ? name : std::u16string();
    for (const char16_t* ext : {u".com", u".exe", u".bat", u".cmd"})
        if (is_program_file(name + ext)) return name + ext;
    return {};
}

// The file _spawn* runs for `cmdname`: as given (from the current directory when relative); the
// p variants then search the PATH directories too, unless the name has a drive or a slash.
std::u16string spawn_target(std::u16string_view cmdname, bool search_path) {
    std::u16string name(cmdname);
    std::u16string found = with_spawn_extension(name);
    if (!found.empty() || !search_path || name.find_first_of(u"\\/:") != std::u16string::npos) return found;
    for (std::u16string dir : k32::path_directories()) {
        if (dir.back() != u'\\' && dir.back() != u'/') dir += u'\\';
        found = with_spawn_extension(dir + name);
        if (!found.empty()) return found;
    }
    return {};
}

intptr_t spawn(int mode, const char16_t* cmdname, const char16_t* const* argv, const char16_t* const* envp,
               bool search_path) {
    if (!cmdname || !argv || mode < P_WAIT || mode > P_DETACH) {
        set_errno(E_INVAL);
        return -1;
    }
    std::u16string target = spawn_target(cmdname, search_path);
    if (target.empty()) {
        set_errno(E_NOENT);
        return -1;
    }
    std::u16string cmd;
    for (size_t i = 0; argv[i]; i++) {
        if (i) cmd += u' ';
        cmd += argv[i];
    }
    std::u16string env;
    if (envp) {
        for (size_t i = 0; envp[i]; i++) {
            env += envp[i];
            env += u'\0';
        }
        if (env.empty()) env += u'\0';
        env += u'\0';
    }
    HANDLE h = start(target.c_str(), cmd, envp ? env.c_str() : nullptr, mode == P_DETACH ? DETACHED_PROCESS : 0);
    if (!h) return -1;
    switch (mode) {
    case P_WAIT: {
        k32::WaitForSingleObject(h, 0xFFFFFFFF);
        DWORD code = 0;
        k32::GetExitCodeProcess(h, &code);
        k32::CloseHandle(h);
        return intptr_t(int(code));
    }
    case P_OVERLAY:
        // The _exec* behaviour: the new program goes on, this one ends.
        k32::CloseHandle(h);
        _exit(0);
    case P_DETACH: k32::CloseHandle(h); return 0;
    default: return reinterpret_cast<intptr_t>(h);  // P_NOWAIT, P_NOWAITO: for _cwait
    }
}

// Narrow argument vectors -> wide, kept alive for the call.
struct WideVec {
    explicit WideVec(const char* const* v) {
        if (!v) return;
        for (size_t i = 0; v[i]; i++) strings.push_back(widen(v[i]));
        for (auto& s : strings) ptrs.push_back(s.c_str());
        ptrs.push_back(nullptr);
    }
    const char16_t* const* get() const { return ptrs.empty() ? nullptr : ptrs.data(); }
    std::vector<std::u16string> strings;
    std::vector<const char16_t*> ptrs;
};

// The arguments of a _spawnl-style call up to the NULL (and, for *le, the environment after it).
template <class Ch>
std::vector<const Ch*> collect(const Ch* first, __builtin_ms_va_list& ap, const Ch* const** envp) {
    std::vector<const Ch*> v;
    for (const Ch* a = first; a; a = __builtin_va_arg(ap, const Ch*)) v.push_back(a);
    v.push_back(nullptr);
    if (envp) *envp = __builtin_va_arg(ap, const Ch* const*);
    return v;
}

// %COMSPEC% when it names an existing program.
std::u16string command_processor() {
    char16_t buf[1024];
    DWORD n = k32::GetEnvironmentVariableW(u"COMSPEC", buf, 1024);
    if (!n || n >= 1024) return {};
    if (k32::GetFileAttributesW(buf) == 0xFFFFFFFF) return {};
    return std::u16string(buf, n);
}

// The command line system() and _popen() run.
HANDLE run_command(const char16_t* command, k32::STARTUPINFOW* si) {
    std::u16string shell = command_processor();
    if (!shell.empty()) return start(shell.c_str(), u"\"" + shell + u"\" /c " + command, nullptr, 0, si);
    return start(nullptr, command, nullptr, 0, si);
}

std::mutex g_popen_mutex;
std::map<FILE*, HANDLE> g_popen;  // _popen streams and their processes
}  // namespace

intptr_t CDECL _wspawnve(int mode, const char16_t* cmd, const char16_t* const* argv, const char16_t* const* envp) {
    return spawn(mode, cmd, argv, envp, false);
}
intptr_t CDECL _wspawnv(int mode, const char16_t* cmd, const char16_t* const* argv) {
    return spawn(mode, cmd, argv, nullptr, false);
}
// The p variants search PATH (spawn_target).
intptr_t CDECL _wspawnvp(int mode, const char16_t* cmd, const char16_t* const* argv) {
    return spawn(mode, cmd, argv, nullptr, true);
}
intptr_t CDECL _wspawnvpe(int mode, const char16_t* cmd, const char16_t* const* argv, const char16_t* const* envp) {
    return spawn(mode, cmd, argv, envp, true);
}
namespace {
intptr_t spawn_narrow(int mode, const char* cmd, const char* const* argv, const char* const* envp, bool search_path) {
    std::u16string c = widen(cmd);
    WideVec a(argv), e(envp);
    return spawn(mode, cmd ? c.c_str() : nullptr, a.get(), e.get(), search_path);
}
}  // namespace
intptr_t CDECL _spawnve(int mode, const char* cmd, const char* const* argv, const char* const* envp) {
    return spawn_narrow(mode, cmd, argv, envp, false);
}
intptr_t CDECL _spawnv(int mode, const char* cmd, const char* const* argv) { return spawn_narrow(mode, cmd, argv, nullptr, false); }
intptr_t CDECL _spawnvp(int mode, const char* cmd, const char* const* argv) { return spawn_narrow(mode, cmd, argv, nullptr, true); }
intptr_t CDECL _spawnvpe(int mode, const char* cmd, const char* const* argv, const char* const* envp) {
    return spawn_narrow(mode, cmd, argv, envp, true);
}

intptr_t CDECL _spawnl(int mode, const char* cmd, const char* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    auto v = collect<char>(arg0, ap, nullptr);
    __builtin_ms_va_end(ap);
    return spawn_narrow(mode, cmd, v.data(), nullptr, false);
}
intptr_t CDECL _spawnlp(int mode, const char* cmd, const char* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    auto v = collect<char>(arg0, ap, nullptr);
    __builtin_ms_va_end(ap);
    return spawn_narrow(mode, cmd, v.data(), nullptr, true);
}
intptr_t CDECL _spawnle(int mode, const char* cmd, const char* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    const char* const* envp = nullptr;
    auto v = collect<char>(arg0, ap, &envp);
    __builtin_ms_va_end(ap);
    return spawn_narrow(mode, cmd, v.data(), envp, false);
}
intptr_t CDECL _spawnlpe(int mode, const char* cmd, const char* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    const char* const* envp = nullptr;
    auto v = collect<char>(arg0, ap, &envp);
    __builtin_ms_va_end(ap);
    return spawn_narrow(mode, cmd, v.data(), envp, true);
}
intptr_t CDECL _wspawnl(int mode, const char16_t* cmd, const char16_t* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    auto v = collect<char16_t>(arg0, ap, nullptr);
    __builtin_ms_va_end(ap);
    return spawn(mode, cmd, v.data(), nullptr, false);
}
intptr_t CDECL _wspawnlp(int mode, const char16_t* cmd, const char16_t* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    auto v = collect<char16_t>(arg0, ap, nullptr);
    __builtin_ms_va_end(ap);
    return spawn(mode, cmd, v.data(), nullptr, true);
}
intptr_t CDECL _wspawnle(int mode, const char16_t* cmd, const char16_t* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    const char16_t* const* envp = nullptr;
    auto v = collect<char16_t>(arg0, ap, &envp);
    __builtin_ms_va_end(ap);
    return spawn(mode, cmd, v.data(), envp, false);
}
intptr_t CDECL _wspawnlpe(int mode, const char16_t* cmd, const char16_t* arg0, ...) {
    __builtin_ms_va_list ap;
    __builtin_ms_va_start(ap, arg0);
    const char16_t* const* envp = nullptr;
    auto v = collect<char16_t>(arg0, ap, &envp);
    __builtin_ms_va_end(ap);
    return spawn(mode, cmd, v.data(), envp, true);
}

// Waits for a process started with P_NOWAIT, stores its exit code and closes its handle.
intptr_t CDECL _cwait(int* status, intptr_t handle, int) {
    HANDLE h = reinterpret_cast<HANDLE>(handle);
    if (k32::WaitForSingleObject(h, 0xFFFFFFFF) != 0) {
        set_errno(E_CHILD);
        return -1;
    }
    DWORD code = 0;
    k32::GetExitCodeProcess(h, &code);
    if (status) *status = int(code);
    k32::CloseHandle(h);
    return handle;
}

int CDECL _wsystem(const char16_t* command) {
    if (!command) return command_processor().empty() ? 0 : 1;
    HANDLE h = run_command(command, nullptr);
    if (!h) {
        set_errno(E_NOENT);
        return -1;
    }
    k32::WaitForSingleObject(h, 0xFFFFFFFF);
    DWORD code = 0;
    k32::GetExitCodeProcess(h, &code);
    k32::CloseHandle(h);
    return int(code);
}
int CDECL system(const char* command) {
    if (!command) return _wsystem(nullptr);
    std::u16string w = widen(command);
    return _wsystem(w.c_str());
}

FILE* CDECL _wpopen(const char16_t* command, const char16_t* mode) {
    if (!command || !mode) {
        set_errno(E_INVAL);
        return nullptr;
    }
    bool read = false, write = false, binary = false;
    for (const char16_t* m = mode; *m; m++) {
        if (*m == u'r') read = true;
        else if (*m == u'w') write = true;
        else if (*m == u'b') binary = true;
    }
    if (read == write) {
        set_errno(E_INVAL);
        return nullptr;
    }
    HANDLE rd, wr;
    if (!k32::CreatePipe(&rd, &wr, nullptr, 0)) {
        dosmaperr(k32::last_error());
        return nullptr;
    }
    HANDLE mine = read ? rd : wr, theirs = read ? wr : rd;
    k32::SetHandleInformation(theirs, 1, 1);  // HANDLE_FLAG_INHERIT: the child's end only
    k32::STARTUPINFOW si{};
    si.cb = sizeof si;
    si.dwFlags = 0x100;  // STARTF_USESTDHANDLES
    si.hStdInput = read ? k32::GetStdHandle(DWORD(-10)) : theirs;
    si.hStdOutput = read ? theirs : k32::GetStdHandle(DWORD(-11));
    si.hStdError = k32::GetStdHandle(DWORD(-12));
    HANDLE proc = run_command(command, &si);
    k32::CloseHandle(theirs);
    if (!proc) {
        k32::CloseHandle(mine);
        return nullptr;
    }
    int fd = _open_osfhandle(reinterpret_cast<intptr_t>(mine), (read ? O_RDONLY_ : O_WRONLY_) | (binary ? O_BINARY_ : O_TEXT_));
    FILE* f = fd < 0 ? nullptr : _fdopen(fd, read ? (binary ? "rb" : "rt") : (binary ? "wb" : "wt"));
    if (!f) {
        k32::CloseHandle(proc);
        return nullptr;
    }
    std::lock_guard lock(g_popen_mutex);
    g_popen[f] = proc;
    return f;
}
FILE* CDECL _popen(const char* command, const char* mode) {
    if (!command || !mode) {
        set_errno(E_INVAL);
        return nullptr;
    }
    std::u16string c = widen(command), m = widen(mode);
    return _wpopen(c.c_str(), m.c_str());
}

// Closes the stream, waits for the command and returns its exit code.
int CDECL _pclose(FILE* f) {
    HANDLE proc;
    {
        std::lock_guard lock(g_popen_mutex);
        auto it = g_popen.find(f);
        if (it == g_popen.end()) {
            set_errno(E_INVAL);
            return -1;
        }
        proc = it->second;
        g_popen.erase(it);
    }
    fclose(f);
    k32::WaitForSingleObject(proc, 0xFFFFFFFF);
    DWORD code = 0;
    k32::GetExitCodeProcess(proc, &code);
    k32::CloseHandle(proc);
    return int(code);
}

WR_EXPORT_PART(msvcrt_process,
    WR_EXPORT(_spawnl), WR_EXPORT(_spawnle), WR_EXPORT(_spawnlp), WR_EXPORT(_spawnlpe), WR_EXPORT(_spawnv),
    WR_EXPORT(_spawnve), WR_EXPORT(_spawnvp), WR_EXPORT(_spawnvpe), WR_EXPORT(_wspawnl), WR_EXPORT(_wspawnle),
    WR_EXPORT(_wspawnlp), WR_EXPORT(_wspawnlpe), WR_EXPORT(_wspawnv), WR_EXPORT(_wspawnve), WR_EXPORT(_wspawnvp),
    WR_EXPORT(_wspawnvpe), WR_EXPORT(_cwait), WR_EXPORT(system), WR_EXPORT(_wsystem), WR_EXPORT(_popen),
    WR_EXPORT(_wpopen), WR_EXPORT(_pclose));

}  // namespace winrun::crt
