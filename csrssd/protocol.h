// The csrssd protocol, declared once: both the daemon and the client library include this header.
//
// Transport: a Unix SOCK_SEQPACKET socket, one message = one datagram (no framing, no partial reads).
// Every datagram starts with a Header; then the message's fixed-size body (the request or reply
// struct named in the message list below); then a bounded tail of length-prefixed UTF-8 strings
// (u32 length + bytes, no terminator), read only through the checked TailReader (wire.h).
// File descriptors travel as SCM_RIGHTS on the datagram that needs them: CONSOLE_ADOPT's request
// carries one (a connection to a conhost), the replies of CONSOLE_ALLOC and CONSOLE_ATTACH carry one
// (a connection to the console's conhost). The dispatcher refuses (and closes) fds on any other message.
//
// The first message on a connection must be HELLO with k_version; a mismatch gets an error reply and
// the connection is closed. Replies carry the request's id and seq and a Status.
//
// Layout rules: fixed-size fields only, explicit padding, little-endian host order (both sides run on
// the same machine), no pointers. Every struct has static_asserts on its size and field offsets.
// A retired message keeps its id (replace its row with a RETIRED entry): ids are never reused.
#pragma once
#include <cstddef>
#include <cstdint>

namespace winrun::csrss::proto {

// Bump on any change to a struct, a message id or the meaning of a field.
// 2: LIST_THREADS. 3: RESOLVE_ACTCTX. 4: consoles (CONSOLE_*; ProcessInfo.console).
// 5: TERMINATE_PROCESS; RESERVE_PID also reserves the main thread's tid.
inline constexpr uint32_t k_version = 5;
// "CSR1": first word of HELLO, so a stray connection speaking another protocol is refused at once.
inline constexpr uint32_t k_hello_magic = 0x31525343;

// Largest datagram either side sends or accepts. A bigger one is refused (MSG_TRUNC on receive).
inline constexpr size_t k_max_datagram = 128 * 1024;
// Bounds of the strings carried in tails (bytes of UTF-8). Windows limits a command line to 32767
// UTF-16 units (<= 98301 UTF-8 bytes); image paths get 16 KiB. The client truncates longer input at
// a character boundary.
inline constexpr uint32_t k_max_command_line = 98304;
inline constexpr uint32_t k_max_image_path = 16384;

// The exit code GetExitCodeProcess reports for a process that is still running.
inline constexpr uint32_t STILL_ACTIVE = 259;
// Exit code given to a process whose connection dropped without an exit report (SIGKILL, crash of
// winrun itself): 1, what TerminateProcess gets from `taskkill /F` and Task Manager. A process
// ended by a console-like signal whose death the daemon can observe (SIGINT, SIGTERM, SIGHUP,
// SIGQUIT) gets STATUS_CONTROL_C_EXIT, as the default console control handler exits with it.
// See docs/csrssd.md, "Exit codes".
inline constexpr uint32_t k_exit_code_killed = 1;
inline constexpr uint32_t STATUS_CONTROL_C_EXIT = 0xC000013A;
inline constexpr uint32_t STATUS_ACCESS_VIOLATION = 0xC0000005;
inline constexpr uint32_t STATUS_IN_PAGE_ERROR = 0xC0000006;
inline constexpr uint32_t STATUS_ILLEGAL_INSTRUCTION = 0xC000001D;
inline constexpr uint32_t STATUS_INTEGER_DIVIDE_BY_ZERO = 0xC0000094;
inline constexpr uint32_t STATUS_SYSTEM_PROCESS_TERMINATED = 0xC000021A;

// Result of a request, in every reply header.
enum class Status : uint32_t {
    ok = 0,
    bad_version = 1,     // HELLO with another protocol version or magic (connection closed)
    not_hello = 2,       // a message before HELLO (connection closed)
    unknown_message = 3, // id out of range or retired
    bad_size = 4,        // datagram shorter than the fixed part or longer than the message allows
    bad_tail = 5,        // tail length field inconsistent, string out of bounds or not UTF-8
    unexpected_fds = 6,  // SCM_RIGHTS on a message that takes none (fds closed)
    bad_state = 7,       // e.g. REPORT_EXIT before REGISTER_PROCESS, REGISTER_PROCESS twice
    not_found = 8,       // no such pid / tid
    no_ids = 9,          // pid/tid space exhausted
    too_many = 10,       // per-connection limit (references, threads) reached
    truncated = 11,      // datagram larger than k_max_datagram
    bad_fd = 12,         // a message that needs an fd came without a usable one
    unavailable = 13,    // the daemon cannot do it (no conhost could be started or reached)
};

// ---- header ------------------------------------------------------------------------------------

struct Header {
    uint16_t id;         // MsgId
    uint16_t flags;      // 0 (reserved)
    uint32_t seq;        // chosen by the client, echoed in the reply
    uint32_t status;     // Status in replies, 0 in requests
    uint32_t tail_size;  // bytes after the fixed body; must equal datagram size - header - body
};
static_assert(sizeof(Header) == 16);
static_assert(offsetof(Header, id) == 0 && offsetof(Header, flags) == 2 && offsetof(Header, seq) == 4 &&
              offsetof(Header, status) == 8 && offsetof(Header, tail_size) == 12);

// ---- bodies ------------------------------------------------------------------------------------

struct Empty {};  // a body of no bytes (sizeof is 1 in C++: k_body_size below treats it as 0)

struct HelloRequest {
    uint32_t magic;    // k_hello_magic
    uint32_t version;  // k_version
};
static_assert(sizeof(HelloRequest) == 8 && offsetof(HelloRequest, version) == 4);

struct HelloReply {
    uint32_t version;     // the daemon's k_version (also in a bad_version reply)
    uint32_t daemon_pid;  // Linux pid of csrssd
    uint64_t session_id;  // random per daemon start: tells one session from the next
};
static_assert(sizeof(HelloReply) == 16 && offsetof(HelloReply, daemon_pid) == 4 &&
              offsetof(HelloReply, session_id) == 8);

// Flags of RegisterProcessRequest.
inline constexpr uint32_t k_reg_claim = 1;  // claim_pid names a pid reserved by the parent (RESERVE_PID)

// Tail: image path (Windows path, UTF-8), command line (UTF-8).
struct RegisterProcessRequest {
    uint32_t parent_pid;  // Windows pid of the parent, 0 when started from Linux
    uint32_t flags;       // k_reg_*
    uint32_t claim_pid;   // with k_reg_claim
    uint32_t linux_tid;   // Linux tid of the main thread
};
static_assert(sizeof(RegisterProcessRequest) == 16 && offsetof(RegisterProcessRequest, flags) == 4 &&
              offsetof(RegisterProcessRequest, claim_pid) == 8 && offsetof(RegisterProcessRequest, linux_tid) == 12);

struct RegisterProcessReply {
    uint32_t pid;         // Windows pid (multiple of 4, unique in the session)
    uint32_t tid;         // Windows tid of the main thread
    uint64_t start_time;  // FILETIME (100 ns since 1601-01-01 UTC), for GetProcessTimes
};
static_assert(sizeof(RegisterProcessReply) == 16 && offsetof(RegisterProcessReply, tid) == 4 &&
              offsetof(RegisterProcessReply, start_time) == 8);

struct RegisterThreadRequest {
    uint32_t linux_tid;
    uint32_t reserved;
};
static_assert(sizeof(RegisterThreadRequest) == 8);

struct RegisterThreadReply {
    uint32_t tid;
    uint32_t reserved;
    uint64_t start_time;  // FILETIME
};
static_assert(sizeof(RegisterThreadReply) == 16 && offsetof(RegisterThreadReply, start_time) == 8);

struct ThreadExitRequest {
    uint32_t tid;
    uint32_t exit_code;
};
static_assert(sizeof(ThreadExitRequest) == 8 && offsetof(ThreadExitRequest, exit_code) == 4);

struct ReportExitRequest {
    uint32_t exit_code;  // the full 32-bit code
    uint32_t reserved;
};
static_assert(sizeof(ReportExitRequest) == 8);

// OPEN_PROCESS / CLOSE_PROCESS / QUERY_PROCESS / RESERVE_PID replies and list entries.
struct PidRequest {
    uint32_t pid;
    uint32_t reserved;
};
static_assert(sizeof(PidRequest) == 8);

enum class ProcState : uint32_t { reserved = 0, running = 1, exited = 2 };

struct ProcessInfo {
    uint32_t pid;
    uint32_t parent_pid;
    uint32_t linux_pid;     // 0 while reserved
    uint32_t state;         // ProcState
    uint32_t exit_code;     // STILL_ACTIVE while running
    uint32_t thread_count;  // registered threads alive
    uint64_t start_time;    // FILETIME
    uint64_t exit_time;     // FILETIME, 0 while running
    uint32_t exit_reported; // 1: the process reported its code; 0: derived (killed, crash)
    uint32_t refs;          // references held by clients (open handles)
    uint32_t console;       // console id the process is attached to, 0 = none
    uint32_t reserved;
};
static_assert(sizeof(ProcessInfo) == 56 && offsetof(ProcessInfo, console) == 48);
static_assert(offsetof(ProcessInfo, parent_pid) == 4 && offsetof(ProcessInfo, linux_pid) == 8 &&
              offsetof(ProcessInfo, state) == 12 && offsetof(ProcessInfo, exit_code) == 16 &&
              offsetof(ProcessInfo, thread_count) == 20 && offsetof(ProcessInfo, start_time) == 24 &&
              offsetof(ProcessInfo, exit_time) == 32 && offsetof(ProcessInfo, exit_reported) == 40 &&
              offsetof(ProcessInfo, refs) == 44);

// QUERY_PROCESS / OPEN_PROCESS reply: the info; tail: image path, command line.
struct ProcessReply {
    ProcessInfo info;
};
static_assert(sizeof(ProcessReply) == 56);

// LIST_PROCESSES: processes with pid > after_pid, ascending, as many as fit in one datagram.
struct ListRequest {
    uint32_t after_pid;
    uint32_t reserved;
};
static_assert(sizeof(ListRequest) == 8);

// Tail: `count` times { ProcessInfo (56 bytes), image path string, command line string }.
struct ListReply {
    uint32_t count;
    uint32_t more;  // 1: ask again with after_pid = last pid returned
};
static_assert(sizeof(ListReply) == 8 && offsetof(ListReply, more) == 4);

// LIST_THREADS: live threads ordered by (owner pid, tid), those after (after_pid, after_tid), as many
// as fit in one datagram. Reply: ListReply; tail: `count` times ThreadInfo. With more = 1, ask again
// with the owner pid and tid of the last entry returned.
struct ThreadListRequest {
    uint32_t after_pid;
    uint32_t after_tid;
};
static_assert(sizeof(ThreadListRequest) == 8 && offsetof(ThreadListRequest, after_tid) == 4);

struct ThreadInfo {
    uint32_t tid;
    uint32_t owner_pid;   // Windows pid of the process the thread belongs to
    uint32_t linux_tid;   // as the thread registered it (the main thread's: from REGISTER_PROCESS)
    uint32_t reserved;
    uint64_t start_time;  // FILETIME
};
static_assert(sizeof(ThreadInfo) == 24 && offsetof(ThreadInfo, owner_pid) == 4 && offsetof(ThreadInfo, linux_tid) == 8 &&
              offsetof(ThreadInfo, start_time) == 16);

// TERMINATE_PROCESS: records `exit_code` as the exit code of a running process the caller holds a
// reference to (an open handle), before the caller kills it; its connection closing later changes
// nothing. not_found without a reference, bad_state when it has exited already.
struct TerminateRequest {
    uint32_t pid;
    uint32_t exit_code;
};
static_assert(sizeof(TerminateRequest) == 8 && offsetof(TerminateRequest, exit_code) == 4);

struct ReservePidReply {
    uint32_t pid;
    uint32_t tid;  // the main thread's id, given to the child when it claims the pid
};
static_assert(sizeof(ReservePidReply) == 8);

// RESOLVE_ACTCTX (side-by-side, docs/sxs.md): the daemon resolves a manifest into an activation
// context. Tail: source (Linux path of the PE or manifest file), application directory, application
// configuration file ("" none), store directory; each at most k_max_image_path bytes.
struct ResolveActCtxRequest {
    uint32_t resource_id;  // RT_MANIFEST id in the PE file; 0: the source is a manifest file
    uint32_t flags;        // k_resolve_*
};
static_assert(sizeof(ResolveActCtxRequest) == 8 && offsetof(ResolveActCtxRequest, flags) == 4);
// The reply carries the probing as trace lines (the client's WINRUN_DEBUG=+sxs shows them).
inline constexpr uint32_t k_resolve_trace = 1;

// error 0: the tail holds `count` strings, the context in sxs::encode() form. error 14001
// (ERROR_SXS_CANT_GEN_ACTCTX): the tail holds one string, the explanation. Status::truncated: the
// context does not fit a datagram (the client resolves it itself).
struct ResolveActCtxReply {
    uint32_t error;
    uint32_t count;
};
static_assert(sizeof(ResolveActCtxReply) == 8 && offsetof(ResolveActCtxReply, count) == 4);

// Consoles (docs/console.md, docs/csrssd.md "Consoles"). The daemon numbers consoles from 1, starts a
// headless conhost for CONSOLE_ALLOC (or adopts one a client started on its terminal), keeps one
// connection to each, and hands every attaching process a new connection of its own (SCM_RIGHTS on
// the reply). Console I/O never passes through the daemon. A console whose last attached process is
// gone (exited, FreeConsole) is dropped: the daemon closes its connection and conhost exits when its
// clients' connections are closed too.
struct ConsoleRequest {
    uint32_t target;  // CONSOLE_ATTACH: a pid (k_attach_pid), else 0; CONSOLE_LIST: a console id, 0 = the caller's
    uint32_t flags;   // k_attach_*
};
static_assert(sizeof(ConsoleRequest) == 8 && offsetof(ConsoleRequest, flags) == 4);
// CONSOLE_ATTACH flags. Without k_attach_pid: the console recorded for the caller by its parent
// (CONSOLE_INHERIT). With it: the console of process `target`; target k_attach_parent = the caller's parent.
inline constexpr uint32_t k_attach_pid = 1;
inline constexpr uint32_t k_attach_parent = 0xFFFFFFFF;

struct ConsoleReply {
    uint32_t console;  // the console id
    uint32_t reserved;
};
static_assert(sizeof(ConsoleReply) == 8);

// CONSOLE_INHERIT: the parent records its console for a child it reserved (RESERVE_PID) and not yet
// started, so the console stays while the child starts and the child attaches to it.
struct ConsoleInheritRequest {
    uint32_t child_pid;
    uint32_t console;  // the caller's own console
};
static_assert(sizeof(ConsoleInheritRequest) == 8 && offsetof(ConsoleInheritRequest, console) == 4);

// ---- the message list --------------------------------------------------------------------------
// X(id, NAME, request body, reply body, max request tail bytes)
// The dispatcher table, the trace names and the client's size checks are all generated from it.
#define CSRSS_MESSAGES(X)                                                                          \
    X(1, HELLO, HelloRequest, HelloReply, 0)                                                       \
    X(2, REGISTER_PROCESS, RegisterProcessRequest, RegisterProcessReply,                           \
      8 + ::winrun::csrss::proto::k_max_image_path + ::winrun::csrss::proto::k_max_command_line)  \
    X(3, REGISTER_THREAD, RegisterThreadRequest, RegisterThreadReply, 0)                           \
    X(4, THREAD_EXIT, ThreadExitRequest, Empty, 0)                                                 \
    X(5, REPORT_EXIT, ReportExitRequest, Empty, 0)                                                 \
    X(6, OPEN_PROCESS, PidRequest, ProcessReply, 0)                                                \
    X(7, CLOSE_PROCESS, PidRequest, Empty, 0)                                                      \
    X(8, QUERY_PROCESS, PidRequest, ProcessReply, 0)                                               \
    X(9, LIST_PROCESSES, ListRequest, ListReply, 0)                                                \
    X(10, RESERVE_PID, Empty, ReservePidReply, 0)                                                  \
    X(11, HALT, Empty, Empty, 0)                                                                   \
    X(12, LIST_THREADS, ThreadListRequest, ListReply, 0)                                           \
    X(13, RESOLVE_ACTCTX, ResolveActCtxRequest, ResolveActCtxReply,                                \
      4 * (4 + ::winrun::csrss::proto::k_max_image_path))                                       \
    X(14, CONSOLE_ALLOC, ConsoleRequest, ConsoleReply, 0)   /* -> fd: a headless console */       \
    X(15, CONSOLE_ADOPT, ConsoleRequest, ConsoleReply, 0)   /* + fd: a conhost the client started */ \
    X(16, CONSOLE_ATTACH, ConsoleRequest, ConsoleReply, 0)  /* -> fd */                            \
    X(17, CONSOLE_FREE, ConsoleRequest, Empty, 0)                                                  \
    X(18, CONSOLE_LIST, ConsoleRequest, ListReply, 0)       /* tail: count u32 pids, newest first */ \
    X(19, CONSOLE_INHERIT, ConsoleInheritRequest, Empty, 0)                                      \
    X(20, TERMINATE_PROCESS, TerminateRequest, Empty, 0)

enum class MsgId : uint16_t {
    invalid = 0,
#define CSRSS_ENUM_(id, name, req, rep, tail) name = id,
    CSRSS_MESSAGES(CSRSS_ENUM_)
#undef CSRSS_ENUM_
    count_
};

// Size of a body on the wire: Empty is 0 bytes.
template <typename T>
inline constexpr size_t k_body_size = sizeof(T);
template <>
inline constexpr size_t k_body_size<Empty> = 0;

// Per-message facts, for generic code on both sides.
template <MsgId Id>
struct Msg;
#define CSRSS_TRAITS_(id_, name_, req_, rep_, tail_)                 \
    template <>                                                      \
    struct Msg<MsgId::name_> {                                       \
        using Request = req_;                                        \
        using Reply = rep_;                                          \
        static constexpr const char* name = #name_;                  \
        static constexpr size_t max_tail = tail_;                    \
    };                                                               \
    static_assert(sizeof(Header) + k_body_size<req_> + (tail_) <= k_max_datagram); \
    static_assert(sizeof(Header) + k_body_size<rep_> <= k_max_datagram);
CSRSS_MESSAGES(CSRSS_TRAITS_)
#undef CSRSS_TRAITS_

// The trace name of a message id, or nullptr when the id is not a message.
inline const char* message_name(uint16_t id) {
    switch (id) {
#define CSRSS_NAME_(id_, name_, req_, rep_, tail_) \
    case id_: return #name_;
        CSRSS_MESSAGES(CSRSS_NAME_)
#undef CSRSS_NAME_
    }
    return nullptr;
}

const char* status_name(Status s);

}  // namespace winrun::csrss::proto
