// The dispatcher and the registry, driven directly: hostile input, state rules, ids, exit codes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <signal.h>

#include "server/dispatcher.h"
#include "wire.h"

using namespace winrun::csrss;
using namespace winrun::csrss::server;
using proto::MsgId;
using proto::Status;

namespace {

uint64_t fake_now() { return 133000000000000000ull; }
uint32_t fake_derive(uint32_t) { return proto::k_exit_code_killed; }

struct Fixture {
    Registry reg;
    Dispatcher disp{reg, {4242, 99}, fake_derive, fake_now};
    std::vector<uint8_t> reply;
    uint64_t next = 1;

    Conn conn(uint32_t linux_pid = 1000) {
        Conn c;
        c.id = next++;
        c.peer_pid = linux_pid;
        return c;
    }
    template <typename Body>
    std::vector<uint8_t> msg(MsgId id, const Body& b, std::initializer_list<std::string_view> strs = {}, uint32_t seq = 1) {
        std::vector<uint8_t> buf;
        wire::Writer w(buf);
        w.begin(id, seq, b);
        for (auto s : strs) w.string(s);
        w.finish();
        return buf;
    }
    After send(Conn& c, const std::vector<uint8_t>& d, int nfds = 0, bool trunc = false) {
        return disp.dispatch(c, d, nfds, trunc, reply);
    }
    Status status() const {
        REQUIRE(reply.size() >= sizeof(proto::Header));
        proto::Header h;
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
    void hello(Conn& c) {
        REQUIRE(send(c, msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version})) == After::keep);
        REQUIRE(status() == Status::ok);
    }
    uint32_t reg_process(Conn& c, uint32_t parent = 0, uint32_t claim = 0) {
        proto::RegisterProcessRequest r{parent, claim ? proto::k_reg_claim : 0u, claim, 7};
        REQUIRE(send(c, msg(MsgId::REGISTER_PROCESS, r, {"C:\\a.exe", "a.exe x"})) == After::keep);
        REQUIRE(status() == Status::ok);
        return body<proto::RegisterProcessReply>().pid;
    }
};

}  // namespace

TEST_CASE("HELLO first, version checked") {
    Fixture f;
    SECTION("message before HELLO: error reply and close") {
        auto c = f.conn();
        REQUIRE(f.send(c, f.msg(MsgId::LIST_PROCESSES, proto::ListRequest{})) == After::close);
        REQUIRE(f.status() == Status::not_hello);
    }
    SECTION("wrong version: error reply with our version, close") {
        auto c = f.conn();
        REQUIRE(f.send(c, f.msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version + 1})) == After::close);
        REQUIRE(f.status() == Status::bad_version);
        REQUIRE(f.body<proto::HelloReply>().version == proto::k_version);
    }
    SECTION("wrong magic") {
        auto c = f.conn();
        REQUIRE(f.send(c, f.msg(MsgId::HELLO, proto::HelloRequest{0x12345678, proto::k_version})) == After::close);
        REQUIRE(f.status() == Status::bad_version);
    }
    SECTION("unknown id before HELLO closes") {
        auto c = f.conn();
        REQUIRE(f.send(c, f.msg(static_cast<MsgId>(200), proto::Empty{})) == After::close);
        REQUIRE(f.status() == Status::unknown_message);
    }
    SECTION("HELLO twice") {
        auto c = f.conn();
        f.hello(c);
        REQUIRE(f.send(c, f.msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version})) == After::keep);
        REQUIRE(f.status() == Status::bad_state);
    }
    SECTION("good HELLO") {
        auto c = f.conn();
        f.hello(c);
        REQUIRE(f.body<proto::HelloReply>().daemon_pid == 4242);
        REQUIRE(f.body<proto::HelloReply>().session_id == 99);
    }
}

