// The VT output parser used under ENABLE_VIRTUAL_TERMINAL_PROCESSING: a small state machine (ground,
// escape, CSI, OSC) fed one UTF-16 unit at a time; sequences act on a ScreenBuffer. What it knows:
// SGR (16 colours, bright, bold, reverse, underline, default colours; 256/RGB colours are mapped to
// the nearest of the 16), cursor movement (CUU/CUD/CUF/CUB/CNL/CPL/CHA/VPA/CUP/HVP, save/restore),
// erase (ED, EL), cursor visibility (DECTCEM) and the title (OSC 0/2). Other sequences are consumed
// and ignored, never printed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace winrun::con {

class ScreenBuffer;

class VtParser {
public:
    // Returns true when the unit was part of a sequence (consumed), false when it is text for the
    // caller to print.
    bool feed(ScreenBuffer& sb, char16_t ch);
    bool in_sequence() const { return state_ != State::ground; }

private:
    enum class State { ground, escape, csi, osc, osc_escape };
    void csi_dispatch(ScreenBuffer& sb, char16_t final_ch);
    void sgr(ScreenBuffer& sb);
    int param(size_t i, int def) const { return i < params_.size() && params_[i] > 0 ? params_[i] : def; }

    State state_ = State::ground;
    std::vector<int> params_;
    bool private_ = false;  // '?' after CSI
    bool bold_ = false;     // SGR 1: the 8 basic foreground colours come out bright
    std::u16string osc_;
};

// ANSI colour index (0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white) to the
// console's BGR bits (FOREGROUND_BLUE = 1, GREEN = 2, RED = 4), and back.
inline uint16_t ansi_to_console(int i) { return uint16_t(((i & 1) << 2) | (i & 2) | ((i & 4) >> 2)); }
inline int console_to_ansi(uint16_t c) { return ((c & 4) >> 2) | (c & 2) | ((c & 1) << 2); }

}  // namespace winrun::con
