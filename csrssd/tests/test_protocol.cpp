// The codec: round trips, bounds, UTF-8 checks, and the layout facts both sides rely on.
#include <catch2/catch.hpp>

#include <filesystem>

#include <fmt/format.h>

#include "protocol.h"
#include "session_path.h"
#include "wire.h"

using namespace winrun::csrss;
using proto::MsgId;

TEST_CASE("message list: ids dense, names, table facts") {
    REQUIRE(static_cast<int>(MsgId::count_) == 21);
    for (int id = 1; id < static_cast<int>(MsgId::count_); id++) REQUIRE(proto::message_name(uint16_t(id)) != nullptr);
    REQUIRE(proto::message_name(0) == nullptr);
    REQUIRE(proto::message_name(uint16_t(MsgId::count_)) == nullptr);
    REQUIRE(std::string(proto::Msg<MsgId::REGISTER_PROCESS>::name) == "REGISTER_PROCESS");
    REQUIRE(proto::k_body_size<proto::Empty> == 0);
    REQUIRE(proto::Msg<MsgId::REGISTER_PROCESS>::max_tail == 8 + proto::k_max_image_path + proto::k_max_command_line);
}

TEST_CASE("round trip: request with strings") {
    std::vector<uint8_t> buf;
    wire::Writer w(buf);
    proto::RegisterProcessRequest req{8, 0, 0, 1234};
    w.begin(MsgId::REGISTER_PROCESS, 77, req);
    REQUIRE(w.string("C:\\x\\héllo.exe"));
    REQUIRE(w.string(""));
    auto d = w.finish();
    auto p = wire::parse(d, sizeof req, proto::Msg<MsgId::REGISTER_PROCESS>::max_tail);
    REQUIRE(p.ok());
    REQUIRE(p->header.id == uint16_t(MsgId::REGISTER_PROCESS));
    REQUIRE(p->header.seq == 77);
    REQUIRE(p->header.tail_size == 4 + 15 + 4);
    auto back = wire::body_as<proto::RegisterProcessRequest>(p.value());
    REQUIRE(back.parent_pid == 8);
    REQUIRE(back.linux_tid == 1234);
    wire::TailReader t(p->tail);
    REQUIRE(t.string(100).value() == "C:\\x\\héllo.exe");
    REQUIRE(t.string(100).value() == "");
    REQUIRE(t.at_end());
    REQUIRE_FALSE(t.string(100).ok());
}

TEST_CASE("round trip: every fixed body") {
    std::vector<uint8_t> buf;
    wire::Writer w(buf);
#define RT_(id_, name_, req_, rep_, tail_)                                                         \
    {                                                                                              \
        proto::req_ body{};                                                                        \
        w.begin(MsgId::name_, id_ * 3, body);                                                      \
        auto d = w.finish();                                                                       \
        REQUIRE(d.size() == sizeof(proto::Header) + proto::k_body_size<proto::req_>);              \
        auto p = wire::parse(d, proto::k_body_size<proto::req_>, tail_);                           \
        REQUIRE(p.ok());                                                                           \
        REQUIRE(p->header.seq == id_ * 3);                                                         \
        proto::rep_ rbody{};                                                                       \
        w.begin(MsgId::name_, 5, rbody, proto::Status::ok);                                        \
        auto r = w.finish();                                                                       \
        REQUIRE(wire::parse(r, proto::k_body_size<proto::rep_>, 0).ok());                          \
    }
    CSRSS_MESSAGES(RT_)
#undef RT_
}

TEST_CASE("parse refuses short, long and inconsistent datagrams") {
    std::vector<uint8_t> buf;
    wire::Writer w(buf);
    w.begin(MsgId::HELLO, 1, proto::HelloRequest{proto::k_hello_magic, proto::k_version});
    auto d = w.finish();
    REQUIRE(wire::parse(d, 8, 0).ok());
    REQUIRE_FALSE(wire::parse(d.first(15), 8, 0).ok());  // shorter than the header
    REQUIRE_FALSE(wire::parse(d.first(20), 8, 0).ok());  // shorter than the body
    std::vector<uint8_t> longer(d.begin(), d.end());
    longer.push_back(0);
    REQUIRE_FALSE(wire::parse(longer, 8, 0).ok());       // tail where none is allowed
    REQUIRE_FALSE(wire::parse(longer, 8, 16).ok());      // tail_size says 0, datagram has 1
    longer[12] = 1;
    REQUIRE(wire::parse(longer, 8, 16).ok());
}

