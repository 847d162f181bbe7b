#include "console_host.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "log.h"
#include "server/protocol.h"

namespace winrun::csrss::server {

namespace cproto = winrun::con::proto;

std::string default_conhost_path() {
    if (const char* p = getenv("WINRUN_CONHOST")) return p;
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "winrun-conhost";
    std::string s(buf, size_t(n));
    return s.substr(0, s.rfind('/') + 1) + "winrun-conhost";
}

int ProcessConsoleHost::start_conhost() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return -1;
    // Twice forked: conhost is never our child (no zombie to reap), in a session of its own.
    pid_t mid = fork();
    if (mid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (mid == 0) {
        if (fork() != 0) _exit(0);
        setsid();
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(sv[1], 3);  // clears close-on-exec on 3
        close_range(4, ~0u, 0);
        const char* argv[] = {path_.c_str(), "--headless", "--fd", "3", nullptr};
        execv(path_.c_str(), const_cast<char**>(argv));
        _exit(127);
    }
    close(sv[1]);
    while (waitpid(mid, nullptr, 0) < 0 && errno == EINTR) {}
    WR_TRACE(csrss, "started {}", path_);
    return sv[0];
}

int ProcessConsoleHost::new_connection(int conhost_fd) {
    cproto::Request rq{uint16_t(cproto::Op::NEW_CONNECTION), 0, 0, {}};
    ssize_t s;
    while ((s = send(conhost_fd, &rq, sizeof rq, MSG_NOSIGNAL | MSG_DONTWAIT)) < 0 && errno == EINTR) {}
    if (s != ssize_t(sizeof rq)) return -1;
    // conhost answers at once; bounded all the same (the daemon must not hang on a wedged conhost).
    pollfd p{conhost_fd, POLLIN, 0};
    int r;
    while ((r = poll(&p, 1, 2000)) < 0 && errno == EINTR) {}
    if (r <= 0) {
        WR_WARN(csrss, "conhost did not answer NEW_CONNECTION");
        return -1;
    }
    cproto::Reply rep{};
    iovec iov{&rep, sizeof rep};
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = recvmsg(conhost_fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0 && errno == EINTR) {}
    int got = -1;
    for (cmsghdr* cm = n > 0 ? CMSG_FIRSTHDR(&mh) : nullptr; cm; cm = CMSG_NXTHDR(&mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t j = 0; j < k; j++) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(cm) + j * sizeof(int), sizeof fd);
                if (got < 0 && n == ssize_t(sizeof rep) && rep.error == 0) got = fd;
                else close(fd);
            }
        }
    return got;
}

bool ProcessConsoleHost::plausible_conhost(int fd) {
    int type = 0, domain = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET) return false;
    len = sizeof domain;
    return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX;
}

}  // namespace winrun::csrss::server
