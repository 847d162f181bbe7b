// Catch2 runner; `csrss_tests --helper MODE ...` runs a client process for the integration tests
// (fresh processes started at the same moment, clients killed with SIGKILL, the watchdog's _exit).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstring>

int helper_main(int argc, char** argv);

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--helper") == 0) return helper_main(argc - 2, argv + 2);
    return Catch::Session().run(argc, argv);
}
