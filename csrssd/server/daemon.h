// csrssd's event loop (libevent): the listening socket, connections, idle exit and halt.
#pragma once
#include <string>

namespace winrun::csrss::server {

struct DaemonConfig {
    std::string socket_path;   // for unlinking at exit (only while it is still ours)
    std::string lock_path;     // taken around the unlink at idle exit
    int listen_fd = -1;        // a bound, listening SOCK_SEQPACKET socket (created by the caller)
    int idle_seconds = 10;     // exit after this long without a connection; 0 = never
};

// Runs until idle exit, SIGTERM/SIGINT or a HALT message. Returns the process exit status.
int run_daemon(const DaemonConfig& cfg);

}  // namespace winrun::csrss::server
