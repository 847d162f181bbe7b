// One console: its screen buffers (one active), input queue and mode, title, code pages, history.
// The front end feeds it input (key events, resizes); servers and tests act on it directly.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cooked_read.h"
#include "input_buffer.h"
#include "screen_buffer.h"

namespace winrun::con {

class Console {
public:
    Console(int cols, int rows);

    InputBuffer input;
    uint32_t input_mode = k_default_input_mode;
    History history;
    std::u16string title = u"winrun";
    uint32_t input_cp = 437, output_cp = 437;

    // Screen buffers by id (1 is the one the console starts with).
    std::map<uint32_t, std::unique_ptr<ScreenBuffer>> buffers;
    uint32_t active = 1;
    ScreenBuffer& active_buffer() { return *buffers.at(active); }
    uint32_t create_buffer();
    // Ctrl+C / Ctrl+Break typed with ENABLE_PROCESSED_INPUT: the event goes here instead of the queue.
    std::function<void(uint32_t event)> on_ctrl;
    std::function<void()> on_title;

    // Input from the front end. A key is queued, or raises a control event; with
    // ENABLE_VIRTUAL_TERMINAL_INPUT it is queued as the characters of its VT sequence (vt_input.h).
    void key_input(const INPUT_RECORD& r);
    // The terminal changed size: the active buffer follows, and with ENABLE_WINDOW_INPUT a
    // WINDOW_BUFFER_SIZE_EVENT is queued (conhost queues it whatever the mode; programs filter it).
    void window_resized(int cols, int rows);

    int cols, rows;  // the window size of new buffers
};

}  // namespace winrun::con
