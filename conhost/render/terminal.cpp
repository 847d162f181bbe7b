#define NCURSES_WIDECHAR 1
#include "terminal.h"

#include "model/console.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <ncursesw/curses.h>

namespace winrun::con {

namespace {

// What the fatal-signal handler needs, prepared beforehand (it may only call async-signal-safe
// functions): the terminal, its saved modes, and the bytes that undo our display state.
int g_fd = -1;
termios g_saved;
char g_undo[256];
size_t g_undo_len = 0;
volatile sig_atomic_t g_winch = 0;

void set_undo(const char* rmcup) {
    std::string s = std::string(rmcup ? rmcup : "") + "\x1b[0m\x1b[?25h";
    size_t n = std::min(s.size(), sizeof g_undo);
    std::memcpy(g_undo, s.data(), n);
    g_undo_len = n;
}

void fatal_signal(int sig) {
    if (g_fd >= 0) {
        ssize_t r = write(g_fd, g_undo, g_undo_len);
        (void)r;
        tcsetattr(g_fd, TCSANOW, &g_saved);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void on_winch(int) { g_winch = 1; }

void put_utf8(std::string& out, std::u16string_view text) {
    for (size_t i = 0; i < text.size(); i++) {
        char32_t c = text[i];
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (text[++i] - 0xDC00);
        else if (c >= 0xD800 && c < 0xE000)
            c = 0xFFFD;
        if (c < 0x80) out += char(c);
        else if (c < 0x800) out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
        else if (c < 0x10000) out += char(0xE0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
        else
            out += char(0xF0 | (c >> 18)), out += char(0x80 | ((c >> 12) & 0x3F)), out += char(0x80 | ((c >> 6) & 0x3F)),
                out += char(0x80 | (c & 0x3F));
    }
}

// Console colour (bits: 1 blue, 2 green, 4 red) -> ANSI/curses colour (1 red, 2 green, 4 blue).
int ansi(int c) { return ((c & 1) << 2) | (c & 2) | ((c & 4) >> 2); }

void append_sgr(std::string& out, uint16_t attr) {
    if (attr == k_default_attributes) {  // the terminal's own colours for plain text
        out += "\x1b[0m";
        return;
    }
    int fg = attr & 0xF, bg = (attr >> 4) & 0xF;
    out += "\x1b[0;";
    out += std::to_string((fg & 8 ? 90 : 30) + ansi(fg & 7));
    out += ';';
    out += std::to_string((bg & 8 ? 100 : 40) + ansi(bg & 7));
    if (attr & 0x4000) out += ";7";  // COMMON_LVB_REVERSE_VIDEO
    if (attr & 0x8000) out += ";4";  // COMMON_LVB_UNDERSCORE
    out += 'm';
}

bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

}  // namespace

TerminalFrontEnd::TerminalFrontEnd(int tty_fd) : fd_(tty_fd) {}
TerminalFrontEnd::~TerminalFrontEnd() { restore(); }

bool TerminalFrontEnd::start(Console& con) {
    if (!isatty(fd_) || tcgetattr(fd_, &saved_) != 0) return false;
    con_ = &con;
    g_fd = fd_;
    g_saved = saved_;
    set_undo(nullptr);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, fatal_signal);
    // SIGWINCH only interrupts the server's ppoll (it unblocks it there).
    struct sigaction sa{};
    sa.sa_handler = on_winch;
    sigaction(SIGWINCH, &sa, nullptr);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGWINCH);
    sigprocmask(SIG_BLOCK, &m, nullptr);

    termios t = saved_;
    t.c_iflag &= ~tcflag_t(ICRNL | INLCR | IGNCR | IXON | ISTRIP | BRKINT | INPCK | PARMRK);
    t.c_lflag &= ~tcflag_t(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
    t.c_oflag |= OPOST | ONLCR;  // line mode: "\n" is CR LF on the terminal as in the model
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd_, TCSADRAIN, &t);
    started_ = true;

    // Where the shell left the cursor: the model's window is the terminal's screen.
    const char dsr[] = "\x1b[6n";
    if (write(fd_, dsr, sizeof dsr - 1) == ssize_t(sizeof dsr - 1)) {
        std::string got;
        while (got.find('R') == std::string::npos && readable(fd_, 500)) {
            char b[64];
            ssize_t n = read(fd_, b, sizeof b);
            if (n <= 0) break;
            got.append(b, size_t(n));
        }
        size_t e = got.find('R'), s = e == std::string::npos ? e : got.rfind("\x1b[", e);
        int row = 0, col = 0;
        if (s != std::string::npos && std::sscanf(got.c_str() + s, "\x1b[%d;%dR", &row, &col) == 2) {
            got.erase(s, e - s + 1);
            con.active_buffer().set_cursor(COORD{int16_t(col - 1), int16_t(row - 1)});
        }
        // Keys typed meanwhile are input.
        for (auto& r : keys_.feed(got, false)) con.key_input(r);
    }
    observed_ = &con.active_buffer();
    observed_->set_observer(this);
    term_cursor_ = observed_->cursor();
    return true;
}

void TerminalFrontEnd::read_input(Console& con) {
    if (!started_) return;
    if (g_winch) {
        g_winch = 0;
        winsize ws{};
        if (ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
            if (screen_) resize_term(ws.ws_row, ws.ws_col);
            con.window_resized(ws.ws_col, ws.ws_row);
            if (screen_) clearok(curscr, TRUE);
        }
    }
    if (eof_ || !readable(fd_, 0)) return;
    std::vector<INPUT_RECORD> recs;
    char b[4096];
    ssize_t n = read(fd_, b, sizeof b);
    if (n <= 0) {
        if (n == 0 || errno == EIO) eof_ = true;  // the terminal hung up (or we are in the background)
        return;
    }
    recs = keys_.feed(std::string_view(b, size_t(n)), false);
    if (keys_.pending()) {
        // A sequence cut in two by the read, or a lone ESC: wait a little for the rest.
        std::string more;
        if (readable(fd_, 25)) {
            ssize_t k = read(fd_, b, sizeof b);
            if (k > 0) more.assign(b, size_t(k));
        }
        for (auto& r : keys_.feed(more, true)) recs.push_back(r);
    }
    for (auto& r : recs) con.key_input(r);
}

void TerminalFrontEnd::text_written(std::u16string_view text) {
    if (screen_ || !observed_) return;
    stream_cursor();
    if (!(observed_->mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)) {
        if (observed_->attributes != cur_attr_) {
            append_sgr(out_, observed_->attributes);
            cur_attr_ = observed_->attributes;
        }
    } else {
        cur_attr_ = -1;  // VT output sets colours itself
    }
    put_utf8(out_, text);
    in_write_ = true;
    if (out_.size() > 64 * 1024) flush_out();
}

void TerminalFrontEnd::cursor_moved() {
    if (in_write_ && observed_) term_cursor_ = observed_->cursor();
    in_write_ = false;
}

void TerminalFrontEnd::bell() {
    if (screen_) beep();
    else out_ += '\a';
}

void TerminalFrontEnd::stream_cursor() {
    COORD c = observed_->cursor();
    if (c.X == term_cursor_.X && c.Y == term_cursor_.Y) return;
    SMALL_RECT w = observed_->window();
    out_ += "\x1b[" + std::to_string(c.Y - w.Top + 1) + ';' + std::to_string(c.X - w.Left + 1) + 'H';
    term_cursor_ = c;
}

void TerminalFrontEnd::flush_out() {
    size_t off = 0;
    while (off < out_.size()) {
        ssize_t n = write(fd_, out_.data() + off, out_.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the terminal is gone: nothing to show it on
        off += size_t(n);
    }
    out_.clear();
}

void TerminalFrontEnd::present(Console& con) {
    if (!started_ || restored_) return;
    if (screen_) return draw(con);
    if (observed_) stream_cursor();
    flush_out();
}

void TerminalFrontEnd::screen_request(Console& con) {
    if (screen_ || !started_ || restored_) return;
    flush_out();
    FILE* out = fdopen(dup(fd_), "w");
    FILE* in = fdopen(dup(fd_), "r");
    if (!out || !in) return;
    SCREEN* s = newterm(nullptr, out, in);
    if (!s) s = newterm("xterm", out, in);  // an unknown TERM: most terminals are xterm-like
    if (!s) return;
    set_term(s);
    if (has_colors()) start_color();
    raw();
    noecho();
    nonl();
    typeahead(-1);  // conhost reads the terminal itself; ncurses must not
    scrollok(stdscr, FALSE);
    leaveok(stdscr, FALSE);
    screen_ = true;
    if (observed_) observed_->set_observer(nullptr);
    observed_ = nullptr;
    const char* rmcup = tigetstr(const_cast<char*>("rmcup"));
    set_undo(rmcup && rmcup != reinterpret_cast<char*>(-1) ? rmcup : nullptr);
    clearok(curscr, TRUE);
    draw(con);
}

short TerminalFrontEnd::pair_for(uint16_t attr, unsigned& extra) {
    extra = 0;
    if (attr & 0x4000) extra |= A_REVERSE;
    if (attr & 0x8000) extra |= A_UNDERLINE;
    if (!has_colors()) return 0;
    const int fg = attr & 0xF, bg = (attr >> 4) & 0xF;
    if (COLORS < 16 && (fg & 8)) extra |= A_BOLD;
    short& p = pairs_[attr & 0xFF];
    if (!p && next_pair_ < COLOR_PAIRS) {
        const short f = short(ansi(fg & 7) + (COLORS >= 16 && (fg & 8) ? 8 : 0));
        const short b = short(ansi(bg & 7) + (COLORS >= 16 && (bg & 8) ? 8 : 0));
        init_pair(next_pair_, f, b);
        p = next_pair_++;
    }
    return p;
}

void TerminalFrontEnd::draw(Console& con) {
    ScreenBuffer& sb = con.active_buffer();
    const SMALL_RECT w = sb.window();
    const int wh = w.Bottom - w.Top + 1, ww = w.Right - w.Left + 1;
    for (int y = 0; y < LINES; y++)
        for (int x = 0; x < COLS; x++) {
            Cell cell;
            if (y < wh && x < ww && w.Top + y < sb.height() && w.Left + x < sb.width()) cell = sb.at(w.Left + x, w.Top + y);
            wchar_t wc[2] = {wchar_t(cell.ch), 0};
            if (cell.ch < 0x20 || (cell.ch >= 0xD800 && cell.ch < 0xE000)) wc[0] = L' ';
            unsigned extra;
            short pair = pair_for(cell.attr, extra);
            cchar_t cc;
            setcchar(&cc, wc, attr_t(extra), pair, nullptr);
            mvwadd_wch(stdscr, y, x, &cc);
        }
    COORD c = sb.cursor();
    const bool inside = c.Y >= w.Top && c.Y <= w.Bottom && c.X >= w.Left && c.X <= w.Right;
    curs_set(sb.cursor_visible && inside ? 1 : 0);
    if (inside) wmove(stdscr, c.Y - w.Top, c.X - w.Left);
    wnoutrefresh(stdscr);
    doupdate();
}

void TerminalFrontEnd::restore() {
    if (!started_ || restored_) return;
    restored_ = true;
    if (screen_) {
        endwin();
    } else {
        flush_out();
    }
    const char reset[] = "\x1b[0m\x1b[?25h";
    ssize_t r = write(fd_, reset, sizeof reset - 1);
    (void)r;
    tcsetattr(fd_, TCSADRAIN, &saved_);
    g_fd = -1;
}

}  // namespace winrun::con
