// The one place where csrssd reads a message: a table of {handler, minimum size, maximum size, fds
// allowed, name} indexed by message id, generated from CSRSS_MESSAGES. dispatch() checks the id
// range, the connection state (HELLO first), the datagram size and the tail before any handler runs.
// Independent of libevent and sockets: the daemon, the tests and the fuzzer call it the same way.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "protocol.h"
#include "registry.h"
#include "resolver.h"
#include "wire.h"

namespace winrun::csrss::server {

// Per-connection state.
struct Conn {
    uint64_t id = 0;
    uint32_t peer_pid = 0;      // from SO_PEERCRED, never from a message
    bool hello = false;
    uint32_t pid = 0;           // Windows pid registered on this connection, 0 if none
    bool exit_reported = false;
    std::unordered_map<uint32_t, uint32_t> refs;  // pid -> references held (OPEN_PROCESS, RESERVE_PID)
    uint32_t ref_total = 0;
    uint32_t errors = 0;        // protocol errors so far
    // The fds that came with the message being dispatched (a handler that keeps one sets it to -1;
    // the caller closes the rest), and the fd to send with the reply (the caller sends and closes it).
    std::vector<int> in_fds;
    int reply_fd = -1;
};

// What the dispatcher needs to run consoles: starting a conhost and asking one for a connection.
// The daemon implements it with sockets and processes; tests may fake it; without one (the fuzzer)
// the CONSOLE_* messages that need a conhost answer Status::unavailable.
class ConsoleHost {
public:
    virtual ~ConsoleHost() = default;
    // A new headless conhost; returns csrssd's connection to it, or -1.
    virtual int start_conhost() = 0;
    // A new connection to the conhost behind `conhost_fd` (its NEW_CONNECTION), or -1.
    virtual int new_connection(int conhost_fd) = 0;
    // Is `fd` something that could be a conhost connection (a SOCK_SEQPACKET Unix socket)?
    virtual bool plausible_conhost(int fd) = 0;
};

enum class After { keep, close, halt };

struct DaemonIdentity {
    uint32_t daemon_pid = 0;
    uint64_t session_id = 0;
};

class Dispatcher {
public:
    static constexpr uint32_t k_max_errors = 32;        // then the connection is closed
    static constexpr uint32_t k_max_refs_per_conn = 1u << 16;

    // derive_exit_code: the exit code of a process whose connection dropped without a report, from
    // its Linux pid (default: derive_exit_code_from_proc). now: the clock (FILETIME).
    Dispatcher(Registry& reg, DaemonIdentity ident, uint32_t (*derive_exit_code)(uint32_t linux_pid) = nullptr,
               uint64_t (*now)() = nullptr);

    // One received datagram. nfds: file descriptors that came with it (the caller closes them);
    // truncated: MSG_TRUNC or MSG_CTRUNC was set. The reply, if any, is left in `reply` (empty: none).
    After dispatch(Conn& c, std::span<const uint8_t> dgram, int nfds, bool truncated, std::vector<uint8_t>& reply);
    // Same, with the fds themselves in c.in_fds (the daemon); c.reply_fd may be set on return.
    After dispatch(Conn& c, std::span<const uint8_t> dgram, bool truncated, std::vector<uint8_t>& reply);

    void set_console_host(ConsoleHost* h) { host_ = h; }
    size_t console_count() const { return consoles_.size(); }
    // Drops consoles that no live process is attached to (closing csrssd's connection to them).
    void reap_consoles();
    // The connection is gone: references released; a registered process that did not report its exit
    // is marked exited now with the derived code.
    void connection_closed(Conn& c);

    Registry& registry() { return reg_; }

#define CSRSS_DECL_(id_, name_, req_, rep_, tail_) After on_##name_(Conn& c, const wire::Parsed& m, wire::Writer& w);
    CSRSS_MESSAGES(CSRSS_DECL_)
#undef CSRSS_DECL_

private:
    After error(Conn& c, wire::Writer& w, uint16_t id, uint32_t seq, proto::Status st, After after = After::keep);
    void write_process(wire::Writer& w, const Process& p);

    After console_error(Conn& c, wire::Writer& w, const wire::Parsed& m, proto::Status st);
    // A new connection to console `id` for the caller, as c.reply_fd. False: conhost unreachable.
    bool hand_out(Conn& c, uint32_t id);

    struct ConsoleRec {
        int fd = -1;  // csrssd's connection to its conhost
    };
    std::map<uint32_t, ConsoleRec> consoles_;
    uint32_t next_console_ = 1;
    ConsoleHost* host_ = nullptr;

    Registry& reg_;
    sxs::Resolver resolver_;  // RESOLVE_ACTCTX: parsed manifests cached across requests
    DaemonIdentity ident_;
    uint32_t (*derive_)(uint32_t);
    uint64_t (*now_)();
};

// Reads /proc/<pid>/stat: a zombie's wait status gives the signal or exit status; anything else
// (still exiting, already reaped, SIGKILL) gives proto::k_exit_code_killed. See docs/csrssd.md.
uint32_t derive_exit_code_from_proc(uint32_t linux_pid);
// The documented mapping from a Linux wait status to a Windows exit code.
uint32_t exit_code_from_wait_status(int status);

}  // namespace winrun::csrss::server
