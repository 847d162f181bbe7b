#include "client.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "log.h"
#include "session_path.h"
#include "wire.h"

namespace winrun::csrss {

using proto::MsgId;

namespace {

// The signal watchdog's table: the armed connections of this process. Read by the signal handler
// (lock-free atomics only).
struct WatchSlot {
    std::atomic<bool> used{false};
    std::atomic<int> fd{-1};
    std::atomic<Session::State*> st{nullptr};
    std::atomic<int> busy{0};  // handlers looking at this slot right now
};
constexpr int k_watch_slots = 16;
WatchSlot g_watch[k_watch_slots];

bool hung_up(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL));
}

}  // namespace

struct Session::State {
    int fd = -1;
    Options opt;
    std::string daemon_path;  // set by connect_or_start: may reconnect while the HELLO reply is pending
    uint32_t seq = 0;
    proto::HelloReply hello{};
    bool hello_pending = false;  // HELLO sent, its reply not read yet (pipelined with the next request)
    uint32_t hello_seq = 0;
    std::mutex mu;  // one request at a time
    std::vector<uint8_t> sbuf;
    std::vector<uint8_t> big;  // replies with a tail (lazily sized)
    bool registered = false;

    // watchdog
    std::atomic<bool> disarmed{false};
    std::function<void()> on_lost;
    // thread kind
    pthread_t thread{};
    bool thread_started = false;
    int stop_pipe[2] = {-1, -1};
    // signal kind: the fd is in O_ASYNC mode (except during our own requests) and owns slot `slot`
    int slot = -1;
    int fd_flags = 0;

    ~State() {
        stop_watchdog();
        if (fd >= 0) close(fd);
    }

    void stop_watchdog() {
        disarmed = true;
        if (thread_started) {
            char c = 0;
            (void)!write(stop_pipe[1], &c, 1);
            pthread_join(thread, nullptr);
            thread_started = false;
        }
        for (int& p : stop_pipe)
            if (p >= 0) close(p), p = -1;
        if (slot >= 0) {
            WatchSlot& w = g_watch[slot];
            fcntl(fd, F_SETFL, fd_flags);
            w.st = nullptr;
            w.fd = -1;
            while (w.busy.load() != 0) sched_yield();  // a handler on another thread is done with us
            w.used = false;
            slot = -1;
        }
    }

    // Our own replies make the socket readable, which in O_ASYNC mode would send the watchdog signal
    // (interrupting some thread's system call): O_ASYNC is off from before a request is sent until
    // its reply is read. A hang-up in that window is caught by the check at the end.
    struct AsyncPause {
        State* s;
        explicit AsyncPause(State* st) : s(st->slot >= 0 ? st : nullptr) {
            if (s) fcntl(s->fd, F_SETFL, s->fd_flags);
        }
        ~AsyncPause() {
            if (!s) return;
            fcntl(s->fd, F_SETFL, s->fd_flags | O_ASYNC);
            if (!s->disarmed.load() && hung_up(s->fd)) raise(watchdog_signal());
        }
    };

