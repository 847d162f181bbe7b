// csrssd: the per-session daemon. Normally started by the first winrun of a session (connect_or_start
// passes --listen-fd 3 --dir DIR); run by hand with --foreground to debug it.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "log.h"
#include "server/daemon.h"
#include "session_path.h"

using namespace winrun;
namespace server = winrun::csrss::server;

namespace {

constexpr int k_default_idle_seconds = 10;

int idle_from_env() {
    const char* e = getenv("WINRUN_DAEMON_IDLE");
    if (!e || !*e) return k_default_idle_seconds;
    char* end;
    long v = strtol(e, &end, 10);
    if (*end || v < 0 || v > 86400 * 365) return k_default_idle_seconds;
    return int(v);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"csrssd: the winrun session daemon (process registry, exit codes, watchdog)", "csrssd"};
    bool foreground = false;
    int listen_fd = -1;
    std::string dir;
    int idle = -1;
    app.add_flag("--foreground", foreground, "stay attached to the terminal, log to stderr");
    app.add_option("--listen-fd", listen_fd, "use this inherited listening socket (set by winrun)");
    app.add_option("--dir", dir, "session directory (default: from XDG_RUNTIME_DIR and the prefix)");
    app.add_option("--idle", idle, "exit after this many seconds without clients, 0 = never (default WINRUN_DAEMON_IDLE or 10)");
    app.footer("Environment: WINRUN_DAEMON_IDLE, WINRUN_PREFIX, XDG_RUNTIME_DIR, WINRUN_DEBUG=+csrss,\n"
               "WINRUN_CSRSS_LOG=file (stderr of a detached daemon; default /dev/null).");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    log::configure(getenv("WINRUN_DEBUG"));
    if (idle < 0) idle = idle_from_env();

    if (!foreground) {
        // Detach completely: no inherited fd but the listening socket, std fds on /dev/null (stderr
        // on WINRUN_CSRSS_LOG when set), own session, cwd /.
        if (listen_fd < 0) {
            // Started by hand without --foreground: fork into the background ourselves.
            pid_t p = fork();
            if (p < 0) return perror("csrssd: fork"), 1;
            if (p > 0) _exit(0);
        }
        setsid();
        if (chdir("/") != 0) { /* nothing better to do */ }
        int nul = open("/dev/null", O_RDWR);
        const char* logf = getenv("WINRUN_CSRSS_LOG");
        int err = logf && *logf ? open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(err >= 0 ? err : nul, 2);
        }
        if (listen_fd >= 0 && listen_fd != 3) {
            dup2(listen_fd, 3);
            listen_fd = 3;
        }
        syscall(SYS_close_range, listen_fd >= 0 ? 4u : 3u, ~0u, 0u);
    }

    server::DaemonConfig cfg;
    cfg.idle_seconds = idle;
    if (dir.empty()) {
        auto sp = csrss::session_paths(true);
        if (!sp) {
            fprintf(stderr, "csrssd: %s\n", sp.error().message.c_str());
            return 1;
        }
        dir = sp->dir;
    } else if (auto r = csrss::ensure_private_dir(dir); !r) {
        fprintf(stderr, "csrssd: %s\n", r.error().message.c_str());
        return 1;
    }
    cfg.socket_path = dir + "/csrss.sock";
    cfg.lock_path = dir + "/lock";
    if (listen_fd >= 0) {
        cfg.listen_fd = listen_fd;
    } else {
        // Our own socket, under the session lock, refusing to replace a live daemon.
        int lk = open(cfg.lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (lk < 0 || flock(lk, LOCK_EX) != 0) {
            fprintf(stderr, "csrssd: cannot lock %s: %s\n", cfg.lock_path.c_str(), strerror(errno));
            return 1;
        }
        int err = 0;
        if (auto c = csrss::connect_socket(cfg.socket_path, &err)) {
            close(c.value());
            fprintf(stderr, "csrssd: a daemon already serves %s\n", dir.c_str());
            return 1;
        }
        auto lf = csrss::listen_socket(cfg.socket_path);
        close(lk);
        if (!lf) {
            fprintf(stderr, "csrssd: %s\n", lf.error().message.c_str());
            return 1;
        }
        cfg.listen_fd = lf.value();
        if (foreground) fprintf(stderr, "csrssd: listening on %s (idle exit %s)\n", cfg.socket_path.c_str(),
                                idle ? std::to_string(idle).append(" s").c_str() : "off");
    }
    return server::run_daemon(cfg);
}
