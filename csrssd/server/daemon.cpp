#include "daemon.h"

#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "console_host.h"
#include "dispatcher.h"
#include "log.h"

namespace winrun::csrss::server {

namespace {

constexpr int k_max_fds_per_message = 16;   // more are truncated (MSG_CTRUNC) and refused
constexpr int k_messages_per_wakeup = 64;   // fairness between clients

struct Daemon;

struct Connection {
    Daemon* d = nullptr;
    int fd = -1;
    event* ev = nullptr;
    Conn state;
};

struct Daemon {
    DaemonConfig cfg;
    event_base* base = nullptr;
    event* listen_ev = nullptr;
    event* idle_ev = nullptr;
    event* sigterm_ev = nullptr;
    event* sigint_ev = nullptr;
    Registry reg;
    std::unique_ptr<Dispatcher> disp;
    std::unordered_map<int, std::unique_ptr<Connection>> conns;
    uint64_t next_conn_id = 1;
    std::vector<uint8_t> rbuf = std::vector<uint8_t>(proto::k_max_datagram);
    std::vector<uint8_t> reply;
    ino_t socket_ino = 0;
    uid_t uid = getuid();
    int exit_status = 0;

    void arm_idle() {
        if (cfg.idle_seconds <= 0 || !conns.empty()) return;
        timeval tv{cfg.idle_seconds, 0};
        event_add(idle_ev, &tv);
    }

    void close_conn(Connection* c) {
        disp->connection_closed(c->state);
        event_free(c->ev);
        close(c->fd);
        WR_TRACE(csrss, "conn {} closed ({} left)", c->state.id, conns.size() - 1);
        conns.erase(c->fd);  // frees c
        arm_idle();
    }

    // Removes the socket path if it is still the one we listen on, so the next client starts a new
    // daemon instead of connecting to a dead one.
    void unlink_socket() {
        struct stat st;
        if (!cfg.socket_path.empty() && stat(cfg.socket_path.c_str(), &st) == 0 && st.st_ino == socket_ino)
            unlink(cfg.socket_path.c_str());
    }

    void halt(const char* why) {
        WR_WARN(csrss, "halting the session: {}", why);
        unlink_socket();
        event_base_loopbreak(base);
    }
};

void on_read(evutil_socket_t fd, short, void* arg) {
    auto* c = static_cast<Connection*>(arg);
    Daemon* d = c->d;
    for (int i = 0; i < k_messages_per_wakeup; i++) {
        iovec iov{d->rbuf.data(), d->rbuf.size()};
        alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * k_max_fds_per_message)];
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // EOF: the client is gone (exit, crash or SIGKILL)
            d->close_conn(c);
            return;
        }
        // The fds received go to the dispatcher (a handler keeps the one it takes); the rest are
        // closed after it.
        c->state.in_fds.clear();
        for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t j = 0; j < k; j++) {
                    int rfd;
                    std::memcpy(&rfd, CMSG_DATA(cm) + j * sizeof(int), sizeof rfd);
                    c->state.in_fds.push_back(rfd);
                }
            }
        }
        bool truncated = (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
        After after = d->disp->dispatch(c->state, {d->rbuf.data(), size_t(n)}, truncated, d->reply);
        for (int rfd : c->state.in_fds)
            if (rfd >= 0) close(rfd);
        c->state.in_fds.clear();
        int reply_fd = c->state.reply_fd;
        c->state.reply_fd = -1;
        if (!d->reply.empty()) {
            iovec riov{d->reply.data(), d->reply.size()};
            alignas(cmsghdr) char rcbuf[CMSG_SPACE(sizeof(int))];
            msghdr rmh{};
            rmh.msg_iov = &riov;
            rmh.msg_iovlen = 1;
            if (reply_fd >= 0) {
                rmh.msg_control = rcbuf;
                rmh.msg_controllen = sizeof rcbuf;
                cmsghdr* cm = CMSG_FIRSTHDR(&rmh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                std::memcpy(CMSG_DATA(cm), &reply_fd, sizeof reply_fd);
            }
            ssize_t s = sendmsg(fd, &rmh, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (reply_fd >= 0) close(reply_fd);
            if (s != ssize_t(d->reply.size())) {
                // A client that does not read its replies (or is gone) loses its connection.
                WR_WARN(csrss, "conn {}: cannot send reply: {}", c->state.id, s < 0 ? strerror(errno) : "short send");
                after = After::close;
            }
        }
        if (after == After::close) {
            d->close_conn(c);
            return;
        }
        if (after == After::halt) {
            d->halt("HALT message");
            return;
        }
    }
}

void on_accept(evutil_socket_t lfd, short, void* arg) {
    auto* d = static_cast<Daemon*>(arg);
    for (;;) {
        int fd = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) WR_WARN(csrss, "accept: {}", strerror(errno));
            return;  // EMFILE etc.: the client waits in the backlog and times out
        }
        ucred cred{};
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != d->uid) {
            WR_WARN(csrss, "refusing a peer with uid {} (ours {})", cred.uid, d->uid);
            close(fd);
            continue;
        }
        auto c = std::make_unique<Connection>();
        c->d = d;
        c->fd = fd;
        c->state.id = d->next_conn_id++;
        c->state.peer_pid = uint32_t(cred.pid);
        c->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, on_read, c.get());
        if (!c->ev || event_add(c->ev, nullptr) != 0) {
            if (c->ev) event_free(c->ev);
            close(fd);
            continue;
        }
        WR_TRACE(csrss, "conn {} from linux pid {}", c->state.id, cred.pid);
        d->conns[fd] = std::move(c);
        event_del(d->idle_ev);
    }
}

