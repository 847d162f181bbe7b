// The console server: one poll loop over the client connections (SOCK_SEQPACKET, protocol.h) and
// the front end's input. Requests act on the Console model; reads that cannot be answered yet
// (ReadConsole, ReadConsoleInput on an empty queue, the control-event wait) stay pending on their
// connection and are answered when input arrives. Exits when the last connection closes.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/console.h"
#include "protocol.h"
#include "render/frontend.h"

namespace winrun::con {

class Server {
public:
    Server(Console& con, FrontEnd& fe);
    void add_connection(int fd);
    // Runs until no connection is left. Returns the exit status.
    int run();

private:
    struct Conn {
        int fd = -1;
        uint32_t pid = 0;       // Windows pid of the process on this connection (after HELLO)
        bool pending = false;   // a blocking request waits for input
        proto::Request req{};
    };
    struct Process {
        uint32_t linux_pid = 0, group = 0;
        std::deque<uint32_t> events;  // control events not yet taken by WAIT_CTRL
        int connections = 0;
        int async_fd = -1;            // the connection its asynchronous requests come on
        uint32_t async_done = 0;      // asynchronous requests handled
        uint32_t async_error = 0;     // the first one that failed, reported in the next reply
    };

    void handle(Conn& c, const proto::Request& rq, const uint8_t* payload, size_t len);
    // One datagram from a connection; false when the connection is to be closed.
    bool receive(Conn& c, const uint8_t* data, ssize_t n);
    // Handles the process's asynchronous requests up to `fence` (they are already queued).
    void drain_async(uint32_t pid, uint32_t fence);
    bool try_complete(Conn& c);  // a pending request: answer it if it can be answered now
    void complete_pending();
    void send_reply(Conn& c, const proto::Reply& r, const void* payload = nullptr, size_t len = 0, int fd = -1);
    void reply_error(Conn& c, uint32_t err) { send_reply(c, proto::Reply{err, {}}); }
    void close_conn(int fd);
    void ctrl_event(uint32_t event, uint32_t group);
    ScreenBuffer* buffer(uint32_t id);

    Console& con_;
    FrontEnd& fe_;
    std::map<int, Conn> conns_;
    std::map<uint32_t, Process> procs_;      // by Windows pid
    std::vector<uint32_t> attach_order_;      // pids, oldest first
    std::unique_ptr<CookedRead> cooked_;      // the read in progress (one per console)
    std::u16string leftover_;                 // a completed line not yet all taken
    bool async_ = false;                      // handling an asynchronous request: no reply
    uint32_t async_pid_ = 0;
};

}  // namespace winrun::con
