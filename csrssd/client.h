// The csrssd client library that winrun links (no libevent). One Session per winrun process: it
// connects to the session's daemon (starting one if none runs), registers the process, reports its
// exit code, answers queries, and watches the daemon (the watchdog).
//
// Thread safety: requests may come from any thread (one request at a time on the connection, under a
// mutex). The watchdog never reads from the socket: it only looks for a hang-up.
//
// connect_or_start sends HELLO without waiting for its reply; the first request (normally
// register_process) goes out right behind it and both replies are read then: one round trip less.
// An error of HELLO (e.g. a daemon of another protocol version) is thus reported by that first call.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol.h"
#include "result.h"

namespace winrun::csrss {

struct Registration {
    uint32_t pid = 0;         // Windows pid (GetCurrentProcessId)
    uint32_t tid = 0;         // Windows tid of the registering thread
    uint64_t start_time = 0;  // FILETIME, for GetProcessTimes
};

struct ProcessEntry {
    proto::ProcessInfo info{};
    std::string image_path;
    std::string command_line;
};

// One live thread of the session (CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD), Thread32First/Next).
struct ThreadEntry {
    uint32_t tid = 0;        // Windows tid
    uint32_t owner_pid = 0;  // Windows pid of its process (th32OwnerProcessID)
    uint32_t linux_tid = 0;
    uint64_t start_time = 0; // FILETIME
};

enum class WatchdogKind { signal, thread };

// The real-time signal of the signal watchdog: SIGRTMIN+3. Its handler is installed by the first
// start_watchdog(..., signal) and stays; nothing else in winrun may use this signal.
int watchdog_signal();

class Session {
public:
    struct Options {
        int timeout_ms = 5000;  // bound on every wait: lock, daemon start, each reply
    };

    // Connects to the session's daemon; when none runs, starts `daemon_path` (the csrssd executable)
    // under the session lock, so concurrent callers start exactly one.
    static Result<Session> connect_or_start(const std::string& daemon_path, Options opt);
    static Result<Session> connect_or_start(const std::string& daemon_path) { return connect_or_start(daemon_path, Options{}); }
    // Connects only (winrun --session, --session-stop). Error when no daemon runs.
    static Result<Session> connect(Options opt);
    static Result<Session> connect() { return connect(Options{}); }

    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    ~Session();  // stops the watchdog, closes the connection

    // The process: once per connection. claim_pid: a pid the parent reserved (reserve_pid) and passed
    // down; 0 to get a new one. Strings longer than the protocol bounds are cut at a character.
    Result<Registration> register_process(uint32_t parent_pid, std::string_view image_path,
                                          std::string_view command_line, uint32_t claim_pid = 0);
    // A new thread of the registered process (linux_tid: gettid()).
    Result<Registration> register_thread(uint32_t linux_tid);
    Result<void> thread_exit(uint32_t tid, uint32_t exit_code);
    // The process's full 32-bit exit code. Disarms the watchdog: call it last, just before _exit.
    Result<void> report_exit(uint32_t exit_code);

    // Queries. query_exit_code returns STILL_ACTIVE (259) while the process runs.
    Result<ProcessEntry> query_process(uint32_t pid);
    Result<uint32_t> query_exit_code(uint32_t pid);
    // A reference (an open process handle): the record, exit code included, outlives the process
    // until close_process or until this connection closes.
    Result<ProcessEntry> open_process(uint32_t pid);
    Result<void> close_process(uint32_t pid);
    // TerminateProcess: records the exit code of a running process this connection holds a
    // reference to; the caller then kills it (the code stays what GetExitCodeProcess reports).
    Result<void> terminate_process(uint32_t pid, uint32_t exit_code);
    // A pid for a child about to be started (CreateProcess): the caller holds a reference to it.
    Result<uint32_t> reserve_pid();
    // The same, with the id its main thread will have: {pid, tid}.
    Result<std::pair<uint32_t, uint32_t>> reserve_process();
    Result<std::vector<ProcessEntry>> list_processes();
    // Every live thread of the session, ordered by (owner_pid, tid).
    Result<std::vector<ThreadEntry>> list_threads();
    // Halts the session: the daemon closes every connection (every winrun of the session stops).
    Result<void> halt();

    // Side-by-side (RESOLVE_ACTCTX): the daemon resolves a manifest. `error` 0: `strings` is the
    // context in sxs::encode() form; else `error` is 14001 and strings[0] the explanation.
    struct ActCtxReply {
        uint32_t error = 0;
        std::vector<std::string> strings;
    };
    Result<ActCtxReply> resolve_actctx(uint32_t resource_id, std::string_view source, std::string_view app_dir,
                                       std::string_view config, std::string_view store, uint32_t flags = 0);

    // Consoles (docs/csrssd.md, "Consoles"). fd: a connection of our own to the console's conhost
    // (the caller owns it; speak conhost's protocol on it, HELLO first).
    struct ConsoleConnection {
        uint32_t console = 0;
        int fd = -1;
    };
    // A new headless console, started by the daemon.
    Result<ConsoleConnection> console_alloc();
    // Registers a conhost this process started (on its terminal): conhost_fd is a connection to it
    // that the daemon keeps (the caller may close its copy).
    Result<uint32_t> console_adopt(int conhost_fd);
    // by_pid: the console of process `pid` (proto::k_attach_parent: our parent's); else the console
    // our parent recorded for us (console_inherit).
    Result<ConsoleConnection> console_attach(uint32_t pid, bool by_pid);
    Result<void> console_free();
    // For a child reserved with reserve_pid and not yet started: it will attach to `console` (ours).
    Result<void> console_inherit(uint32_t child_pid, uint32_t console);
    // Windows pids of the running processes attached to `console` (0: ours), newest first.
    Result<std::vector<uint32_t>> console_list(uint32_t console);

    // Starts the watchdog: when the connection to the daemon breaks (daemon killed, crashed or
    // halted), `on_lost` runs once (unless report_exit, halt or the destructor came first). It must not
    // use this Session. Kinds (docs/csrssd.md, "The watchdog"):
    //  - signal (the default): no thread; the socket is put in O_ASYNC mode, owned by this process,
    //    with watchdog_signal() (SIGRTMIN+3) as its signal; `on_lost` runs in that signal's handler,
    //    on whichever thread takes it, so it must be async-signal-safe (default_watchdog_action is).
    //  - thread: a thread that polls the socket for hang-up; `on_lost` runs on it.
    Result<void> start_watchdog(std::function<void()> on_lost);
    Result<void> start_watchdog(std::function<void()> on_lost, WatchdogKind kind);

    uint32_t daemon_pid() const;
    uint64_t session_id() const;
    int fd() const;

    struct State;

private:
    explicit Session(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

// The watchdog action winrun uses: one line on stderr,
//   winrun: STOP 0xC000021A (STATUS_SYSTEM_PROCESS_TERMINATED): csrssd terminated
// the full code written to exit_code_file (same format as --exit-code-file: "0x%08X %u\n") when not
// empty, then _exit(0xC000021A & 0xFF). Async-signal-safe calls only after the string is captured.
std::function<void()> default_watchdog_action(std::string exit_code_file);

// `winrun --session`: the session's processes as tasklist prints them. Returns the exit status.
int session_list_command(FILE* out);
// `winrun --session-stop`: halts the session. Returns the exit status.
int session_stop_command(FILE* out);
// The table alone (used by session_list_command; also handy in tests).
std::string format_process_table(const std::vector<ProcessEntry>& procs);

}  // namespace winrun::csrss
