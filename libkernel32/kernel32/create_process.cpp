// CreateProcess and CreatePipe. A Windows target runs under winrun (this executable), with the
// caller's command line passed verbatim; a Linux executable or script runs directly with the
// arguments msvcrt's rules give. The child's Windows pid is reserved in csrssd first, so the parent
// knows it at once and the exit code stays queryable through the process handle.
//
// CREATE_SUSPENDED: the child gets the read end of a pipe (WINRUN_START_FD) and blocks on it before
// any DLL initialisation until ResumeThread on hThread writes to it (or the parent goes away).
// hThread/dwThreadId are the child's main thread, whose id csrssd reserves with the pid.
// bInheritHandles: every inheritable file/pipe handle is passed as an fd (3, 4, ...) and every
// inheritable named event/mutex/semaphore by its slot in the session table, listed in
// WINRUN_INHERIT as "value:fd:access" / "value:e|m|s<slot>" entries; the child installs them at the
// same handle values (install_inherited_handles). Not yet: job objects.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "binder.h"
#include "builtin/builtin.h"
#include "environ.h"
#include "named_objects.h"
#include "path_map.h"
#include "process_handle.h"
#include "unicode.h"

extern char** environ;

namespace winrun::k32 {

HANDLE WINAPI GetStdHandle(DWORD which);
// console.cpp / console_ctrl.cpp
uint32_t console_id_for_child();
bool is_current_console_handle(HANDLE h);
uint32_t current_console_group();
bool ctrl_c_ignored();

namespace {
constexpr DWORD CREATE_SUSPENDED = 0x4, CREATE_UNICODE_ENVIRONMENT = 0x400, STARTF_USESTDHANDLES = 0x100;
constexpr DWORD DETACHED_PROCESS = 0x8, CREATE_NEW_CONSOLE = 0x10, CREATE_NEW_PROCESS_GROUP = 0x200,
                CREATE_NO_WINDOW = 0x08000000;


bool is_pe(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char mz[2] = {};
    bool pe = read(fd, mz, 2) == 2 && mz[0] == 'M' && mz[1] == 'Z';
    close(fd);
    return pe;
}

bool is_file(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A Windows name of a program -> an existing Linux file, searched as CreateProcess does: as given
// when it has a path; else the application's directory, the current directory, then PATH. ".exe"
// is appended when the name has no extension.
std::string find_program(std::u16string name) {
    size_t sep = name.find_last_of(u"\\/");
    std::u16string file = sep == std::u16string::npos ? name : name.substr(sep + 1);
    if (file.find(u'.') == std::u16string::npos) name += u".exe";
    bool has_path = sep != std::u16string::npos || (name.size() > 1 && name[1] == u':');
    auto try_path = [](const std::u16string& w) -> std::string {
        auto l = paths::to_linux(full_path_name(w));
        return l && is_file(l.value()) ? l.value() : std::string();
    };
    if (has_path) return try_path(name);
    std::vector<std::u16string> dirs;
    dirs.push_back(paths::to_windows(loader::app_dir()));
    dirs.push_back(u".");
    for (std::u16string& d : path_directories()) dirs.push_back(std::move(d));
    for (const auto& d : dirs) {
        std::string l = try_path(d + u"\\" + name);
        if (!l.empty()) return l;
    }
    return {};
}

// lpApplicationName -> an existing Linux file: the name completed from the current directory only.
// Windows does not search for it and assumes no extension.
std::string find_application(std::u16string_view name) {
    auto l = paths::to_linux(full_path_name(name));
    return l && is_file(l.value()) ? l.value() : std::string();
}

// The Linux environment for the child: the Windows block, with PATH turned back into Linux
// directories (the child's winrun turns them into Windows paths again).
std::vector<std::string> child_environment(const void* env, bool unicode) {
    std::u16string block;
    if (!env) block = environment_block();
    else if (unicode) {
        auto* w = static_cast<const char16_t*>(env);
        size_t n = 0;
        while (w[n] || w[n + 1]) n++;
        block.assign(w, n + 2);
    } else {
        auto* a = static_cast<const char*>(env);
        size_t n = 0;
        while (a[n] || a[n + 1]) n++;
        block = ansi_to_wide(a, n + 2);
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < block.size() && block[i];) {
        std::u16string e(block.c_str() + i);
        i += e.size() + 1;
        if (e[0] == u'=') continue;  // per-drive current directories
        std::string kv = utf16_to_utf8(e);
        // The console a child attaches to is decided below, never taken from a block.
        if (strncasecmp(kv.c_str(), "WINRUN_CONSOLE_", 15) == 0 || strncasecmp(kv.c_str(), "WINRUN_CTRL_C_IGNORED=", 22) == 0) continue;
        if (strncasecmp(kv.c_str(), "PATH=", 5) == 0) {
            std::string linux_path;
            std::u16string_view p = std::u16string_view(e).substr(5);
            while (!p.empty()) {
                size_t semi = p.find(u';');
                std::u16string dir(p.substr(0, semi));
                if (!dir.empty() && !(dir.size() >= 10 && (dir[0] == u'C' || dir[0] == u'c') &&
                                      utf16_to_utf8(dir.substr(2, 8)) == "\\windows"))
                    if (auto l = paths::to_linux(dir)) linux_path += (linux_path.empty() ? "" : ":") + l.value();
                if (semi == std::u16string_view::npos) break;
                p.remove_prefix(semi + 1);
            }
            kv = "PATH=" + linux_path;
        }
        out.push_back(std::move(kv));
    }
    // The variables that decide the session and the prefix, and winrun's own, always come from
    // this process: a child given an environment without them would join another session.
    for (const char* name : {"XDG_RUNTIME_DIR", "XDG_DATA_HOME", "HOME", "WINRUN_PREFIX", "WINRUN_DAEMON_IDLE",
                             "WINRUN_DEBUG", "WINRUN_PATH"}) {
        const char* v = getenv(name);
        if (!v) continue;
        std::string prefix = std::string(name) + "=";
        bool present = false;
        for (auto& e : out)
            if (e.compare(0, prefix.size(), prefix) == 0) present = true;
        if (!present) out.push_back(prefix + v);
    }
    return out;
}

// The arguments msvcrt would give a program for this command line (for Linux targets): 2n
// backslashes + quote -> n backslashes and a quoting toggle, 2n+1 -> n and a literal quote, other
// backslashes literal, spaces and tabs separate outside quotes.
std::vector<std::string> split_arguments(std::u16string_view cmd) {
    std::vector<std::string> out;
    size_t i = 0, n = cmd.size();
    auto blank = [](char16_t c) { return c == u' ' || c == u'\t'; };
    for (;;) {
        while (i < n && blank(cmd[i])) i++;
        if (i >= n) break;
        std::u16string cur;
        bool quoted = false;
        while (i < n && (quoted || !blank(cmd[i]))) {
            size_t slashes = 0;
            while (i < n && cmd[i] == u'\\') {
                slashes++;
                i++;
            }
            if (i < n && cmd[i] == u'"') {
                cur.append(slashes / 2, u'\\');
                if (slashes % 2) cur.push_back(u'"');
                else quoted = !quoted;
                i++;
            } else {
                cur.append(slashes, u'\\');
                if (i < n && (quoted || !blank(cmd[i]))) cur.push_back(cmd[i++]);
            }
        }
        out.push_back(utf16_to_utf8(cur));
    }
    return out;
}

int fd_of(HANDLE h) {
    auto f = std::dynamic_pointer_cast<FileObject>(handle_get(h));
    return f ? f->fd : -1;
}
}  // namespace

BOOL WINAPI CreateProcessW(LPCWSTR app, LPWSTR cmdline, void*, void*, BOOL inherit, DWORD flags, LPVOID env,
                           LPCWSTR cwd, STARTUPINFOW* si, PROCESS_INFORMATION* pi) {
    if (!pi || (!app && !cmdline)) return fail(ERROR_INVALID_PARAMETER);
    std::u16string cmd = cmdline ? std::u16string(wview(cmdline)) : std::u16string(wview(app));
    if (!cmdline && cmd.find(u' ') != std::u16string::npos) cmd = u"\"" + cmd + u"\"";

    // The program: lpApplicationName, else the command line's first token. An unquoted first token
    // with spaces is tried at each space in turn ("C:\Program Files\x.exe" ...), as Windows does.
    std::string program;
    if (app) {
        program = find_application(wview(app));
    } else if (!cmd.empty() && cmd[0] == u'"') {
        size_t q = cmd.find(u'"', 1);
        program = find_program(cmd.substr(1, q == std::u16string::npos ? std::u16string::npos : q - 1));
    } else {
        size_t pos = 0;
        for (;;) {
            size_t sp = cmd.find_first_of(u" \t", pos);
            program = find_program(cmd.substr(0, sp));
            if (!program.empty() || sp == std::u16string::npos) break;
            pos = sp + 1;
        }
    }
    if (program.empty()) return fail(ERROR_FILE_NOT_FOUND);

    std::vector<std::string> argv;
    if (is_pe(program)) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) return fail(ERROR_FILE_NOT_FOUND);
        argv = {std::string(self, size_t(n)), "--windows-command-line", utf16_to_utf8(cmd), program};
    } else {
        if (access(program.c_str(), X_OK) != 0) return fail(ERROR_BAD_EXE_FORMAT);
        // A Linux program cannot be held before its first instruction here: refused, not run.
        if (flags & CREATE_SUSPENDED) return fail(ERROR_NOT_SUPPORTED);
        argv = split_arguments(cmd);
        if (argv.empty()) argv.push_back(program);
    }