TEST_CASE("malformed messages after HELLO: error reply, connection kept") {
    Fixture f;
    auto c = f.conn();
    f.hello(c);
    auto good = f.msg(MsgId::QUERY_PROCESS, proto::PidRequest{100, 0});

    SECTION("shorter than a header: closed") {
        std::vector<uint8_t> d(good.begin(), good.begin() + 10);
        REQUIRE(f.send(c, d) == After::close);
        REQUIRE(f.reply.empty());
    }
    SECTION("truncated body") {
        std::vector<uint8_t> d(good.begin(), good.end() - 1);
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_size);
    }
    SECTION("oversized") {
        auto d = good;
        d.resize(d.size() + 100);
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_size);
    }
    SECTION("tail_size lies") {
        auto d = f.msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{}, {"a", "b"});
        d[12] ^= 1;
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_size);
    }
    SECTION("unknown ids") {
        for (uint16_t id : {uint16_t(0), uint16_t(MsgId::count_), uint16_t(99), uint16_t(0xFFFF)}) {  // count_: one past the last
            auto d = good;
            std::memcpy(d.data(), &id, 2);
            REQUIRE(f.send(c, d) == After::keep);
            REQUIRE(f.status() == Status::unknown_message);
        }
    }
    SECTION("fds attached") {
        REQUIRE(f.send(c, good, 2) == After::keep);
        REQUIRE(f.status() == Status::unexpected_fds);
    }
    SECTION("kernel truncated it") {
        REQUIRE(f.send(c, good, 0, true) == After::keep);
        REQUIRE(f.status() == Status::truncated);
    }
    SECTION("nonzero reserved header fields") {
        auto d = good;
        d[2] = 1;
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_size);
    }
    SECTION("strings: not UTF-8, out of bounds, trailing bytes") {
        auto d = f.msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{}, {"\xFF\xFE", "x"});
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_tail);
        d = f.msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{}, {"a", "b", "c"});
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_tail);
        d = f.msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{}, {"a"});
        REQUIRE(f.send(c, d) == After::keep);
        REQUIRE(f.status() == Status::bad_tail);
        REQUIRE(c.pid == 0);
    }
    SECTION("too many errors: closed") {
        auto d = good;
        d.resize(d.size() + 1);
        After a = After::keep;
        int n = 0;
        while (a == After::keep && n < 100) a = f.send(c, d), n++;
        REQUIRE(a == After::close);
        REQUIRE(n == int(Dispatcher::k_max_errors));
    }
    SECTION("the reply echoes id and seq") {
        auto d = f.msg(MsgId::QUERY_PROCESS, proto::PidRequest{100, 0}, {}, 0xABCDEF);
        f.send(c, d);
        proto::Header h;
        std::memcpy(&h, f.reply.data(), sizeof h);
        REQUIRE(h.seq == 0xABCDEF);
        REQUIRE(h.id == uint16_t(MsgId::QUERY_PROCESS));
        REQUIRE(f.status() == Status::not_found);
    }
}

TEST_CASE("registration: ids unique, multiples of 4, shared between pids and tids") {
    Fixture f;
    std::set<uint32_t> ids;
    std::vector<Conn> conns;
    for (int i = 0; i < 200; i++) {
        conns.push_back(f.conn(2000 + i));
        f.hello(conns.back());
        uint32_t pid = f.reg_process(conns.back());
        uint32_t tid = f.body<proto::RegisterProcessReply>().tid;
        REQUIRE(pid % 4 == 0);
        REQUIRE(tid % 4 == 0);
        REQUIRE(pid != 0);
        REQUIRE(ids.insert(pid).second);
        REQUIRE(ids.insert(tid).second);
        REQUIRE(f.send(conns.back(), f.msg(MsgId::REGISTER_THREAD, proto::RegisterThreadRequest{55, 0})) == After::keep);
        uint32_t t2 = f.body<proto::RegisterThreadReply>().tid;
        REQUIRE(t2 % 4 == 0);
        REQUIRE(ids.insert(t2).second);
    }
    REQUIRE(f.reg.process_count() == 200);
    // The second REGISTER_PROCESS on a connection is refused.
    proto::RegisterProcessRequest r{};
    REQUIRE(f.send(conns[0], f.msg(MsgId::REGISTER_PROCESS, r, {"a", "b"})) == After::keep);
    REQUIRE(f.status() == Status::bad_state);
    // A dropped connection takes its process with it (no reference held).
    for (auto& c : conns) f.disp.connection_closed(c);
    REQUIRE(f.reg.process_count() == 0);
    REQUIRE(f.reg.id_count() == 0);
}

