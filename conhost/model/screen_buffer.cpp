#include "screen_buffer.h"

#include <algorithm>

namespace winrun::con {

namespace {
bool empty(const SMALL_RECT& r) { return r.Left > r.Right || r.Top > r.Bottom; }
SMALL_RECT intersect(SMALL_RECT a, SMALL_RECT b) {
    return SMALL_RECT{std::max(a.Left, b.Left), std::max(a.Top, b.Top), std::min(a.Right, b.Right),
                      std::min(a.Bottom, b.Bottom)};
}
}  // namespace

ScreenBuffer::ScreenBuffer(int width, int height, int window_width, int window_height)
    : width_(std::max(1, width)), height_(std::max(1, height)), cells_(size_t(width_) * height_) {
    window_ = SMALL_RECT{0, 0, int16_t(std::min(window_width, width_) - 1), int16_t(std::min(window_height, height_) - 1)};
}

std::u16string ScreenBuffer::row_text(int y) const {
    std::u16string s;
    for (int x = 0; x < width_; x++) s += at(x, y).ch;
    while (!s.empty() && s.back() == u' ') s.pop_back();
    return s;
}

void ScreenBuffer::changed(SMALL_RECT r) {
    if (obs_) obs_->cells_changed(r);
}

// The window follows the cursor (as conhost does when output moves the cursor off screen).
void ScreenBuffer::follow_cursor() {
    int wh = window_.Bottom - window_.Top + 1, ww = window_.Right - window_.Left + 1;
    if (cursor_.Y > window_.Bottom) {
        window_.Bottom = cursor_.Y;
        window_.Top = int16_t(cursor_.Y - wh + 1);
    } else if (cursor_.Y < window_.Top) {
        window_.Top = cursor_.Y;
        window_.Bottom = int16_t(cursor_.Y + wh - 1);
    }
    if (cursor_.X > window_.Right) {
        window_.Right = cursor_.X;
        window_.Left = int16_t(cursor_.X - ww + 1);
    } else if (cursor_.X < window_.Left) {
        window_.Left = cursor_.X;
        window_.Right = int16_t(cursor_.X + ww - 1);
    }
    if (obs_) obs_->cursor_moved();
}

bool ScreenBuffer::set_cursor(COORD c) {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return false;
    cursor_ = c;
    wrap_pending_ = false;
    follow_cursor();
    return true;
}

bool ScreenBuffer::set_window(SMALL_RECT w) {
    if (empty(w) || w.Left < 0 || w.Top < 0 || w.Right >= width_ || w.Bottom >= height_) return false;
    window_ = w;
    changed(window_);
    return true;
}

bool ScreenBuffer::resize(int w, int h) {
    if (w < window_.Right - window_.Left + 1 || h < window_.Bottom - window_.Top + 1 || w > 0x7FFF || h > 0x7FFF)
        return false;
    std::vector<Cell> n(size_t(w) * h, Cell{u' ', attributes});
    for (int y = 0; y < std::min(h, height_); y++)
        for (int x = 0; x < std::min(w, width_); x++) n[size_t(y) * w + x] = at(x, y);
    cells_ = std::move(n);
    width_ = w;
    height_ = h;
    // The window keeps its size and moves inside the buffer if it must.
    int ww = window_.Right - window_.Left + 1, wh = window_.Bottom - window_.Top + 1;
    if (window_.Right >= w) { window_.Right = int16_t(w - 1); window_.Left = int16_t(w - ww); }
    if (window_.Bottom >= h) { window_.Bottom = int16_t(h - 1); window_.Top = int16_t(h - wh); }
    cursor_.X = int16_t(std::min<int>(cursor_.X, w - 1));
    cursor_.Y = int16_t(std::min<int>(cursor_.Y, h - 1));
    changed(SMALL_RECT{0, 0, int16_t(w - 1), int16_t(h - 1)});
    return true;
}

void ScreenBuffer::resize_window(int cols, int rows) {
    cols = std::clamp(cols, 1, 0x7FFF);
    rows = std::clamp(rows, 1, 0x7FFF);
    window_ = SMALL_RECT{0, 0, 0, 0};  // shrink first so the buffer may take any size
    resize(cols, std::max(height_, rows));
    int top = std::clamp(cursor_.Y - rows + 1, 0, height_ - rows);
    if (top < 0) top = 0;
    window_ = SMALL_RECT{0, int16_t(top), int16_t(cols - 1), int16_t(top + rows - 1)};
    changed(window_);
}

void ScreenBuffer::scroll_up(int lines) {
    lines = std::min(lines, height_);
    std::move(cells_.begin() + size_t(lines) * width_, cells_.end(), cells_.begin());
    std::fill(cells_.end() - size_t(lines) * width_, cells_.end(), Cell{u' ', attributes});
    scroll_count_ += lines;
    if (obs_) obs_->scrolled(lines);
}

void ScreenBuffer::line_feed(bool cr) {
    wrap_pending_ = false;
    if (cr) cursor_.X = 0;
    if (cursor_.Y + 1 >= height_)
        scroll_up(1);
    else
        cursor_.Y++;
}

void ScreenBuffer::carriage_return() {
    wrap_pending_ = false;
    cursor_.X = 0;
}

void ScreenBuffer::backspace() {
    wrap_pending_ = false;
    if (cursor_.X > 0) cursor_.X--;
}

void ScreenBuffer::tab() {
    int n = 8 - cursor_.X % 8;
    for (int i = 0; i < n && !(cursor_.X == width_ - 1 && i > 0); i++) put_char(u' ');
}

void ScreenBuffer::put_char(char16_t ch) {
    const bool vt = mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING;
    if (wrap_pending_) {
        wrap_pending_ = false;
        line_feed(true);
    }
    at(cursor_.X, cursor_.Y) = Cell{ch, attributes};
    if (cursor_.X + 1 < width_) {
        cursor_.X++;
    } else if (mode & ENABLE_WRAP_AT_EOL_OUTPUT) {
        // Legacy conhost moves to the next line at once (80 characters and "\n" on an 80-column
        // buffer leave an empty line); in VT mode the wrap waits for the next character.
        if (vt)
            wrap_pending_ = true;
        else
            line_feed(true);
    }
    // Without wrapping the cursor stays on the last column, which the next character overwrites.
}

void ScreenBuffer::clear_rect(SMALL_RECT r, uint16_t attr) {
    r = intersect(r, SMALL_RECT{0, 0, int16_t(width_ - 1), int16_t(height_ - 1)});
    if (empty(r)) return;
    for (int y = r.Top; y <= r.Bottom; y++)
        for (int x = r.Left; x <= r.Right; x++) at(x, y) = Cell{u' ', attr};
    changed(r);
}

void ScreenBuffer::erase_in_display(int how) {
    const int16_t W = int16_t(width_ - 1);
    switch (how) {
    case 0:
        clear_rect({cursor_.X, cursor_.Y, W, cursor_.Y}, attributes);
        if (cursor_.Y < window_.Bottom) clear_rect({0, int16_t(cursor_.Y + 1), W, window_.Bottom}, attributes);
        break;
    case 1:
        if (cursor_.Y > window_.Top) clear_rect({0, window_.Top, W, int16_t(cursor_.Y - 1)}, attributes);
        clear_rect({0, cursor_.Y, cursor_.X, cursor_.Y}, attributes);
        break;
    case 2: clear_rect({0, window_.Top, W, window_.Bottom}, attributes); break;
    case 3:
        if (window_.Top > 0) clear_rect({0, 0, W, int16_t(window_.Top - 1)}, attributes);
        if (window_.Bottom < height_ - 1) clear_rect({0, int16_t(window_.Bottom + 1), W, int16_t(height_ - 1)}, attributes);
        break;
    }
}

void ScreenBuffer::erase_in_line(int how) {
    const int16_t W = int16_t(width_ - 1);
    switch (how) {
    case 0: clear_rect({cursor_.X, cursor_.Y, W, cursor_.Y}, attributes); break;
    case 1: clear_rect({0, cursor_.Y, cursor_.X, cursor_.Y}, attributes); break;
    case 2: clear_rect({0, cursor_.Y, W, cursor_.Y}, attributes); break;
    }
}

void ScreenBuffer::write_processed(std::u16string_view text, bool vt) {
    const bool processed = mode & ENABLE_PROCESSED_OUTPUT;
    for (char16_t ch : text) {
        if (vt && vt_.feed(*this, ch)) continue;
        if (processed) {
            switch (ch) {
            case u'\n': line_feed(!(mode & DISABLE_NEWLINE_AUTO_RETURN) || !vt); continue;
            case u'\r': carriage_return(); continue;
            case u'\b': backspace(); continue;
            case u'\t': tab(); continue;
            case u'\a':
                if (obs_) obs_->bell();
                continue;
            default: break;
            }
        }
        put_char(ch);
    }
}

size_t ScreenBuffer::write(std::u16string_view text) {
    if (obs_) obs_->text_written(text);
    const COORD before = cursor_;
    const uint64_t scrolls = scroll_count_;
    write_processed(text, mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING);
    // One notification for the rows touched (from where the write started, moved up by scrolling).
    int top = int(before.Y) - int(scroll_count_ - scrolls);
    changed(SMALL_RECT{0, int16_t(std::max(0, top)), int16_t(width_ - 1), int16_t(std::max<int>(cursor_.Y, 0))});
    follow_cursor();
    return text.size();
}

// ---- cell access ---------------------------------------------------------------------------------

size_t ScreenBuffer::fill_chars(COORD c, char16_t ch, size_t n) {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(n, cells_.size() - start);
    for (size_t i = 0; i < k; i++) cells_[start + i].ch = ch;
    if (k) changed({0, c.Y, int16_t(width_ - 1), int16_t((start + k - 1) / width_)});
    return k;
}
size_t ScreenBuffer::fill_attrs(COORD c, uint16_t a, size_t n) {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(n, cells_.size() - start);
    for (size_t i = 0; i < k; i++) cells_[start + i].attr = a;
    if (k) changed({0, c.Y, int16_t(width_ - 1), int16_t((start + k - 1) / width_)});
    return k;
}
size_t ScreenBuffer::write_chars(COORD c, std::u16string_view s) {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(s.size(), cells_.size() - start);
    for (size_t i = 0; i < k; i++) cells_[start + i].ch = s[i];
    if (k) changed({0, c.Y, int16_t(width_ - 1), int16_t((start + k - 1) / width_)});
    return k;
}
size_t ScreenBuffer::write_attrs(COORD c, const uint16_t* a, size_t n) {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(n, cells_.size() - start);
    for (size_t i = 0; i < k; i++) cells_[start + i].attr = a[i];
    if (k) changed({0, c.Y, int16_t(width_ - 1), int16_t((start + k - 1) / width_)});
    return k;
}
size_t ScreenBuffer::read_chars(COORD c, char16_t* out, size_t n) const {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(n, cells_.size() - start);
    for (size_t i = 0; i < k; i++) out[i] = cells_[start + i].ch;
    return k;
}
size_t ScreenBuffer::read_attrs(COORD c, uint16_t* out, size_t n) const {
    if (c.X < 0 || c.Y < 0 || c.X >= width_ || c.Y >= height_) return 0;
    size_t start = size_t(c.Y) * width_ + c.X, k = std::min(n, cells_.size() - start);
    for (size_t i = 0; i < k; i++) out[i] = cells_[start + i].attr;
    return k;
}

// The part of `region` that both the buffer and the block (from `from` on) cover.
static bool clip_block(SMALL_RECT& region, COORD size, COORD from, int width, int height) {
    if (from.X < 0 || from.Y < 0 || from.X >= size.X || from.Y >= size.Y) return false;
    SMALL_RECT r = region;
    r.Right = std::min<int16_t>(r.Right, int16_t(r.Left + (size.X - from.X) - 1));
    r.Bottom = std::min<int16_t>(r.Bottom, int16_t(r.Top + (size.Y - from.Y) - 1));
    SMALL_RECT c = intersect(r, SMALL_RECT{0, 0, int16_t(width - 1), int16_t(height - 1)});
    if (empty(c)) {
        region.Right = int16_t(region.Left - 1);  // what Windows reports for nothing written
        region.Bottom = int16_t(region.Top - 1);
        return false;
    }
    region = c;
    return true;
}

bool ScreenBuffer::write_block(const CHAR_INFO* block, COORD size, COORD from, SMALL_RECT& region) {
    SMALL_RECT want = region;
    if (!clip_block(region, size, from, width_, height_)) return false;
    for (int y = region.Top; y <= region.Bottom; y++)
        for (int x = region.Left; x <= region.Right; x++) {
            const CHAR_INFO& ci = block[size_t(from.Y + y - want.Top) * size.X + (from.X + x - want.Left)];
            at(x, y) = Cell{ci.Char, ci.Attributes};
        }
    changed(region);
    return true;
}

bool ScreenBuffer::read_block(CHAR_INFO* block, COORD size, COORD from, SMALL_RECT& region) const {
    SMALL_RECT want = region;
    if (!clip_block(region, size, from, width_, height_)) return false;
    for (int y = region.Top; y <= region.Bottom; y++)
        for (int x = region.Left; x <= region.Right; x++) {
            CHAR_INFO& ci = block[size_t(from.Y + y - want.Top) * size.X + (from.X + x - want.Left)];
            ci.Char = at(x, y).ch;
            ci.Attributes = at(x, y).attr;
        }
    return true;
}

bool ScreenBuffer::scroll(SMALL_RECT src, const SMALL_RECT* clip_in, COORD dest, CHAR_INFO fill) {
    const SMALL_RECT all{0, 0, int16_t(width_ - 1), int16_t(height_ - 1)};
    SMALL_RECT s = intersect(src, all);
    if (empty(s)) return false;
    SMALL_RECT clip = clip_in ? intersect(*clip_in, all) : all;
    // The source's clipped part moves by the same offset as its corner.
    int dx = dest.X - src.Left, dy = dest.Y - src.Top;
    std::vector<Cell> copy;
    copy.reserve(size_t(s.Right - s.Left + 1) * (s.Bottom - s.Top + 1));
    for (int y = s.Top; y <= s.Bottom; y++)
        for (int x = s.Left; x <= s.Right; x++) copy.push_back(at(x, y));
    SMALL_RECT f = intersect(s, clip);
    if (!empty(f))
        for (int y = f.Top; y <= f.Bottom; y++)
            for (int x = f.Left; x <= f.Right; x++) at(x, y) = Cell{fill.Char, fill.Attributes};
    size_t i = 0;
    for (int y = s.Top; y <= s.Bottom; y++)
        for (int x = s.Left; x <= s.Right; x++, i++) {
            int tx = x + dx, ty = y + dy;
            if (tx >= clip.Left && tx <= clip.Right && ty >= clip.Top && ty <= clip.Bottom) at(tx, ty) = copy[i];
        }
    changed(clip);
    return true;
}

}  // namespace winrun::con
