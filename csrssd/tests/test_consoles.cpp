// Consoles in the dispatcher (CONSOLE_*): a fake ConsoleHost stands in for conhost (socket pairs), so
// the bookkeeping and the hostile cases are tested without processes.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "server/dispatcher.h"
#include "wire.h"

using namespace winrun::csrss;
using namespace winrun::csrss::server;
using proto::MsgId;
using proto::Status;

namespace {

uint64_t fake_now() { return 133000000000000000ull; }
uint32_t fake_derive(uint32_t) { return proto::k_exit_code_killed; }

// "conhost" is the far end of a socket pair; a new connection is another pair.
struct FakeHost : ConsoleHost {
    std::set<int> far;  // the conhost ends we keep
    bool fail = false;
    int pair() {
        int sv[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
        far.insert(sv[1]);
        return sv[0];
    }
    int start_conhost() override { return fail ? -1 : pair(); }
    int new_connection(int) override { return fail ? -1 : pair(); }
    bool plausible_conhost(int fd) override {
        int type = 0;
        socklen_t len = sizeof type;
        return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
    }
    ~FakeHost() override {
        for (int fd : far) close(fd);
    }
};

struct Fixture {
    Registry reg;
    FakeHost host;
    Dispatcher disp{reg, {4242, 99}, fake_derive, fake_now};
    std::vector<uint8_t> reply;
    uint64_t next = 1;
    Fixture() { disp.set_console_host(&host); }

    Conn conn() {
        Conn c;
        c.id = next++;
        c.peer_pid = 1000 + uint32_t(next);
        return c;
    }
    template <typename Body>
    std::vector<uint8_t> msg(MsgId id, const Body& b, std::initializer_list<std::string_view> strs = {}) {
        std::vector<uint8_t> buf;
        wire::Writer w(buf);
        w.begin(id, 1, b);
        for (auto s : strs) w.string(s);
        w.finish();
        return buf;
    }
    // Sends with real fds (the daemon's way); returns the reply fd (or -1) and closes what is left.
    int send(Conn& c, const std::vector<uint8_t>& d, std::vector<int> fds = {}) {
        c.in_fds = fds;
        disp.dispatch(c, d, false, reply);
        for (int fd : c.in_fds)
            if (fd >= 0) close(fd);
        c.in_fds.clear();
        int r = c.reply_fd;
        c.reply_fd = -1;
        return r;
    }
    Status status() const {
        proto::Header h;
        REQUIRE(reply.size() >= sizeof h);
        std::memcpy(&h, reply.data(), sizeof h);
        return static_cast<Status>(h.status);
    }
    template <typename T>
    T body() const {
        T v;
        REQUIRE(reply.size() >= sizeof(proto::Header) + sizeof(T));
        std::memcpy(&v, reply.data() + sizeof(proto::Header), sizeof v);
        return v;
    }
    uint32_t start(Conn& c, uint32_t parent = 0, uint32_t claim = 0) {
        send(c, msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version}));
        REQUIRE(status() == Status::ok);
        send(c, msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{parent, claim ? proto::k_reg_claim : 0u, claim, 7},
                    {"C:\\a.exe", "a"}));
        REQUIRE(status() == Status::ok);
        return body<proto::RegisterProcessReply>().pid;
    }
    std::vector<uint32_t> list(Conn& c, uint32_t console) {
        send(c, msg(MsgId::CONSOLE_LIST, proto::ConsoleRequest{console, 0}));
        if (status() != Status::ok) return {};
        auto r = body<proto::ListReply>();
        std::vector<uint32_t> out(r.count);
        std::memcpy(out.data(), reply.data() + sizeof(proto::Header) + sizeof r, r.count * 4);
        return out;
    }
};

}  // namespace

TEST_CASE("consoles: alloc, inherit, attach, list, free") {
    Fixture f;
    auto a = f.conn();
    uint32_t pa = f.start(a);
    int fd = f.send(a, f.msg(MsgId::CONSOLE_ALLOC, proto::ConsoleRequest{}));
    REQUIRE(f.status() == Status::ok);
    REQUIRE(fd >= 0);
    close(fd);
    uint32_t id = f.body<proto::ConsoleReply>().console;
    REQUIRE(id != 0);
    REQUIRE(f.reg.find(pa)->console == id);
    // A second one: refused (one console per process).
    REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ALLOC, proto::ConsoleRequest{})) == -1);
    REQUIRE(f.status() == Status::bad_state);

    // A child reserved and given the console; it attaches at start.
    f.send(a, f.msg(MsgId::RESERVE_PID, proto::Empty{}));
    uint32_t child = f.body<proto::ReservePidReply>().pid;
    f.send(a, f.msg(MsgId::CONSOLE_INHERIT, proto::ConsoleInheritRequest{child, id}));
    REQUIRE(f.status() == Status::ok);
    auto b = f.conn();
    f.start(b, pa, child);
    fd = f.send(b, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{0, 0}));
    REQUIRE(f.status() == Status::ok);
    REQUIRE(fd >= 0);
    close(fd);
    auto l = f.list(a, 0);
    REQUIRE(l.size() == 2);
    REQUIRE(std::set<uint32_t>(l.begin(), l.end()) == std::set<uint32_t>{pa, child});

    // A third process attaches by pid; then frees.
    auto c = f.conn();
    f.start(c);
    fd = f.send(c, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{pa, proto::k_attach_pid}));
    REQUIRE(f.status() == Status::ok);
    close(fd);
    REQUIRE(f.list(c, id).size() == 3);
    f.send(c, f.msg(MsgId::CONSOLE_FREE, proto::ConsoleRequest{}));
    REQUIRE(f.status() == Status::ok);
    REQUIRE(f.list(a, id).size() == 2);

    // The console goes when its last process is gone.
    f.disp.connection_closed(a);
    REQUIRE(f.disp.console_count() == 1);
    f.disp.connection_closed(b);
    REQUIRE(f.disp.console_count() == 0);
}