TEST_CASE("exit codes: reported, derived, kept while referenced") {
    Fixture f;
    auto parent = f.conn(1);
    f.hello(parent);
    uint32_t ppid = f.reg_process(parent);

    SECTION("reserved pid claimed by the child, 32-bit code kept after exit while referenced") {
        REQUIRE(f.send(parent, f.msg(MsgId::RESERVE_PID, proto::Empty{})) == After::keep);
        uint32_t child_pid = f.body<proto::ReservePidReply>().pid;
        REQUIRE(child_pid % 4 == 0);
        auto child = f.conn(2);
        f.hello(child);
        REQUIRE(f.reg_process(child, ppid, child_pid) == child_pid);
        REQUIRE(f.reg.find(child_pid)->parent_pid == ppid);
        REQUIRE(f.send(child, f.msg(MsgId::REPORT_EXIT, proto::ReportExitRequest{0xC0000135, 0})) == After::keep);
        REQUIRE(f.status() == Status::ok);
        f.disp.connection_closed(child);
        REQUIRE(f.send(parent, f.msg(MsgId::QUERY_PROCESS, proto::PidRequest{child_pid, 0})) == After::keep);
        REQUIRE(f.status() == Status::ok);
        auto info = f.body<proto::ProcessReply>().info;
        REQUIRE(info.exit_code == 0xC0000135);
        REQUIRE(info.exit_reported == 1);
        REQUIRE(info.state == uint32_t(proto::ProcState::exited));
        REQUIRE(f.send(parent, f.msg(MsgId::CLOSE_PROCESS, proto::PidRequest{child_pid, 0})) == After::keep);
        REQUIRE(f.reg.find(child_pid) == nullptr);
        REQUIRE(f.send(parent, f.msg(MsgId::CLOSE_PROCESS, proto::PidRequest{child_pid, 0})) == After::keep);
        REQUIRE(f.status() == Status::not_found);
    }
    SECTION("dropped without a report: derived code, at once") {
        auto child = f.conn(3);
        f.hello(child);
        uint32_t pid = f.reg_process(child, ppid);
        REQUIRE(f.send(parent, f.msg(MsgId::OPEN_PROCESS, proto::PidRequest{pid, 0})) == After::keep);
        REQUIRE(f.body<proto::ProcessReply>().info.exit_code == proto::STILL_ACTIVE);
        f.disp.connection_closed(child);
        const Process* p = f.reg.find(pid);
        REQUIRE(p);
        REQUIRE(p->state == proto::ProcState::exited);
        REQUIRE(p->exit_code == proto::k_exit_code_killed);
        REQUIRE_FALSE(p->exit_reported);
        // The parent's connection goes: the record goes.
        f.disp.connection_closed(parent);
        REQUIRE(f.reg.find(pid) == nullptr);
    }
    SECTION("a claimed pid cannot be claimed twice, an unknown one not at all") {
        REQUIRE(f.send(parent, f.msg(MsgId::RESERVE_PID, proto::Empty{})) == After::keep);
        uint32_t res = f.body<proto::ReservePidReply>().pid;
        auto a = f.conn(4), b = f.conn(5), c = f.conn(6);
        f.hello(a), f.hello(b), f.hello(c);
        f.reg_process(a, ppid, res);
        proto::RegisterProcessRequest r{0, proto::k_reg_claim, res, 1};
        f.send(b, f.msg(MsgId::REGISTER_PROCESS, r, {"x", "y"}));
        REQUIRE(f.status() == Status::bad_state);
        r.claim_pid = res + 4000;
        f.send(c, f.msg(MsgId::REGISTER_PROCESS, r, {"x", "y"}));
        REQUIRE(f.status() == Status::not_found);
    }
    SECTION("REPORT_EXIT twice, threads after exit") {
        REQUIRE(f.send(parent, f.msg(MsgId::REPORT_EXIT, proto::ReportExitRequest{1, 0})) == After::keep);
        REQUIRE(f.status() == Status::ok);
        f.send(parent, f.msg(MsgId::REPORT_EXIT, proto::ReportExitRequest{2, 0}));
        REQUIRE(f.status() == Status::bad_state);
        f.send(parent, f.msg(MsgId::REGISTER_THREAD, proto::RegisterThreadRequest{1, 0}));
        REQUIRE(f.status() == Status::bad_state);
    }
}

