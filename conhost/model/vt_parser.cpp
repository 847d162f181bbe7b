#include "vt_parser.h"

#include <algorithm>

#include "screen_buffer.h"

namespace winrun::con {

bool VtParser::feed(ScreenBuffer& sb, char16_t ch) {
    switch (state_) {
    case State::ground:
        if (ch != 0x1B) return false;
        state_ = State::escape;
        return true;
    case State::escape:
        state_ = State::ground;
        if (ch == u'[') {
            state_ = State::csi;
            params_.clear();
            private_ = false;
        } else if (ch == u']') {
            state_ = State::osc;
            osc_.clear();
        } else if (ch == u'7') {
            sb.saved_cursor = sb.cursor();
        } else if (ch == u'8') {
            sb.set_cursor(sb.saved_cursor);
        } else if (ch == u'c') {  // RIS: reset attributes and clear the window
            sb.attributes = sb.default_attributes;
            sb.erase_in_display(2);
            sb.set_cursor(COORD{0, sb.window().Top});
        }
        return true;
    case State::csi:
        if (ch >= u'0' && ch <= u'9') {
            if (params_.empty()) params_.push_back(0);
            params_.back() = std::min(params_.back() * 10 + (ch - u'0'), 32767);
        } else if (ch == u';' || ch == u':') {
            if (params_.empty()) params_.push_back(0);
            params_.push_back(0);
        } else if (ch == u'?' || ch == u'>' || ch == u'=') {
            private_ = true;
        } else if (ch >= 0x40 && ch <= 0x7E) {
            state_ = State::ground;
            csi_dispatch(sb, ch);
        } else if (ch == 0x1B) {
            state_ = State::escape;  // a sequence cut short by a new one
        } else if (ch < 0x20 || ch > 0x7E) {
            state_ = State::ground;  // not a sequence after all; the unit is dropped
        }
        return true;
    case State::osc:
        if (ch == 0x07) {
            state_ = State::ground;
        } else if (ch == 0x1B) {
            state_ = State::osc_escape;
            return true;
        } else {
            if (osc_.size() < 4096) osc_ += ch;
            return true;
        }
        [[fallthrough]];
    case State::osc_escape:
        // OSC ends with BEL or ST (ESC \). "0;title" and "2;title" set the title.
        state_ = State::ground;
        if ((osc_.starts_with(u"0;") || osc_.starts_with(u"2;")) && sb.on_title) sb.on_title(std::u16string_view(osc_).substr(2));
        return true;
    }
    return false;
}

void VtParser::csi_dispatch(ScreenBuffer& sb, char16_t f) {
    const COORD c = sb.cursor();
    const SMALL_RECT w = sb.window();
    auto move = [&](int x, int y) {
        x = std::clamp(x, 0, sb.width() - 1);
        y = std::clamp(y, 0, sb.height() - 1);
        sb.set_cursor(COORD{int16_t(x), int16_t(y)});
    };
    if (private_) {
        // DECTCEM: ?25h shows the cursor, ?25l hides it. Other private modes are ignored.
        if ((f == u'h' || f == u'l') && std::find(params_.begin(), params_.end(), 25) != params_.end())
            sb.cursor_visible = f == u'h';
        return;
    }
    switch (f) {
    case u'A': move(c.X, std::max<int>(c.Y - param(0, 1), w.Top)); break;
    case u'B': move(c.X, std::min<int>(c.Y + param(0, 1), w.Bottom)); break;
    case u'C': move(c.X + param(0, 1), c.Y); break;
    case u'D': move(c.X - param(0, 1), c.Y); break;
    case u'E': move(0, std::min<int>(c.Y + param(0, 1), w.Bottom)); break;
    case u'F': move(0, std::max<int>(c.Y - param(0, 1), w.Top)); break;
    case u'G': case u'`': move(param(0, 1) - 1, c.Y); break;
    case u'd': move(c.X, w.Top + param(0, 1) - 1); break;
    // Positions are relative to the window (the viewport), as in conhost.
    case u'H': case u'f': move(w.Left + param(1, 1) - 1, std::min<int>(w.Top + param(0, 1) - 1, w.Bottom)); break;
    case u'J': sb.erase_in_display(params_.empty() ? 0 : params_[0]); break;
    case u'K': sb.erase_in_line(params_.empty() ? 0 : params_[0]); break;
    case u'm': sgr(sb); break;
    case u's': sb.saved_cursor = c; break;
    case u'u': sb.set_cursor(sb.saved_cursor); break;
    default: break;  // consumed, not implemented
    }
}

void VtParser::sgr(ScreenBuffer& sb) {
    if (params_.empty()) params_.push_back(0);
    uint16_t& a = sb.attributes;
    const uint16_t def = sb.default_attributes;
    // The nearest of the 16 console colours to an RGB value (each channel on or off; bright when any
    // channel is high).
    auto nearest = [](int r, int g, int b) -> uint16_t {
        uint16_t v = uint16_t((r > 64 ? FOREGROUND_RED : 0) | (g > 64 ? FOREGROUND_GREEN : 0) | (b > 64 ? FOREGROUND_BLUE : 0));
        if (r > 191 || g > 191 || b > 191) v |= FOREGROUND_INTENSITY;
        return v;
    };
    auto extended = [&](size_t& i) -> int {  // 38/48 ;5;n or ;2;r;g;b -> 4-bit console colour, -1 if bad
        if (i + 1 >= params_.size()) return -1;
        if (params_[i + 1] == 5 && i + 2 < params_.size()) {
            int n = params_[i + 2];
            i += 2;
            if (n < 8) return ansi_to_console(n);
            if (n < 16) return ansi_to_console(n - 8) | FOREGROUND_INTENSITY;
            if (n < 232) {  // 6x6x6 cube
                n -= 16;
                return nearest(n / 36 * 51, n / 6 % 6 * 51, n % 6 * 51);
            }
            int l = (n - 232) * 10 + 8;
            return nearest(l, l, l);
        }
        if (params_[i + 1] == 2 && i + 4 < params_.size()) {
            int r = params_[i + 2], g = params_[i + 3], b = params_[i + 4];
            i += 4;
            return nearest(r, g, b);
        }
        return -1;
    };
    for (size_t i = 0; i < params_.size(); i++) {
        int p = params_[i];
        if (p == 0) {
            a = def;
            bold_ = false;
        } else if (p == 1) {
            a |= FOREGROUND_INTENSITY;
            bold_ = true;
        } else if (p == 22) {
            a &= ~FOREGROUND_INTENSITY;
            bold_ = false;
        }
        else if (p == 4) a |= COMMON_LVB_UNDERSCORE;
        else if (p == 24) a &= ~COMMON_LVB_UNDERSCORE;
        else if (p == 7) a |= COMMON_LVB_REVERSE_VIDEO;
        else if (p == 27) a &= ~COMMON_LVB_REVERSE_VIDEO;
        // A basic colour replaces the whole foreground (bright only while bold), as conhost does.
        else if (p >= 30 && p <= 37) a = uint16_t((a & ~0xF) | ansi_to_console(p - 30) | (bold_ ? FOREGROUND_INTENSITY : 0));
        else if (p == 39) a = uint16_t((a & ~0xF) | (def & 0xF));
        else if (p >= 40 && p <= 47) a = uint16_t((a & ~0x70) | (ansi_to_console(p - 40) << 4));
        else if (p == 49) a = uint16_t((a & ~0xF0) | (def & 0xF0));
        else if (p >= 90 && p <= 97) a = uint16_t((a & ~0xF) | ansi_to_console(p - 90) | FOREGROUND_INTENSITY);
        else if (p >= 100 && p <= 107) a = uint16_t((a & ~0xF0) | ((ansi_to_console(p - 100) | FOREGROUND_INTENSITY) << 4));
        else if (p == 38 || p == 48) {
            int v = extended(i);
            if (v >= 0) a = p == 38 ? uint16_t((a & ~0xF) | v) : uint16_t((a & ~0xF0) | (v << 4));
        }
    }
}

}  // namespace winrun::con
