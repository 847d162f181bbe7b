#include "server.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace winrun::con {

namespace {
// Windows error codes the server answers with.
constexpr uint32_t ERROR_INVALID_FUNCTION = 1, ERROR_INVALID_HANDLE = 6, ERROR_NOT_ENOUGH_MEMORY = 8,
                   ERROR_INVALID_PARAMETER = 87;

template <typename T>
bool payload_as(const uint8_t* p, size_t len, T& out) {
    if (len < sizeof(T)) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
}
}  // namespace

Server::Server(Console& con, FrontEnd& fe) : con_(con), fe_(fe) {
    con_.on_ctrl = [this](uint32_t ev) { ctrl_event(ev, 0); };
}

void Server::add_connection(int fd) { conns_[fd].fd = fd; }

ScreenBuffer* Server::buffer(uint32_t id) {
    auto it = con_.buffers.find(id);
    return it == con_.buffers.end() ? nullptr : it->second.get();
}

void Server::send_reply(Conn& c, const proto::Reply& r0, const void* payload, size_t len, int fd) {
    proto::Reply r = r0;
    if (async_) {  // no reply; a failure waits for the process's next reply
        auto p = procs_.find(async_pid_);
        if (r.error && p != procs_.end() && !p->second.async_error) p->second.async_error = r.error;
        return;
    }
    if (auto p = procs_.find(c.pid); p != procs_.end() && p->second.async_error) {
        r.val[4] = p->second.async_error;
        p->second.async_error = 0;
    }
    uint8_t buf[proto::k_max_datagram];
    len = std::min(len, sizeof buf - sizeof r);
    std::memcpy(buf, &r, sizeof r);
    if (len) std::memcpy(buf + sizeof r, payload, len);
    iovec iov{buf, sizeof r + len};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        cmsghdr* cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    }
    // A client that does not read its replies blocks only itself: the socket is blocking, but a
    // client always waits for the reply of its one outstanding request.
    while (sendmsg(c.fd, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR) {}
}

void Server::ctrl_event(uint32_t event, uint32_t group) {
    for (auto& [pid, p] : procs_)
        if (group == 0 || p.group == group) p.events.push_back(event);
    complete_pending();
}

void Server::close_conn(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    if (it->second.pid) {
        auto p = procs_.find(it->second.pid);
        if (p != procs_.end() && p->second.async_fd == fd) p->second.async_fd = -1;
        if (p != procs_.end() && --p->second.connections <= 0) {
            procs_.erase(p);
            attach_order_.erase(std::remove(attach_order_.begin(), attach_order_.end(), it->second.pid), attach_order_.end());
        }
    }
    // A cooked read whose reader went away is abandoned; what was typed stays on the screen.
    if (it->second.pending && it->second.req.op == uint16_t(proto::Op::READ_CONSOLE)) cooked_.reset();
    close(fd);
    conns_.erase(it);
}