TEST_CASE("tail reader bounds") {
    SECTION("length beyond the tail") {
        uint8_t t[] = {10, 0, 0, 0, 'a', 'b'};
        wire::TailReader r({t, sizeof t});
        REQUIRE_FALSE(r.string(100).ok());
    }
    SECTION("length over the bound") {
        uint8_t t[] = {2, 0, 0, 0, 'a', 'b'};
        wire::TailReader r({t, sizeof t});
        REQUIRE_FALSE(r.string(1).ok());
    }
    SECTION("huge length does not overflow") {
        uint8_t t[] = {0xFF, 0xFF, 0xFF, 0xFF, 'a'};
        wire::TailReader r({t, sizeof t});
        REQUIRE_FALSE(r.string(0xFFFFFFFF).ok());
    }
    SECTION("short length field") {
        uint8_t t[] = {1, 0};
        wire::TailReader r({t, sizeof t});
        REQUIRE_FALSE(r.string(10).ok());
    }
    SECTION("fixed record") {
        uint8_t t[47] = {};
        wire::TailReader r({t, sizeof t});
        REQUIRE_FALSE(r.fixed<proto::ProcessInfo>().ok());
    }
}

TEST_CASE("UTF-8 validation and truncation") {
    REQUIRE(wire::valid_utf8("plain"));
    REQUIRE(wire::valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
    REQUIRE_FALSE(wire::valid_utf8(std::string_view("a\0b", 3)));  // NUL
    REQUIRE_FALSE(wire::valid_utf8("\xC0\xAF"));                    // overlong
    REQUIRE_FALSE(wire::valid_utf8("\xE0\x80\xAF"));                // overlong
    REQUIRE_FALSE(wire::valid_utf8("\xED\xA0\x80"));                // surrogate
    REQUIRE_FALSE(wire::valid_utf8("\xF4\x90\x80\x80"));            // > U+10FFFF
    REQUIRE_FALSE(wire::valid_utf8("\xE2\x82"));                    // cut
    REQUIRE_FALSE(wire::valid_utf8("\x80"));
    REQUIRE(wire::truncate_utf8("h\xC3\xA9", 2) == "h");
    REQUIRE(wire::truncate_utf8("h\xC3\xA9", 3) == "h\xC3\xA9");
    REQUIRE(wire::truncate_utf8("abc", 2) == "ab");
}

TEST_CASE("writer refuses what does not fit a datagram") {
    std::vector<uint8_t> buf;
    wire::Writer w(buf);
    w.begin(MsgId::REGISTER_PROCESS, 1, proto::RegisterProcessRequest{});
    std::string big(proto::k_max_datagram, 'x');
    REQUIRE_FALSE(w.string(big));
    REQUIRE(w.string(std::string(1000, 'y')));
}

TEST_CASE("prefix path normalisation matches std::filesystem (the session key must not change)") {
    auto reference = [](const std::string& p) {
        std::error_code ec;
        auto abs = std::filesystem::absolute(p, ec);
        std::string out = (ec ? std::filesystem::path(p) : abs).lexically_normal().string();
        while (out.size() > 1 && out.back() == '/') out.pop_back();
        return out;
    };
    for (const char* p : {"/", "//", "/a", "/a/", "/a//b///", "/a/./b/.", "/a/../b", "/../a", "/a/b/../../..", "/a/b/..",
                          "/a/.../b", "/a/..b/c.", "/home/u/.local/share/winrun", "rel", "rel/../x", "./a/b/", "../up",
                          "a/../../b", ".", "/tmp/x y/ü/"}) {
        INFO(p);
        REQUIRE(winrun::csrss::normalize_path(p) == reference(p));
    }
    REQUIRE(winrun::csrss::prefix_key("/home/u/.local/share/winrun") ==
            fmt::format("{:016x}", [] {
                uint64_t h = 0xcbf29ce484222325ull;
                for (unsigned char c : std::string("/home/u/.local/share/winrun")) h = (h ^ c) * 0x100000001b3ull;
                return h;
            }()));
}
