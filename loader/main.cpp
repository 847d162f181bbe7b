// winrun: runs a Windows console program.   winrun [options] program.exe [args...]
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

#include "binder.h"
#include "client.h"
#include "cmdline.h"
#include "kernel32/environ.h"
#include "kernel32/exception.h"
#include "ntdll/seh.h"
#include "kernel32/k32.h"
#include "kernel32/path_map.h"
#include "kernel32/vm.h"
#include "log.h"
#include "store.h"
#include "unicode.h"

namespace winrun::k32 {
void console_startup();  // console.cpp: on a terminal, a console owning it (docs/console.md)
}

using namespace winrun;

namespace {

constexpr int k_exit_not_runnable = 126;
constexpr int k_exit_not_found = 127;

// One line naming the problem for a file that is not something winrun runs.
int refuse(const std::string& path, const std::string& why, int code = k_exit_not_runnable) {
    fprintf(stderr, "winrun: %s: %s\n", path.c_str(), why.c_str());
    return code;
}

// Recognises what a non-PE file is, for a clearer refusal.
std::string sniff(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "";
    unsigned char b[4] = {};
    ssize_t n = read(fd, b, 4);
    close(fd);
    if (n >= 4 && b[0] == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') return "a Linux (ELF) program: run it directly";
    if (n >= 2 && b[0] == '#' && b[1] == '!') return "a script, not a Windows program";
    if (n >= 2 && b[0] == 'M' && b[1] == 'Z') return "";
    return "not a Windows program (no MZ header)";
}

// The directory of the winrun executable (csrssd lives beside it).
std::string own_directory() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, size_t(n));
    size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? "." : p.substr(0, slash);
}

struct GuestStart {
    void* entry;
};

[[noreturn]] void run_entry(void* arg) {
    auto* gs = static_cast<GuestStart*>(arg);
    if (auto r = loader::attach_modules(); !r) {
        fprintf(stderr, "winrun: %s\n", r.error().message.c_str());
        k32::exit_process(win::STATUS_DLL_INIT_FAILED);
    }
    // The EXE's entry point as BaseThreadInitThunk calls it: one argument, the PEB.
    using Entry = win::DWORD(WINAPI*)(void*);
    win::DWORD code = reinterpret_cast<Entry>(gs->entry)(loader::peb());
    k32::exit_process(code);
}

int print_check(const std::string& exe) {
    const auto& entries = loader::check_entries();
    std::map<std::string, std::vector<const loader::CheckEntry*>> by_importer;
    std::vector<std::string> order;
    for (const auto& e : entries) {
        if (!by_importer.count(e.importer)) order.push_back(e.importer);
        by_importer[e.importer].push_back(&e);
    }
    size_t implemented = 0, missing = 0;
    std::vector<std::string> missing_dlls;
    for (const auto& imp : order) {
        printf("%s imports:\n", imp.c_str());
        std::string dll;
        for (const auto* e : by_importer[imp]) {
            if (e->dll != dll) {
                dll = e->dll;
                printf("  %s%s\n", dll.c_str(), e->dll_found ? "" : "   (DLL not found)");
                if (!e->dll_found) missing_dlls.push_back(dll);
            }
            printf("    %-40s %s\n", e->function.c_str(), e->implemented ? "implemented" : "MISSING");
            (e->implemented ? implemented : missing)++;
        }
    }
    printf("%s: %zu imports, %zu implemented, %zu missing", exe.c_str(), implemented + missing, implemented, missing);
    if (!missing_dlls.empty()) {
        printf("; DLLs not found:");
        for (const auto& d : missing_dlls) printf(" %s", d.c_str());
    }
    printf("\n");
    return missing ? 1 : 0;
}

}  // namespace

// Switches to the Windows program's stack and calls fn(arg) there; never returns.
extern "C" [[noreturn]] void winrun_call_on_stack(void* top, void (*fn)(void*), void* arg);
__asm__(R"(
    .text
    .globl winrun_call_on_stack
    .type winrun_call_on_stack, @function
winrun_call_on_stack:
    mov %rdi, %rsp
    xor %ebp, %ebp
    mov %rdx, %rdi
    call *%rsi
    ud2
    .size winrun_call_on_stack, .-winrun_call_on_stack
)");

// Everything from the first argument that is not one of winrun's options belongs to the program.
// The two forms every process start uses, `winrun prog.exe args...` and CreateProcess's
// `winrun --windows-command-line CMD prog.exe args...`, are taken apart here without CLI11, whose
// set-up alone cost each start ~100,000 instructions; anything else goes through parse_options().
struct Options {
    bool check = false, session_list = false, session_stop = false, list_assemblies = false;
    std::string exit_code_file, windows_command_line, install_assembly;
    std::vector<std::string> rest;
};

