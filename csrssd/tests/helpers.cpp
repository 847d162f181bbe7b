#include "helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "session_path.h"

namespace csrss_test {

std::string daemon_path() { return CSRSSD_PATH; }

std::string self_path() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, size_t(n)) : "";
}

TempSession::TempSession(int idle_seconds) {
    char tmpl[] = "/tmp/csrss-test-XXXXXX";
    root = mkdtemp(tmpl);
    runtime_dir = root + "/run";
    mkdir(runtime_dir.c_str(), 0700);
    setenv("XDG_RUNTIME_DIR", runtime_dir.c_str(), 1);
    setenv("WINRUN_PREFIX", (root + "/prefix").c_str(), 1);
    setenv("WINRUN_DAEMON_IDLE", std::to_string(idle_seconds).c_str(), 1);
    session_dir = runtime_dir + "/winrun-" + winrun::csrss::prefix_key(winrun::csrss::prefix_path());
}

TempSession::~TempSession() {
    for (pid_t p : daemons_for(root)) {
        kill(p, SIGKILL);
        wait_dead(p, 2000);
    }
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
}

bool alive(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(f, s)) return false;
    auto rp = s.rfind(')');
    return rp != std::string::npos && rp + 2 < s.size() && s[rp + 2] != 'Z' && s[rp + 2] != 'X';
}

bool wait_dead(pid_t pid, int ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
        waitpid(pid, nullptr, WNOHANG);  // in case it is our child
        if (!alive(pid)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return !alive(pid);
}

std::vector<pid_t> daemons_for(const std::string& dir) {
    std::vector<pid_t> out;
    DIR* d = opendir("/proc");
    if (!d) return out;
    std::string exe_name = std::filesystem::path(daemon_path()).filename();
    while (dirent* e = readdir(d)) {
        pid_t p = atoi(e->d_name);
        if (p <= 0) continue;
        std::ifstream f("/proc/" + std::to_string(p) + "/cmdline");
        std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        if (cmd.find(exe_name) == std::string::npos || cmd.find("--dir") == std::string::npos) continue;
        if (cmd.find(dir) == std::string::npos) continue;
        if (alive(p)) out.push_back(p);
    }
    closedir(d);
    return out;
}

pid_t spawn_helper(const std::vector<std::string>& args, int* out_fd, int* in_fd) {
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) return -1;
    std::vector<std::string> all = {self_path(), "--helper"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t p = fork();
    if (p == 0) {
        dup2(out[1], 1);
        dup2(in[0], 0);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    close(in[0]);
    *out_fd = out[0];
    if (in_fd) *in_fd = in[1];
    else close(in[1]);
    return p;
}

std::string read_line(int fd, int ms) {
    std::string s;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count());
        if (left <= 0) return "";
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0) return "";
        char c;
        if (read(fd, &c, 1) != 1) return "";
        if (c == '\n') return s;
        s += c;
    }
}

int wait_status(pid_t pid, int ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return st;
        if (r < 0) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
}

}  // namespace csrss_test
