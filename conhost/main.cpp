// winrun-conhost: one console. Started with a connected SOCK_SEQPACKET socket (--fd N) to its first
// client; more connections are handed out over it (NEW_CONNECTION). Exits when the last client
// connection closes.
//
//   winrun-conhost --fd N [--size COLSxROWS]      headless: the console exists only in memory
//   winrun-conhost --fd N --tty T                 owns the terminal on fd T (render/terminal.h)
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/console.h"
#include "render/frontend.h"
#include "render/terminal.h"
#include "server/server.h"

using namespace winrun::con;

int main(int argc, char** argv) {
    int fd = -1, cols = 120, rows = 30, tty = -1;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--fd") && i + 1 < argc) fd = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) std::sscanf(argv[++i], "%dx%d", &cols, &rows);
        else if (!std::strcmp(argv[i], "--headless")) {}
        else if (!std::strcmp(argv[i], "--tty") && i + 1 < argc) tty = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: winrun-conhost --fd N [--headless] [--size COLSxROWS] [--tty FD]\n");
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
    if (tty >= 0) {
        // Our own descriptor on the terminal, for reading and writing whatever way fd T was opened.
        if (const char* name = ttyname(tty)) {
            int rw = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (rw >= 0) tty = rw;
        }
        // conhost runs in the program's process group (it must read the terminal while in the
        // foreground): the terminal's job-control signals are not for it.
        for (int sig : {SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU}) signal(sig, SIG_IGN);
        winsize ws{};
        if (ioctl(tty, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) cols = ws.ws_col, rows = ws.ws_row;
    }
    Console con(cols, rows);
    HeadlessFrontEnd headless;
    TerminalFrontEnd terminal(tty);
    FrontEnd* fe = &headless;
    if (tty >= 0 && terminal.start(con)) fe = &terminal;
    Server server(con, *fe);
    server.add_connection(fd);
    int rc = server.run();
    fe->restore();
    return rc;
}
