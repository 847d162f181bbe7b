// Load: many clients registering and exiting in a loop; no exit code lost, the daemon's fd count and
// RSS flat. CSRSS_LOAD_SECONDS / CSRSS_LOAD_CLIENTS scale it (issue 3 asks 200 clients x 30 s; the
// default run is shorter to keep CTest quick).
#include <catch2/catch.hpp>

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "client.h"
#include "helpers.h"

using namespace winrun::csrss;
using namespace csrss_test;

namespace {
int env_int(const char* name, int def) {
    const char* e = getenv(name);
    return e && *e ? atoi(e) : def;
}
size_t fd_count(pid_t pid) {
    size_t n = 0;
    if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
        while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
        closedir(d);
    }
    return n;
}
long rss_kb(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return atol(line.c_str() + 6);
    return -1;
}
}  // namespace

TEST_CASE("load: clients register and exit in a loop; no lost exit code, fds and RSS flat", "[load]") {
    TempSession ts;
    const int seconds = env_int("CSRSS_LOAD_SECONDS", 3);
    const int clients = env_int("CSRSS_LOAD_CLIENTS", 50);
    auto parent = Session::connect_or_start(daemon_path());
    REQUIRE(parent.ok());
    pid_t dpid = pid_t(parent->daemon_pid());
    // Warm up, then take the baseline.
    {
        auto s = Session::connect_or_start(daemon_path());
        REQUIRE(s->register_process(0, "C:\\w.exe", "w").ok());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    size_t fds0 = fd_count(dpid);
    long rss0 = rss_kb(dpid);

    std::atomic<long> done{0}, lost{0}, failed{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> th;
    for (int i = 0; i < clients; i++) {
        th.emplace_back([&, i] {
            auto mine = Session::connect_or_start(daemon_path());  // this worker's "parent" connection
            if (!mine) { failed++; return; }
            uint32_t k = 0;
            while (!stop) {
                auto res = mine->reserve_pid();
                auto child = Session::connect_or_start(daemon_path());
                if (!res || !child) { failed++; continue; }
                uint32_t code = 0xC0000000u + uint32_t(i) * 65536u + k++;
                if (!child->register_process(0, "C:\\load.exe", "load.exe", res.value()) || !child->report_exit(code)) {
                    failed++;
                    continue;
                }
                { Session gone = std::move(child.value()); }  // the connection closes
                auto got = mine->query_exit_code(res.value());
                if (!got || got.value() != code) lost++;
                if (!mine->close_process(res.value())) failed++;
                done++;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : th) t.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    size_t fds1 = fd_count(dpid);
    long rss1 = rss_kb(dpid);
    auto list = parent->list_processes();
    REQUIRE(list.ok());
    WARN(done << " register/exit cycles by " << clients << " clients in " << seconds << " s; daemon fds " << fds0
              << " -> " << fds1 << ", RSS " << rss0 << " -> " << rss1 << " kB");
    REQUIRE(failed == 0);
    REQUIRE(lost == 0);
    REQUIRE(done > 0);
    REQUIRE(fds1 == fds0);
    REQUIRE(list->empty());
    REQUIRE(rss1 < rss0 + 4096);
}
