#include "dispatcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "log.h"

namespace winrun::csrss::server {

using proto::MsgId;
using proto::Status;

namespace {

using Handler = After (Dispatcher::*)(Conn&, const wire::Parsed&, wire::Writer&);

struct Entry {
    Handler handler;
    uint32_t min_size;  // header + fixed body
    uint32_t max_size;  // header + fixed body + largest tail
    uint32_t max_fds;   // SCM_RIGHTS fds the message may carry
    const char* name;
};

constexpr size_t k_count = static_cast<size_t>(MsgId::count_);

// Indexed by message id; id 0 and retired ids have a null handler.
constexpr auto k_table = [] {
    std::array<Entry, k_count> t{};
#define CSRSS_ROW_(id_, name_, req_, rep_, tail_)                                       \
    t[id_] = Entry{&Dispatcher::on_##name_,                                              \
                   uint32_t(sizeof(proto::Header) + proto::k_body_size<proto::req_>),     \
                   uint32_t(sizeof(proto::Header) + proto::k_body_size<proto::req_> + (tail_)), 0, #name_};
    CSRSS_MESSAGES(CSRSS_ROW_)
#undef CSRSS_ROW_
    t[size_t(MsgId::CONSOLE_ADOPT)].max_fds = 1;
    return t;
}();

template <MsgId Id>
void begin_reply(wire::Writer& w, const wire::Parsed& m, const typename proto::Msg<Id>::Reply& body) {
    w.begin(Id, m.header.seq, body);
}

}  // namespace

Dispatcher::Dispatcher(Registry& reg, DaemonIdentity ident, uint32_t (*derive)(uint32_t), uint64_t (*now)())
    : reg_(reg), ident_(ident), derive_(derive ? derive : derive_exit_code_from_proc), now_(now ? now : filetime_now) {}

After Dispatcher::error(Conn& c, wire::Writer& w, uint16_t id, uint32_t seq, Status st, After after) {
    w.begin(static_cast<MsgId>(id), seq, proto::Empty{}, st);
    w.finish();
    c.errors++;
    WR_WARN(csrss, "conn {} (linux pid {}): {} ({})", c.id, c.peer_pid, proto::status_name(st),
            proto::message_name(id) ? proto::message_name(id) : "?");
    if (c.errors >= k_max_errors && after == After::keep) after = After::close;
    return after;
}

After Dispatcher::dispatch(Conn& c, std::span<const uint8_t> d, int nfds, bool truncated, std::vector<uint8_t>& reply) {
    // Without the fds themselves (tests, the fuzzer): a message that needs one sees -1.
    c.in_fds.assign(size_t(std::max(nfds, 0)), -1);
    After a = dispatch(c, d, truncated, reply);
    if (c.reply_fd >= 0) close(c.reply_fd);
    c.reply_fd = -1;
    c.in_fds.clear();
    return a;
}

After Dispatcher::dispatch(Conn& c, std::span<const uint8_t> d, bool truncated, std::vector<uint8_t>& reply) {
    int nfds = int(c.in_fds.size());
    c.reply_fd = -1;
    reply.clear();
    wire::Writer w(reply);
    auto hdr = wire::parse_header(d);
    if (!hdr) {
        // Not even a header: nothing to answer to.
        WR_WARN(csrss, "conn {}: {}: closing", c.id, hdr.error().message);
        return After::close;
    }
    const proto::Header h = hdr.value();
    if (truncated) return error(c, w, h.id, h.seq, Status::truncated, c.hello ? After::keep : After::close);
    if (h.id == 0 || h.id >= k_count || !k_table[h.id].handler)
        return error(c, w, h.id, h.seq, Status::unknown_message, c.hello ? After::keep : After::close);
    const Entry& e = k_table[h.id];
    if (!c.hello && h.id != static_cast<uint16_t>(MsgId::HELLO))
        return error(c, w, h.id, h.seq, Status::not_hello, After::close);
    if (uint32_t(nfds) > e.max_fds) return error(c, w, h.id, h.seq, Status::unexpected_fds, c.hello ? After::keep : After::close);
    if (d.size() < e.min_size || d.size() > e.max_size)
        return error(c, w, h.id, h.seq, Status::bad_size, c.hello ? After::keep : After::close);
    auto parsed = wire::parse(d, e.min_size - sizeof(proto::Header), e.max_size - e.min_size);
    if (!parsed) return error(c, w, h.id, h.seq, Status::bad_size, c.hello ? After::keep : After::close);
    if (h.flags != 0 || h.status != 0) return error(c, w, h.id, h.seq, Status::bad_size, c.hello ? After::keep : After::close);
    WR_TRACE(csrss, "conn {}: {} seq {}", c.id, e.name, h.seq);
    After a = (this->*e.handler)(c, parsed.value(), w);
    if (h.id == static_cast<uint16_t>(MsgId::REPORT_EXIT) || h.id == static_cast<uint16_t>(MsgId::CLOSE_PROCESS)) reap_consoles();
    return a;
}

void Dispatcher::write_process(wire::Writer& w, const Process& p) {
    // Both strings are bounded at registration, so a process always fits in one datagram.
    w.fixed(p.info());
    w.string(p.image_path);
    w.string(p.command_line);
}

// ---- handlers ------------------------------------------------------------------------------------

After Dispatcher::on_HELLO(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::HelloRequest>(m);
    proto::HelloReply rep{proto::k_version, ident_.daemon_pid, ident_.session_id};
    if (c.hello) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    if (req.magic != proto::k_hello_magic || req.version != proto::k_version) {
        w.begin(MsgId::HELLO, m.header.seq, rep, Status::bad_version);
        w.finish();
        WR_WARN(csrss, "conn {}: protocol version {} (ours {}): closing", c.id, req.version, proto::k_version);
        return After::close;
    }
    c.hello = true;
    begin_reply<MsgId::HELLO>(w, m, rep);
    w.finish();
    return After::keep;
}

After Dispatcher::on_REGISTER_PROCESS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::RegisterProcessRequest>(m);
    if (c.pid) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    wire::TailReader t(m.tail);
    auto image = t.string(proto::k_max_image_path);
    auto cmd = image ? t.string(proto::k_max_command_line) : Result<std::string_view>(image.error());
    if (!image || !cmd || !t.at_end()) return error(c, w, m.header.id, m.header.seq, Status::bad_tail);
    if ((req.flags & ~proto::k_reg_claim) != 0 || (req.claim_pid != 0) != ((req.flags & proto::k_reg_claim) != 0))
        return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    auto r = reg_.register_process(req.parent_pid, req.claim_pid, c.peer_pid, req.linux_tid, image.value(), cmd.value(), now_());
    if (!r.ok()) return error(c, w, m.header.id, m.header.seq, r.status);
    c.pid = r.value.first;
    const Process* p = reg_.find(c.pid);
    begin_reply<MsgId::REGISTER_PROCESS>(w, m, {r.value.first, r.value.second, p->start_time});
    w.finish();
    WR_TRACE(csrss, "conn {}: process {} (linux {}) parent {} {}", c.id, c.pid, c.peer_pid, p->parent_pid, p->image_path);
    return After::keep;
}

After Dispatcher::on_REGISTER_THREAD(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::RegisterThreadRequest>(m);
    if (!c.pid || c.exit_reported) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    uint64_t now = now_();
    auto r = reg_.register_thread(c.pid, req.linux_tid, now);
    if (!r.ok()) return error(c, w, m.header.id, m.header.seq, r.status);
    begin_reply<MsgId::REGISTER_THREAD>(w, m, {r.value, 0, now});
    w.finish();
    return After::keep;
}

After Dispatcher::on_THREAD_EXIT(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ThreadExitRequest>(m);
    if (!c.pid) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    if (auto st = reg_.thread_exit(c.pid, req.tid); st != Status::ok) return error(c, w, m.header.id, m.header.seq, st);
    begin_reply<MsgId::THREAD_EXIT>(w, m, {});
    w.finish();
    return After::keep;
}

After Dispatcher::on_REPORT_EXIT(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ReportExitRequest>(m);
    if (!c.pid || c.exit_reported) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    // The record may be gone already only if it exited; c.exit_reported guards that.
    auto st = reg_.set_exited(c.pid, req.exit_code, true, now_());
    if (st != Status::ok) return error(c, w, m.header.id, m.header.seq, st);
    c.exit_reported = true;
    WR_TRACE(csrss, "conn {}: process {} exit code {:#x}", c.id, c.pid, req.exit_code);
    begin_reply<MsgId::REPORT_EXIT>(w, m, {});
    w.finish();
    return After::keep;
}

After Dispatcher::on_OPEN_PROCESS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::PidRequest>(m);
    if (c.ref_total >= k_max_refs_per_conn) return error(c, w, m.header.id, m.header.seq, Status::too_many);
    if (auto st = reg_.add_ref(req.pid); st != Status::ok) return error(c, w, m.header.id, m.header.seq, st);
    c.refs[req.pid]++;
    c.ref_total++;
    const Process* p = reg_.find(req.pid);
    begin_reply<MsgId::OPEN_PROCESS>(w, m, {p->info()});
    w.string(p->image_path);
    w.string(p->command_line);
    w.finish();
    return After::keep;
}