TEST_CASE("consoles: hostile input") {
    Fixture f;
    auto a = f.conn();
    uint32_t pa = f.start(a);
    SECTION("attach to a pid that does not exist or has no console") {
        REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{12345, proto::k_attach_pid})) == -1);
        REQUIRE(f.status() == Status::not_found);
        REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{pa, proto::k_attach_pid})) == -1);
        REQUIRE(f.status() == Status::bad_state);
        REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{proto::k_attach_parent, proto::k_attach_pid})) == -1);
        REQUIRE(f.status() == Status::not_found);
        REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{0, 0})) == -1);  // nothing inherited
        REQUIRE(f.status() == Status::bad_state);
        REQUIRE(f.send(a, f.msg(MsgId::CONSOLE_ATTACH, proto::ConsoleRequest{0, 0x80})) == -1);  // unknown flag
        REQUIRE(f.status() == Status::bad_state);
    }
    SECTION("bad console ids") {
        REQUIRE(f.list(a, 77).empty());
        REQUIRE(f.status() == Status::not_found);
        f.send(a, f.msg(MsgId::CONSOLE_FREE, proto::ConsoleRequest{}));
        REQUIRE(f.status() == Status::bad_state);
        f.send(a, f.msg(MsgId::RESERVE_PID, proto::Empty{}));
        uint32_t child = f.body<proto::ReservePidReply>().pid;
        f.send(a, f.msg(MsgId::CONSOLE_INHERIT, proto::ConsoleInheritRequest{child, 77}));  // not ours
        REQUIRE(f.status() == Status::bad_state);
        int fd = f.send(a, f.msg(MsgId::CONSOLE_ALLOC, proto::ConsoleRequest{}));
        close(fd);
        uint32_t id = f.body<proto::ConsoleReply>().console;
        f.send(a, f.msg(MsgId::CONSOLE_INHERIT, proto::ConsoleInheritRequest{pa, id}));  // not a reserved child
        REQUIRE(f.status() == Status::not_found);
        f.send(a, f.msg(MsgId::CONSOLE_INHERIT, proto::ConsoleInheritRequest{9999, id}));
        REQUIRE(f.status() == Status::not_found);
    }
    SECTION("fds: missing, not a socket, on a message that takes none") {
        f.send(a, f.msg(MsgId::CONSOLE_ADOPT, proto::ConsoleRequest{}));
        REQUIRE(f.status() == Status::bad_fd);
        int p[2];
        REQUIRE(pipe(p) == 0);
        f.send(a, f.msg(MsgId::CONSOLE_ADOPT, proto::ConsoleRequest{}), {p[0]});
        REQUIRE(f.status() == Status::bad_fd);
        close(p[1]);
        // Through the count-only entry point (the fuzzer's): -1 fds are refused.
        f.disp.dispatch(a, f.msg(MsgId::CONSOLE_ADOPT, proto::ConsoleRequest{}), 1, false, f.reply);
        REQUIRE(f.status() == Status::bad_fd);
        int q[2];
        REQUIRE(pipe(q) == 0);
        f.send(a, f.msg(MsgId::CONSOLE_LIST, proto::ConsoleRequest{}), {q[0]});
        REQUIRE(f.status() == Status::unexpected_fds);
        close(q[1]);
        REQUIRE(f.disp.console_count() == 0);
    }
    SECTION("adopt a real socket; conhost unavailable") {
        int sv[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
        f.send(a, f.msg(MsgId::CONSOLE_ADOPT, proto::ConsoleRequest{}), {sv[0]});
        REQUIRE(f.status() == Status::ok);
        REQUIRE(f.disp.console_count() == 1);
        f.disp.connection_closed(a);
        REQUIRE(f.disp.console_count() == 0);
        char ch;
        REQUIRE(read(sv[1], &ch, 1) == 0);  // the daemon's end was closed
        close(sv[1]);
        auto b = f.conn();
        f.start(b);
        f.host.fail = true;
        REQUIRE(f.send(b, f.msg(MsgId::CONSOLE_ALLOC, proto::ConsoleRequest{})) == -1);
        REQUIRE(f.status() == Status::unavailable);
        REQUIRE(f.disp.console_count() == 0);
    }
    SECTION("before registration") {
        auto b = f.conn();
        f.send(b, f.msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version}));
        REQUIRE(f.send(b, f.msg(MsgId::CONSOLE_ALLOC, proto::ConsoleRequest{})) == -1);
        REQUIRE(f.status() == Status::bad_state);
    }
}
