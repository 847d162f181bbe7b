// Against a real csrssd: auto-start, concurrency, hostile peers, killed clients, idle exit, watchdog.
// Every test runs in its own XDG_RUNTIME_DIR/WINRUN_PREFIX (TempSession) and every wait is bounded.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "client.h"
#include "helpers.h"
#include "session_path.h"
#include "wire.h"

using namespace winrun::csrss;
using namespace csrss_test;
using proto::MsgId;
using Clock = std::chrono::steady_clock;

namespace {

Session start() {
    auto s = Session::connect_or_start(daemon_path());
    INFO((s ? "" : s.error().message));
    REQUIRE(s.ok());
    return std::move(s.value());
}

std::pair<uint32_t, uint32_t> parse_pids(const std::string& line) {
    std::istringstream is(line);
    uint32_t a = 0, b = 0;
    is >> a >> b;
    return {a, b};
}

// A raw connection to the daemon, for sending what the client library never would.
struct Raw {
    int fd = -1;
    explicit Raw(const std::string& path) {
        auto r = connect_socket(path);
        REQUIRE(r.ok());
        fd = r.value();
        timeval tv{2, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Raw() { close(fd); }
    template <typename Body>
    void send_msg(MsgId id, const Body& b, std::initializer_list<std::string_view> strs = {}, int pass_fd = -1) {
        std::vector<uint8_t> buf;
        wire::Writer w(buf);
        w.begin(id, 1, b);
        for (auto s : strs) w.string(s);
        w.finish();
        send_raw(buf, pass_fd);
    }
    void send_raw(const std::vector<uint8_t>& buf, int pass_fd = -1) {
        iovec iov{const_cast<uint8_t*>(buf.data()), buf.size()};
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        alignas(cmsghdr) char cb[CMSG_SPACE(sizeof(int))];
        if (pass_fd >= 0) {
            mh.msg_control = cb;
            mh.msg_controllen = sizeof cb;
            cmsghdr* cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
        }
        REQUIRE(sendmsg(fd, &mh, MSG_NOSIGNAL) == ssize_t(buf.size()));
    }
    // Status of the next reply; -1 when the connection was closed (EOF) instead.
    int reply_status() {
        uint8_t b[512];
        ssize_t n = recv(fd, b, sizeof b, 0);
        if (n <= 0) return -1;
        REQUIRE(size_t(n) >= sizeof(proto::Header));
        proto::Header h;
        std::memcpy(&h, b, sizeof h);
        return int(h.status);
    }
    bool closed() {
        uint8_t b[512];
        ssize_t n = recv(fd, b, sizeof b, 0);
        return n == 0;
    }
    void hello() {
        send_msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
        REQUIRE(reply_status() == 0);
    }
};

}  // namespace

TEST_CASE("connect_or_start starts a daemon, registers, queries, exits") {
    TempSession ts;
    auto s = start();
    REQUIRE(s.daemon_pid() > 0);
    REQUIRE(alive(pid_t(s.daemon_pid())));
    struct stat st;
    REQUIRE(stat(ts.session_dir.c_str(), &st) == 0);
    REQUIRE((st.st_mode & 0777) == 0700);
    auto r = s.register_process(0, "C:\\x\\hello.exe", "hello.exe a \"b c\"");
    REQUIRE(r.ok());
    REQUIRE(r->pid % 4 == 0);
    REQUIRE(r->tid % 4 == 0);
    auto q = s.query_process(r->pid);
    REQUIRE(q.ok());
    REQUIRE(q->image_path == "C:\\x\\hello.exe");
    REQUIRE(q->command_line == "hello.exe a \"b c\"");
    REQUIRE(q->info.linux_pid == uint32_t(getpid()));
    REQUIRE(s.query_exit_code(r->pid).value() == proto::STILL_ACTIVE);
    auto t = s.register_thread(uint32_t(gettid()));
    REQUIRE(t.ok());
    REQUIRE(s.list_processes().value().size() == 1);
    REQUIRE(s.query_process(r->pid + 4000).error().message.find("no such process") != std::string::npos);

    // A second client sees the first.
    auto s2 = start();
    REQUIRE(s2.daemon_pid() == s.daemon_pid());
    auto list = s2.list_processes();
    REQUIRE(list.ok());
    REQUIRE(list->size() == 1);
    std::string table = format_process_table(list.value());
    REQUIRE(table.find("hello.exe a \"b c\"") != std::string::npos);
    REQUIRE(table.find("running") != std::string::npos);
    REQUIRE(s.report_exit(0xC0000005).ok());
}

TEST_CASE("list_threads: the session's live threads with their owners") {
    TempSession ts;
    auto a = start();
    auto b = start();
    auto ra = a.register_process(0, "C:\\a.exe", "a").value();
    auto rb = b.register_process(0, "C:\\b.exe", "b").value();
    auto t1 = a.register_thread(1111).value();
    auto t2 = a.register_thread(2222).value();
    auto all = b.list_threads();
    INFO((all ? "" : all.error().message));
    REQUIRE(all.ok());
    REQUIRE(all->size() == 4);
    std::set<std::pair<uint32_t, uint32_t>> got;
    for (const auto& t : all.value()) {
        got.insert({t.owner_pid, t.tid});
        REQUIRE(t.start_time != 0);
        if (t.tid == t1.tid) REQUIRE(t.linux_tid == 1111);
        if (t.tid == ra.tid) REQUIRE(t.linux_tid == uint32_t(gettid()));
    }
    REQUIRE(got == std::set<std::pair<uint32_t, uint32_t>>{{ra.pid, ra.tid}, {ra.pid, t1.tid}, {ra.pid, t2.tid}, {rb.pid, rb.tid}});
    REQUIRE(a.thread_exit(t1.tid, 0).ok());
    REQUIRE(a.list_threads().value().size() == 3);
    // A process that exits (or whose connection drops) takes its threads with it.
    REQUIRE(a.report_exit(0).ok());
    auto left = b.list_threads().value();
    REQUIRE(left.size() == 1);
    REQUIRE(left[0].owner_pid == rb.pid);
    REQUIRE(left[0].tid == rb.tid);
}

TEST_CASE("20 clients started at once on a fresh session: one daemon, all succeed") {
    TempSession ts(5);
    std::vector<pid_t> kids;
    std::vector<int> outs;
    for (int i = 0; i < 20; i++) {
        int out;
        pid_t p = spawn_helper({"register-exit", "0"}, &out);
        REQUIRE(p > 0);
        kids.push_back(p);
        outs.push_back(out);
    }
    std::set<uint32_t> pids, daemons;
    for (int i = 0; i < 20; i++) {
        std::string line = read_line(outs[i], 10000);
        INFO(line);
        REQUIRE(!line.empty());
        REQUIRE(line.rfind("ERR", 0) != 0);
        auto [pid, dpid] = parse_pids(line);
        REQUIRE(pid % 4 == 0);
        REQUIRE(pids.insert(pid).second);
        daemons.insert(dpid);
        int st = wait_status(kids[i], 10000);
        REQUIRE(WIFEXITED(st));
        REQUIRE(WEXITSTATUS(st) == 0);
        close(outs[i]);
    }
    REQUIRE(daemons.size() == 1);
    REQUIRE(daemons_for(ts.root).size() == 1);
}

TEST_CASE("hostile peers get an error or a close; the daemon and other clients carry on") {
    TempSession ts;
    auto good = start();
    auto reg = good.register_process(0, "C:\\good.exe", "good");
    REQUIRE(reg.ok());
    auto sp = session_paths(false).value();

    SECTION("before HELLO") {
        Raw r(sp.socket);
        r.send_msg(MsgId::LIST_PROCESSES, proto::ListRequest{});
        REQUIRE(r.reply_status() == int(proto::Status::not_hello));
        REQUIRE(r.closed());
    }
    SECTION("wrong version") {
        Raw r(sp.socket);
        r.send_msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, 999});
        REQUIRE(r.reply_status() == int(proto::Status::bad_version));
        REQUIRE(r.closed());
    }
    SECTION("garbage, truncated, oversized, unknown") {
        Raw r(sp.socket);
        r.hello();
        r.send_raw({1, 2, 3});
        REQUIRE(r.closed());
        Raw r2(sp.socket);
        r2.hello();
        std::vector<uint8_t> big(proto::k_max_datagram + 100, 0);
        big[0] = 8;
        r2.send_raw(big);
        REQUIRE(r2.reply_status() == int(proto::Status::truncated));
        r2.send_msg(static_cast<MsgId>(77), proto::Empty{});
        REQUIRE(r2.reply_status() == int(proto::Status::unknown_message));
        std::vector<uint8_t> shortq(sizeof(proto::Header) + 3, 0);
        shortq[0] = uint8_t(MsgId::QUERY_PROCESS);
        r2.send_raw(shortq);
        REQUIRE(r2.reply_status() == int(proto::Status::bad_size));
        r2.send_msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{}, {"\xC0\x80", "x"});
        REQUIRE(r2.reply_status() == int(proto::Status::bad_tail));
    }
    SECTION("file descriptors where none are taken") {
        Raw r(sp.socket);
        r.hello();
        int p[2];
        REQUIRE(pipe(p) == 0);
        r.send_msg(MsgId::QUERY_PROCESS, proto::PidRequest{reg->pid, 0}, {}, p[1]);
        REQUIRE(r.reply_status() == int(proto::Status::unexpected_fds));
        close(p[1]);
        // The daemon closed its copy: the pipe's write side is gone everywhere.
        pollfd pf{p[0], POLLIN, 0};
        REQUIRE(poll(&pf, 1, 2000) == 1);
        char c;
        REQUIRE(read(p[0], &c, 1) == 0);
        close(p[0]);
    }
    SECTION("a peer that never reads its replies") {
        Raw r(sp.socket);
        r.hello();
        for (int i = 0; i < 20000; i++) {
            std::vector<uint8_t> buf;
            wire::Writer w(buf);
            w.begin(MsgId::LIST_PROCESSES, 1, proto::ListRequest{});
            w.finish();
            if (send(r.fd, buf.data(), buf.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) break;
        }
    }
    // Whatever happened above, the good client is unaffected.
    REQUIRE(alive(pid_t(good.daemon_pid())));
    auto q = good.query_process(reg->pid);
    INFO((q ? "" : q.error().message));
    REQUIRE(q.ok());
    REQUIRE(q->image_path == "C:\\good.exe");
}