void on_idle(evutil_socket_t, short, void* arg) {
    auto* d = static_cast<Daemon*>(arg);
    if (!d->conns.empty()) return;
    // A starting client holds the lock while it decides whether a daemon runs: do not disappear
    // under it. It will connect in a moment, which cancels the idle exit.
    int lfd = open(d->cfg.lock_path.c_str(), O_RDWR | O_CLOEXEC);
    if (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) != 0) {
        close(lfd);
        timeval tv{1, 0};
        event_add(d->idle_ev, &tv);
        return;
    }
    WR_TRACE(csrss, "idle for {} s: exiting", d->cfg.idle_seconds);
    // A client that connected after the last accept but before the unlink sees its connection
    // reset and starts a new daemon (the client retries).
    d->unlink_socket();
    event_base_loopbreak(d->base);
    if (lfd >= 0) close(lfd);  // the lock is released after the unlink
}

void on_signal(evutil_socket_t sig, short, void* arg) {
    auto* d = static_cast<Daemon*>(arg);
    d->halt(sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

}  // namespace

int run_daemon(const DaemonConfig& cfg) {
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    Daemon d;
    d.cfg = cfg;
    DaemonIdentity ident{uint32_t(getpid()), 0};
    if (getrandom(&ident.session_id, sizeof ident.session_id, 0) != sizeof ident.session_id)
        ident.session_id = uint64_t(getpid()) << 32 ^ uint64_t(time(nullptr));
    d.disp = std::make_unique<Dispatcher>(d.reg, ident);
    static ProcessConsoleHost console_host(default_conhost_path());
    d.disp->set_console_host(&console_host);
    struct stat st;
    if (!cfg.socket_path.empty() && stat(cfg.socket_path.c_str(), &st) == 0) d.socket_ino = st.st_ino;

    event_config* ec = event_config_new();
    event_config_avoid_method(ec, "select");
    d.base = event_base_new_with_config(ec);
    event_config_free(ec);
    if (!d.base) return 1;
    evutil_make_socket_nonblocking(cfg.listen_fd);
    d.listen_ev = event_new(d.base, cfg.listen_fd, EV_READ | EV_PERSIST, on_accept, &d);
    d.idle_ev = evtimer_new(d.base, on_idle, &d);
    d.sigterm_ev = evsignal_new(d.base, SIGTERM, on_signal, &d);
    d.sigint_ev = evsignal_new(d.base, SIGINT, on_signal, &d);
    event_add(d.listen_ev, nullptr);
    event_add(d.sigterm_ev, nullptr);
    event_add(d.sigint_ev, nullptr);
    d.arm_idle();

    event_base_dispatch(d.base);

    // Halt or idle: every client sees its connection close (their watchdogs fire).
    for (auto& [fd, c] : d.conns) {
        event_free(c->ev);
        close(fd);
    }
    d.conns.clear();
    close(cfg.listen_fd);
    event_free(d.listen_ev);
    event_free(d.idle_ev);
    event_free(d.sigterm_ev);
    event_free(d.sigint_ev);
    event_base_free(d.base);
    return d.exit_status;
}

}  // namespace winrun::csrss::server