// -1: parsed, go on; otherwise the exit code (help, version, a usage error).
int parse_options(int argc, char** argv, Options& o) {
    CLI::App app{"winrun: runs Windows console programs on Linux\n  winrun [options] program.exe [args...]", "winrun"};
    app.add_flag("--check", o.check, "list every import of the program and its DLLs, implemented or missing");
    app.add_option("--exit-code-file", o.exit_code_file, "write the full 32-bit exit code (hex and decimal) to this file");
    app.set_version_flag("--version", "winrun 0.1");
    // Internal: CreateProcess passes the caller's command line verbatim (GetCommandLine must return
    // exactly it), so it is not rebuilt from argv.
    app.add_option("--windows-command-line", o.windows_command_line)->group("");
    app.add_flag("--session", o.session_list, "list the processes of this session (as tasklist does)");
    app.add_flag("--session-stop", o.session_stop, "halt this session: every winrun process of it stops");
    // Side-by-side assembly store (docs/sxs.md).
    app.add_option("--install-assembly", o.install_assembly, "install the assembly (manifest + files) or publisher policy in DIR into the prefix's store")
        ->type_name("DIR");
    app.add_flag("--list-assemblies", o.list_assemblies, "list the assemblies and publisher policies in the prefix's store");
    // Everything from the first argument that is not one of ours belongs to the program, options
    // included (`winrun tool.exe --version` asks the tool). No positional is declared for it: CLI11
    // would keep parsing options after a declared positional.
    app.prefix_command();
    app.footer("Environment: WINRUN_DEBUG=+relay,+loaddll,... (channels), WINRUN_PATH=dir:dir (extra DLL directories),\n"
               "WINRUN_PREFIX (the C: drive, settings and the assembly store).");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    for (const auto& r : app.remaining()) o.rest.push_back(r);
    return -1;
}