TEST_CASE("another uid is refused (SO_PEERCRED)") {
    if (getuid() != 0) {
        WARN("needs root to connect as another uid: skipped");
        return;
    }
    TempSession ts;
    auto s = start();
    auto sp = session_paths(false).value();
    // The daemon checks that its directory is private (0700) when it starts; a reply proves it is
    // past that check before the directory is opened up below (under load the daemon may start
    // after the chmod otherwise, refuse the directory and exit, leaving a dead socket).
    REQUIRE(s.list_processes().ok());
    // Open the way to the socket for the other user only for this test.
    chmod(sp.dir.c_str(), 0711);
    chmod(sp.socket.c_str(), 0777);
    chmod(ts.runtime_dir.c_str(), 0711);
    chmod(ts.root.c_str(), 0711);
    pid_t p = fork();
    if (p == 0) {
        if (setresuid(65534, 65534, 65534) != 0) _exit(10);
        // Transient failures under load (a full backlog, a busy machine) are retried; anything
        // else ends the child with 100 + errno, so that a failure says what happened.
        int err = 0;
        auto fd = connect_socket(sp.socket, &err);
        for (int i = 0; !fd && i < 20 && (err == EAGAIN || err == ECONNREFUSED || err == EINTR); i++) {
            usleep(50000);
            fd = connect_socket(sp.socket, &err);
        }
        if (!fd) _exit(err > 150 ? 250 : 100 + err);
        std::vector<uint8_t> buf;
        wire::Writer w(buf);
        w.begin(MsgId::HELLO, 1, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
        w.finish();
        send(fd.value(), buf.data(), buf.size(), MSG_NOSIGNAL);
        timeval tv{2, 0};
        setsockopt(fd.value(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        uint8_t b[64];
        ssize_t n = recv(fd.value(), b, sizeof b, 0);
        _exit(n == 0 || (n < 0 && errno == ECONNRESET) ? 0 : 12);
    }
    int st = wait_status(p, 5000);
    chmod(sp.dir.c_str(), 0700);
    REQUIRE(WIFEXITED(st));
    int root_err = 0;
    auto root_fd = connect_socket(sp.socket, &root_err);
    if (root_fd) close(root_fd.value());
    INFO("root's own connect afterwards: " << (root_fd ? "ok" : strerror(root_err)));
    std::string fds;
    for (int k = 0; k < 8; k++) {
        char link[256] = {};
        std::string pth = "/proc/";
        pth += std::to_string(s.daemon_pid());
        pth += "/fd/";
        pth += std::to_string(k);
        if (readlink(pth.c_str(), link, sizeof link - 1) > 0) {
            fds += ' ';
            fds += std::to_string(k);
            fds += '=';
            fds += link;
        }
    }
    struct stat sst {};
    stat(sp.socket.c_str(), &sst);
    std::string listeners;
    std::string ss_cmd = "ss -xlp 2>/dev/null | grep -F '";
    ss_cmd += sp.socket;
    ss_cmd += '\'';
    if (FILE* pf = popen(ss_cmd.c_str(), "r")) {
        char line[512];
        while (fgets(line, sizeof line, pf)) listeners += line;
        pclose(pf);
    }
    INFO("daemon fds:" << fds << "; socket file inode " << sst.st_ino << "; listeners: " << listeners);
    INFO("the other uid's client: exit status " << WEXITSTATUS(st) << " (100 + errno: its connect failed); daemon "
         << s.daemon_pid() << (kill(pid_t(s.daemon_pid()), 0) == 0 ? " alive" : " gone") << "; socket "
         << (access(sp.socket.c_str(), F_OK) == 0 ? "present" : "missing"));
    REQUIRE(WEXITSTATUS(st) == 0);
    REQUIRE(s.list_processes().ok());
}

TEST_CASE("a client killed with SIGKILL is seen as exited at once, with exit code 1") {
    TempSession ts;
    auto parent = start();
    REQUIRE(parent.register_process(0, "C:\\parent.exe", "parent").ok());
    int out;
    pid_t kid = spawn_helper({"register-wait"}, &out);
    auto [pid, dpid] = parse_pids(read_line(out, 5000));
    REQUIRE(pid != 0);
    REQUIRE(parent.open_process(pid).ok());
    REQUIRE(parent.query_exit_code(pid).value() == proto::STILL_ACTIVE);
    auto t0 = Clock::now();
    kill(kid, SIGKILL);
    waitpid(kid, nullptr, 0);
    uint32_t code = proto::STILL_ACTIVE;
    while (Clock::now() - t0 < std::chrono::seconds(1)) {
        code = parent.query_exit_code(pid).value();
        if (code != proto::STILL_ACTIVE) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    REQUIRE(code == proto::k_exit_code_killed);
    REQUIRE(ms < 100);
    auto info = parent.query_process(pid).value().info;
    REQUIRE(info.exit_reported == 0);
    REQUIRE(info.state == uint32_t(proto::ProcState::exited));
    close(out);
}

TEST_CASE("the full 32-bit exit code is queryable after exit while referenced") {
    TempSession ts;
    auto parent = start();
    REQUIRE(parent.register_process(0, "C:\\parent.exe", "parent").ok());
    auto res = parent.reserve_pid();
    REQUIRE(res.ok());
    int out;
    pid_t kid = spawn_helper({"register-exit", "0xC0000135", std::to_string(res.value())}, &out);
    auto [pid, dpid] = parse_pids(read_line(out, 5000));
    REQUIRE(pid == res.value());
    int st = wait_status(kid, 5000);
    REQUIRE(WIFEXITED(st));
    REQUIRE(WEXITSTATUS(st) == 0x35);
    auto q = parent.query_process(pid);
    REQUIRE(q.ok());
    REQUIRE(q->info.exit_code == 0xC0000135);
    REQUIRE(q->info.exit_reported == 1);
    REQUIRE(q->info.parent_pid != 0);
    REQUIRE(parent.close_process(pid).ok());
    REQUIRE_FALSE(parent.query_process(pid).ok());
    close(out);
}

TEST_CASE("idle exit after WINRUN_DAEMON_IDLE seconds without clients") {
    TempSession ts(1);
    uint32_t dpid;
    {
        auto s = start();
        dpid = s.daemon_pid();
    }
    REQUIRE(alive(pid_t(dpid)));
    auto t0 = Clock::now();
    REQUIRE(wait_dead(pid_t(dpid), 4000));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    REQUIRE(ms >= 500);
    auto sp = session_paths(false).value();
    REQUIRE(access(sp.socket.c_str(), F_OK) != 0);
    // The next client starts a new session cleanly.
    auto s = start();
    REQUIRE(s.daemon_pid() != dpid);
}

TEST_CASE("watchdog: daemon killed with SIGKILL -> callback within one second") {
    TempSession ts;
    auto s = start();
    std::atomic<bool> fired{false};
    REQUIRE(s.start_watchdog([&] { fired = true; }).ok());
    auto t0 = Clock::now();
    kill(pid_t(s.daemon_pid()), SIGKILL);
    while (!fired && Clock::now() - t0 < std::chrono::seconds(2)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(fired);
    REQUIRE(Clock::now() - t0 < std::chrono::seconds(1));
    REQUIRE(wait_dead(pid_t(s.daemon_pid()), 2000));
    // A stale socket file is left behind; the next client replaces it.
    auto s2 = start();
    REQUIRE(s2.daemon_pid() != s.daemon_pid());
}

TEST_CASE("watchdog: SIGTERM halts the session; the default action exits 0x1A with one line") {
    TempSession ts;
    std::string codefile = ts.root + "/code";
    int out, err[2];
    REQUIRE(pipe(err) == 0);
    // stderr of the helper on a pipe we read.
    int saved = dup(2);
    dup2(err[1], 2);
    pid_t kid = spawn_helper({"watchdog", codefile}, &out);
    dup2(saved, 2);
    close(saved);
    close(err[1]);
    auto [pid, dpid] = parse_pids(read_line(out, 5000));
    REQUIRE(pid != 0);
    auto t0 = Clock::now();
    kill(pid_t(dpid), SIGTERM);
    int st = wait_status(kid, 2000);
    REQUIRE(Clock::now() - t0 < std::chrono::seconds(1));
    REQUIRE(WIFEXITED(st));
    REQUIRE(WEXITSTATUS(st) == 0x1A);
    REQUIRE(read_line(err[0], 1000) == "winrun: STOP 0xC000021A (STATUS_SYSTEM_PROCESS_TERMINATED): csrssd terminated");
    REQUIRE(read_line(err[0], 200) == "");  // one line only
    std::ifstream f(codefile);
    std::string line;
    std::getline(f, line);
    REQUIRE(line == "0xC000021A 3221226010");
    REQUIRE(wait_dead(pid_t(dpid), 2000));
    close(out);
    close(err[0]);
}

TEST_CASE("report_exit disarms the watchdog; --session-stop halts") {
    TempSession ts;
    auto s = start();
    REQUIRE(s.register_process(0, "C:\\a.exe", "a").ok());
    std::atomic<bool> fired{false};
    REQUIRE(s.start_watchdog([&] { fired = true; }).ok());
    REQUIRE(s.report_exit(7).ok());
    char* buf = nullptr;
    size_t len = 0;
    FILE* mem = open_memstream(&buf, &len);
    REQUIRE(session_list_command(mem) == 0);
    REQUIRE(session_stop_command(mem) == 0);
    fclose(mem);
    std::string text(buf, len);
    free(buf);
    INFO(text);
    REQUIRE(text.find("session halted") != std::string::npos);
    REQUIRE(wait_dead(pid_t(s.daemon_pid()), 2000));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE_FALSE(fired);
    // No session now: connect() says so, --session says so.
    REQUIRE_FALSE(Session::connect().ok());
}

TEST_CASE("the daemon keeps no inherited fd: a pipe on the starter's stdout reaches EOF") {
    TempSession ts;
    int out;
    pid_t kid = spawn_helper({"start-only"}, &out);
    auto [zero, dpid] = parse_pids(read_line(out, 5000));
    REQUIRE(dpid != 0);
    int st = wait_status(kid, 5000);
    REQUIRE(WIFEXITED(st));
    // EOF although the daemon (started by the helper) still runs.
    pollfd p{out, POLLIN, 0};
    REQUIRE(poll(&p, 1, 2000) == 1);
    char c;
    REQUIRE(read(out, &c, 1) == 0);
    REQUIRE(alive(pid_t(dpid)));
    // Its fds: 0-2 on /dev/null, 3 the listening socket, libevent's own; nothing of ours.
    std::string fddir = "/proc/" + std::to_string(dpid) + "/fd/";
    char target[256];
    for (int fd = 0; fd < 3; fd++) {
        ssize_t n = readlink((fddir + std::to_string(fd)).c_str(), target, sizeof target - 1);
        REQUIRE(n > 0);
        REQUIRE(std::string(target, size_t(n)) == "/dev/null");
    }
    close(out);
}

TEST_CASE("startup cost: connect + HELLO + REGISTER + watchdog") {
    TempSession ts;
    auto c0 = Clock::now();
    auto keep = start();  // cold: starts the daemon
    double cold_us = std::chrono::duration<double, std::micro>(Clock::now() - c0).count();
    const int n = 300;
    double connect_us = 0, register_us = 0, watchdog_us = 0, exit_us = 0;
    for (int i = 0; i < n; i++) {
        auto t0 = Clock::now();
        auto s = Session::connect_or_start(daemon_path());
        auto t1 = Clock::now();
        REQUIRE(s.ok());
        REQUIRE(s->register_process(0, "C:\\bench\\hello.exe", "hello.exe").ok());
        auto t2 = Clock::now();
        REQUIRE(s->start_watchdog([] {}).ok());
        auto t3 = Clock::now();
        REQUIRE(s->report_exit(0).ok());
        auto t4 = Clock::now();
        connect_us += std::chrono::duration<double, std::micro>(t1 - t0).count();
        register_us += std::chrono::duration<double, std::micro>(t2 - t1).count();
        watchdog_us += std::chrono::duration<double, std::micro>(t3 - t2).count();
        exit_us += std::chrono::duration<double, std::micro>(t4 - t3).count();
    }
    WARN("cold start (spawns the daemon) " << cold_us << " us; with a running daemon, means: connect_or_start "
         << connect_us / n << " us, register_process " << register_us / n << " us, start_watchdog "
         << watchdog_us / n << " us, report_exit " << exit_us / n << " us");
    REQUIRE(connect_us / n < 300);
}
