// Building and reading csrssd datagrams. Every received byte goes through parse() and TailReader,
// which check every length against the datagram before reading (no unchecked offset anywhere).
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol.h"
#include "result.h"

namespace winrun::csrss::wire {

// Writes one datagram into `buf` (cleared first): header, body, then strings appended to the tail.
class Writer {
public:
    explicit Writer(std::vector<uint8_t>& buf) : buf_(buf) {}
    template <typename Body>
    void begin(proto::MsgId id, uint32_t seq, const Body& body, proto::Status status = proto::Status::ok) {
        begin_raw(id, seq, status);
        if constexpr (proto::k_body_size<Body> != 0) append(&body, sizeof body);
        tail_start_ = buf_.size();
    }
    // Appends raw fixed-size data to the tail (list entries).
    template <typename T>
    bool fixed(const T& v) {
        if (buf_.size() + sizeof v > proto::k_max_datagram) return false;
        append(&v, sizeof v);
        return true;
    }
    // Appends a u32 length + bytes. False (nothing appended) when it would not fit in a datagram.
    bool string(std::string_view s);
    // Room left in the datagram.
    size_t room() const { return proto::k_max_datagram - buf_.size(); }
    // Sets tail_size in the header; returns the finished datagram.
    std::span<const uint8_t> finish();

private:
    void begin_raw(proto::MsgId id, uint32_t seq, proto::Status status);
    void append(const void* p, size_t n) {
        auto* b = static_cast<const uint8_t*>(p);
        buf_.insert(buf_.end(), b, b + n);
    }
    std::vector<uint8_t>& buf_;
    size_t tail_start_ = 0;
};

// A datagram split into its parts, sizes checked against the given body size and tail bound.
struct Parsed {
    proto::Header header;
    std::span<const uint8_t> body;
    std::span<const uint8_t> tail;
};

// Only the header (id, seq): for messages whose id is not yet known to be valid.
Result<proto::Header> parse_header(std::span<const uint8_t> dgram);
// The whole datagram for a message with this body size and tail bound.
Result<Parsed> parse(std::span<const uint8_t> dgram, size_t body_size, size_t max_tail);

template <typename T>
T body_as(const Parsed& p) {
    T v{};
    if constexpr (proto::k_body_size<T> != 0) std::memcpy(&v, p.body.data(), sizeof v);  // size checked by parse
    return v;
}

// Reads the tail front to back; every read checks the remaining length first.
class TailReader {
public:
    explicit TailReader(std::span<const uint8_t> tail) : t_(tail) {}
    // A length-prefixed string of at most max_len bytes, valid UTF-8 without NUL.
    Result<std::string_view> string(uint32_t max_len);
    template <typename T>
    Result<T> fixed() {
        if (t_.size() - pos_ < sizeof(T)) return make_error("tail too short for a fixed record");
        T v;
        std::memcpy(&v, t_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    bool at_end() const { return pos_ == t_.size(); }

private:
    std::span<const uint8_t> t_;
    size_t pos_ = 0;
};

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF) with no NUL byte.
bool valid_utf8(std::string_view s);
// Cuts s to at most max bytes without splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view s, size_t max);

}  // namespace winrun::csrss::wire
