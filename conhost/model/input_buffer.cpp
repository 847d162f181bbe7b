#include "input_buffer.h"

#include <algorithm>
#include <cstring>

namespace winrun::con {

size_t InputBuffer::peek(INPUT_RECORD* out, size_t n) const {
    n = std::min(n, q_.size());
    std::copy_n(q_.begin(), n, out);
    return n;
}

size_t InputBuffer::read(INPUT_RECORD* out, size_t n) {
    n = peek(out, n);
    q_.erase(q_.begin(), q_.begin() + n);
    return n;
}

static bool is_char_key(const INPUT_RECORD& r) {
    return r.EventType == KEY_EVENT && r.Event.KeyEvent.bKeyDown && r.Event.KeyEvent.uChar != 0;
}

bool InputBuffer::has_char() const { return std::any_of(q_.begin(), q_.end(), is_char_key); }

bool InputBuffer::next_key(KEY_EVENT_RECORD& key) {
    while (!q_.empty()) {
        INPUT_RECORD r = q_.front();
        q_.pop_front();
        // Cooked reads also need the editing keys (arrows, Home, Delete) that carry no character.
        if (r.EventType == KEY_EVENT && r.Event.KeyEvent.bKeyDown) {
            key = r.Event.KeyEvent;
            return true;
        }
    }
    return false;
}

INPUT_RECORD InputBuffer::key(char16_t ch, uint16_t vk, uint16_t scan, uint32_t state, bool down) {
    INPUT_RECORD r;
    std::memset(&r, 0, sizeof r);
    r.EventType = KEY_EVENT;
    r.Event.KeyEvent.bKeyDown = down;
    r.Event.KeyEvent.wRepeatCount = 1;
    r.Event.KeyEvent.wVirtualKeyCode = vk;
    r.Event.KeyEvent.wVirtualScanCode = scan;
    r.Event.KeyEvent.uChar = ch;
    r.Event.KeyEvent.dwControlKeyState = state;
    return r;
}

INPUT_RECORD InputBuffer::resize(int cols, int rows) {
    INPUT_RECORD r;
    std::memset(&r, 0, sizeof r);
    r.EventType = WINDOW_BUFFER_SIZE_EVENT;
    r.Event.WindowBufferSizeEvent.dwSize = COORD{int16_t(cols), int16_t(rows)};
    return r;
}

}  // namespace winrun::con