After Dispatcher::on_CLOSE_PROCESS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::PidRequest>(m);
    auto it = c.refs.find(req.pid);
    if (it == c.refs.end()) return error(c, w, m.header.id, m.header.seq, Status::not_found);
    if (--it->second == 0) c.refs.erase(it);
    c.ref_total--;
    reg_.release(req.pid, 1);
    begin_reply<MsgId::CLOSE_PROCESS>(w, m, {});
    w.finish();
    return After::keep;
}

// TerminateProcess of another process: the caller must hold a reference (its process handle).
After Dispatcher::on_TERMINATE_PROCESS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::TerminateRequest>(m);
    if (!c.refs.count(req.pid)) return error(c, w, m.header.id, m.header.seq, Status::not_found);
    auto st = reg_.set_exited(req.pid, req.exit_code, true, now_());
    if (st != Status::ok) return error(c, w, m.header.id, m.header.seq, st);
    WR_TRACE(csrss, "conn {}: process {} terminated with {:#x}", c.id, req.pid, req.exit_code);
    begin_reply<MsgId::TERMINATE_PROCESS>(w, m, {});
    w.finish();
    return After::keep;
}

After Dispatcher::on_QUERY_PROCESS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::PidRequest>(m);
    const Process* p = reg_.find(req.pid);
    if (!p) return error(c, w, m.header.id, m.header.seq, Status::not_found);
    begin_reply<MsgId::QUERY_PROCESS>(w, m, {p->info()});
    w.string(p->image_path);
    w.string(p->command_line);
    w.finish();
    return After::keep;
}

