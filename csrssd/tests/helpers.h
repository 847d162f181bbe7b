// Shared by the csrssd tests: a private session environment, helper processes, daemon inspection.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace csrss_test {

// A fresh XDG_RUNTIME_DIR and WINRUN_PREFIX (setenv) for one test; on destruction, kills any daemon
// still serving that session and removes the directories.
struct TempSession {
    TempSession(int idle_seconds = 0);
    ~TempSession();
    std::string root;
    std::string runtime_dir;
    std::string session_dir;  // runtime_dir/winrun-<key>
};

std::string daemon_path();
std::string self_path();
// Linux pids of live (non-zombie) csrssd processes whose --dir is under `dir`.
std::vector<pid_t> daemons_for(const std::string& dir);
bool alive(pid_t pid);  // exists and is not a zombie
// Waits up to ms for alive(pid) to become false.
bool wait_dead(pid_t pid, int ms);

// Starts `csrss_tests --helper args...` with stdout on a pipe. Returns the pid; *out_fd is the read end.
pid_t spawn_helper(const std::vector<std::string>& args, int* out_fd, int* in_fd = nullptr);
// Reads one line from fd within ms ("" on timeout/EOF).
std::string read_line(int fd, int ms);
// waitpid with a time limit; returns the wait status or -1.
int wait_status(pid_t pid, int ms);

}  // namespace csrss_test
