// The session's process and thread table: Windows ids, parents, images, command lines, times and
// 32-bit exit codes. Pure bookkeeping (no sockets, no clock of its own), so tests and the fuzzer drive
// it directly. Not thread-safe: csrssd is one event loop.
#pragma once
#include <cstdint>
#include <map>
#include <utility>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol.h"

namespace winrun::csrss::server {

struct Thread {
    uint32_t tid;
    uint32_t linux_tid;
    uint64_t start_time;
};

struct Process {
    uint32_t pid = 0;
    uint32_t parent_pid = 0;
    uint32_t linux_pid = 0;
    proto::ProcState state = proto::ProcState::reserved;
    uint32_t exit_code = proto::STILL_ACTIVE;
    bool exit_reported = false;
    uint64_t start_time = 0;
    uint64_t exit_time = 0;
    std::string image_path;
    std::string command_line;
    uint32_t refs = 0;              // references held by connections (open handles, reservations)
    std::vector<Thread> threads;    // alive threads
    uint32_t reserved_tid = 0;      // reserved: the main thread's tid, handed to the reserver
    uint32_t console = 0;           // the console it is attached to (0 = none)

    proto::ProcessInfo info() const;
};

// A status or a value: the protocol's error values.
template <typename T>
struct StatusOr {
    proto::Status status = proto::Status::ok;
    T value{};
    bool ok() const { return status == proto::Status::ok; }
};

class Registry {
public:
    // Ids are handed out from one counter shared by pids and tids (as Windows' client-id table does,
    // so a pid never equals a live tid), starting at k_first_id, in steps of 4.
    static constexpr uint32_t k_first_id = 100;
    static constexpr size_t k_max_ids = 1u << 20;         // live pids + tids in the session
    static constexpr size_t k_max_threads_per_process = 1u << 16;

    // A pid in state `reserved`, parent `parent_pid`, holding one reference (the reserver's).
    StatusOr<uint32_t> reserve_pid(uint32_t parent_pid, uint64_t now);
    // A running process. claim_pid != 0: take over a reserved pid (its reference stays with the
    // reserver). Returns the pid; the main thread is registered too.
    StatusOr<std::pair<uint32_t, uint32_t>> register_process(uint32_t parent_pid, uint32_t claim_pid, uint32_t linux_pid,
                                                            uint32_t linux_tid, std::string_view image,
                                                            std::string_view cmdline, uint64_t now);
    StatusOr<uint32_t> register_thread(uint32_t pid, uint32_t linux_tid, uint64_t now);
    proto::Status thread_exit(uint32_t pid, uint32_t tid);
    // The process ends with `code`; reported = it said so itself.
    proto::Status set_exited(uint32_t pid, uint32_t code, bool reported, uint64_t now);
    proto::Status add_ref(uint32_t pid);
    // Drops n references; an exited (or never claimed) process with none left is forgotten.
    void release(uint32_t pid, uint32_t n);

    const Process* find(uint32_t pid) const;
    Process* find_mut(uint32_t pid) { return const_cast<Process*>(std::as_const(*this).find(pid)); }
    // Processes with pid > after_pid, ascending.
    std::map<uint32_t, Process>::const_iterator upper_bound(uint32_t after_pid) const { return procs_.upper_bound(after_pid); }
    std::map<uint32_t, Process>::const_iterator end() const { return procs_.end(); }
    size_t process_count() const { return procs_.size(); }
    size_t id_count() const { return used_.size(); }

private:
    StatusOr<uint32_t> alloc_id();
    void free_id(uint32_t id) { used_.erase(id); }
    void forget_if_done(std::map<uint32_t, Process>::iterator it);

    std::map<uint32_t, Process> procs_;
    std::unordered_map<uint32_t, uint32_t> used_;  // live id -> owning pid
    uint32_t next_id_ = k_first_id;
};

// Now as a FILETIME (100 ns units since 1601-01-01 UTC).
uint64_t filetime_now();

}  // namespace winrun::csrss::server