After Dispatcher::on_LIST_PROCESSES(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ListRequest>(m);
    proto::ListReply rep{0, 0};
    begin_reply<MsgId::LIST_PROCESSES>(w, m, rep);
    for (auto it = reg_.upper_bound(req.after_pid); it != reg_.end(); ++it) {
        const Process& p = it->second;
        size_t need = sizeof(proto::ProcessInfo) + 8 + p.image_path.size() + p.command_line.size();
        if (need > w.room()) {
            rep.more = 1;
            break;
        }
        write_process(w, p);
        rep.count++;
    }
    auto out = w.finish();
    std::memcpy(const_cast<uint8_t*>(out.data()) + sizeof(proto::Header), &rep, sizeof rep);
    return After::keep;
}

After Dispatcher::on_LIST_THREADS(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ThreadListRequest>(m);
    proto::ListReply rep{0, 0};
    begin_reply<MsgId::LIST_THREADS>(w, m, rep);
    std::vector<const Thread*> sorted;
    // Processes from after_pid on (its threads after after_tid), then the following ones.
    for (auto it = reg_.upper_bound(req.after_pid > 0 ? req.after_pid - 1 : 0); it != reg_.end() && !rep.more; ++it) {
        const Process& p = it->second;
        sorted.clear();
        for (const Thread& t : p.threads)
            if (p.pid != req.after_pid || t.tid > req.after_tid) sorted.push_back(&t);
        std::sort(sorted.begin(), sorted.end(), [](const Thread* a, const Thread* b) { return a->tid < b->tid; });
        for (const Thread* t : sorted) {
            if (w.room() < sizeof(proto::ThreadInfo)) {
                rep.more = 1;
                break;
            }
            w.fixed(proto::ThreadInfo{t->tid, p.pid, t->linux_tid, 0, t->start_time});
            rep.count++;
        }
    }
    auto out = w.finish();
    std::memcpy(const_cast<uint8_t*>(out.data()) + sizeof(proto::Header), &rep, sizeof rep);
    return After::keep;
}

