// The terminal front end: conhost owns the terminal winrun was started on.
//
// Two phases (the rule, docs/console.md):
//  - line mode (from the start): the terminal stays on its normal screen and output is streamed to it
//    as the model takes it (UTF-8, console colours as SGR, VT sequences passed through), so it lands
//    in the terminal's scrollback. The model's window is the terminal screen (the cursor is taken
//    from the terminal at start-up), so cooked-read editing can move the cursor on it.
//  - screen mode: the first time the program positions the cursor, writes/fills/scrolls cells,
//    resizes the buffer or window, or creates or activates a screen buffer, conhost starts ncurses
//    (newterm: the alternate screen) and from then on draws the active buffer's window with the 16
//    console colours. It stays there until the console goes away (endwin gives the shell its screen).
// Input is read raw from the terminal and decoded by KeyDecoder; SIGWINCH becomes a resize.
// restore() is called on normal exit; fatal signals run an async-signal-safe restore.
#pragma once
#include <termios.h>

#include <string>

#include "frontend.h"
#include "key_decoder.h"
#include "model/screen_buffer.h"

namespace winrun::con {

class TerminalFrontEnd final : public FrontEnd, private BufferObserver {
public:
    explicit TerminalFrontEnd(int tty_fd);
    ~TerminalFrontEnd() override;
    // Raw mode, size and cursor position from the terminal. False when fd is not a terminal.
    bool start(Console& con);

    int input_fd() const override { return eof_ ? -1 : fd_; }
    void read_input(Console& con) override;
    void present(Console& con) override;
    void restore() override;
    void screen_request(Console& con) override;

private:
    void text_written(std::u16string_view text) override;
    void cursor_moved() override;
    void bell() override;
    void flush_out();
    void stream_cursor();
    void draw(Console& con);
    short pair_for(uint16_t attr, unsigned& extra);

    int fd_;
    termios saved_{};
    bool started_ = false, restored_ = false, screen_ = false, eof_ = false;
    Console* con_ = nullptr;
    ScreenBuffer* observed_ = nullptr;
    std::string out_;            // line mode: bytes for the terminal, written by present()
    COORD term_cursor_{0, 0};    // line mode: where the terminal's cursor is
    bool in_write_ = false;
    int cur_attr_ = -1;          // line mode: the SGR state sent (-1: unknown)
    KeyDecoder keys_;
    short pairs_[256] = {};      // screen mode: colour pair per attribute byte (0: none yet)
    short next_pair_ = 1;
};

}  // namespace winrun::con
