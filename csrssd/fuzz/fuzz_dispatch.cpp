// libFuzzer target: the csrssd decoder + dispatcher + registry, over several connections.
// Build (manually, clang):
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -DFMT_HEADER_ONLY \
//     -I common -I csrssd -I sxs -I loader csrssd/fuzz/fuzz_dispatch.cpp csrssd/wire.cpp \
//     csrssd/server/registry.cpp csrssd/server/dispatcher.cpp common/log.cpp common/unicode.cpp \
//     sxs/manifest.cpp sxs/resolver.cpp loader/pe/pe_image.cpp loader/pe/pe_resource.cpp -lpugixml -o fuzz_csrss
//   ./fuzz_csrss -max_len=4096 csrssd/fuzz/corpus
// Input: records of { u8 control, u16 length, bytes[length] }.
//   control bits 0-1: connection (0-3); bit 2: "kernel truncated"; bits 3-4: fds attached;
//   bit 5: close the connection after this record; bit 6: send a valid HELLO first.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "server/dispatcher.h"
#include "wire.h"

using namespace winrun::csrss;
using namespace winrun::csrss::server;

namespace {
uint64_t fake_now() { return 1; }
uint32_t fake_derive(uint32_t) { return proto::k_exit_code_killed; }

void check_reply(const std::vector<uint8_t>& reply, const std::vector<uint8_t>& req) {
    if (reply.empty()) return;
    if (reply.size() < sizeof(proto::Header) || reply.size() > proto::k_max_datagram) abort();
    proto::Header rh, qh;
    std::memcpy(&rh, reply.data(), sizeof rh);
    if (reply.size() - sizeof(proto::Header) < rh.tail_size) abort();
    if (req.size() >= sizeof(proto::Header)) {
        std::memcpy(&qh, req.data(), sizeof qh);
        if (rh.id != qh.id || rh.seq != qh.seq) abort();
    }
}

void check_registry(const Registry& reg) {
    size_t ids = 0;
    for (auto it = reg.upper_bound(0); it != reg.end(); ++it) {
        const Process& p = it->second;
        if (p.pid % 4 != 0 || p.pid == 0) abort();
        ids += 1 + p.threads.size();
        for (const auto& t : p.threads)
            if (t.tid % 4 != 0) abort();
    }
    if (ids != reg.id_count()) abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Registry reg;
    Dispatcher disp(reg, {1, 2}, fake_derive, fake_now);
    Conn conns[4];
    for (int i = 0; i < 4; i++) conns[i].id = uint64_t(i + 1), conns[i].peer_pid = uint32_t(100 + i);
    std::vector<uint8_t> reply, msg;
    size_t pos = 0;
    while (size - pos >= 3) {
        uint8_t ctl = data[pos];
        size_t len = size_t(data[pos + 1]) | size_t(data[pos + 2]) << 8;
        pos += 3;
        if (len > size - pos) len = size - pos;
        Conn& c = conns[ctl & 3];
        if (ctl & 0x40) {
            std::vector<uint8_t> h;
            wire::Writer w(h);
            w.begin(proto::MsgId::HELLO, 0, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
            w.finish();
            disp.dispatch(c, h, 0, false, reply);
        }
        msg.assign(data + pos, data + pos + len);
        pos += len;
        After a = disp.dispatch(c, msg, (ctl >> 3) & 3, (ctl & 4) != 0, reply);
        check_reply(reply, msg);
        if (a != After::keep || (ctl & 0x20)) {
            disp.connection_closed(c);
            uint64_t id = c.id;
            uint32_t peer = c.peer_pid;
            c = Conn{};
            c.id = id + 4;
            c.peer_pid = peer;
        }
        check_registry(reg);
    }
    for (auto& c : conns) disp.connection_closed(c);
    check_registry(reg);
    // Everything released: nothing may survive without a connection.
    if (reg.process_count() != 0 || reg.id_count() != 0) abort();
    return 0;
}
