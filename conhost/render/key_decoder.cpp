#include "key_decoder.h"

#include <cstring>

namespace winrun::con {

namespace {
constexpr uint16_t VK_PACKET = 0xE7, VK_OEM_1 = 0xBA, VK_OEM_PLUS = 0xBB, VK_OEM_COMMA = 0xBC, VK_OEM_MINUS = 0xBD,
                   VK_OEM_PERIOD = 0xBE, VK_OEM_2 = 0xBF, VK_OEM_3 = 0xC0, VK_OEM_4 = 0xDB, VK_OEM_5 = 0xDC,
                   VK_OEM_6 = 0xDD, VK_OEM_7 = 0xDE;

// xterm's modifier parameter (1 + bits: 1 shift, 2 alt, 4 ctrl) -> control key state.
uint32_t modifiers(int m) {
    uint32_t s = 0;
    if (m < 2) return 0;
    m -= 1;
    if (m & 1) s |= SHIFT_PRESSED;
    if (m & 2) s |= LEFT_ALT_PRESSED;
    if (m & 4) s |= LEFT_CTRL_PRESSED;
    return s;
}

// A US-layout character: its key and whether Shift makes it.
bool ascii_key(char32_t c, uint16_t& vk, bool& shift) {
    shift = false;
    if (c >= 'a' && c <= 'z') return vk = uint16_t(c - 'a' + 'A'), true;
    if (c >= 'A' && c <= 'Z') return vk = uint16_t(c), shift = true, true;
    if (c >= '0' && c <= '9') return vk = uint16_t(c), true;
    static const char shifted_digits[] = ")!@#$%^&*(";
    if (c < 128 && c && std::strchr(shifted_digits, char(c))) return vk = uint16_t('0' + (std::strchr(shifted_digits, char(c)) - shifted_digits)), shift = true, true;
    struct P { char plain, shifted; uint16_t vk; };
    static const P oem[] = {{';', ':', VK_OEM_1}, {'=', '+', VK_OEM_PLUS}, {',', '<', VK_OEM_COMMA}, {'-', '_', VK_OEM_MINUS},
                            {'.', '>', VK_OEM_PERIOD}, {'/', '?', VK_OEM_2}, {'`', '~', VK_OEM_3}, {'[', '{', VK_OEM_4},
                            {'\\', '|', VK_OEM_5}, {']', '}', VK_OEM_6}, {'\'', '"', VK_OEM_7}};
    for (const P& p : oem) {
        if (c == char32_t(p.plain)) return vk = p.vk, true;
        if (c == char32_t(p.shifted)) return vk = p.vk, shift = true, true;
    }
    if (c == ' ') return vk = VK_SPACE, true;
    return false;
}
}  // namespace

uint16_t KeyDecoder::scan_code(uint16_t vk) {
    static const char row1[] = "QWERTYUIOP", row2[] = "ASDFGHJKL", row3[] = "ZXCVBNM";
    if (vk >= 'A' && vk <= 'Z') {
        if (const char* p = std::strchr(row1, vk)) return uint16_t(0x10 + (p - row1));
        if (const char* p = std::strchr(row2, vk)) return uint16_t(0x1E + (p - row2));
        if (const char* p = std::strchr(row3, vk)) return uint16_t(0x2C + (p - row3));
    }
    if (vk >= '1' && vk <= '9') return uint16_t(0x02 + vk - '1');
    if (vk >= VK_F1 && vk < VK_F1 + 10) return uint16_t(0x3B + vk - VK_F1);
    switch (vk) {
    case '0': return 0x0B;
    case VK_ESCAPE: return 0x01;
    case VK_BACK: return 0x0E;
    case VK_TAB: return 0x0F;
    case VK_RETURN: return 0x1C;
    case VK_SPACE: return 0x39;
    case VK_F1 + 10: return 0x57;
    case VK_F1 + 11: return 0x58;
    case VK_HOME: return 0x47;
    case VK_UP: return 0x48;
    case VK_PRIOR: return 0x49;
    case VK_LEFT: return 0x4B;
    case VK_RIGHT: return 0x4D;
    case VK_END: return 0x4F;
    case VK_DOWN: return 0x50;
    case VK_NEXT: return 0x51;
    case VK_INSERT: return 0x52;
    case VK_DELETE: return 0x53;
    case VK_OEM_MINUS: return 0x0C;
    case VK_OEM_PLUS: return 0x0D;
    case VK_OEM_4: return 0x1A;
    case VK_OEM_6: return 0x1B;
    case VK_OEM_1: return 0x27;
    case VK_OEM_7: return 0x28;
    case VK_OEM_3: return 0x29;
    case VK_OEM_5: return 0x2B;
    case VK_OEM_COMMA: return 0x33;
    case VK_OEM_PERIOD: return 0x34;
    case VK_OEM_2: return 0x35;
    }
    return 0;
}

void KeyDecoder::key(std::vector<INPUT_RECORD>& out, uint16_t vk, char16_t ch, uint32_t state) {
    switch (vk) {
    case VK_PRIOR: case VK_NEXT: case VK_END: case VK_HOME: case VK_LEFT: case VK_UP: case VK_RIGHT: case VK_DOWN:
    case VK_INSERT: case VK_DELETE: state |= ENHANCED_KEY; break;
    }
    out.push_back(InputBuffer::key(ch, vk, scan_code(vk), state, true));
    out.push_back(InputBuffer::key(ch, vk, scan_code(vk), state, false));
}

void KeyDecoder::character(char32_t c, uint32_t state, std::vector<INPUT_RECORD>& out) {
    uint16_t vk = 0;
    bool shift = false;
    if (ascii_key(c, vk, shift)) {
        key(out, vk, char16_t(c), state | (shift ? SHIFT_PRESSED : 0));
        return;
    }
    // Outside the US layout: the character alone, as Windows reports injected Unicode (VK_PACKET).
    if (c >= 0x10000) {
        c -= 0x10000;
        key(out, VK_PACKET, char16_t(0xD800 + (c >> 10)), state);
        key(out, VK_PACKET, char16_t(0xDC00 + (c & 0x3FF)), state);
        return;
    }
    key(out, VK_PACKET, char16_t(c), state);
}

size_t KeyDecoder::decode(size_t i, bool flush, std::vector<INPUT_RECORD>& out) {
    const std::string& b = buf_;
    const size_t n = b.size() - i;
    const uint8_t c = uint8_t(b[i]);
    if (c == 0x1B) {
        if (n == 1) {
            if (!flush) return 0;
            key(out, VK_ESCAPE, 0x1B, 0);
            return 1;
        }
        const uint8_t c1 = uint8_t(b[i + 1]);
        if (c1 == '[' || c1 == 'O') {
            // CSI: parameters (digits and ';'), one final byte. SS3: one final byte.
            size_t j = i + 2;
            int params[4] = {0, 0, 0, 0}, np = 0;
            if (c1 == '[')
                for (; j < b.size() && ((b[j] >= '0' && b[j] <= '9') || b[j] == ';'); j++) {
                    if (b[j] == ';') { if (np < 3) np++; }
                    else params[np] = params[np] * 10 + (b[j] - '0');
                }
            else
                for (; j < b.size() && b[j] >= '0' && b[j] <= '9'; j++) params[1] = params[1] * 10 + (b[j] - '0');
            if (j >= b.size()) {
                if (!flush) return 0;
                // A cut sequence: Alt+[ (or Alt+O).
                character(c1, LEFT_ALT_PRESSED, out);
                return 2;
            }
            const char f = b[j];
            const uint32_t st = modifiers(params[1]);
            uint16_t vk = 0;
            switch (f) {
            case 'A': vk = VK_UP; break;
            case 'B': vk = VK_DOWN; break;
            case 'C': vk = VK_RIGHT; break;
            case 'D': vk = VK_LEFT; break;
            case 'H': vk = VK_HOME; break;
            case 'F': vk = VK_END; break;
            case 'P': case 'Q': case 'R': case 'S': vk = uint16_t(VK_F1 + (f - 'P')); break;
            case 'Z': key(out, VK_TAB, u'\t', SHIFT_PRESSED); return j + 1 - i;
            case '~':
                switch (params[0]) {
                case 1: case 7: vk = VK_HOME; break;
                case 2: vk = VK_INSERT; break;
                case 3: vk = VK_DELETE; break;
                case 4: case 8: vk = VK_END; break;
                case 5: vk = VK_PRIOR; break;
                case 6: vk = VK_NEXT; break;
                case 11: case 12: case 13: case 14: case 15: vk = uint16_t(VK_F1 + params[0] - 11); break;
                case 17: case 18: case 19: case 20: case 21: vk = uint16_t(VK_F1 + 5 + params[0] - 17); break;
                case 23: case 24: vk = uint16_t(VK_F1 + 10 + params[0] - 23); break;
                }
                break;
            }
            if (vk) key(out, vk, 0, st);
            return j + 1 - i;  // unknown sequences are dropped whole
        }
        // ESC + key: Alt+key (ESC ESC: Alt+Escape).
        const size_t before = out.size();
        size_t used = decode(i + 1, flush, out);
        if (!used) return 0;
        for (size_t k = before; k < out.size(); k++) out[k].Event.KeyEvent.dwControlKeyState |= LEFT_ALT_PRESSED;
        return used + 1;
    }
    if (c == '\r' || c == '\n') return key(out, VK_RETURN, u'\r', 0), 1;
    if (c == '\t') return key(out, VK_TAB, u'\t', 0), 1;
    if (c == 0x7F || c == 0x08) return key(out, VK_BACK, u'\b', 0), 1;
    if (c == 0) return key(out, VK_SPACE, 0, LEFT_CTRL_PRESSED), 1;
    if (c < 0x1B) return key(out, uint16_t('A' + c - 1), char16_t(c), LEFT_CTRL_PRESSED), 1;
    if (c < 0x20) {  // Ctrl+\ ] ^ _
        static const uint16_t vks[] = {VK_OEM_5, VK_OEM_6, '6', VK_OEM_MINUS};
        return key(out, vks[c - 0x1C], char16_t(c), LEFT_CTRL_PRESSED), 1;
    }
    // UTF-8.
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n < len) return flush ? (character(U'\uFFFD', 0, out), n) : 0;
    char32_t cp = len == 1 ? (c < 0x80 ? c : 0xFFFD) : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | (uint8_t(b[i + k]) & 0x3F);
    character(cp, 0, out);
    return len;
}

std::vector<INPUT_RECORD> KeyDecoder::feed(std::string_view bytes, bool flush) {
    buf_.append(bytes);
    std::vector<INPUT_RECORD> out;
    size_t i = 0;
    while (i < buf_.size()) {
        size_t used = decode(i, flush, out);
        if (!used) break;
        i += used;
    }
    buf_.erase(0, i);
    return out;
}

}  // namespace winrun::con
