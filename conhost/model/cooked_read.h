// Cooked ReadConsole (ENABLE_LINE_INPUT): a line editor fed key events. It echoes to a screen buffer
// (with ENABLE_ECHO_INPUT), edits in the middle of the line (Left/Right, Home/End, Backspace, Delete,
// Insert toggles overwrite, Escape clears), recalls history (Up/Down), and ends at Enter with
// "\r\n" appended (ENABLE_PROCESSED_INPUT; "\r" alone otherwise), as conhost does.
#pragma once
#include <string>
#include <vector>

#include "screen_buffer.h"
#include "types.h"

namespace winrun::con {

// The command history of a console (one per console here; conhost keeps one per executable).
struct History {
    std::vector<std::u16string> lines;
    size_t max = 50;
    void add(const std::u16string& s);
};

class CookedRead {
public:
    // echo: where to echo (null: no echo). The read starts at echo's cursor.
    CookedRead(ScreenBuffer* echo, History& history, bool insert_mode, bool processed);

    // One key-down event; true when the line is complete (then result() is valid).
    bool key(const KEY_EVENT_RECORD& k);
    const std::u16string& result() const { return result_; }
    const std::u16string& line() const { return line_; }
    size_t position() const { return pos_; }

private:
    void redraw(size_t old_len);
    void place_cursor();
    COORD start() const;

    ScreenBuffer* sb_;
    History& hist_;
    bool insert_;
    bool processed_;
    std::u16string line_;
    size_t pos_ = 0;
    size_t hist_pos_;
    COORD start_{0, 0};
    uint64_t start_scrolls_ = 0;
    std::u16string result_;
};

}  // namespace winrun::con
