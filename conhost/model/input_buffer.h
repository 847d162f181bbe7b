// The console input queue: INPUT_RECORDs in arrival order (ReadConsoleInput, PeekConsoleInput,
// WriteConsoleInput, FlushConsoleInputBuffer, GetNumberOfConsoleInputEvents), and the characters
// ReadConsole takes from it (key-down events that carry a character).
#pragma once
#include <deque>
#include <string>

#include "types.h"

namespace winrun::con {

class InputBuffer {
public:
    void write(const INPUT_RECORD* recs, size_t n) { q_.insert(q_.end(), recs, recs + n); }
    void push(const INPUT_RECORD& r) { q_.push_back(r); }
    size_t count() const { return q_.size(); }
    bool empty() const { return q_.empty(); }
    void flush() { q_.clear(); }
    // Copies up to n records; read() also removes them.
    size_t peek(INPUT_RECORD* out, size_t n) const;
    size_t read(INPUT_RECORD* out, size_t n);
    // Removes records until a key-down with a character (returned in `key`); other events are
    // dropped, as ReadConsole does. False when none is queued (what was dropped stays dropped).
    bool next_key(KEY_EVENT_RECORD& key);
    // Whether a key-down with a character is queued (without removing anything).
    bool has_char() const;

    // Helpers for front ends and tests.
    static INPUT_RECORD key(char16_t ch, uint16_t vk, uint16_t scan, uint32_t state, bool down = true);
    static INPUT_RECORD resize(int cols, int rows);

private:
    std::deque<INPUT_RECORD> q_;
};

}  // namespace winrun::con
