#include "vt_input.h"

namespace winrun::con {

namespace {
// The xterm modifier parameter: 1 + Shift(1) + Alt(2) + Ctrl(4); 1 means none.
int modifier_param(uint32_t state) {
    int m = 1;
    if (state & SHIFT_PRESSED) m += 1;
    if (state & (LEFT_ALT_PRESSED | RIGHT_ALT_PRESSED)) m += 2;
    if (state & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED)) m += 4;
    return m;
}

std::u16string ascii(const std::string& s) { return std::u16string(s.begin(), s.end()); }

// CSI <final> (cursor keys, Home/End) or CSI 1;m <final> with modifiers.
std::u16string csi_letter(char final, int m) {
    return ascii(m == 1 ? std::string("\x1b[") + final : "\x1b[1;" + std::to_string(m) + final);
}
// CSI n ~ or CSI n;m ~ (editing keys, F5-F12).
std::u16string csi_tilde(int n, int m) {
    return ascii("\x1b[" + std::to_string(n) + (m == 1 ? "" : ";" + std::to_string(m)) + "~");
}
}  // namespace

std::u16string vt_input_sequence(const KEY_EVENT_RECORD& k) {
    if (!k.bKeyDown) return {};
    const int m = modifier_param(k.dwControlKeyState);
    switch (k.wVirtualKeyCode) {
    case VK_UP: return csi_letter('A', m);
    case VK_DOWN: return csi_letter('B', m);
    case VK_RIGHT: return csi_letter('C', m);
    case VK_LEFT: return csi_letter('D', m);
    case VK_HOME: return csi_letter('H', m);
    case VK_END: return csi_letter('F', m);
    case VK_INSERT: return csi_tilde(2, m);
    case VK_DELETE: return csi_tilde(3, m);
    case VK_PRIOR: return csi_tilde(5, m);
    case VK_NEXT: return csi_tilde(6, m);
    case VK_TAB:
        if (k.dwControlKeyState & SHIFT_PRESSED) return u"\x1b[Z";  // back-tab
        break;
    case VK_BACK: return (m & 2) ? u"\x1b\x7f" : u"\x7f";  // Alt+Backspace: ESC DEL
    default: break;
    }
    if (k.wVirtualKeyCode >= VK_F1 && k.wVirtualKeyCode < VK_F1 + 12) {
        const int f = k.wVirtualKeyCode - VK_F1;
        if (f < 4) {  // F1-F4: SS3 P..S, CSI 1;m P..S with modifiers
            const char final = char('P' + f);
            return m == 1 ? ascii(std::string("\x1bO") + final) : csi_letter(final, m);
        }
        static const int codes[8] = {15, 17, 18, 19, 20, 21, 23, 24};  // F5-F12
        return csi_tilde(codes[f - 4], m);
    }
    if (!k.uChar) return {};
    std::u16string s;
    if (k.dwControlKeyState & (LEFT_ALT_PRESSED | RIGHT_ALT_PRESSED)) s += u'\x1b';
    s += char16_t(k.uChar);
    return s;
}

}  // namespace winrun::con