    std::vector<std::string> envs = child_environment(env, flags & CREATE_UNICODE_ENVIRONMENT);
    uint32_t reserved = 0, reserved_tid = 0;
    csrss::Session* s = session();
    if (s)
        if (auto r = s->reserve_process()) {
            reserved = r->first;
            reserved_tid = r->second;
            envs.push_back("WINRUN_CSRSS_PID=" + std::to_string(reserved));
        }

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    // Extra fds for the child land at 3, 4, ...: first copied above any fd number they could be
    // moved onto, so that one dup2 never overwrites the source of the next.
    std::vector<int> staged;
    int extra_count = 0;
    auto pass_fd = [&](int fd) -> int {
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 1024);
        if (high < 0) return -1;
        int target = 3 + extra_count++;
        staged.push_back(high);
        posix_spawn_file_actions_adddup2(&fa, high, target);
        return target;
    };
    auto unstage = [&] {
        for (int fd : staged) close(fd);
    };
    int start_pipe[2] = {-1, -1};
    if ((flags & CREATE_SUSPENDED) && is_pe(program)) {
        if (pipe2(start_pipe, O_CLOEXEC) != 0) {
            posix_spawn_file_actions_destroy(&fa);
            if (reserved) (void)s->close_process(reserved);
            return fail_errno();
        }
        envs.push_back("WINRUN_START_FD=" + std::to_string(pass_fd(start_pipe[0])));
        close(start_pipe[0]);
    }
    if (inherit) {
        std::string list;
        for (auto& [value, obj] : inheritable_handles()) {
            std::string entry = std::to_string(reinterpret_cast<uintptr_t>(value)) + ":";
            if (obj->kind == ObjectKind::File) {
                auto* f = static_cast<FileObject*>(obj.get());
                if (f->fd < 0) continue;
                int target = pass_fd(f->fd);
                if (target < 0) continue;
                entry += std::to_string(target) + ":" + std::to_string(f->access);
            } else if ((obj->kind == ObjectKind::Event || obj->kind == ObjectKind::Mutex ||
                        obj->kind == ObjectKind::Semaphore) &&
                       static_cast<Waitable*>(obj.get())->shared()) {
                char k = obj->kind == ObjectKind::Event ? 'e' : obj->kind == ObjectKind::Mutex ? 'm' : 's';
                entry += k + std::to_string(named::slot_of(*static_cast<Waitable*>(obj.get())));
            } else {
                continue;  // unnamed sync objects, threads, processes: not shared with another process
            }
            list += (list.empty() ? "" : ",") + entry;
        }
        if (!list.empty()) envs.push_back("WINRUN_INHERIT=" + list);
    }
    // Std handles: the ones in STARTUPINFO when STARTF_USESTDHANDLES (and inheritance) is asked for,
    // else the parent's.
    bool use_si = si && (si->dwFlags & STARTF_USESTDHANDLES) && inherit;
    HANDLE std_h[3] = {use_si ? si->hStdInput : GetStdHandle(DWORD(-10)), use_si ? si->hStdOutput : GetStdHandle(DWORD(-11)),
                       use_si ? si->hStdError : GetStdHandle(DWORD(-12))};
    // The console (docs/console.md): a winrun child attaches to ours (its std handles that are console
    // handles of it become console handles again there), gets a new one (CREATE_NEW_CONSOLE,
    // CREATE_NO_WINDOW: headless), or none (DETACHED_PROCESS).
    unsigned console_mask = 0;
    for (int i = 0; i < 3; i++)
        if (is_current_console_handle(std_h[i])) console_mask |= 1u << i;
    if (is_pe(program) && !(flags & DETACHED_PROCESS)) {
        uint32_t console = console_id_for_child();
        if (flags & (CREATE_NEW_CONSOLE | CREATE_NO_WINDOW)) {
            envs.push_back("WINRUN_CONSOLE_ID=new");
            // Its std handles are the new console's, unless given.
            envs.push_back("WINRUN_CONSOLE_STD=" + std::to_string(use_si ? console_mask : 7u));
        } else if (console && reserved && console_mask && s->console_inherit(reserved, console)) {
            envs.push_back("WINRUN_CONSOLE_ID=" + std::to_string(console));
            envs.push_back("WINRUN_CONSOLE_STD=" + std::to_string(console_mask));
        } else if (console && reserved && s->console_inherit(reserved, console)) {
            envs.push_back("WINRUN_CONSOLE_ID=" + std::to_string(console));
            envs.push_back("WINRUN_CONSOLE_STD=0");
        }
    }
    // Process groups: a new one rooted at the child (which then ignores Ctrl+C, as on Windows), or ours.
    if (flags & CREATE_NEW_PROCESS_GROUP) {
        if (reserved) envs.push_back("WINRUN_CONSOLE_GROUP=" + std::to_string(reserved));
        envs.push_back("WINRUN_CTRL_C_IGNORED=1");
    } else {
        envs.push_back("WINRUN_CONSOLE_GROUP=" + std::to_string(current_console_group()));
        if (ctrl_c_ignored()) envs.push_back("WINRUN_CTRL_C_IGNORED=1");
    }
    // Through staged copies too: fds 0-2 may already hold other extra fds' sources... or each other.
    for (int i = 0; i < 3; i++) {
        int fd = fd_of(std_h[i]);
        int high = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 1024);
        if (high < 0) {
            posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i ? O_WRONLY : O_RDONLY, 0);
        } else {
            staged.push_back(high);
            posix_spawn_file_actions_adddup2(&fa, high, i);
        }
    }
    std::string dir;
    if (cwd) {
        auto l = paths::to_linux(full_path_name(wview(cwd)));
        if (!l || !paths::file_exists(l.value())) {
            posix_spawn_file_actions_destroy(&fa);
            unstage();
            if (start_pipe[1] >= 0) close(start_pipe[1]);
            if (reserved) (void)s->close_process(reserved);
            return fail(ERROR_DIRECTORY);
        }
        dir = l.value();
        posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    }
    std::vector<char*> av, ev;
    for (auto& a : argv) av.push_back(a.data());
    av.push_back(nullptr);
    for (auto& e : envs) ev.push_back(e.data());
    ev.push_back(nullptr);
    pid_t child;
    int err = posix_spawn(&child, av[0], &fa, nullptr, av.data(), ev.data());
    posix_spawn_file_actions_destroy(&fa);
    unstage();
    if (err) {
        if (start_pipe[1] >= 0) close(start_pipe[1]);
        if (reserved) (void)s->close_process(reserved);
        return fail(error_from_errno(err));
    }

    auto p = std::make_shared<ProcessObject>();
    p->pid = reserved ? reserved : uint32_t(child) * 4;
    p->linux_pid = uint32_t(child);
    p->pidfd = int(syscall(SYS_pidfd_open, child, 0));
    p->referenced = reserved != 0;  // the reservation is our reference in csrssd
    p->is_child = true;
    auto t = std::make_shared<RemoteThreadObject>();
    t->process = p;
    t->tid = reserved_tid;
    t->resume_fd = start_pipe[1];
    t->suspend_count = start_pipe[1] >= 0 ? 1 : 0;
    pi->hProcess = handle_alloc(p);
    pi->hThread = handle_alloc(t);
    pi->dwProcessId = p->pid;
    pi->dwThreadId = reserved_tid;
    return TRUE;
}