int main(int argc, char** argv) {
    Options opt;
    auto program_at = [&](int i) { return i < argc && argv[i][0] != '-'; };
    if (program_at(1)) {
        opt.rest.assign(argv + 1, argv + argc);
    } else if (argc > 3 && std::strcmp(argv[1], "--windows-command-line") == 0 && program_at(3)) {
        opt.windows_command_line = argv[2];
        opt.rest.assign(argv + 3, argv + argc);
    } else if (int rc = parse_options(argc, argv, opt); rc >= 0) {
        return rc;
    }
    const bool check = opt.check;
    const std::string &exit_code_file = opt.exit_code_file, &windows_command_line = opt.windows_command_line,
                      &install_assembly = opt.install_assembly;
    std::vector<std::string>& rest = opt.rest;
    if (opt.session_list) return csrss::session_list_command(stdout);
    if (opt.session_stop) return csrss::session_stop_command(stdout);
    if (!install_assembly.empty() || opt.list_assemblies) {
        std::string store = paths::prefix_dir() + "/winsxs";
        auto r = opt.list_assemblies ? sxs::list_assemblies(store) : sxs::install_assembly(install_assembly, store);
        if (!r) {
            fprintf(stderr, "winrun: %s\n", r.error().message.c_str());
            return 1;
        }
        for (const auto& line : r.value()) printf("%s\n", line.c_str());
        return 0;
    }
    if (rest.empty()) {
        fprintf(stderr, "winrun: no program given (winrun --help)\n");
        return 2;
    }
    log::configure(getenv("WINRUN_DEBUG"));

    std::string exe = rest[0];
    std::vector<std::string> args(rest.begin() + 1, rest.end());
    // A Windows path (C:\x.exe, Z:\x) or a Linux one.
    std::string linux_exe = exe;
    if (exe.size() >= 2 && exe[1] == ':') {
        auto lp = paths::to_linux(std::string_view(exe));
        if (!lp) return refuse(exe, lp.error().message, k_exit_not_found);
        linux_exe = lp.value();
    }
    if (access(linux_exe.c_str(), F_OK) != 0) {
        // Windows appends .exe to a name without one.
        if (access((linux_exe + ".exe").c_str(), F_OK) == 0) linux_exe += ".exe";
        else return refuse(exe, strerror(errno), k_exit_not_found);
    }
    if (std::string why = sniff(linux_exe); !why.empty()) return refuse(exe, why);

    // argv[0] as the program sees it: the path as given, with Windows separators.
    std::string argv0 = exe;
    if (!argv0.empty() && argv0[0] == '/') argv0 = utf16_to_utf8(paths::to_windows(argv0));
    else std::replace(argv0.begin(), argv0.end(), '/', '\\');
    k32::ProcessStart start;
    start.command_line = utf8_to_utf16(windows_command_line.empty() ? loader::build_command_line(argv0, args)
                                                                     : windows_command_line);
    // A pid reserved by the parent's CreateProcess (not passed further down).
    uint32_t claim_pid = 0;
    if (const char* c = getenv("WINRUN_CSRSS_PID")) {
        claim_pid = uint32_t(strtoul(c, nullptr, 10));
        unsetenv("WINRUN_CSRSS_PID");
    }
    start.image_path = paths::to_windows(linux_exe);
    start.exit_code_file = exit_code_file;

    // The program's stack: its SizeOfStackReserve would be the Windows size; winrun's own code runs
    // on it too (printf formatting, iconv), so it gets at least 8 MiB, with a guard page below.
    size_t stack_size = 8u << 20;
    void* stack = mmap(nullptr, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED) return refuse(exe, "cannot allocate the program's stack");
    mprotect(stack, vm::PAGE_SIZE, PROT_NONE);
    vm::register_region(stack, stack_size, vm::MEM_PRIVATE, vm::PAGE_READWRITE);
    vm::note_protection(stack, vm::PAGE_SIZE, vm::PAGE_NOACCESS);
    uint8_t* top = static_cast<uint8_t*>(stack) + stack_size;

    // The session (design decisions 10 and 11): csrssd hands out the Windows ids, keeps the exit
    // code, and its watchdog stops this process when the daemon dies. --check runs nothing, so it
    // needs no session. Without a daemon winrun still runs the program, and says so once.
    static std::optional<csrss::Session> session;
    if (!check) {
        auto s = csrss::Session::connect_or_start(own_directory() + "/winrun-csrssd");
        if (s) {
            session.emplace(std::move(s.value()));
            auto reg = session->register_process(0, utf16_to_utf8(start.image_path), utf16_to_utf8(start.command_line),
                                                 claim_pid);
            if (reg) {
                start.pid = reg->pid;
                start.tid = reg->tid;
                (void)session->start_watchdog(csrss::default_watchdog_action(exit_code_file));
                k32::set_session(&*session);
            } else {
                fprintf(stderr, "winrun: csrssd unavailable: %s\n", reg.error().message.c_str());
                session.reset();
            }
        } else {
            fprintf(stderr, "winrun: csrssd unavailable: %s\n", s.error().message.c_str());
        }
    }

    k32::init_environment();
    k32::init_process(start, top, static_cast<uint8_t*>(stack) + vm::PAGE_SIZE);
    seh::install_signal_handlers();
    // Above the hard guard page, a soft guard whose first touch raises EXCEPTION_STACK_OVERFLOW.
    seh::arm_stack_guard(win::current_teb(), static_cast<uint8_t*>(stack) + vm::PAGE_SIZE);

    if (check) loader::begin_check();
    // On a terminal: a console and console std handles, before the builtin DLLs (msvcrt) see them.
    if (!check) k32::console_startup();
    auto mod = loader::load_exe(linux_exe, start.image_path);
    if (!mod) {
        uint32_t st = loader::last_load_status();
        fprintf(stderr, "winrun: %s\n", mod.error().message.c_str());
        uint32_t code = st == win::STATUS_INVALID_IMAGE_FORMAT || st == 0 ? win::STATUS_INVALID_IMAGE_FORMAT : st;
        k32::write_exit_code_file(code);
        if (session) (void)session->report_exit(code);
        return st == win::STATUS_INVALID_IMAGE_FORMAT || st == 0 ? k_exit_not_runnable : int(st & 0xFF);
    }
    if (check) {
        int rc = print_check(mod.value()->name);
        fflush(stdout);
        _exit(rc);
    }
    loader::peb()->ImageBaseAddress = mod.value()->base;
    // CREATE_SUSPENDED (create_process.cpp): wait, before any DLL initialisation, until the parent's
    // ResumeThread writes to the start pipe (or the parent goes away: EOF).
    if (const char* f = getenv("WINRUN_START_FD")) {
        int fd = atoi(f);
        unsetenv("WINRUN_START_FD");
        char b;
        while (read(fd, &b, 1) < 0 && errno == EINTR) {}
        close(fd);
    }
    static GuestStart gs{mod.value()->entry};
    if (!gs.entry) return refuse(exe, "the program has no entry point");
    // 64 bytes of headroom above the first frame, 16-byte aligned.
    winrun_call_on_stack(top - 64, run_entry, &gs);
}