    Result<void> send_dgram(std::span<const uint8_t> out, const char* name, bool* retryable, int pass_fd = -1) {
        ssize_t n;
        iovec iov{const_cast<uint8_t*>(out.data()), out.size()};
        alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        if (pass_fd >= 0) {
            mh.msg_control = cbuf;
            mh.msg_controllen = sizeof cbuf;
            cmsghdr* cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cm), &pass_fd, sizeof pass_fd);
        }
        do n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n != ssize_t(out.size())) {
            if (retryable) *retryable = errno == EPIPE || errno == ECONNRESET;
            if (n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
                return make_error(fmt::format("csrssd did not take {} within {} ms", name, opt.timeout_ms));
            return make_error(fmt::format("csrssd: cannot send {}: {}", name, strerror(errno)));
        }
        return {};
    }

    // Reads the reply to request `my_seq`. retryable (when given) is set when the daemon closed the
    // connection before answering (it was exiting): the caller may start over.
    template <MsgId Id>
    Result<typename proto::Msg<Id>::Reply> recv_reply(uint32_t my_seq, std::vector<uint8_t>* tail, bool* retryable,
                                                       int* got_fd = nullptr) {
        using Reply = typename proto::Msg<Id>::Reply;
        uint8_t small[256];
        uint8_t* buf = small;
        size_t cap = sizeof small;
        if (tail) {
            if (big.size() < proto::k_max_datagram) big.resize(proto::k_max_datagram);
            buf = big.data();
            cap = big.size();
        }
        ssize_t n;
        iovec iov{buf, cap};
        alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 4)];
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        do n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        // Any fd that came along: the caller's when it asked for one, else closed.
        if (n > 0)
            for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                    size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    for (size_t j = 0; j < k; j++) {
                        int rfd;
                        std::memcpy(&rfd, CMSG_DATA(cm) + j * sizeof(int), sizeof rfd);
                        if (got_fd && *got_fd < 0) *got_fd = rfd;
                        else close(rfd);
                    }
                }
        if (n <= 0) {
            if (retryable) *retryable = n == 0 || errno == ECONNRESET;
            if (n == 0) return make_error(fmt::format("csrssd closed the connection (during {})", proto::Msg<Id>::name));
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return make_error(fmt::format("csrssd did not answer {} within {} ms", proto::Msg<Id>::name, opt.timeout_ms));
            return make_error(fmt::format("csrssd: {}: {}", proto::Msg<Id>::name, strerror(errno)));
        }
        if (size_t(n) > cap) return make_error(fmt::format("csrssd: reply to {} too large", proto::Msg<Id>::name));
        std::span<const uint8_t> d(buf, size_t(n));
        auto h = TRY(wire::parse_header(d));
        if (h.seq != my_seq || h.id != static_cast<uint16_t>(Id))
            return make_error(fmt::format("csrssd: reply out of sequence (during {})", proto::Msg<Id>::name));
        if (h.status != 0) {
            auto st = static_cast<proto::Status>(h.status);
            if (Id == MsgId::HELLO && st == proto::Status::bad_version && d.size() >= sizeof(proto::Header) + sizeof(proto::HelloReply)) {
                proto::HelloReply hr;
                std::memcpy(&hr, d.data() + sizeof(proto::Header), sizeof hr);
                return make_error(fmt::format("csrssd (pid {}) speaks protocol version {}, this winrun {}: stop it with `winrun --session-stop`",
                                              hr.daemon_pid, hr.version, proto::k_version));
            }
            return make_error(fmt::format("csrssd: {}: {}", proto::Msg<Id>::name, proto::status_name(st)));
        }
        auto p = wire::parse(d, proto::k_body_size<Reply>, tail ? proto::k_max_datagram : 0);
        if (!p) return make_error(fmt::format("csrssd: malformed reply to {}: {}", proto::Msg<Id>::name, p.error().message));
        if (tail) tail->assign(p.value().tail.begin(), p.value().tail.end());
        return wire::body_as<Reply>(p.value());
    }

    // Checks the peer and sends HELLO; its reply is read by finish_hello (pipelined: the first request
    // goes out before it is read).
    Result<void> send_hello() {
        // The daemon must be ours: same uid (the directory is 0700, but check the peer anyway).
        ucred cred{};
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != getuid())
            return make_error(fmt::format("csrssd socket is owned by uid {}, not {}", cred.uid, getuid()));
        wire::Writer w(sbuf);
        hello_seq = ++seq;
        w.begin(MsgId::HELLO, hello_seq, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
        bool retry = false;
        auto r = send_dgram(w.finish(), "HELLO", &retry);
        if (!r) return r;
        hello_pending = true;
        return {};
    }

    Result<void> finish_hello(bool* retryable) {
        if (!hello_pending) return {};
        hello = TRY(recv_reply<MsgId::HELLO>(hello_seq, nullptr, retryable));
        hello_pending = false;
        return {};
    }

    // A new connection (starting a daemon if none runs) with HELLO sent: after the old one was closed
    // by a daemon that was exiting (idle) as we connected.
    Result<void> reopen();

    // HELLO answered (reconnecting when the daemon was exiting as we connected). Under mu.
    Result<void> ensure_hello() {
        for (int attempt = 0;; attempt++) {
            bool retry = false;
            auto r = finish_hello(&retry);
            if (r || !retry || daemon_path.empty() || attempt >= 4) return r;
            WR_TRACE(csrss, "retrying: {}", r.error().message);
            TRY_VOID(reopen());
        }
    }

    // Sends one request and waits for its reply (after the pending HELLO reply, if any).
    template <MsgId Id>
    Result<typename proto::Msg<Id>::Reply> call(const typename proto::Msg<Id>::Request& body,
                                                 std::initializer_list<std::string_view> strings = {},
                                                 std::vector<uint8_t>* tail = nullptr, int pass_fd = -1,
                                                 int* got_fd = nullptr) {
        std::lock_guard<std::mutex> lock(mu);
        AsyncPause pause(this);
        for (int attempt = 0;; attempt++) {
            wire::Writer w(sbuf);
            uint32_t my_seq = ++seq;
            w.begin(Id, my_seq, body);
            for (auto s : strings)
                if (!w.string(s)) return make_error("csrssd: request too large");
            bool retry = false;
            auto sent = send_dgram(w.finish(), proto::Msg<Id>::name, &retry, pass_fd);
            if (hello_pending) {
                // The daemon answers in order: HELLO's reply first. A daemon that was exiting as we
                // connected closes before answering either: connect again and resend.
                auto h = finish_hello(&retry);
                if (!h || !sent) {
                    if (retry && !daemon_path.empty() && attempt < 4) {
                        WR_TRACE(csrss, "retrying: {}", (!h ? h.error() : sent.error()).message);
                        TRY_VOID(reopen());
                        continue;
                    }
                    return !h ? h.error() : sent.error();
                }
            }
            if (!sent) return sent.error();
            auto r = recv_reply<Id>(my_seq, tail, nullptr, got_fd);
            if (!r && got_fd && *got_fd >= 0) {
                close(*got_fd);
                *got_fd = -1;
            }
            return r;
        }
    }
};

