// One console screen buffer: a grid of cells (UTF-16 unit + attribute), a cursor, a window onto the
// grid, the current attribute and the output mode. Pure state: no terminal, no sockets. Writing text
// applies the console's processed-output rules (control characters, wrapping at the end of a line,
// scrolling at the bottom) and, with ENABLE_VIRTUAL_TERMINAL_PROCESSING, VT sequences (vt_parser.h).
// Not thread-safe: conhost is one event loop.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "types.h"
#include "vt_parser.h"

namespace winrun::con {

struct Cell {
    char16_t ch = u' ';
    uint16_t attr = k_default_attributes;
    bool operator==(const Cell&) const = default;
};

// What a front end needs to hear about: the model calls these as it changes.
struct BufferObserver {
    virtual ~BufferObserver() = default;
    // Text written in stream order (after processing), when the write only appended at the cursor:
    // a terminal front end may print it as is and keep it in its scrollback.
    virtual void text_written(std::u16string_view) {}
    // Cells changed in a rectangle (inclusive), not as a plain stream.
    virtual void cells_changed(SMALL_RECT) {}
    // The whole buffer moved up by `lines` (scrolling at the bottom).
    virtual void scrolled(int lines) {}
    virtual void cursor_moved() {}
    virtual void title_changed(std::u16string_view) {}
    virtual void bell() {}
};

class ScreenBuffer {
public:
    ScreenBuffer(int width, int height, int window_width, int window_height);

    int width() const { return width_; }
    int height() const { return height_; }
    const Cell& at(int x, int y) const { return cells_[size_t(y) * width_ + x]; }
    Cell& at(int x, int y) { return cells_[size_t(y) * width_ + x]; }
    std::u16string row_text(int y) const;  // for tests and debugging

    COORD cursor() const { return cursor_; }
    // False when outside the buffer (SetConsoleCursorPosition fails then). Scrolls the window to show it.
    bool set_cursor(COORD c);
    uint32_t cursor_size = 25;
    bool cursor_visible = true;
    uint16_t attributes = k_default_attributes;
    uint32_t mode = k_default_output_mode;
    SMALL_RECT window() const { return window_; }
    // SetConsoleWindowInfo: false when the rectangle does not fit the buffer.
    bool set_window(SMALL_RECT w);
    // SetConsoleScreenBufferSize: false when smaller than the window. Content is kept (cut or padded).
    bool resize(int width, int height);
    // A terminal resize: the window takes the new size; the buffer grows to contain it.
    void resize_window(int cols, int rows);

    // WriteConsole: text through the output mode. Returns the UTF-16 units consumed (all of them).
    size_t write(std::u16string_view text);

    // Cell access with clipping (the Fill/Read/WriteConsoleOutput* family). `n` cells from `at`, in
    // reading order, wrapping to the next row; returns how many were inside the buffer.
    size_t fill_chars(COORD at, char16_t ch, size_t n);
    size_t fill_attrs(COORD at, uint16_t attr, size_t n);
    size_t write_chars(COORD at, std::u16string_view chars);
    size_t write_attrs(COORD at, const uint16_t* attrs, size_t n);
    size_t read_chars(COORD at, char16_t* out, size_t n) const;
    size_t read_attrs(COORD at, uint16_t* out, size_t n) const;
    // WriteConsoleOutput/ReadConsoleOutput: a block of `size` cells, from `from` in the block, to
    // `region` of the buffer; region is clipped and set to the rectangle actually used. False if empty.
    bool write_block(const CHAR_INFO* block, COORD size, COORD from, SMALL_RECT& region);
    bool read_block(CHAR_INFO* block, COORD size, COORD from, SMALL_RECT& region) const;
    // ScrollConsoleScreenBuffer: moves `src` (clipped to the buffer and to `clip` if given) to `dest`;
    // uncovered cells of src (inside clip) get `fill`. False if src is outside the buffer.
    bool scroll(SMALL_RECT src, const SMALL_RECT* clip, COORD dest, CHAR_INFO fill);

    void set_observer(BufferObserver* o) { obs_ = o; }
    BufferObserver* observer() const { return obs_; }
    // Lines scrolled off the top since creation (cooked reads use it to follow their echo).
    uint64_t scroll_count() const { return scroll_count_; }
    // The VT parser's title changes land here (OSC 0/2).
    std::function<void(std::u16string_view)> on_title;

    // Used by the VT parser.
    void put_char(char16_t ch);
    void line_feed(bool carriage_return);
    void carriage_return();
    void backspace();
    void tab();
    void erase_in_display(int how);
    void erase_in_line(int how);
    void clear_rect(SMALL_RECT r, uint16_t attr);
    void scroll_up(int lines);
    COORD saved_cursor{0, 0};
    uint16_t default_attributes = k_default_attributes;  // what SGR 0/39/49 go back to

private:
    void changed(SMALL_RECT r);
    void follow_cursor();
    void write_processed(std::u16string_view text, bool vt);

    int width_, height_;
    std::vector<Cell> cells_;
    COORD cursor_{0, 0};
    SMALL_RECT window_;
    bool wrap_pending_ = false;  // VT "delayed wrap": the cursor sits on the last column after a write there
    uint64_t scroll_count_ = 0;
    VtParser vt_;
    BufferObserver* obs_ = nullptr;
};

}  // namespace winrun::con
