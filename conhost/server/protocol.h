// The console protocol between kernel32 (client) and winrun-conhost, declared once. Transport: a
// Unix SOCK_SEQPACKET socket pair, one request = one datagram, one reply each, in order. A request
// is a Request header + payload; a reply is a Reply header + payload.
//
// Asynchronous requests (flags & k_async; only WRITE today) get no reply. A process sends them all
// on one connection of its own; every synchronous request carries in arg[5] how many asynchronous
// requests the process had sent before it (the fence), and conhost handles those first, so a
// GetConsoleScreenBufferInfo after a WriteConsole sees the write whatever connection it goes on.
// An asynchronous request that fails is reported once, in val[4] of the process's next reply. The ops list is one X-macro;
// APPEND new ops at the end and bump k_version. Payloads are the Windows structures of types.h as
// they are (both sides are on one machine). NEW_CONNECTION's reply carries one fd (SCM_RIGHTS):
// another connection to the same console, so that a blocking read on one thread does not hold up
// writes from another.
#pragma once
#include <cstddef>
#include <cstdint>

#include "model/types.h"

namespace winrun::con::proto {

inline constexpr uint32_t k_version = 2;
inline constexpr uint16_t k_async = 1;  // Request::flags: no reply
inline constexpr size_t k_max_datagram = 64 * 1024;

struct Request {
    uint16_t op;
    uint16_t flags;     // k_async
    uint32_t handle;    // screen buffer id, 0 for the input buffer
    uint32_t arg[6];    // arg[5]: the fence (asynchronous requests sent before this one)
};
static_assert(sizeof(Request) == 32);

struct Reply {
    uint32_t error;     // a Windows error code, 0 = success
    uint32_t val[5];    // val[4]: an earlier asynchronous request's error, reported once
};
static_assert(sizeof(Reply) == 24);
inline constexpr size_t k_max_payload = k_max_datagram - sizeof(Request);

// CONSOLE_SCREEN_BUFFER_INFO plus what the Ex variant and the cursor calls need.
struct BufferInfo {
    CONSOLE_SCREEN_BUFFER_INFO sbi;
    uint16_t reserved;
    uint32_t cursor_size;
    uint32_t cursor_visible;
    uint32_t mode;
};
static_assert(sizeof(BufferInfo) == 36);

struct ScrollArgs {
    SMALL_RECT src;
    SMALL_RECT clip;
    COORD dest;
    CHAR_INFO fill;
    uint32_t has_clip;
};
static_assert(sizeof(ScrollArgs) == 28);

// X(op, NAME): arguments in comments (a = arg[], h = handle), results in val[] / payload.
#define CONHOST_OPS(X)                                                                               \
    X(1, HELLO)            /* a0 version, a1 win pid, a2 linux pid, a3 process group -> v0 active buffer */ \
    X(2, NEW_CONNECTION)   /* -> fd */                                                              \
    X(3, WAIT_CTRL)        /* blocks -> v0 event */                                                 \
    X(4, GET_MODE)         /* h -> v0 mode */                                                       \
    X(5, SET_MODE)         /* h, a0 mode */                                                         \
    X(6, WRITE)            /* h, payload UTF-16 -> v0 units */                                      \
    X(7, READ_CONSOLE)     /* a0 max units; blocks -> payload UTF-16 */                             \
    X(8, READ_INPUT)       /* a0 max records, a1 flags (1 peek, 2 no wait) -> payload INPUT_RECORDs */ \
    X(9, WRITE_INPUT)      /* payload INPUT_RECORDs -> v0 count */                                  \
    X(10, FLUSH_INPUT)                                                                              \
    X(11, NUM_EVENTS)      /* -> v0 */                                                              \
    X(12, GET_INFO)        /* h -> payload BufferInfo */                                            \
    X(13, SET_SIZE)        /* h, a0 x, a1 y */                                                      \
    X(14, SET_WINDOW)      /* h, a0 absolute, payload SMALL_RECT */                                 \
    X(15, SET_CURSOR)      /* h, a0 x, a1 y */                                                      \
    X(16, SET_CURSOR_INFO) /* h, a0 size, a1 visible */                                             \
    X(17, SET_ATTR)        /* h, a0 attributes */                                                   \
    X(18, FILL)            /* h, a0 kind (0 char, 1 attr), a1 value, a2 x, a3 y, a4 n -> v0 n */    \
    X(19, WRITE_CELLS)     /* h, a0 kind, a2 x, a3 y, payload u16[] -> v0 n */                      \
    X(20, READ_CELLS)      /* h, a0 kind, a2 x, a3 y, a4 n -> payload u16[] */                      \
    X(21, WRITE_BLOCK)     /* h, a0 size x, a1 size y, a2 from x, a3 from y, payload SMALL_RECT + CHAR_INFO[] -> payload SMALL_RECT */ \
    X(22, READ_BLOCK)      /* same, payload SMALL_RECT -> payload SMALL_RECT + CHAR_INFO[] */       \
    X(23, SCROLL)          /* h, payload ScrollArgs */                                              \
    X(24, CREATE_BUFFER)   /* -> v0 id */                                                           \
    X(25, SET_ACTIVE)      /* h */                                                                  \
    X(26, CLOSE_BUFFER)    /* h */                                                                  \
    X(27, GET_TITLE)       /* -> payload UTF-16 */                                                  \
    X(28, SET_TITLE)       /* payload UTF-16 */                                                     \
    X(29, GET_CP)          /* a0 0 input, 1 output -> v0 */                                         \
    X(30, SET_CP)          /* a0 which, a1 cp */                                                    \
    X(31, PROCESS_LIST)    /* -> payload u32 pids, most recent first */                             \
    X(32, CTRL_EVENT)      /* a0 event, a1 group (0: all) */                                        \
    X(33, GET_LARGEST)     /* -> v0 x, v1 y */

enum class Op : uint16_t {
    invalid = 0,
#define CONHOST_ENUM_(id, name) name = id,
    CONHOST_OPS(CONHOST_ENUM_)
#undef CONHOST_ENUM_
    count_
};

inline const char* op_name(uint16_t op) {
    switch (op) {
#define CONHOST_NAME_(id, name) \
    case id: return #name;
        CONHOST_OPS(CONHOST_NAME_)
#undef CONHOST_NAME_
    }
    return "?";
}

}  // namespace winrun::con::proto
