// Writes seed inputs for fuzz_dispatch (one valid session per file). Build with the same flags minus
// -fsanitize=fuzzer, plus -DMAKE_SEEDS_MAIN; run with the corpus directory as argument.
#include <cstdio>
#include <string>
#include <vector>

#include "wire.h"

using namespace winrun::csrss;
using proto::MsgId;

static void rec(std::vector<uint8_t>& out, uint8_t ctl, const std::vector<uint8_t>& m) {
    out.push_back(ctl);
    out.push_back(uint8_t(m.size()));
    out.push_back(uint8_t(m.size() >> 8));
    out.insert(out.end(), m.begin(), m.end());
}

template <typename B>
static std::vector<uint8_t> msg(MsgId id, const B& b, std::initializer_list<std::string_view> s = {}) {
    std::vector<uint8_t> buf;
    wire::Writer w(buf);
    w.begin(id, 1, b);
    for (auto x : s) w.string(x);
    w.finish();
    return buf;
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    std::vector<std::vector<uint8_t>> seeds(4);
    auto hello = msg(MsgId::HELLO, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
    rec(seeds[0], 0, hello);
    rec(seeds[0], 0, msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{0, 0, 0, 1}, {"C:\\a.exe", "a b"}));
    rec(seeds[0], 0, msg(MsgId::REGISTER_THREAD, proto::RegisterThreadRequest{2, 0}));
    rec(seeds[0], 0, msg(MsgId::LIST_PROCESSES, proto::ListRequest{0, 0}));
    rec(seeds[0], 0, msg(MsgId::LIST_THREADS, proto::ThreadListRequest{0, 0}));
    rec(seeds[0], 0, msg(MsgId::REPORT_EXIT, proto::ReportExitRequest{5, 0}));
    rec(seeds[1], 0x40, msg(MsgId::RESERVE_PID, proto::Empty{}));
    rec(seeds[1], 0x41, msg(MsgId::REGISTER_PROCESS, proto::RegisterProcessRequest{100, 1, 100, 1}, {"x", "y"}));
    rec(seeds[1], 0x00, msg(MsgId::OPEN_PROCESS, proto::PidRequest{104, 0}));
    rec(seeds[1], 0x21, msg(MsgId::QUERY_PROCESS, proto::PidRequest{104, 0}));
    rec(seeds[1], 0x00, msg(MsgId::CLOSE_PROCESS, proto::PidRequest{104, 0}));
    rec(seeds[2], 0x40, msg(MsgId::THREAD_EXIT, proto::ThreadExitRequest{104, 0}));
    rec(seeds[2], 0x42, msg(MsgId::HALT, proto::Empty{}));
    rec(seeds[3], 0x1C, hello);
    for (size_t i = 0; i < seeds.size(); i++) {
        std::string p = std::string(argv[1]) + "/seed" + std::to_string(i);
        FILE* f = fopen(p.c_str(), "wb");
        fwrite(seeds[i].data(), 1, seeds[i].size(), f);
        fclose(f);
    }
    return 0;
}
