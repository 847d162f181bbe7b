// Process objects: handles to processes of the session (OpenProcess, CreateProcess). They wait on
// the process's pidfd and get exit codes from csrssd.
#pragma once
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "waitable.h"

namespace winrun::k32 {

constexpr int P_PIDFD_ = 3;  // waitid on a pidfd (Linux 5.4)

struct ProcessObject : Waitable {
    ProcessObject() : Waitable(ObjectKind::Process) {}
    ~ProcessObject() override {
        if (pidfd >= 0) close(pidfd);
        if (referenced)
            if (csrss::Session* s = session()) (void)s->close_process(pid);
    }
    // Under sync_lock(). A running process is checked through its pidfd; once it is gone, csrssd
    // has its exit code (a winrun reports it before exiting).
    bool ready(uintptr_t) const override {
        if (self) return false;
        if (exited) return true;
        if (pidfd >= 0) {
            pollfd p{pidfd, POLLIN, 0};
            if (::poll(&p, 1, 0) != 1) return false;
        }
        // Our own child: reap it now (no zombie), keeping its Linux status.
        if (is_child && !reaped) {
            siginfo_t si{};
            if (waitid(idtype_t(P_PIDFD_), id_t(pidfd), &si, WEXITED | WNOHANG) == 0 && si.si_pid) {
                reaped = true;
                linux_status = si.si_code == CLD_EXITED ? DWORD(si.si_status)
                             : (si.si_status == SIGINT || si.si_status == SIGTERM) ? 0xC000013A  // STATUS_CONTROL_C_EXIT
                                                                                 : 1;              // killed (taskkill /F)
            }
        }
        // TerminateProcess could not record its code (the child had not registered yet): ours wins
        // over what csrssd derived when the child's connection closed.
        if (reaped && forced) {
            exited = true;
            exit_code = forced_code;
            return true;
        }
        csrss::Session* s = session();
        // The exit time, not the code, tells an ended process: a process may exit with 259.
        auto e = s ? s->query_process(pid) : Result<csrss::ProcessEntry>(make_error("no session"));
        if (e && e->info.exit_time) {
            exited = true;
            exit_code = e->info.exit_code;
            return true;
        }
        // A child csrssd never saw (it could not join the session): its Linux exit status is all
        // there is (or the code TerminateProcess gave it). A child that did join is reported by
        // csrssd a moment later.
        if (reaped && (!e || e->info.linux_pid == 0)) {
            exited = true;
            exit_code = linux_status;
            return true;
        }
        return false;
    }
    bool acquire(uintptr_t) override { return false; }
    bool polled() const override { return !self; }
    int wait_fd() const override { return exited ? -1 : pidfd; }
    uint32_t pid = 0;
    int pidfd = -1;
    bool self = false;
    bool referenced = false;
    bool is_child = false;  // started by this process's CreateProcess: reaped here
    mutable bool reaped = false;
    mutable DWORD linux_status = 0;
    mutable bool exited = false;
    mutable DWORD exit_code = STILL_ACTIVE;
    uint64_t start_time = 0, exit_time = 0;
    uint32_t linux_pid = 0;
    // TerminateProcess could not record its code in csrssd (no session, or the child had not
    // registered yet): the code to report once the child is reaped. Under sync_lock().
    bool forced = false;
    DWORD forced_code = 0;
};

// The main thread of a process started by CreateProcess (PROCESS_INFORMATION.hThread): its id is
// reserved in csrssd with the pid; it is signaled when the process ends. With CREATE_SUSPENDED the
// child waits, before any DLL initialisation, until ResumeThread writes to `resume_fd`.
struct RemoteThreadObject : Waitable {
    RemoteThreadObject() : Waitable(ObjectKind::Thread) {}
    ~RemoteThreadObject() override {
        if (resume_fd >= 0) close(resume_fd);
    }
    bool ready(uintptr_t t) const override { return process->ready(t); }
    bool acquire(uintptr_t) override { return false; }
    bool polled() const override { return process->polled(); }
    int wait_fd() const override { return process->wait_fd(); }
    std::shared_ptr<ProcessObject> process;
    DWORD tid = 0;
    int resume_fd = -1;     // write end of the child's start pipe while it is suspended
    int suspend_count = 0;  // under sync_lock()
};

// TerminateProcess of a process other than the caller.
BOOL terminate_other_process(ProcessObject& p, UINT code);


}  // namespace winrun::k32
