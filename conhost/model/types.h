// The Windows console structures and constants (wincon.h / wincontypes.h), laid out as Windows lays
// them out. Shared by conhost and kernel32: the console protocol carries them as they are.
#pragma once
#include <cstddef>
#include <cstdint>

namespace winrun::con {

struct COORD {
    int16_t X, Y;
};
struct SMALL_RECT {
    int16_t Left, Top, Right, Bottom;
};
struct CHAR_INFO {
    char16_t Char;  // union { WCHAR UnicodeChar; CHAR AsciiChar; }
    uint16_t Attributes;
};
struct KEY_EVENT_RECORD {
    int32_t bKeyDown;
    uint16_t wRepeatCount;
    uint16_t wVirtualKeyCode;
    uint16_t wVirtualScanCode;
    char16_t uChar;  // union { WCHAR UnicodeChar; CHAR AsciiChar; }
    uint32_t dwControlKeyState;
};
struct MOUSE_EVENT_RECORD {
    COORD dwMousePosition;
    uint32_t dwButtonState, dwControlKeyState, dwEventFlags;
};
struct WINDOW_BUFFER_SIZE_RECORD {
    COORD dwSize;
};
struct MENU_EVENT_RECORD {
    uint32_t dwCommandId;
};
struct FOCUS_EVENT_RECORD {
    int32_t bSetFocus;
};
struct INPUT_RECORD {
    uint16_t EventType;
    uint16_t pad_;
    union {
        KEY_EVENT_RECORD KeyEvent;
        MOUSE_EVENT_RECORD MouseEvent;
        WINDOW_BUFFER_SIZE_RECORD WindowBufferSizeEvent;
        MENU_EVENT_RECORD MenuEvent;
        FOCUS_EVENT_RECORD FocusEvent;
    } Event;
};
struct CONSOLE_SCREEN_BUFFER_INFO {
    COORD dwSize;
    COORD dwCursorPosition;
    uint16_t wAttributes;
    SMALL_RECT srWindow;
    COORD dwMaximumWindowSize;
};
struct CONSOLE_CURSOR_INFO {
    uint32_t dwSize;
    int32_t bVisible;
};
// Sizes and offsets as mingw-w64's and the Windows SDK's headers give them.
static_assert(sizeof(COORD) == 4 && sizeof(SMALL_RECT) == 8 && sizeof(CHAR_INFO) == 4);
static_assert(sizeof(KEY_EVENT_RECORD) == 16 && offsetof(KEY_EVENT_RECORD, wVirtualKeyCode) == 6 &&
              offsetof(KEY_EVENT_RECORD, uChar) == 10 && offsetof(KEY_EVENT_RECORD, dwControlKeyState) == 12);
static_assert(sizeof(INPUT_RECORD) == 20 && offsetof(INPUT_RECORD, Event) == 4);
static_assert(sizeof(CONSOLE_SCREEN_BUFFER_INFO) == 22 && offsetof(CONSOLE_SCREEN_BUFFER_INFO, wAttributes) == 8 &&
              offsetof(CONSOLE_SCREEN_BUFFER_INFO, srWindow) == 10 &&
              offsetof(CONSOLE_SCREEN_BUFFER_INFO, dwMaximumWindowSize) == 18);
static_assert(sizeof(CONSOLE_CURSOR_INFO) == 8);

// INPUT_RECORD.EventType
constexpr uint16_t KEY_EVENT = 1, MOUSE_EVENT = 2, WINDOW_BUFFER_SIZE_EVENT = 4, MENU_EVENT = 8, FOCUS_EVENT = 16;
// dwControlKeyState
constexpr uint32_t RIGHT_ALT_PRESSED = 0x1, LEFT_ALT_PRESSED = 0x2, RIGHT_CTRL_PRESSED = 0x4, LEFT_CTRL_PRESSED = 0x8,
                   SHIFT_PRESSED = 0x10, NUMLOCK_ON = 0x20, SCROLLLOCK_ON = 0x40, CAPSLOCK_ON = 0x80,
                   ENHANCED_KEY = 0x100;
// Input modes
constexpr uint32_t ENABLE_PROCESSED_INPUT = 0x1, ENABLE_LINE_INPUT = 0x2, ENABLE_ECHO_INPUT = 0x4,
                   ENABLE_WINDOW_INPUT = 0x8, ENABLE_MOUSE_INPUT = 0x10, ENABLE_INSERT_MODE = 0x20,
                   ENABLE_QUICK_EDIT_MODE = 0x40, ENABLE_EXTENDED_FLAGS = 0x80, ENABLE_AUTO_POSITION = 0x100,
                   ENABLE_VIRTUAL_TERMINAL_INPUT = 0x200;
constexpr uint32_t k_input_mode_mask = 0x3FF;
// Output modes
constexpr uint32_t ENABLE_PROCESSED_OUTPUT = 0x1, ENABLE_WRAP_AT_EOL_OUTPUT = 0x2,
                   ENABLE_VIRTUAL_TERMINAL_PROCESSING = 0x4, DISABLE_NEWLINE_AUTO_RETURN = 0x8,
                   ENABLE_LVB_GRID_WORLDWIDE = 0x10;
constexpr uint32_t k_output_mode_mask = 0x1F;
// What a new console starts with (Windows 10: 0x1F7 for input, 3 for output).
constexpr uint32_t k_default_input_mode = 0x1F7;
constexpr uint32_t k_default_output_mode = ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT;
// Attributes
constexpr uint16_t FOREGROUND_BLUE = 0x1, FOREGROUND_GREEN = 0x2, FOREGROUND_RED = 0x4, FOREGROUND_INTENSITY = 0x8,
                   BACKGROUND_BLUE = 0x10, BACKGROUND_GREEN = 0x20, BACKGROUND_RED = 0x40, BACKGROUND_INTENSITY = 0x80,
                   COMMON_LVB_REVERSE_VIDEO = 0x4000, COMMON_LVB_UNDERSCORE = 0x8000;
constexpr uint16_t k_default_attributes = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE;  // 7
// Control events
constexpr uint32_t CTRL_C_EVENT = 0, CTRL_BREAK_EVENT = 1, CTRL_CLOSE_EVENT = 2;
// Virtual-key codes used by the model and the front ends.
constexpr uint16_t VK_BACK = 0x08, VK_TAB = 0x09, VK_RETURN = 0x0D, VK_SHIFT = 0x10, VK_CONTROL = 0x11, VK_MENU = 0x12,
                   VK_PAUSE = 0x13, VK_ESCAPE = 0x1B, VK_SPACE = 0x20, VK_PRIOR = 0x21, VK_NEXT = 0x22, VK_END = 0x23,
                   VK_HOME = 0x24, VK_LEFT = 0x25, VK_UP = 0x26, VK_RIGHT = 0x27, VK_DOWN = 0x28, VK_INSERT = 0x2D,
                   VK_DELETE = 0x2E, VK_F1 = 0x70, VK_CANCEL = 0x03;

}  // namespace winrun::con
