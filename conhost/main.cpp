// winrun-conhost: one console. Started with a connected SOCK_SEQPACKET socket (--fd N) to its first
// client; more connections are handed out over it (NEW_CONNECTION). Exits when the last client
// connection closes.
//
//   winrun-conhost --fd N [--size COLSxROWS]      headless: the console exists only in memory
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/console.h"
#include "render/frontend.h"
#include "server/server.h"

using namespace winrun::con;

int main(int argc, char** argv) {
    int fd = -1, cols = 120, rows = 30;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--fd") && i + 1 < argc) fd = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) std::sscanf(argv[++i], "%dx%d", &cols, &rows);
        else if (!std::strcmp(argv[i], "--headless")) {}
        else {
            std::fprintf(stderr, "usage: winrun-conhost --fd N [--headless] [--size COLSxROWS]\n");
            return 2;
        }
    }
    if (fd < 0) {
        std::fprintf(stderr, "winrun-conhost: no connection (--fd)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    // Ctrl+C typed at the terminal that started the program reaches the program, not its console
    // host: conhost learns of it from the program (or its own front end).
    signal(SIGINT, SIG_IGN);
    Console con(cols, rows);
    HeadlessFrontEnd fe;
    Server server(con, fe);
    server.add_connection(fd);
    return server.run();
}
