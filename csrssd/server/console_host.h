// The daemon's ConsoleHost: starts headless conhosts and asks them for connections (conhost's own
// protocol, conhost/server/protocol.h: NEW_CONNECTION, the fd by SCM_RIGHTS).
#pragma once
#include <string>

#include "dispatcher.h"

namespace winrun::csrss::server {

class ProcessConsoleHost : public ConsoleHost {
public:
    // conhost_path: the winrun-conhost executable (beside winrun-csrssd).
    explicit ProcessConsoleHost(std::string conhost_path) : path_(std::move(conhost_path)) {}
    int start_conhost() override;
    int new_connection(int conhost_fd) override;
    bool plausible_conhost(int fd) override;

private:
    std::string path_;
};

// winrun-conhost beside this executable.
std::string default_conhost_path();

}  // namespace winrun::csrss::server