BOOL WINAPI CreateProcessA(LPCSTR app, LPSTR cmdline, void* psa, void* tsa, BOOL inherit, DWORD flags, LPVOID env,
                           LPCSTR cwd, STARTUPINFOW* si, PROCESS_INFORMATION* pi) {
    std::u16string a = app ? ansi_to_wide(app) : u"", c = cmdline ? ansi_to_wide(cmdline) : u"",
                   d = cwd ? ansi_to_wide(cwd) : u"";
    // STARTUPINFOA differs only in its string pointers, which CreateProcess does not use here.
    return CreateProcessW(app ? a.c_str() : nullptr, cmdline ? c.data() : nullptr, psa, tsa, inherit, flags, env,
                          cwd ? d.c_str() : nullptr, si, pi);
}

BOOL WINAPI CreatePipe(HANDLE* read_end, HANDLE* write_end, void* sa, DWORD) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return fail_errno();
    bool inherit = sa && reinterpret_cast<const DWORD*>(sa)[4];  // SECURITY_ATTRIBUTES.bInheritHandle
    auto r = std::make_shared<FileObject>();
    r->fd = fds[0];
    r->access = 0x80000000u;  // GENERIC_READ
    auto w = std::make_shared<FileObject>();
    w->fd = fds[1];
    w->access = 0x40000000u;  // GENERIC_WRITE
    *read_end = handle_alloc(r, inherit);
    *write_end = handle_alloc(w, inherit);
    return TRUE;
}