namespace {

// Waits for the session lock at most timeout_ms. Returns the locked fd.
Result<int> take_lock(const std::string& path, int timeout_ms) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return make_error(fmt::format("cannot open {}: {}", path, strerror(errno)));
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) break;
        timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (ms >= timeout_ms) {
            close(fd);
            return make_error(fmt::format("timed out after {} ms waiting for the session lock {}", timeout_ms, path));
        }
        usleep(200);
    }
    int e = errno;
    close(fd);
    return make_error(fmt::format("cannot lock {}: {}", path, strerror(e)));
}

// Starts the daemon, detached (new session, std fds on /dev/null, no inherited fd but the listening
// socket as fd 3), reparented to init by a double fork so that winrun never has it as a child.
// Returns once the exec has happened (or failed).
Result<void> spawn_daemon(const std::string& daemon_path, const SessionPaths& sp, int listen_fd, int timeout_ms) {
    std::string a0 = daemon_path, a1 = "--listen-fd", a2 = "3", a3 = "--dir", a4 = sp.dir;
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
    int st[2];
    if (pipe2(st, O_CLOEXEC) != 0) return make_error(fmt::format("pipe: {}", strerror(errno)));
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(st[0]);
        close(st[1]);
        return make_error(fmt::format("cannot start csrssd: fork: {}", strerror(e)));
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        setsid();
        pid_t g = fork();
        if (g != 0) _exit(g < 0 ? 1 : 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        int lf = fcntl(listen_fd, F_DUPFD, 10);
        int pw = fcntl(st[1], F_DUPFD, 10);
        int nul = open("/dev/null", O_RDWR);
        if (lf < 0 || pw < 0 || nul < 0) _exit(127);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        dup2(lf, 3);  // dup2 clears close-on-exec: fd 3 survives the exec
        dup2(pw, 4);
        fcntl(4, F_SETFD, FD_CLOEXEC);  // closed by a successful exec: that is the success signal
        syscall(SYS_close_range, 5u, ~0u, 0u);
        if (chdir("/") != 0) _exit(127);
        execv(argv[0], argv);
        int e = errno;
        (void)!write(4, &e, sizeof e);
        _exit(127);
    }
    close(st[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pollfd p{st[0], POLLIN, 0};
    int r;
    do r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    int e = 0;
    ssize_t n = r > 0 ? read(st[0], &e, sizeof e) : -1;
    close(st[0]);
    if (r == 0) return make_error(fmt::format("cannot start csrssd ({}): no exec after {} ms", daemon_path, timeout_ms));
    if (n == ssize_t(sizeof e)) return make_error(fmt::format("cannot start csrssd ({}): {}", daemon_path, strerror(e)));
    return {};
}

bool no_daemon(int err) { return err == ENOENT || err == ECONNREFUSED; }

void set_timeouts(int fd, int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void* watchdog_main(void* arg) {
    auto* s = static_cast<Session::State*>(arg);
    pollfd p[2] = {{s->fd, POLLRDHUP, 0}, {s->stop_pipe[0], POLLIN, 0}};
    for (;;) {
        int r = poll(p, 2, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return nullptr;
        if (p[1].revents) return nullptr;
        if (p[0].revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) break;
    }
    if (!s->disarmed.load()) {
        WR_WARN(csrss, "connection to csrssd lost");
        s->on_lost();
    }
    return nullptr;
}

}  // namespace

Session::Session(std::unique_ptr<State> s) : s_(std::move(s)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::connect(Options opt) {
    auto sp = TRY(session_paths(false));
    int err = 0;
    auto fd = connect_socket(sp.socket, &err);
    if (!fd) {
        if (no_daemon(err)) return make_error(fmt::format("no session is running (no csrssd at {})", sp.socket));
        return fd.error();
    }
    auto st = std::make_unique<State>();
    st->fd = fd.value();
    st->opt = opt;
    set_timeouts(st->fd, opt.timeout_ms);
    TRY_VOID(st->send_hello());
    TRY_VOID(st->finish_hello(nullptr));
    return Session(std::move(st));
}

namespace {

// A connection to the session's daemon, starting one (under the lock) when none runs.
Result<int> connect_or_spawn(const std::string& daemon_path, const Session::Options& opt) {
    auto sp = TRY(session_paths(false));
    int err = 0;
    auto fd = connect_socket(sp.socket, &err);
    if (fd) return fd;
    if (!no_daemon(err)) return fd.error();
    // No daemon: start one under the lock, unless another client did while we waited.
    TRY(session_paths(true));
    int lk = TRY(take_lock(sp.lock, opt.timeout_ms));
    fd = connect_socket(sp.socket, &err);
    if (!fd && no_daemon(err)) {
        WR_TRACE(csrss, "starting {} for {}", daemon_path, sp.dir);
        auto lf = listen_socket(sp.socket);
        if (!lf) {
            close(lk);
            return lf.error();
        }
        auto r = spawn_daemon(daemon_path, sp, lf.value(), opt.timeout_ms);
        close(lf.value());
        if (!r) {
            unlink(sp.socket.c_str());
            close(lk);
            return r.error();
        }
        // The listening socket exists already: this connect is queued even if the daemon has
        // not reached its loop yet.
        fd = connect_socket(sp.socket, &err);
    }
    close(lk);
    return fd;
}

}  // namespace

Result<void> Session::State::reopen() {
    if (slot >= 0 || thread_started) return make_error("csrssd: connection lost");  // never once watched
    if (fd >= 0) close(fd), fd = -1;
    hello_pending = false;
    fd = TRY(connect_or_spawn(daemon_path, opt));
    set_timeouts(fd, opt.timeout_ms);
    return send_hello();
}

Result<Session> Session::connect_or_start(const std::string& daemon_path, Options opt) {
    Error last{"csrssd: no attempt made"};
    for (int attempt = 0; attempt < 5; attempt++) {
        int fd = TRY(connect_or_spawn(daemon_path, opt));
        auto st = std::make_unique<State>();
        st->fd = fd;
        st->opt = opt;
        st->daemon_path = daemon_path;
        set_timeouts(st->fd, opt.timeout_ms);
        // HELLO goes out now; its reply is read with the first request's (one round trip less).
        auto h = st->send_hello();
        if (h) return Session(std::move(st));
        last = h.error();  // the daemon was exiting (idle) as we connected: start over
        WR_TRACE(csrss, "retrying: {}", last.message);
    }
    return last;
}

Result<Registration> Session::register_process(uint32_t parent_pid, std::string_view image_path,
                                               std::string_view command_line, uint32_t claim_pid) {
    proto::RegisterProcessRequest req{parent_pid, claim_pid ? proto::k_reg_claim : 0u, claim_pid, uint32_t(gettid())};
    auto img = wire::truncate_utf8(image_path, proto::k_max_image_path);
    auto cmd = wire::truncate_utf8(command_line, proto::k_max_command_line);
    // The daemon refuses strings that are not UTF-8: send U+FFFD-free but safe text.
    std::string img_s, cmd_s;
    if (!wire::valid_utf8(img)) {
        img_s = std::string(img);
        for (auto& c : img_s) if (static_cast<unsigned char>(c) >= 0x80 || c == 0) c = '?';
        img = img_s;
    }
    if (!wire::valid_utf8(cmd)) {
        cmd_s = std::string(cmd);
        for (auto& c : cmd_s) if (static_cast<unsigned char>(c) >= 0x80 || c == 0) c = '?';
        cmd = cmd_s;
    }
    auto r = TRY(s_->call<MsgId::REGISTER_PROCESS>(req, {img, cmd}));
    s_->registered = true;
    return Registration{r.pid, r.tid, r.start_time};
}

Result<Registration> Session::register_thread(uint32_t linux_tid) {
    auto r = TRY(s_->call<MsgId::REGISTER_THREAD>({linux_tid, 0}));
    return Registration{0, r.tid, r.start_time};
}

Result<void> Session::thread_exit(uint32_t tid, uint32_t exit_code) {
    TRY(s_->call<MsgId::THREAD_EXIT>({tid, exit_code}));
    return {};
}

Result<void> Session::report_exit(uint32_t exit_code) {
    s_->disarmed = true;  // our own exit is under way: a daemon going away now changes nothing
    TRY(s_->call<MsgId::REPORT_EXIT>({exit_code, 0}));
    return {};
}

static Result<ProcessEntry> decode_process(const proto::ProcessReply& r, const std::vector<uint8_t>& tail) {
    wire::TailReader t(tail);
    ProcessEntry e;
    e.info = r.info;
    e.image_path = std::string(TRY(t.string(proto::k_max_image_path)));
    e.command_line = std::string(TRY(t.string(proto::k_max_command_line)));
    return e;
}

Result<ProcessEntry> Session::query_process(uint32_t pid) {
    std::vector<uint8_t> tail;
    auto r = TRY(s_->call<MsgId::QUERY_PROCESS>({pid, 0}, {}, &tail));
    return decode_process(r, tail);
}

Result<uint32_t> Session::query_exit_code(uint32_t pid) {
    std::vector<uint8_t> tail;
    auto r = TRY(s_->call<MsgId::QUERY_PROCESS>({pid, 0}, {}, &tail));
    return r.info.exit_code;
}

Result<ProcessEntry> Session::open_process(uint32_t pid) {
    std::vector<uint8_t> tail;
    auto r = TRY(s_->call<MsgId::OPEN_PROCESS>({pid, 0}, {}, &tail));
    return decode_process(r, tail);
}

Result<void> Session::close_process(uint32_t pid) {
    TRY(s_->call<MsgId::CLOSE_PROCESS>({pid, 0}));
    return {};
}

Result<void> Session::terminate_process(uint32_t pid, uint32_t exit_code) {
    TRY(s_->call<MsgId::TERMINATE_PROCESS>({pid, exit_code}));
    return {};
}

Result<uint32_t> Session::reserve_pid() {
    auto r = TRY(s_->call<MsgId::RESERVE_PID>({}));
    return r.pid;
}

Result<std::pair<uint32_t, uint32_t>> Session::reserve_process() {
    auto r = TRY(s_->call<MsgId::RESERVE_PID>({}));
    return std::pair<uint32_t, uint32_t>{r.pid, r.tid};
}

Result<std::vector<ProcessEntry>> Session::list_processes() {
    std::vector<ProcessEntry> out;
    uint32_t after = 0;
    std::vector<uint8_t> tail;
    for (int page = 0; page < 100000; page++) {
        auto r = TRY(s_->call<MsgId::LIST_PROCESSES>({after, 0}, {}, &tail));
        wire::TailReader t(tail);
        for (uint32_t i = 0; i < r.count; i++) {
            ProcessEntry e;
            e.info = TRY(t.fixed<proto::ProcessInfo>());
            e.image_path = std::string(TRY(t.string(proto::k_max_image_path)));
            e.command_line = std::string(TRY(t.string(proto::k_max_command_line)));
            if (e.info.pid <= after) return make_error("csrssd: process list out of order");
            after = e.info.pid;
            out.push_back(std::move(e));
        }
        if (!r.more) break;
        if (r.count == 0) return make_error("csrssd: empty page in the process list");
    }
    return out;
}

Result<std::vector<ThreadEntry>> Session::list_threads() {
    std::vector<ThreadEntry> out;
    proto::ThreadListRequest req{0, 0};
    std::vector<uint8_t> tail;
    for (int page = 0; page < 100000; page++) {
        auto r = TRY(s_->call<MsgId::LIST_THREADS>(req, {}, &tail));
        wire::TailReader t(tail);
        for (uint32_t i = 0; i < r.count; i++) {
            auto ti = TRY(t.fixed<proto::ThreadInfo>());
            if (ti.owner_pid < req.after_pid || (ti.owner_pid == req.after_pid && ti.tid <= req.after_tid))
                return make_error("csrssd: thread list out of order");
            req = {ti.owner_pid, ti.tid};
            out.push_back({ti.tid, ti.owner_pid, ti.linux_tid, ti.start_time});
        }
        if (!t.at_end()) return make_error("csrssd: malformed thread list");
        if (!r.more) break;
        if (r.count == 0) return make_error("csrssd: empty page in the thread list");
    }
    return out;
}

Result<Session::ActCtxReply> Session::resolve_actctx(uint32_t resource_id, std::string_view source, std::string_view app_dir,
                                                     std::string_view config, std::string_view store, uint32_t flags) {
    for (auto v : {source, app_dir, config, store})
        if (v.size() > proto::k_max_image_path || !wire::valid_utf8(v)) return make_error("csrssd: path not sendable");
    std::vector<uint8_t> tail;
    auto r = TRY(s_->call<MsgId::RESOLVE_ACTCTX>({resource_id, flags}, {source, app_dir, config, store}, &tail));
    ActCtxReply out;
    out.error = r.error;
    wire::TailReader t(tail);
    for (uint32_t i = 0; i < r.count; i++) out.strings.emplace_back(TRY(t.string(proto::k_max_datagram)));
    if (!t.at_end() || (r.error && r.count != 1)) return make_error("csrssd: malformed RESOLVE_ACTCTX reply");
    return out;
}

Result<Session::ConsoleConnection> Session::console_alloc() {
    ConsoleConnection c;
    auto r = TRY(s_->call<MsgId::CONSOLE_ALLOC>({0, 0}, {}, nullptr, -1, &c.fd));
    if (c.fd < 0) return make_error("csrssd: CONSOLE_ALLOC: no connection came");
    c.console = r.console;
    return c;
}

Result<uint32_t> Session::console_adopt(int conhost_fd) {
    auto r = TRY(s_->call<MsgId::CONSOLE_ADOPT>({0, 0}, {}, nullptr, conhost_fd));
    return r.console;
}

Result<Session::ConsoleConnection> Session::console_attach(uint32_t pid, bool by_pid) {
    ConsoleConnection c;
    auto r = TRY(s_->call<MsgId::CONSOLE_ATTACH>({by_pid ? pid : 0, by_pid ? proto::k_attach_pid : 0}, {}, nullptr, -1, &c.fd));
    if (c.fd < 0) return make_error("csrssd: CONSOLE_ATTACH: no connection came");
    c.console = r.console;
    return c;
}

Result<void> Session::console_free() {
    TRY(s_->call<MsgId::CONSOLE_FREE>({0, 0}));
    return {};
}

Result<void> Session::console_inherit(uint32_t child_pid, uint32_t console) {
    TRY(s_->call<MsgId::CONSOLE_INHERIT>({child_pid, console}));
    return {};
}

Result<std::vector<uint32_t>> Session::console_list(uint32_t console) {
    std::vector<uint8_t> tail;
    auto r = TRY(s_->call<MsgId::CONSOLE_LIST>({console, 0}, {}, &tail));
    wire::TailReader t(tail);
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < r.count; i++) out.push_back(TRY(t.fixed<uint32_t>()));
    return out;
}

Result<void> Session::halt() {
    s_->disarmed = true;
    TRY(s_->call<MsgId::HALT>({}));
    return {};
}

Result<void> Session::start_watchdog(std::function<void()> on_lost) {
    return start_watchdog(std::move(on_lost), WatchdogKind::signal);
}

namespace {

void watchdog_signal_handler(int, siginfo_t* si, void*) {
    int saved_errno = errno;
    // From the socket (F_SETSIG): si_fd names it. From raise() (a hang-up seen by a request): check all.
    bool from_fd = si && si->si_code >= POLL_IN && si->si_code <= POLL_HUP;
    for (WatchSlot& w : g_watch) {
        w.busy.fetch_add(1);
        Session::State* st = w.st.load();
        int fd = w.fd.load();
        // Replies to our own requests also make the fd readable: only a real hang-up counts.
        if (st && fd >= 0 && (!from_fd || si->si_fd == fd) && !st->disarmed.load() && hung_up(fd) &&
            w.st.compare_exchange_strong(st, nullptr)) {
            st->on_lost();  // no logging here: not async-signal-safe
        }
        w.busy.fetch_sub(1);
    }
    errno = saved_errno;
}

Result<void> install_watchdog_handler() {
    static std::mutex mu;
    static bool done = false;
    std::lock_guard<std::mutex> lock(mu);
    if (done) return {};
    struct sigaction sa {};
    sa.sa_sigaction = watchdog_signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    if (sigaction(watchdog_signal(), &sa, nullptr) != 0)
        return make_error(fmt::format("cannot install the watchdog signal handler: {}", strerror(errno)));
    // When the real-time signal queue is full the kernel sends SIGIO instead (default: terminate).
    struct sigaction old {};
    if (sigaction(SIGIO, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) sigaction(SIGIO, &sa, nullptr);
    done = true;
    return {};
}

}  // namespace

int watchdog_signal() { return SIGRTMIN + 3; }

Result<void> Session::start_watchdog(std::function<void()> on_lost, WatchdogKind kind) {
    State* s = s_.get();
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->thread_started || s->slot >= 0) return make_error("watchdog already running");
    // Watch the connection that answered HELLO (a reconnect after this point would not be watched).
    TRY_VOID(s->ensure_hello());
    s->on_lost = std::move(on_lost);
    s->disarmed = false;
    if (kind == WatchdogKind::signal) {
        TRY_VOID(install_watchdog_handler());
        int slot = -1;
        for (int i = 0; i < k_watch_slots && slot < 0; i++) {
            bool f = false;
            if (g_watch[i].used.compare_exchange_strong(f, true)) slot = i;
        }
        if (slot < 0) return make_error("too many watched csrssd connections in this process");
        f_owner_ex owner{F_OWNER_PID, getpid()};
        int fl = fcntl(s->fd, F_GETFL);
        if (fl < 0 || fcntl(s->fd, F_SETOWN_EX, &owner) != 0 || fcntl(s->fd, F_SETSIG, watchdog_signal()) != 0) {
            int e = errno;
            g_watch[slot].used = false;
            return make_error(fmt::format("cannot arm the watchdog on the csrssd socket: {}", strerror(e)));
        }
        s->fd_flags = fl & ~O_ASYNC;
        g_watch[slot].fd = s->fd;
        g_watch[slot].st = s;
        s->slot = slot;
        if (fcntl(s->fd, F_SETFL, s->fd_flags | O_ASYNC) != 0) {
            int e = errno;
            s->stop_watchdog();
            s->disarmed = false;
            return make_error(fmt::format("cannot arm the watchdog on the csrssd socket: {}", strerror(e)));
        }
        // The daemon may be gone already (no signal then): look once.
        if (hung_up(s->fd)) raise(watchdog_signal());
        return {};
    }
    if (pipe2(s->stop_pipe, O_CLOEXEC) != 0) return make_error(fmt::format("pipe: {}", strerror(errno)));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    // The thread takes no signal: asynchronous ones (Ctrl+C, SIGTERM) go to the program's threads.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&s->thread, &attr, watchdog_main, s);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    pthread_attr_destroy(&attr);
    if (e != 0) return make_error(fmt::format("cannot start the watchdog thread: {}", strerror(e)));
    s->thread_started = true;
    return {};
}

uint32_t Session::daemon_pid() const {
    std::lock_guard<std::mutex> lock(s_->mu);
    (void)s_->ensure_hello();
    return s_->hello.daemon_pid;
}
uint64_t Session::session_id() const {
    std::lock_guard<std::mutex> lock(s_->mu);
    (void)s_->ensure_hello();
    return s_->hello.session_id;
}
int Session::fd() const { return s_->fd; }

// ---- winrun's watchdog action and the admin commands --------------------------------------------

std::function<void()> default_watchdog_action(std::string exit_code_file) {
    // Everything formatted now: the action runs in a signal handler (signal watchdog).
    std::string code = fmt::format("0x{:08X} {}\n", proto::STATUS_SYSTEM_PROCESS_TERMINATED, proto::STATUS_SYSTEM_PROCESS_TERMINATED);
    return [file = std::move(exit_code_file), code = std::move(code)] {
        static const char msg[] = "winrun: STOP 0xC000021A (STATUS_SYSTEM_PROCESS_TERMINATED): csrssd terminated\n";
        (void)!write(2, msg, sizeof msg - 1);
        if (!file.empty()) {
            int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0) {
                (void)!write(fd, code.data(), code.size());
                close(fd);
            }
        }
        _exit(int(proto::STATUS_SYSTEM_PROCESS_TERMINATED & 0xFF));
    };
}

static const char* state_name(uint32_t s) {
    switch (static_cast<proto::ProcState>(s)) {
    case proto::ProcState::reserved: return "starting";
    case proto::ProcState::running: return "running";
    case proto::ProcState::exited: return "exited";
    }
    return "?";
}

std::string format_process_table(const std::vector<ProcessEntry>& procs) {
    std::string out = fmt::format("{:>8} {:>8} {:<8} {:>10} {:>7} {:>7}  {:<32} {}\n", "PID", "Parent", "State", "Exit code",
                                  "Threads", "Console", "Image", "Command line");
    out += fmt::format("{:=>8} {:=>8} {:=<8} {:=>10} {:=>7} {:=>7}  {:=<32} {:=<12}\n", "", "", "", "", "", "", "", "");
    for (const auto& p : procs) {
        std::string code = p.info.state == uint32_t(proto::ProcState::exited)
                               ? (p.info.exit_code > 0xFFFF ? fmt::format("{:#010X}", p.info.exit_code).replace(0, 2, "0x")
                                                            : fmt::format("{}", p.info.exit_code))
                               : "-";
        out += fmt::format("{:>8} {:>8} {:<8} {:>10} {:>7} {:>7}  {:<32} {}\n", p.info.pid, p.info.parent_pid,
                           state_name(p.info.state), code, p.info.thread_count,
                           p.info.console ? fmt::format("{}", p.info.console) : std::string("-"), p.image_path, p.command_line);
    }
    return out;
}

int session_list_command(FILE* out) {
    auto s = Session::connect();
    if (!s) {
        fprintf(out, "winrun: %s\n", s.error().message.c_str());
        return 0;
    }
    auto list = s->list_processes();
    if (!list) {
        fprintf(stderr, "winrun: %s\n", list.error().message.c_str());
        return 1;
    }
    fprintf(out, "Session %016llx, csrssd pid %u, %zu process(es)\n\n", (unsigned long long)s->session_id(),
            s->daemon_pid(), list->size());
    fputs(format_process_table(list.value()).c_str(), out);
    return 0;
}

int session_stop_command(FILE* out) {
    auto s = Session::connect();
    if (!s) {
        fprintf(out, "winrun: %s\n", s.error().message.c_str());
        return 0;
    }
    uint32_t dpid = s->daemon_pid();
    if (auto r = s->halt(); !r) {
        fprintf(stderr, "winrun: %s\n", r.error().message.c_str());
        return 1;
    }
    // Wait (bounded) for the daemon to close our connection: the session is then gone.
    pollfd p{s->fd(), POLLRDHUP, 0};
    int r = poll(&p, 1, 2000);
    fprintf(out, "winrun: session halted (csrssd pid %u)%s\n", dpid, r > 0 ? "" : ", still closing");
    return 0;
}

}  // namespace winrun::csrss
