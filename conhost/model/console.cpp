#include "console.h"

#include <algorithm>

#include "vt_input.h"

namespace winrun::con {

Console::Console(int c, int r) : cols(c), rows(r) {
    create_buffer();
}

uint32_t Console::create_buffer() {
    uint32_t id = buffers.empty() ? 1 : buffers.rbegin()->first + 1;
    auto sb = std::make_unique<ScreenBuffer>(cols, rows, cols, rows);
    sb->on_title = [this](std::u16string_view t) {
        title = std::u16string(t);
        if (on_title) on_title();
    };
    buffers[id] = std::move(sb);
    return id;
}

void Console::key_input(const INPUT_RECORD& r) {
    if (r.EventType == KEY_EVENT && (input_mode & ENABLE_PROCESSED_INPUT)) {
        const KEY_EVENT_RECORD& k = r.Event.KeyEvent;
        const bool ctrl = k.dwControlKeyState & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED);
        if (ctrl && (k.wVirtualKeyCode == 'C' || k.uChar == 3)) {
            // Ctrl+C: an event for the attached processes, not input (the key-up is dropped too).
            if (k.bKeyDown && on_ctrl) on_ctrl(CTRL_C_EVENT);
            return;
        }
        if (ctrl && (k.wVirtualKeyCode == VK_CANCEL || k.wVirtualKeyCode == VK_PAUSE)) {
            if (k.bKeyDown && on_ctrl) on_ctrl(CTRL_BREAK_EVENT);
            return;
        }
    }
    if (r.EventType == KEY_EVENT && (input_mode & ENABLE_VIRTUAL_TERMINAL_INPUT)) {
        // Keys as VT sequences in the character stream (vt_input.h).
        const KEY_EVENT_RECORD& k = r.Event.KeyEvent;
        const std::u16string seq = vt_input_sequence(k);
        for (int i = 0; i < std::max<int>(1, k.wRepeatCount) && !seq.empty(); i++)
            for (char16_t c : seq) {
                input.push(InputBuffer::key(c, 0, 0, 0, true));
                input.push(InputBuffer::key(c, 0, 0, 0, false));
            }
        return;
    }
    input.push(r);
}

void Console::window_resized(int c, int r) {
    cols = c;
    rows = r;
    for (auto& [id, sb] : buffers) sb->resize_window(c, r);
    ScreenBuffer& sb = active_buffer();
    input.push(InputBuffer::resize(sb.width(), sb.height()));
}

}  // namespace winrun::con