After Dispatcher::on_RESERVE_PID(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    if (c.ref_total >= k_max_refs_per_conn) return error(c, w, m.header.id, m.header.seq, Status::too_many);
    auto r = reg_.reserve_pid(c.pid, now_());
    if (!r.ok()) return error(c, w, m.header.id, m.header.seq, r.status);
    c.refs[r.value]++;
    c.ref_total++;
    begin_reply<MsgId::RESERVE_PID>(w, m, {r.value, reg_.find(r.value)->reserved_tid});
    w.finish();
    return After::keep;
}

After Dispatcher::on_HALT(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    WR_WARN(csrss, "conn {} (linux pid {}): session halt requested", c.id, c.peer_pid);
    begin_reply<MsgId::HALT>(w, m, {});
    w.finish();
    return After::halt;
}

After Dispatcher::on_RESOLVE_ACTCTX(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ResolveActCtxRequest>(m);
    wire::TailReader t(m.tail);
    sxs::ResolveRequest r;
    r.resource_id = req.resource_id;
    r.trace = (req.flags & proto::k_resolve_trace) != 0;
    for (std::string* s : {&r.source, &r.app_dir, &r.config, &r.store}) {
        auto v = t.string(proto::k_max_image_path);
        if (!v) return error(c, w, m.header.id, m.header.seq, Status::bad_tail);
        *s = std::string(v.value());
    }
    if (!t.at_end() || r.source.empty() || r.source[0] != '/' || (req.flags & ~proto::k_resolve_trace) != 0)
        return error(c, w, m.header.id, m.header.seq, Status::bad_tail);
    // Malformed manifests are errors as values: the daemon answers and goes on.
    auto ctx = resolver_.resolve(r);
    if (!ctx) {
        begin_reply<MsgId::RESOLVE_ACTCTX>(w, m, {sxs::ERROR_SXS_CANT_GEN_ACTCTX, 1});
        w.string(wire::truncate_utf8(ctx.error().message, uint32_t(w.room() > 64 ? w.room() - 64 : 0)));
        w.finish();
        return After::keep;
    }
    auto strings = sxs::encode(ctx.value());
    begin_reply<MsgId::RESOLVE_ACTCTX>(w, m, {0, uint32_t(strings.size())});
    for (const auto& s : strings)
        if (!w.string(s)) return error(c, w, m.header.id, m.header.seq, Status::truncated);  // begin() clears
    w.finish();
    return After::keep;
}

// ---- consoles -------------------------------------------------------------------------------------

After Dispatcher::console_error(Conn& c, wire::Writer& w, const wire::Parsed& m, Status st) {
    if (c.reply_fd >= 0) close(c.reply_fd);
    c.reply_fd = -1;
    return error(c, w, m.header.id, m.header.seq, st);
}

bool Dispatcher::hand_out(Conn& c, uint32_t id) {
    auto it = consoles_.find(id);
    if (it == consoles_.end() || !host_) return false;
    int fd = host_->new_connection(it->second.fd);
    if (fd < 0) return false;
    c.reply_fd = fd;
    return true;
}

void Dispatcher::reap_consoles() {
    if (consoles_.empty()) return;
    std::map<uint32_t, int> attached;
    for (auto it = reg_.upper_bound(0); it != reg_.end(); ++it)
        if (it->second.console && it->second.state != proto::ProcState::exited) attached[it->second.console]++;
    for (auto it = consoles_.begin(); it != consoles_.end();) {
        if (attached.count(it->first)) {
            ++it;
            continue;
        }
        WR_TRACE(csrss, "console {}: no process left, dropping it", it->first);
        if (it->second.fd >= 0) close(it->second.fd);
        it = consoles_.erase(it);
    }
}

