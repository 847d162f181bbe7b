#include "registry.h"

#include <time.h>

namespace winrun::csrss::server {

using proto::Status;

uint64_t filetime_now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    // 11644473600 s between 1601-01-01 and 1970-01-01.
    return (uint64_t(ts.tv_sec) + 11644473600ull) * 10000000ull + uint64_t(ts.tv_nsec) / 100;
}

proto::ProcessInfo Process::info() const {
    proto::ProcessInfo i{};
    i.pid = pid;
    i.parent_pid = parent_pid;
    i.linux_pid = linux_pid;
    i.state = static_cast<uint32_t>(state);
    i.exit_code = exit_code;
    i.thread_count = uint32_t(threads.size());
    i.start_time = start_time;
    i.exit_time = exit_time;
    i.exit_reported = exit_reported ? 1 : 0;
    i.refs = refs;
    i.console = console;
    return i;
}

StatusOr<uint32_t> Registry::alloc_id() {
    if (used_.size() >= k_max_ids) return {Status::no_ids};
    // Monotonic, wrapping to k_first_id before overflow and skipping ids still in use.
    for (;;) {
        uint32_t id = next_id_;
        next_id_ = next_id_ >= 0xFFFFFFF8u ? k_first_id : next_id_ + 4;
        if (!used_.count(id)) {
            used_[id] = 0;
            return {Status::ok, id};
        }
    }
}

StatusOr<uint32_t> Registry::reserve_pid(uint32_t parent_pid, uint64_t now) {
    auto id = alloc_id();
    if (!id.ok()) return id;
    // The main thread's id is reserved too, so that CreateProcess can return it (dwThreadId).
    auto tid = alloc_id();
    if (!tid.ok()) {
        free_id(id.value);
        return tid;
    }
    used_[id.value] = id.value;
    used_[tid.value] = id.value;
    Process& p = procs_[id.value];
    p.pid = id.value;
    p.reserved_tid = tid.value;
    p.parent_pid = parent_pid;
    p.state = proto::ProcState::reserved;
    p.start_time = now;
    p.refs = 1;
    return id;
}

StatusOr<std::pair<uint32_t, uint32_t>> Registry::register_process(uint32_t parent_pid, uint32_t claim_pid,
                                                                  uint32_t linux_pid, uint32_t linux_tid,
                                                                  std::string_view image, std::string_view cmdline,
                                                                  uint64_t now) {
    Process* p;
    if (claim_pid) {
        auto it = procs_.find(claim_pid);
        if (it == procs_.end()) return {Status::not_found};
        if (it->second.state != proto::ProcState::reserved) return {Status::bad_state};
        p = &it->second;
        // The reserver named the parent; a claimer cannot change it.
    } else {
        auto id = alloc_id();
        if (!id.ok()) return {id.status};
        used_[id.value] = id.value;
        p = &procs_[id.value];
        p->pid = id.value;
        p->parent_pid = parent_pid;
    }
    StatusOr<uint32_t> tid{Status::ok, p->reserved_tid};
    p->reserved_tid = 0;
    if (!tid.value) tid = alloc_id();
    if (!tid.ok()) {
        if (!claim_pid) {
            free_id(p->pid);
            procs_.erase(p->pid);
        }
        return {tid.status};
    }
    used_[tid.value] = p->pid;
    p->linux_pid = linux_pid;
    p->state = proto::ProcState::running;
    p->start_time = now;
    p->image_path = image;
    p->command_line = cmdline;
    p->threads.push_back({tid.value, linux_tid, now});
    return {Status::ok, {p->pid, tid.value}};
}

StatusOr<uint32_t> Registry::register_thread(uint32_t pid, uint32_t linux_tid, uint64_t now) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return {Status::not_found};
    if (it->second.state != proto::ProcState::running) return {Status::bad_state};
    if (it->second.threads.size() >= k_max_threads_per_process) return {Status::too_many};
    auto tid = alloc_id();
    if (!tid.ok()) return tid;
    used_[tid.value] = pid;
    it->second.threads.push_back({tid.value, linux_tid, now});
    return tid;
}

Status Registry::thread_exit(uint32_t pid, uint32_t tid) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return Status::not_found;
    auto& th = it->second.threads;
    for (size_t i = 0; i < th.size(); i++) {
        if (th[i].tid == tid) {
            free_id(tid);
            th[i] = th.back();
            th.pop_back();
            return Status::ok;
        }
    }
    return Status::not_found;
}

Status Registry::set_exited(uint32_t pid, uint32_t code, bool reported, uint64_t now) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return Status::not_found;
    Process& p = it->second;
    if (p.state != proto::ProcState::running) return Status::bad_state;
    p.state = proto::ProcState::exited;
    p.exit_code = code;
    p.exit_reported = reported;
    p.exit_time = now;
    for (const auto& t : p.threads) free_id(t.tid);
    p.threads.clear();
    forget_if_done(it);
    return Status::ok;
}

Status Registry::add_ref(uint32_t pid) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return Status::not_found;
    if (it->second.refs == UINT32_MAX) return Status::too_many;
    it->second.refs++;
    return Status::ok;
}

void Registry::release(uint32_t pid, uint32_t n) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return;
    it->second.refs = it->second.refs > n ? it->second.refs - n : 0;
    forget_if_done(it);
}

void Registry::forget_if_done(std::map<uint32_t, Process>::iterator it) {
    const Process& p = it->second;
    if (p.refs != 0 || p.state == proto::ProcState::running) return;
    if (p.reserved_tid) free_id(p.reserved_tid);  // reserved and never claimed
    free_id(p.pid);
    procs_.erase(it);
}

const Process* Registry::find(uint32_t pid) const {
    auto it = procs_.find(pid);
    return it == procs_.end() ? nullptr : &it->second;
}

}  // namespace winrun::csrss::server
