#include "wire.h"

namespace winrun::csrss {

namespace proto {
const char* status_name(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::bad_version: return "protocol version mismatch";
    case Status::not_hello: return "message before HELLO";
    case Status::unknown_message: return "unknown message";
    case Status::bad_size: return "bad message size";
    case Status::bad_tail: return "malformed string tail";
    case Status::unexpected_fds: return "unexpected file descriptors";
    case Status::bad_state: return "request not valid in this state";
    case Status::not_found: return "no such process or thread";
    case Status::no_ids: return "no free process/thread id";
    case Status::too_many: return "per-connection limit reached";
    case Status::truncated: return "datagram too large";
    case Status::bad_fd: return "bad file descriptor";
    case Status::unavailable: return "unavailable";
    }
    return "unknown status";
}
}  // namespace proto

namespace wire {

void Writer::begin_raw(proto::MsgId id, uint32_t seq, proto::Status status) {
    buf_.clear();
    proto::Header h{};
    h.id = static_cast<uint16_t>(id);
    h.seq = seq;
    h.status = static_cast<uint32_t>(status);
    append(&h, sizeof h);
}

bool Writer::string(std::string_view s) {
    if (s.size() > UINT32_MAX || buf_.size() + 4 + s.size() > proto::k_max_datagram) return false;
    uint32_t n = uint32_t(s.size());
    append(&n, 4);
    append(s.data(), s.size());
    return true;
}

std::span<const uint8_t> Writer::finish() {
    uint32_t tail = uint32_t(buf_.size() - tail_start_);
    std::memcpy(buf_.data() + offsetof(proto::Header, tail_size), &tail, 4);
    return {buf_.data(), buf_.size()};
}

Result<proto::Header> parse_header(std::span<const uint8_t> d) {
    if (d.size() < sizeof(proto::Header)) return make_error("datagram shorter than the header");
    proto::Header h;
    std::memcpy(&h, d.data(), sizeof h);
    return h;
}

Result<Parsed> parse(std::span<const uint8_t> d, size_t body_size, size_t max_tail) {
    Parsed p{TRY(parse_header(d)), {}, {}};
    size_t fixed = sizeof(proto::Header) + body_size;
    if (d.size() < fixed) return make_error("datagram shorter than the message body");
    size_t tail = d.size() - fixed;
    if (tail > max_tail) return make_error("tail longer than the message allows");
    if (p.header.tail_size != tail) return make_error("tail_size does not match the datagram");
    p.body = d.subspan(sizeof(proto::Header), body_size);
    p.tail = d.subspan(fixed);
    return p;
}

Result<std::string_view> TailReader::string(uint32_t max_len) {
    if (t_.size() - pos_ < 4) return make_error("tail too short for a string length");
    uint32_t n;
    std::memcpy(&n, t_.data() + pos_, 4);
    if (n > max_len) return make_error("string longer than allowed");
    if (t_.size() - pos_ - 4 < n) return make_error("string runs past the tail");
    std::string_view s(reinterpret_cast<const char*>(t_.data() + pos_ + 4), n);
    if (!valid_utf8(s)) return make_error("string is not UTF-8");
    pos_ += 4 + size_t(n);
    return s;
}

bool valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size(), i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c == 0) return false;
        if (c < 0x80) { i++; continue; }
        size_t len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
        else return false;
        if (n - i < len) return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

std::string_view truncate_utf8(std::string_view s, size_t max) {
    if (s.size() <= max) return s;
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) n--;
    return s.substr(0, n);
}

}  // namespace wire
}  // namespace winrun::csrss