bool Server::try_complete(Conn& c) {
    const proto::Request& rq = c.req;
    switch (proto::Op(rq.op)) {
    case proto::Op::WAIT_CTRL: {
        auto p = procs_.find(c.pid);
        if (p == procs_.end() || p->second.events.empty()) return false;
        uint32_t ev = p->second.events.front();
        p->second.events.pop_front();
        send_reply(c, proto::Reply{0, {ev}});
        return true;
    }
    case proto::Op::READ_INPUT: {
        if (con_.input.empty()) return false;
        std::vector<INPUT_RECORD> recs(std::min<size_t>(rq.arg[0], proto::k_max_payload / sizeof(INPUT_RECORD)));
        size_t n = (rq.arg[1] & 1) ? con_.input.peek(recs.data(), recs.size()) : con_.input.read(recs.data(), recs.size());
        send_reply(c, proto::Reply{0, {uint32_t(n)}}, recs.data(), n * sizeof(INPUT_RECORD));
        return true;
    }
    case proto::Op::READ_CONSOLE: {
        size_t max = std::min<size_t>(rq.arg[0], proto::k_max_payload / 2);
        if (leftover_.empty()) {
            if (con_.input_mode & ENABLE_LINE_INPUT) {
                ScreenBuffer& sb = con_.active_buffer();
                if (!cooked_)
                    cooked_ = std::make_unique<CookedRead>((con_.input_mode & ENABLE_ECHO_INPUT) ? &sb : nullptr, con_.history,
                                                           con_.input_mode & ENABLE_INSERT_MODE,
                                                           con_.input_mode & ENABLE_PROCESSED_INPUT);
                KEY_EVENT_RECORD k;
                bool done = false;
                while (!done && con_.input.next_key(k))
                    for (int i = 0; i < std::max<int>(1, k.wRepeatCount) && !done; i++) done = cooked_->key(k);
                if (!done) return false;
                leftover_ = cooked_->result();
                cooked_.reset();
            } else {
                // Raw: whatever characters are queued, at least one.
                if (!con_.input.has_char()) return false;
                KEY_EVENT_RECORD k;
                while (leftover_.size() < max && con_.input.has_char() && con_.input.next_key(k))
                    if (k.uChar) leftover_.append(std::max<int>(1, k.wRepeatCount), k.uChar);
            }
        }
        size_t n = std::min(max, leftover_.size());
        send_reply(c, proto::Reply{0, {uint32_t(n)}}, leftover_.data(), n * 2);
        leftover_.erase(0, n);
        return true;
    }
    default: return true;
    }
}

void Server::complete_pending() {
    // Oldest connections first would be fairer; a map by fd is close enough for a console.
    for (auto& [fd, c] : conns_)
        if (c.pending && try_complete(c)) c.pending = false;
}