TEST_CASE("list pages through every process") {
    Fixture f;
    std::vector<Conn> conns;
    std::string big(20000, 'c');
    for (int i = 0; i < 30; i++) {
        conns.push_back(f.conn(100 + i));
        f.hello(conns.back());
        proto::RegisterProcessRequest r{};
        f.send(conns.back(), f.msg(MsgId::REGISTER_PROCESS, r, {"C:\\p.exe", big}));
        REQUIRE(f.status() == Status::ok);
    }
    uint32_t after = 0, total = 0;
    int pages = 0;
    for (;;) {
        f.send(conns[0], f.msg(MsgId::LIST_PROCESSES, proto::ListRequest{after, 0}));
        REQUIRE(f.status() == Status::ok);
        REQUIRE(f.reply.size() <= proto::k_max_datagram);
        auto lr = f.body<proto::ListReply>();
        auto p = wire::parse(f.reply, sizeof(proto::ListReply), proto::k_max_datagram);
        REQUIRE(p.ok());
        wire::TailReader t(p->tail);
        for (uint32_t i = 0; i < lr.count; i++) {
            auto info = t.fixed<proto::ProcessInfo>();
            REQUIRE(info.ok());
            REQUIRE(info->pid > after);
            after = info->pid;
            REQUIRE(t.string(proto::k_max_image_path).ok());
            REQUIRE(t.string(proto::k_max_command_line).value().size() == big.size());
        }
        REQUIRE(t.at_end());
        total += lr.count;
        pages++;
        if (!lr.more) break;
    }
    REQUIRE(total == 30);
    REQUIRE(pages > 1);
}

TEST_CASE("wait status to exit code") {
    REQUIRE(exit_code_from_wait_status(SIGKILL) == proto::k_exit_code_killed);
    REQUIRE(exit_code_from_wait_status(SIGINT) == proto::STATUS_CONTROL_C_EXIT);
    REQUIRE(exit_code_from_wait_status(SIGTERM) == proto::STATUS_CONTROL_C_EXIT);
    REQUIRE(exit_code_from_wait_status(SIGSEGV | 0x80) == proto::STATUS_ACCESS_VIOLATION);  // core dumped
    REQUIRE(exit_code_from_wait_status(42 << 8) == 42);
    REQUIRE(derive_exit_code_from_proc(0) == proto::k_exit_code_killed);
    REQUIRE(derive_exit_code_from_proc(uint32_t(getpid())) == proto::k_exit_code_killed);  // alive: no wait status
}

TEST_CASE("thread list: every live thread once, ordered by (owner, tid), paged") {
    Fixture f;
    // Two processes: one with many threads (more than one datagram), one with a few.
    auto a = f.conn(10), b = f.conn(20);
    f.hello(a);
    f.hello(b);
    uint32_t pa = f.reg_process(a);
    uint32_t main_a = f.body<proto::RegisterProcessReply>().tid;
    uint32_t pb = f.reg_process(b);
    std::set<std::pair<uint32_t, uint32_t>> expect{{pa, main_a}};
    for (auto& t : f.reg.find(pb)->threads) expect.insert({pb, t.tid});
    const int many = 7000;  // 24-byte records: about 5460 fit in one datagram
    for (int i = 0; i < many; i++) {
        Conn& c = i % 1000 == 0 ? b : a;
        REQUIRE(f.send(c, f.msg(MsgId::REGISTER_THREAD, proto::RegisterThreadRequest{uint32_t(5000 + i), 0})) == After::keep);
        REQUIRE(f.status() == Status::ok);
        expect.insert({&c == &b ? pb : pa, f.body<proto::RegisterThreadReply>().tid});
    }
    // One thread of a exits: it is no longer listed.
    uint32_t gone = f.reg.find(pa)->threads[3].tid;
    REQUIRE(f.send(a, f.msg(MsgId::THREAD_EXIT, proto::ThreadExitRequest{gone, 0})) == After::keep);
    expect.erase({pa, gone});

    std::vector<std::pair<uint32_t, uint32_t>> got;
    proto::ThreadListRequest req{0, 0};
    int pages = 0;
    for (;;) {
        REQUIRE(f.send(a, f.msg(MsgId::LIST_THREADS, req)) == After::keep);
        REQUIRE(f.status() == Status::ok);
        REQUIRE(f.reply.size() <= proto::k_max_datagram);
        auto rep = f.body<proto::ListReply>();
        wire::Parsed p = wire::parse(f.reply, sizeof(proto::ListReply), proto::k_max_datagram).value();
        wire::TailReader t(p.tail);
        for (uint32_t i = 0; i < rep.count; i++) {
            auto ti = t.fixed<proto::ThreadInfo>().value();
            REQUIRE(ti.tid % 4 == 0);
            REQUIRE(ti.start_time == fake_now());
            got.push_back({ti.owner_pid, ti.tid});
            req = {ti.owner_pid, ti.tid};
        }
        REQUIRE(t.at_end());
        pages++;
        if (!rep.more) break;
        REQUIRE(rep.count > 0);
    }
    REQUIRE(pages >= 2);
    REQUIRE(std::is_sorted(got.begin(), got.end()));
    REQUIRE(std::set<std::pair<uint32_t, uint32_t>>(got.begin(), got.end()) == expect);
    REQUIRE(got.size() == expect.size());
    // The main thread's Linux tid is the one REGISTER_PROCESS gave.
    REQUIRE(f.send(a, f.msg(MsgId::LIST_THREADS, proto::ThreadListRequest{pa, main_a - 1})) == After::keep);
    wire::Parsed p = wire::parse(f.reply, sizeof(proto::ListReply), proto::k_max_datagram).value();
    auto first = wire::TailReader(p.tail).fixed<proto::ThreadInfo>().value();
    REQUIRE(first.tid == main_a);
    REQUIRE(first.linux_tid == 7);
    // An exited process lists no thread.
    REQUIRE(f.send(b, f.msg(MsgId::REPORT_EXIT, proto::ReportExitRequest{0, 0})) == After::keep);
    REQUIRE(f.send(a, f.msg(MsgId::LIST_THREADS, proto::ThreadListRequest{pb, 0})) == After::keep);
    REQUIRE(f.body<proto::ListReply>().count == 0);
    REQUIRE(f.body<proto::ListReply>().more == 0);
}