// The child's side of inheritance (see the top of this file).
void install_inherited_handles() {
    const char* list = getenv("WINRUN_INHERIT");
    if (!list) return;
    std::string l(list);
    unsetenv("WINRUN_INHERIT");
    // A value already taken here is one of the std handles (4, 8, 12), which the parent's own std
    // handles have too: the child's std handle stands for it, as the inherited one would on Windows
    // (same value, same file in the usual case), and the duplicate is dropped.
    size_t pos = 0;
    while (pos < l.size()) {
        size_t comma = l.find(',', pos);
        std::string e = l.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? l.size() : comma + 1;
        char* rest = nullptr;
        uintptr_t value = strtoull(e.c_str(), &rest, 10);
        if (!rest || *rest != ':') continue;
        rest++;
        std::shared_ptr<KObject> obj;
        if (*rest == 'e' || *rest == 'm' || *rest == 's') {
            ObjectKind k = *rest == 'e' ? ObjectKind::Event : *rest == 'm' ? ObjectKind::Mutex : ObjectKind::Semaphore;
            obj = named::open_slot(uint32_t(strtoul(rest + 1, nullptr, 10)), k);
        } else {
            int fd = int(strtol(rest, &rest, 10));
            if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) continue;  // also: the fd really is open
            auto f = std::make_shared<FileObject>();
            f->fd = fd;
            f->access = *rest == ':' ? DWORD(strtoul(rest + 1, nullptr, 10)) : 0xC0000000u;
            obj = f;
        }
        if (obj && !handle_get(reinterpret_cast<HANDLE>(value))) handle_alloc_at(reinterpret_cast<HANDLE>(value), obj, true);
    }
}

WR_EXPORT_PART(kernel32_create_process, WR_EXPORT(CreateProcessA), WR_EXPORT(CreateProcessW), WR_EXPORT(CreatePipe));

}  // namespace winrun::k32
