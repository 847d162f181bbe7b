// The one place where csrssd reads a message: a table of {handler, minimum size, maximum size, fds
// allowed, name} indexed by message id, generated from CSRSS_MESSAGES. dispatch() checks the id
// range, the connection state (HELLO first), the datagram size and the tail before any handler runs.
// Independent of libevent and sockets: the daemon, the tests and the fuzzer call it the same way.
#pragma once
#include <cstdint>
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