TEST_CASE("RESOLVE_ACTCTX: contexts and malformed manifests are answers; the daemon goes on") {
    Fixture f;
    Conn c = f.conn();
    f.hello(c);
    char dir[] = "/tmp/csrss-sxs-XXXXXX";
    REQUIRE(mkdtemp(dir));
    std::string d = dir;
    auto write = [&](const std::string& name, const std::string& text) {
        FILE* fp = fopen((d + "/" + name).c_str(), "wb");
        REQUIRE(fp);
        fwrite(text.data(), 1, text.size(), fp);
        fclose(fp);
    };
    write("Lib.manifest", "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"><assemblyIdentity "
                          "type=\"win32\" name=\"Lib\" version=\"1.0.0.0\"/><file name=\"lib.dll\"/></assembly>");
    write("good.manifest", "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"><dependency>"
                           "<dependentAssembly><assemblyIdentity type=\"win32\" name=\"Lib\" version=\"1.0.0.0\"/>"
                           "</dependentAssembly></dependency></assembly>");
    write("bad.manifest", "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">\n<dependency>");
    std::string good = d + "/good.manifest", bad = d + "/bad.manifest", store = d + "/store";

    REQUIRE(f.send(c, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{0, 0}, {bad, "", "", store})) == After::keep);
    REQUIRE(f.status() == Status::ok);
    REQUIRE(f.body<proto::ResolveActCtxReply>().error == 14001);
    REQUIRE(f.body<proto::ResolveActCtxReply>().count == 1);
    // The daemon still answers, on this connection and on others.
    Conn c2 = f.conn(1001);
    f.hello(c2);
    REQUIRE(f.send(c2, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{0, proto::k_resolve_trace}, {good, "", "", store})) ==
            After::keep);
    REQUIRE(f.status() == Status::ok);
    REQUIRE(f.body<proto::ResolveActCtxReply>().error == 0);
    REQUIRE(f.body<proto::ResolveActCtxReply>().count > 5);
    // Hostile requests: a relative path, unknown flags, a missing string.
    REQUIRE(f.send(c, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{0, 0}, {"rel.manifest", "", "", ""})) == After::keep);
    REQUIRE(f.status() == Status::bad_tail);
    REQUIRE(f.send(c, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{0, 8}, {good, "", "", ""})) == After::keep);
    REQUIRE(f.status() == Status::bad_tail);
    REQUIRE(f.send(c, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{0, 0}, {good, "", ""})) == After::keep);
    REQUIRE(f.status() == Status::bad_tail);
    // A PE resource id on a file that is no PE: an answer too.
    REQUIRE(f.send(c, f.msg(MsgId::RESOLVE_ACTCTX, proto::ResolveActCtxRequest{1, 0}, {good, "", "", ""})) == After::keep);
    REQUIRE(f.body<proto::ResolveActCtxReply>().error == 14001);
    std::filesystem::remove_all(d);
}