void Server::handle(Conn& c, const proto::Request& rq, const uint8_t* pl, size_t len) {
    using proto::Op;
    auto ok = [&](uint32_t v0 = 0, uint32_t v1 = 0) { send_reply(c, proto::Reply{0, {v0, v1}}); };
    ScreenBuffer* sb = buffer(rq.handle);
    auto need_sb = [&] {
        if (!sb) reply_error(c, ERROR_INVALID_HANDLE);
        return sb != nullptr;
    };
    switch (Op(rq.op)) {
    case Op::SET_CURSOR: case Op::FILL: case Op::WRITE_CELLS: case Op::WRITE_BLOCK: case Op::SCROLL: case Op::CREATE_BUFFER:
    case Op::SET_ACTIVE: case Op::SET_SIZE: case Op::SET_WINDOW:
        fe_.screen_request(con_);  // the program draws: a terminal goes full-screen (terminal.h)
        break;
    default: break;
    }
    switch (Op(rq.op)) {
    case Op::HELLO: {
        if (rq.arg[0] != proto::k_version) return reply_error(c, ERROR_INVALID_PARAMETER);
        c.pid = rq.arg[1];
        Process& p = procs_[c.pid];
        if (p.connections++ == 0) {
            p.linux_pid = rq.arg[2];
            p.group = rq.arg[3];
            attach_order_.push_back(c.pid);
        }
        return ok(con_.active);
    }
    case Op::NEW_CONNECTION: {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return reply_error(c, ERROR_NOT_ENOUGH_MEMORY);
        add_connection(sv[0]);
        // The new connection belongs to the same process (it keeps the process attached too).
        conns_[sv[0]].pid = c.pid;
        if (c.pid) procs_[c.pid].connections++;
        send_reply(c, proto::Reply{0, {}}, nullptr, 0, sv[1]);
        close(sv[1]);
        return;
    }
    case Op::WAIT_CTRL:
    case Op::READ_CONSOLE:
    case Op::READ_INPUT:
        c.req = rq;
        if (Op(rq.op) == Op::READ_INPUT && con_.input.empty() && (rq.arg[1] & 2)) return ok(0);
        if (!try_complete(c)) c.pending = true;
        return;
    case Op::GET_MODE:
        if (rq.handle == 0) return ok(con_.input_mode);
        return need_sb() ? ok(sb->mode) : void();
    case Op::SET_MODE:
        if (rq.handle == 0) {
            con_.input_mode = rq.arg[0] & k_input_mode_mask;
            return ok();
        }
        if (!need_sb()) return;
        if (rq.arg[0] & ~k_output_mode_mask) return reply_error(c, ERROR_INVALID_PARAMETER);
        sb->mode = rq.arg[0];
        return ok();
    case Op::WRITE:
        if (!need_sb()) return;
        sb->write(std::u16string_view(reinterpret_cast<const char16_t*>(pl), len / 2));
        return ok(uint32_t(len / 2));
    case Op::WRITE_INPUT: {
        size_t n = len / sizeof(INPUT_RECORD);
        std::vector<INPUT_RECORD> recs(n);
        std::memcpy(recs.data(), pl, n * sizeof(INPUT_RECORD));
        con_.input.write(recs.data(), n);
        ok(uint32_t(n));
        complete_pending();
        return;
    }
    case Op::FLUSH_INPUT: con_.input.flush(); return ok();
    case Op::NUM_EVENTS: return ok(uint32_t(con_.input.count()));
    case Op::GET_INFO: {
        if (!need_sb()) return;
        proto::BufferInfo bi{};
        bi.sbi.dwSize = COORD{int16_t(sb->width()), int16_t(sb->height())};
        bi.sbi.dwCursorPosition = sb->cursor();
        bi.sbi.wAttributes = sb->attributes;
        bi.sbi.srWindow = sb->window();
        bi.sbi.dwMaximumWindowSize = COORD{int16_t(std::min(sb->width(), std::max(con_.cols, 1))),
                                           int16_t(std::min(sb->height(), std::max(con_.rows, 1)))};
        bi.cursor_size = sb->cursor_size;
        bi.cursor_visible = sb->cursor_visible;
        bi.mode = sb->mode;
        return send_reply(c, proto::Reply{}, &bi, sizeof bi);
    }
    case Op::SET_SIZE:
        if (!need_sb()) return;
        return sb->resize(int16_t(rq.arg[0]), int16_t(rq.arg[1])) ? ok() : reply_error(c, ERROR_INVALID_PARAMETER);
    case Op::SET_WINDOW: {
        SMALL_RECT r;
        if (!need_sb()) return;
        if (!payload_as(pl, len, r)) return reply_error(c, ERROR_INVALID_PARAMETER);
        if (!rq.arg[0]) {
            SMALL_RECT w = sb->window();
            r = SMALL_RECT{int16_t(w.Left + r.Left), int16_t(w.Top + r.Top), int16_t(w.Right + r.Right),
                           int16_t(w.Bottom + r.Bottom)};
        }
        return sb->set_window(r) ? ok() : reply_error(c, ERROR_INVALID_PARAMETER);
    }
    case Op::SET_CURSOR:
        if (!need_sb()) return;
        return sb->set_cursor(COORD{int16_t(rq.arg[0]), int16_t(rq.arg[1])}) ? ok() : reply_error(c, ERROR_INVALID_PARAMETER);
    case Op::SET_CURSOR_INFO:
        if (!need_sb()) return;
        if (rq.arg[0] < 1 || rq.arg[0] > 100) return reply_error(c, ERROR_INVALID_PARAMETER);
        sb->cursor_size = rq.arg[0];
        sb->cursor_visible = rq.arg[1] != 0;
        return ok();
    case Op::SET_ATTR:
        if (!need_sb()) return;
        sb->attributes = uint16_t(rq.arg[0]);
        return ok();
    case Op::FILL: {
        if (!need_sb()) return;
        COORD at{int16_t(rq.arg[2]), int16_t(rq.arg[3])};
        size_t n = rq.arg[0] == 0 ? sb->fill_chars(at, char16_t(rq.arg[1]), rq.arg[4]) : sb->fill_attrs(at, uint16_t(rq.arg[1]), rq.arg[4]);
        return ok(uint32_t(n));
    }
    case Op::WRITE_CELLS: {
        if (!need_sb()) return;
        COORD at{int16_t(rq.arg[2]), int16_t(rq.arg[3])};
        std::vector<uint16_t> v(len / 2);
        std::memcpy(v.data(), pl, v.size() * 2);
        size_t n = rq.arg[0] == 0 ? sb->write_chars(at, std::u16string_view(reinterpret_cast<const char16_t*>(v.data()), v.size()))
                                  : sb->write_attrs(at, v.data(), v.size());
        return ok(uint32_t(n));
    }
    case Op::READ_CELLS: {
        if (!need_sb()) return;
        COORD at{int16_t(rq.arg[2]), int16_t(rq.arg[3])};
        std::vector<uint16_t> v(std::min<size_t>(rq.arg[4], proto::k_max_payload / 2));
        size_t n = rq.arg[0] == 0 ? sb->read_chars(at, reinterpret_cast<char16_t*>(v.data()), v.size()) : sb->read_attrs(at, v.data(), v.size());
        return send_reply(c, proto::Reply{0, {uint32_t(n)}}, v.data(), n * 2);
    }
    case Op::WRITE_BLOCK:
    case Op::READ_BLOCK: {
        if (!need_sb()) return;
        SMALL_RECT r;
        COORD size{int16_t(rq.arg[0]), int16_t(rq.arg[1])}, from{int16_t(rq.arg[2]), int16_t(rq.arg[3])};
        size_t cells = size_t(std::max<int>(size.X, 0)) * std::max<int>(size.Y, 0);
        if (!payload_as(pl, len, r) || size.X <= 0 || size.Y <= 0 || cells * sizeof(CHAR_INFO) + sizeof r > proto::k_max_payload)
            return reply_error(c, ERROR_INVALID_PARAMETER);
        std::vector<CHAR_INFO> block(cells);
        if (Op(rq.op) == Op::WRITE_BLOCK) {
            if (len < sizeof r + cells * sizeof(CHAR_INFO)) return reply_error(c, ERROR_INVALID_PARAMETER);
            std::memcpy(block.data(), pl + sizeof r, cells * sizeof(CHAR_INFO));
            sb->write_block(block.data(), size, from, r);
            return send_reply(c, proto::Reply{}, &r, sizeof r);
        }
        sb->read_block(block.data(), size, from, r);
        std::vector<uint8_t> out(sizeof r + cells * sizeof(CHAR_INFO));
        std::memcpy(out.data(), &r, sizeof r);
        std::memcpy(out.data() + sizeof r, block.data(), cells * sizeof(CHAR_INFO));
        return send_reply(c, proto::Reply{}, out.data(), out.size());
    }
    case Op::SCROLL: {
        proto::ScrollArgs a;
        if (!need_sb()) return;
        if (!payload_as(pl, len, a)) return reply_error(c, ERROR_INVALID_PARAMETER);
        return sb->scroll(a.src, a.has_clip ? &a.clip : nullptr, a.dest, a.fill) ? ok() : reply_error(c, ERROR_INVALID_PARAMETER);
    }
    case Op::CREATE_BUFFER: return ok(con_.create_buffer());
    case Op::SET_ACTIVE:
        if (!need_sb()) return;
        con_.active = rq.handle;
        return ok();
    case Op::CLOSE_BUFFER:
        // The buffer the console started with, and the active one, stay.
        if (rq.handle != 1 && rq.handle != con_.active) con_.buffers.erase(rq.handle);
        return ok();
    case Op::GET_TITLE: return send_reply(c, proto::Reply{0, {uint32_t(con_.title.size())}}, con_.title.data(), con_.title.size() * 2);
    case Op::SET_TITLE:
        con_.title.assign(reinterpret_cast<const char16_t*>(pl), len / 2);
        if (con_.on_title) con_.on_title();
        return ok();
    case Op::GET_CP: return ok(rq.arg[0] ? con_.output_cp : con_.input_cp);
    case Op::SET_CP:
        (rq.arg[0] ? con_.output_cp : con_.input_cp) = rq.arg[1];
        return ok();
    case Op::PROCESS_LIST: {
        std::vector<uint32_t> pids(attach_order_.rbegin(), attach_order_.rend());
        return send_reply(c, proto::Reply{0, {uint32_t(pids.size())}}, pids.data(), pids.size() * 4);
    }
    case Op::CTRL_EVENT:
        ok();
        ctrl_event(rq.arg[0], rq.arg[1]);
        return;
    case Op::GET_LARGEST: return ok(uint32_t(std::max(con_.cols, 1)), uint32_t(std::max(con_.rows, 1)));
    default: return reply_error(c, ERROR_INVALID_FUNCTION);
    }
}