After Dispatcher::on_CONSOLE_ALLOC(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleRequest>(m);
    Process* p = c.pid ? reg_.find_mut(c.pid) : nullptr;
    if (!p || c.exit_reported || req.target || req.flags) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    if (p->console) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    if (!host_) return error(c, w, m.header.id, m.header.seq, Status::unavailable);
    int fd = host_->start_conhost();
    if (fd < 0) return error(c, w, m.header.id, m.header.seq, Status::unavailable);
    uint32_t id = next_console_++;
    if (!next_console_) next_console_ = 1;
    consoles_[id] = ConsoleRec{fd};
    if (!hand_out(c, id)) {
        close(fd);
        consoles_.erase(id);
        return console_error(c, w, m, Status::unavailable);
    }
    p->console = id;
    WR_TRACE(csrss, "conn {}: process {} allocated console {}", c.id, c.pid, id);
    begin_reply<MsgId::CONSOLE_ALLOC>(w, m, {id, 0});
    w.finish();
    return After::keep;
}

After Dispatcher::on_CONSOLE_ADOPT(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleRequest>(m);
    Process* p = c.pid ? reg_.find_mut(c.pid) : nullptr;
    if (!p || c.exit_reported || req.target || req.flags || p->console) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    if (c.in_fds.size() != 1 || c.in_fds[0] < 0 || !host_ || !host_->plausible_conhost(c.in_fds[0]))
        return error(c, w, m.header.id, m.header.seq, Status::bad_fd);
    uint32_t id = next_console_++;
    if (!next_console_) next_console_ = 1;
    consoles_[id] = ConsoleRec{c.in_fds[0]};
    c.in_fds[0] = -1;  // ours now
    p->console = id;
    WR_TRACE(csrss, "conn {}: process {} adopted console {}", c.id, c.pid, id);
    begin_reply<MsgId::CONSOLE_ADOPT>(w, m, {id, 0});
    w.finish();
    return After::keep;
}

After Dispatcher::on_CONSOLE_ATTACH(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleRequest>(m);
    Process* p = c.pid ? reg_.find_mut(c.pid) : nullptr;
    if (!p || c.exit_reported || (req.flags & ~proto::k_attach_pid)) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    uint32_t id;
    if (req.flags & proto::k_attach_pid) {
        if (p->console) return error(c, w, m.header.id, m.header.seq, Status::bad_state);  // already attached
        uint32_t target = req.target == proto::k_attach_parent ? p->parent_pid : req.target;
        const Process* t = target ? reg_.find(target) : nullptr;
        if (!t || t->state != proto::ProcState::running) return error(c, w, m.header.id, m.header.seq, Status::not_found);
        if (!t->console || !consoles_.count(t->console)) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
        id = t->console;
    } else {
        // The console the parent recorded for us (CONSOLE_INHERIT).
        if (req.target || !p->console) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
        id = p->console;
        if (!consoles_.count(id)) {
            p->console = 0;
            return error(c, w, m.header.id, m.header.seq, Status::not_found);
        }
    }
    if (!hand_out(c, id)) return console_error(c, w, m, Status::unavailable);
    p->console = id;
    begin_reply<MsgId::CONSOLE_ATTACH>(w, m, {id, 0});
    w.finish();
    return After::keep;
}

After Dispatcher::on_CONSOLE_FREE(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleRequest>(m);
    Process* p = c.pid ? reg_.find_mut(c.pid) : nullptr;
    if (!p || req.target || req.flags || !p->console) return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    p->console = 0;
    reap_consoles();
    begin_reply<MsgId::CONSOLE_FREE>(w, m, {});
    w.finish();
    return After::keep;
}

After Dispatcher::on_CONSOLE_LIST(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleRequest>(m);
    const Process* p = c.pid ? reg_.find(c.pid) : nullptr;
    uint32_t id = req.target ? req.target : (p ? p->console : 0);
    if (req.flags || !id || !consoles_.count(id)) return error(c, w, m.header.id, m.header.seq, Status::not_found);
    std::vector<std::pair<uint64_t, uint32_t>> pids;  // (start time, pid): newest first
    for (auto it = reg_.upper_bound(0); it != reg_.end(); ++it)
        if (it->second.console == id && it->second.state == proto::ProcState::running)
            pids.emplace_back(it->second.start_time, it->first);
    std::sort(pids.begin(), pids.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second > b.second; });
    proto::ListReply rep{0, 0};
    begin_reply<MsgId::CONSOLE_LIST>(w, m, rep);
    for (auto& [t, pid] : pids) {
        if (w.room() < 4) {
            rep.more = 1;
            break;
        }
        w.fixed(pid);
        rep.count++;
    }
    auto out = w.finish();
    std::memcpy(const_cast<uint8_t*>(out.data()) + sizeof(proto::Header), &rep, sizeof rep);
    return After::keep;
}

