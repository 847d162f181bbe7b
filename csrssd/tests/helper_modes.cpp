// Client processes for the integration tests: `csrss_tests --helper MODE args`.
// Each prints "<windows pid> <daemon linux pid>" on stdout once registered.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "client.h"
#include "helpers.h"

using namespace winrun::csrss;

int helper_main(int argc, char** argv) {
    if (argc < 1) return 2;
    std::string mode = argv[0];
    auto s = Session::connect_or_start(csrss_test::daemon_path());
    if (!s) {
        printf("ERR %s\n", s.error().message.c_str());
        fflush(stdout);
        return 3;
    }
    if (mode == "start-only") {
        printf("0 %u\n", s->daemon_pid());
        fflush(stdout);
        return 0;
    }
    uint32_t claim = 0;
    if (mode == "register-exit" && argc > 2) claim = uint32_t(strtoul(argv[2], nullptr, 0));
    auto r = s->register_process(0, "C:\\test\\helper.exe", "helper.exe " + mode, claim);
    if (!r) {
        printf("ERR %s\n", r.error().message.c_str());
        fflush(stdout);
        return 4;
    }
    if (mode == "watchdog") {
        if (auto w = s->start_watchdog(default_watchdog_action(argc > 1 ? argv[1] : "")); !w) return 5;
    }
    printf("%u %u\n", r->pid, s->daemon_pid());
    fflush(stdout);
    if (mode == "register-exit") {
        uint32_t code = uint32_t(strtoul(argv[1], nullptr, 0));
        if (!s->report_exit(code)) return 6;
        _exit(int(code & 0xFF));
    }
    if (mode == "request-loop") {  // always in the middle of a request (killed by the test)
        for (;;)
            if (!s->list_processes() || !s->query_process(r->pid)) return 7;
    }
    if (mode == "register-wait" || mode == "watchdog") {
        for (;;) pause();
    }
    return 2;
}
