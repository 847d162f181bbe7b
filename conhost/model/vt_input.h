// ENABLE_VIRTUAL_TERMINAL_INPUT: with this input mode, keys reach the program as the VT sequences an
// xterm-like terminal sends (docs: "Console Virtual Terminal Sequences", input sequences), in the
// character stream that ReadConsole / ReadFile return: the up arrow is ESC [ A, F5 is ESC [ 1 5 ~,
// Ctrl+Left is ESC [ 1 ; 5 D, Backspace is DEL (0x7F), Alt+x is ESC x. As Windows' console does,
// each character of a sequence is queued as a key-down and a key-up record that carry the character
// and no virtual-key code, scan code or modifier state. Key-ups from the keyboard are dropped (the
// key-down already made the characters), and so are keys that have no sequence (a lone Shift).
// Only keyboard input is translated: records a program queues with WriteConsoleInput stay as they are.
#pragma once
#include <string>

#include "types.h"

namespace winrun::con {

// The characters for one key-down (empty: none).
std::u16string vt_input_sequence(const KEY_EVENT_RECORD& k);

}  // namespace winrun::con
