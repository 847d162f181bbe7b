// csrss_bench: what the session costs a winrun process, measured the way winrun pays it: a loop of
// fork + exec of a tiny client that does what loader/main.cpp does (connect_or_start,
// register_process, start_watchdog) and then what process exit does (report_exit, _exit).
//
//   csrss_bench [iterations] [mode...]      default: 400 iterations of every mode
//
// Modes (run interleaved, one process of each per round, so that drift hits all alike):
//   exec      the child only execs and _exits: the baseline every other mode is compared with
//   connect   connect_or_start only
//   thread    connect_or_start + register_process + start_watchdog(thread) + report_exit
//   signal    the same with the signal watchdog (the default)
//   default   the same with start_watchdog(cb) as loader/main.cpp calls it
// It runs its own session (a private XDG_RUNTIME_DIR and prefix) and halts it at the end.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client.h"

using namespace winrun::csrss;

namespace {

double now_us() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

[[noreturn]] void fail(const char* what, const std::string& msg) {
    fprintf(stderr, "csrss_bench child: %s: %s\n", what, msg.c_str());
    _exit(3);
}

// The child's own times of each step, sent to the parent through the fd in CSRSS_BENCH_FD.
struct Steps {
    double connect = 0, reg = 0, watchdog = 0, report = 0;
};

int child(const std::string& mode) {
    if (mode == "exec") _exit(0);
    Steps st;
    double t0 = now_us();
    auto s = Session::connect_or_start(CSRSSD_PATH);
    if (!s) fail("connect_or_start", s.error().message);
    double t1 = now_us();
    st.connect = t1 - t0;
    if (mode == "connect") _exit(0);
    auto r = s->register_process(0, "C:\\bench\\hello.exe", "hello.exe");
    if (!r) fail("register_process", r.error().message);
    double t2 = now_us();
    st.reg = t2 - t1;
    winrun::Result<void> w = winrun::make_error("unknown mode");
    if (mode == "thread") w = s->start_watchdog(default_watchdog_action(""), WatchdogKind::thread);
    else if (mode == "signal") w = s->start_watchdog(default_watchdog_action(""), WatchdogKind::signal);
    else if (mode == "default") w = s->start_watchdog(default_watchdog_action(""));
    if (!w) fail("start_watchdog", w.error().message);
    double t3 = now_us();
    st.watchdog = t3 - t2;
    if (auto e = s->report_exit(0); !e) fail("report_exit", e.error().message);
    st.report = now_us() - t3;
    if (const char* fd = getenv("CSRSS_BENCH_FD")) (void)!write(atoi(fd), &st, sizeof st);
    _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::strcmp(argv[1], "--child") == 0) return child(argv[2]);

    int iterations = argc > 1 ? atoi(argv[1]) : 400;
    if (iterations <= 0) iterations = 400;
    std::vector<std::string> modes;
    for (int i = 2; i < argc; i++) modes.push_back(argv[i]);
    if (modes.empty()) modes = {"exec", "connect", "thread", "signal", "default"};
    if (std::find(modes.begin(), modes.end(), "exec") == modes.end()) modes.insert(modes.begin(), "exec");

    char tmpl[] = "/tmp/csrss-bench-XXXXXX";
    std::string root = mkdtemp(tmpl);
    std::string run = root + "/run";
    mkdir(run.c_str(), 0700);
    setenv("XDG_RUNTIME_DIR", run.c_str(), 1);
    setenv("WINRUN_PREFIX", (root + "/prefix").c_str(), 1);
    setenv("WINRUN_DAEMON_IDLE", "0", 1);

    // The session stays up for the whole run (this connection holds it), as it does in real use.
    double c0 = now_us();
    auto keep = Session::connect_or_start(CSRSSD_PATH);
    if (!keep) {
        fprintf(stderr, "csrss_bench: %s\n", keep.error().message.c_str());
        return 1;
    }
    double cold = now_us() - c0;

    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 1;
    self[n] = 0;

    int steps_pipe[2];
    if (pipe(steps_pipe) != 0) return 1;
    setenv("CSRSS_BENCH_FD", std::to_string(steps_pipe[1]).c_str(), 1);
    std::map<std::string, std::vector<double>> times;
    std::map<std::string, Steps> steps;
    int failures = 0;
    for (int warm = 1; warm >= 0; warm--) {
        int rounds = warm ? 20 : iterations;
        for (int i = 0; i < rounds; i++) {
            for (const auto& m : modes) {
                std::string a0 = self, a1 = "--child", a2 = m;
                char* cargv[] = {a0.data(), a1.data(), a2.data(), nullptr};
                double t0 = now_us();
                pid_t p = fork();
                if (p == 0) {
                    execv(cargv[0], cargv);
                    _exit(127);
                }
                int st = 0;
                while (waitpid(p, &st, 0) < 0) {
                }
                double dt = now_us() - t0;
                if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) failures++;
                if (!warm) times[m].push_back(dt);
                if (m != "exec" && m != "connect") {
                    Steps cs;
                    if (read(steps_pipe[0], &cs, sizeof cs) == ssize_t(sizeof cs) && !warm) {
                        Steps& a = steps[m];
                        a.connect += cs.connect, a.reg += cs.reg, a.watchdog += cs.watchdog, a.report += cs.report;
                    }
                }
            }
        }
    }

    auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return s / double(v.size());
    };
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    printf("csrss_bench: %d processes per mode, session start (cold) %.0f us\n", iterations, cold);
    printf("%-10s %12s %12s %14s %14s\n", "mode", "mean us", "median us", "mean - exec", "median - exec");
    double base_mean = mean(times["exec"]), base_med = median(times["exec"]);
    for (const auto& m : modes) {
        const auto& v = times[m];
        printf("%-10s %12.1f %12.1f %14.1f %14.1f\n", m.c_str(), mean(v), median(v), mean(v) - base_mean,
               median(v) - base_med);
    }
    printf("\nin the child (means, us): %-10s %16s %16s %16s %12s\n", "mode", "connect_or_start",
           "register_process", "start_watchdog", "report_exit");
    for (const auto& [m, a] : steps)
        printf("                          %-10s %16.1f %16.1f %16.1f %12.1f\n", m.c_str(), a.connect / iterations,
               a.reg / iterations, a.watchdog / iterations, a.report / iterations);
    if (failures) printf("FAILURES: %d child processes did not exit with 0\n", failures);

    (void)keep->halt();
    keep = winrun::make_error("done");
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    return failures ? 1 : 0;
}