bool Server::receive(Conn& c, const uint8_t* data, ssize_t n) {
    if (n < ssize_t(sizeof(proto::Request))) return false;
    proto::Request rq;
    std::memcpy(&rq, data, sizeof rq);
    const uint8_t* pl = data + sizeof rq;
    size_t len = size_t(n) - sizeof rq;
    if (rq.flags & proto::k_async) {
        // Only output goes without a reply (a request that answers something cannot).
        if (proto::Op(rq.op) != proto::Op::WRITE || !c.pid) return false;
        Process& p = procs_[c.pid];
        p.async_fd = c.fd;
        p.async_done++;
        async_ = true;
        async_pid_ = c.pid;
        handle(c, rq, pl, len);
        async_ = false;
        return true;
    }
    if (c.pid) {
        auto p = procs_.find(c.pid);
        if (p != procs_.end() && int32_t(rq.arg[5] - p->second.async_done) > 0) {
            // Copy: draining reuses no buffer of ours, but `data` may be the caller's.
            std::vector<uint8_t> keep(data, data + n);
            drain_async(c.pid, rq.arg[5]);
            handle(c, rq, keep.data() + sizeof rq, len);
            return true;
        }
    }
    handle(c, rq, pl, len);
    return true;
}

void Server::drain_async(uint32_t pid, uint32_t fence) {
    std::vector<uint8_t> buf(proto::k_max_datagram);
    for (;;) {
        auto p = procs_.find(pid);
        if (p == procs_.end() || p->second.async_fd < 0 || int32_t(fence - p->second.async_done) <= 0) return;
        auto it = conns_.find(p->second.async_fd);
        if (it == conns_.end()) return;
        ssize_t n = recv(it->first, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // not there (cannot happen) or closed: the poll loop sees to it
        proto::Request rq;
        if (n < ssize_t(sizeof rq)) return;
        std::memcpy(&rq, buf.data(), sizeof rq);
        if (!(rq.flags & proto::k_async)) {
            // A synchronous request on the asynchronous connection is handled in its turn.
            receive(it->second, buf.data(), n);
            continue;
        }
        receive(it->second, buf.data(), n);
    }
}

int Server::run() {
    std::vector<uint8_t> buf(proto::k_max_datagram);
    while (!conns_.empty()) {
        std::vector<pollfd> pfds;
        for (auto& [fd, c] : conns_) pfds.push_back(pollfd{fd, short(c.pending ? POLLRDHUP : POLLIN), 0});
        if (fe_.input_fd() >= 0) pfds.push_back(pollfd{fe_.input_fd(), POLLIN, 0});
        // SIGWINCH (blocked otherwise by a terminal front end) interrupts the wait only.
        sigset_t mask;
        sigprocmask(SIG_SETMASK, nullptr, &mask);
        sigdelset(&mask, SIGWINCH);
        if (ppoll(pfds.data(), pfds.size(), nullptr, &mask) < 0) {
            if (errno == EINTR) {
                fe_.read_input(con_);  // a signal (SIGWINCH) may have something for the front end
                complete_pending();
                fe_.present(con_);
                continue;
            }
            return 1;
        }
        for (auto& p : pfds) {
            if (!p.revents) continue;
            if (p.fd == fe_.input_fd()) {
                fe_.read_input(con_);
                complete_pending();
                continue;
            }
            auto it = conns_.find(p.fd);
            if (it == conns_.end()) continue;
            Conn& c = it->second;
            if (c.pending) {  // a reader that hung up while waiting
                if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) close_conn(p.fd);
                continue;
            }
            // Several requests per wake-up: a program writing lines sends them back to back.
            for (int i = 0; i < 256; i++) {
                ssize_t n = recv(p.fd, buf.data(), buf.size(), MSG_DONTWAIT);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (!receive(c, buf.data(), n)) {
                    close_conn(p.fd);
                    break;
                }
                if (c.pending) break;
            }
        }
        fe_.present(con_);
    }
    return 0;
}

}  // namespace winrun::con