After Dispatcher::on_CONSOLE_INHERIT(Conn& c, const wire::Parsed& m, wire::Writer& w) {
    auto req = wire::body_as<proto::ConsoleInheritRequest>(m);
    const Process* p = c.pid ? reg_.find(c.pid) : nullptr;
    if (!p || !req.console || p->console != req.console || !consoles_.count(req.console))
        return error(c, w, m.header.id, m.header.seq, Status::bad_state);
    Process* child = reg_.find_mut(req.child_pid);
    if (!child || !c.refs.count(req.child_pid) || child->state != proto::ProcState::reserved)
        return error(c, w, m.header.id, m.header.seq, Status::not_found);
    child->console = req.console;
    begin_reply<MsgId::CONSOLE_INHERIT>(w, m, {});
    w.finish();
    return After::keep;
}

void Dispatcher::connection_closed(Conn& c) {
    if (c.pid && !c.exit_reported) {
        const Process* p = reg_.find(c.pid);
        if (p && p->state == proto::ProcState::running) {
            uint32_t code = derive_(p->linux_pid);
            WR_WARN(csrss, "process {} (linux {}) gone without an exit report: exit code {:#x}", c.pid, p->linux_pid, code);
            reg_.set_exited(c.pid, code, false, now_());
        }
    }
    for (auto& [pid, n] : c.refs) reg_.release(pid, n);
    c.refs.clear();
    c.ref_total = 0;
    reap_consoles();
}

// ---- exit codes of processes that did not report -------------------------------------------------

uint32_t exit_code_from_wait_status(int status) {
    if (WIFEXITED(status)) return uint32_t(WEXITSTATUS(status));
    if (!WIFSIGNALED(status)) return proto::k_exit_code_killed;
    switch (WTERMSIG(status)) {
    case SIGINT:
    case SIGTERM:
    case SIGHUP:
    case SIGQUIT: return proto::STATUS_CONTROL_C_EXIT;   // what the default console ctrl handler exits with
    case SIGSEGV: return proto::STATUS_ACCESS_VIOLATION;
    case SIGBUS: return proto::STATUS_IN_PAGE_ERROR;
    case SIGILL: return proto::STATUS_ILLEGAL_INSTRUCTION;
    case SIGFPE: return proto::STATUS_INTEGER_DIVIDE_BY_ZERO;
    case SIGABRT: return 3;                               // msvcrt abort()
    default: return proto::k_exit_code_killed;            // SIGKILL and the rest: taskkill /F
    }
}

uint32_t derive_exit_code_from_proc(uint32_t linux_pid) {
    if (linux_pid == 0) return proto::k_exit_code_killed;
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%u/stat", linux_pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return proto::k_exit_code_killed;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return proto::k_exit_code_killed;
    buf[n] = 0;
    // "pid (comm) S ..." — comm may hold spaces and parentheses: fields start after the last ')'.
    char* rp = strrchr(buf, ')');
    if (!rp) return proto::k_exit_code_killed;
    char* f = rp + 1;
    // Field 3 is the state; field 52 the exit code (wait status) of a zombie.
    int field = 2;
    char state = 0;
    long exit_status = -1;
    for (char* tok = strtok(f, " \n"); tok; tok = strtok(nullptr, " \n")) {
        field++;
        if (field == 3) state = tok[0];
        if (field == 52) exit_status = strtol(tok, nullptr, 10);
    }
    if ((state != 'Z' && state != 'X') || exit_status < 0) return proto::k_exit_code_killed;
    return exit_code_from_wait_status(int(exit_status));
}

}  // namespace winrun::csrss::server
