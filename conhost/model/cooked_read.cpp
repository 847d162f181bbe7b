#include "cooked_read.h"

#include <algorithm>

namespace winrun::con {

void History::add(const std::u16string& s) {
    if (s.empty() || (!lines.empty() && lines.back() == s)) return;
    lines.push_back(s);
    if (lines.size() > max) lines.erase(lines.begin());
}

CookedRead::CookedRead(ScreenBuffer* echo, History& history, bool insert_mode, bool processed)
    : sb_(echo), hist_(history), insert_(insert_mode), processed_(processed), hist_pos_(history.lines.size()) {
    if (sb_) {
        start_ = sb_->cursor();
        start_scrolls_ = sb_->scroll_count();
    }
}

// Where the echo began, following the lines the buffer scrolled since.
COORD CookedRead::start() const {
    int y = int(start_.Y) - int(sb_->scroll_count() - start_scrolls_);
    return COORD{start_.X, int16_t(std::max(0, y))};
}

void CookedRead::place_cursor() {
    COORD s = start();
    size_t off = size_t(s.X) + pos_;
    int y = std::min<int>(s.Y + int(off / sb_->width()), sb_->height() - 1);
    sb_->set_cursor(COORD{int16_t(off % sb_->width()), int16_t(y)});
}

// Writes the line again from its start, blanks what an edit left behind, and puts the cursor back.
void CookedRead::redraw(size_t old_len) {
    if (!sb_) return;
    sb_->set_cursor(start());
    // Echo without processing (a tab in the line shows as a cell, not a jump) and without a pending
    // wrap deciding where the next line starts.
    uint32_t mode = sb_->mode;
    sb_->mode = ENABLE_WRAP_AT_EOL_OUTPUT;
    std::u16string text = line_;
    if (old_len > line_.size()) text.append(old_len - line_.size(), u' ');
    // Writing the last cell of the buffer's last row would scroll; the start moves with it.
    sb_->write(text);
    sb_->mode = mode;
    place_cursor();
}

bool CookedRead::key(const KEY_EVENT_RECORD& k) {
    const size_t old_len = line_.size();
    switch (k.wVirtualKeyCode) {
    case VK_RETURN:
        pos_ = line_.size();
        if (sb_) {
            place_cursor();
            sb_->write(u"\r\n");
        }
        hist_.add(line_);
        result_ = line_ + (processed_ ? u"\r\n" : u"\r");
        return true;
    case VK_BACK:
        if (pos_ == 0) return false;
        line_.erase(--pos_, 1);
        redraw(old_len);
        return false;
    case VK_DELETE:
        if (pos_ >= line_.size()) return false;
        line_.erase(pos_, 1);
        redraw(old_len);
        return false;
    case VK_LEFT:
        if (pos_ > 0) pos_--;
        if (sb_) place_cursor();
        return false;
    case VK_RIGHT:
        if (pos_ < line_.size()) pos_++;
        if (sb_) place_cursor();
        return false;
    case VK_HOME:
        pos_ = 0;
        if (sb_) place_cursor();
        return false;
    case VK_END:
        pos_ = line_.size();
        if (sb_) place_cursor();
        return false;
    case VK_INSERT: insert_ = !insert_; return false;
    case VK_ESCAPE:
        line_.clear();
        pos_ = 0;
        redraw(old_len);
        return false;
    case VK_UP:
    case VK_DOWN:
        if (hist_.lines.empty()) return false;
        if (k.wVirtualKeyCode == VK_UP) {
            if (hist_pos_ > 0) hist_pos_--;
        } else {
            if (hist_pos_ + 1 >= hist_.lines.size()) return false;
            hist_pos_++;
        }
        line_ = hist_.lines[hist_pos_];
        pos_ = line_.size();
        redraw(old_len);
        return false;
    default: break;
    }
    if (k.uChar == 0) return false;
    char16_t ch = k.uChar;
    if (ch == u'\r' || ch == u'\n') return key(KEY_EVENT_RECORD{1, 1, VK_RETURN, 0x1C, u'\r', 0});
    if (ch == u'\b') return key(KEY_EVENT_RECORD{1, 1, VK_BACK, 0x0E, u'\b', 0});
    const bool at_end = pos_ == line_.size();
    if (insert_ || at_end)
        line_.insert(pos_, 1, ch);
    else
        line_[pos_] = ch;
    pos_++;
    if (!sb_) return false;
    if (at_end) {
        // The common case (typing at the end): echo the one character.
        uint32_t mode = sb_->mode;
        sb_->mode = ENABLE_WRAP_AT_EOL_OUTPUT;
        sb_->write(std::u16string_view(&ch, 1));
        sb_->mode = mode;
    } else {
        redraw(old_len);
    }
    return false;
}

}  // namespace winrun::con
