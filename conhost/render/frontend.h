// The one small interface between the console server and what shows the console: the headless
// front end (nothing to show, no input but WriteConsoleInput) and the ncurses front end (owns a
// terminal). The model never sees either.
#pragma once

namespace winrun::con {

class Console;

class FrontEnd {
public:
    virtual ~FrontEnd() = default;
    // An fd the server polls for input (a terminal), or -1.
    virtual int input_fd() const { return -1; }
    // input_fd() is readable: decode it into key events / resizes on the console.
    virtual void read_input(Console&) {}
    // A batch of requests was handled: bring the display up to date.
    virtual void present(Console&) {}
    // Give the terminal back (normal exit, signal, crash): must be safe to call more than once.
    virtual void restore() {}
    // The program positioned the cursor, wrote cells or created/activated a screen buffer: a
    // terminal front end leaves line mode for a full-screen display (terminal.h).
    virtual void screen_request(Console&) {}
};

class HeadlessFrontEnd final : public FrontEnd {};

}  // namespace winrun::con
