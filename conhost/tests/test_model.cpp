// Catch2 tests on the console model alone (no front end, no sockets): screen buffer writing,
// wrapping, scrolling, attributes, cell access, ScrollConsoleScreenBuffer, VT parsing, input queue,
// cooked-read editing.
#include <catch2/catch.hpp>

#include "model/console.h"

using namespace winrun::con;

namespace {
// Rows as narrow strings (the tests write ASCII), so that Catch2 prints them on failure.
std::string narrow(const std::u16string& s) { return std::string(s.begin(), s.end()); }
std::string row(const ScreenBuffer& sb, int y) { return narrow(sb.row_text(y)); }
KEY_EVENT_RECORD ch(char16_t c) { return InputBuffer::key(c, 0, 0, 0).Event.KeyEvent; }
KEY_EVENT_RECORD vk(uint16_t v) { return InputBuffer::key(0, v, 0, ENHANCED_KEY).Event.KeyEvent; }
void type(CookedRead& r, std::u16string_view s) {
    for (char16_t c : s) r.key(ch(c));
}
}  // namespace

TEST_CASE("processed output: CR, LF, BS, TAB", "[model]") {
    ScreenBuffer sb(20, 5, 20, 5);
    sb.write(u"abc\r\ndef\bX\tY");
    CHECK(row(sb, 0) == "abc");
    CHECK(row(sb, 1) == "deX     Y");
    CHECK(sb.cursor().X == 9);
    CHECK(sb.cursor().Y == 1);
    sb.write(u"\nz");  // LF returns the carriage too (no DISABLE_NEWLINE_AUTO_RETURN)
    CHECK(row(sb, 2) == "z");
}

TEST_CASE("unprocessed output writes control characters as cells", "[model]") {
    ScreenBuffer sb(10, 3, 10, 3);
    sb.mode = ENABLE_WRAP_AT_EOL_OUTPUT;
    sb.write(u"a\nb");
    CHECK(sb.at(1, 0).ch == u'\n');
    CHECK(sb.cursor().X == 3);
}

TEST_CASE("wrapping at the end of a line, and without wrap mode", "[model]") {
    ScreenBuffer sb(5, 4, 5, 4);
    sb.write(u"abcdefg");
    CHECK(row(sb, 0) == "abcde");
    CHECK(row(sb, 1) == "fg");
    // Legacy conhost: exactly a line's worth moves the cursor to the next line at once.
    ScreenBuffer sb2(5, 4, 5, 4);
    sb2.write(u"abcde");
    CHECK(sb2.cursor().Y == 1);
    CHECK(sb2.cursor().X == 0);
    ScreenBuffer sb3(5, 4, 5, 4);
    sb3.mode = ENABLE_PROCESSED_OUTPUT;
    sb3.write(u"abcdefg");
    CHECK(row(sb3, 0) == "abcdg");
    CHECK(sb3.cursor().Y == 0);
    // VT mode: delayed wrap, so 5 characters and a newline do not leave an empty line.
    ScreenBuffer sb4(5, 4, 5, 4);
    sb4.mode |= ENABLE_VIRTUAL_TERMINAL_PROCESSING;
    sb4.write(u"abcde\nf");
    CHECK(row(sb4, 1) == "f");
}

TEST_CASE("scrolling at the bottom of the buffer", "[model]") {
    ScreenBuffer sb(10, 3, 10, 3);
    sb.attributes = 0x1E;
    sb.write(u"1\n2\n3\n4");
    CHECK(row(sb, 0) == "2");
    CHECK(row(sb, 1) == "3");
    CHECK(row(sb, 2) == "4");
    CHECK(sb.scroll_count() == 1);
    CHECK(sb.at(5, 2).attr == 0x1E);  // the new line takes the current attributes
}

TEST_CASE("the window follows the cursor in a tall buffer", "[model]") {
    ScreenBuffer sb(10, 100, 10, 5);
    for (int i = 0; i < 10; i++) sb.write(u"line\n");
    CHECK(sb.cursor().Y == 10);
    CHECK(sb.window().Bottom == 10);
    CHECK(sb.window().Top == 6);
    CHECK(sb.set_window(SMALL_RECT{0, 0, 9, 4}));
    CHECK_FALSE(sb.set_window(SMALL_RECT{0, 98, 9, 102}));
}

TEST_CASE("attributes are written with the text", "[model]") {
    ScreenBuffer sb(10, 2, 10, 2);
    sb.attributes = FOREGROUND_RED | BACKGROUND_BLUE;
    sb.write(u"ab");
    sb.attributes = 7;
    sb.write(u"c");
    CHECK(sb.at(0, 0).attr == (FOREGROUND_RED | BACKGROUND_BLUE));
    CHECK(sb.at(2, 0).attr == 7);
}

TEST_CASE("fill, write and read cells wrap across rows and clip at the end", "[model]") {
    ScreenBuffer sb(4, 3, 4, 3);
    CHECK(sb.fill_chars(COORD{2, 0}, u'x', 4) == 4);
    CHECK(row(sb, 0) == "  xx");
    CHECK(row(sb, 1) == "xx");
    CHECK(sb.fill_chars(COORD{2, 2}, u'y', 10) == 2);
    CHECK(sb.fill_chars(COORD{4, 0}, u'y', 1) == 0);
    uint16_t attrs[3] = {1, 2, 3};
    CHECK(sb.write_attrs(COORD{3, 0}, attrs, 3) == 3);
    uint16_t back[3] = {};
    CHECK(sb.read_attrs(COORD{3, 0}, back, 3) == 3);
    CHECK(back[2] == 3);
    char16_t text[4] = {};
    CHECK(sb.read_chars(COORD{2, 0}, text, 4) == 4);
    CHECK(std::u16string(text, 4) == u"xxxx");
}

TEST_CASE("write_block and read_block clip to the buffer", "[model]") {
    ScreenBuffer sb(5, 5, 5, 5);
    CHAR_INFO block[9];
    for (int i = 0; i < 9; i++) block[i] = CHAR_INFO{char16_t(u'a' + i), uint16_t(i)};
    SMALL_RECT r{3, 3, 5, 5};
    CHECK(sb.write_block(block, COORD{3, 3}, COORD{0, 0}, r));
    CHECK(r.Left == 3);
    CHECK(r.Right == 4);
    CHECK(r.Bottom == 4);
    CHECK(sb.at(3, 3).ch == u'a');
    CHECK(sb.at(4, 4).ch == u'e');
    CHAR_INFO out[4] = {};
    SMALL_RECT rr{3, 3, 4, 4};
    CHECK(sb.read_block(out, COORD{2, 2}, COORD{0, 0}, rr));
    CHECK(out[3].Char == u'e');
    CHECK(out[3].Attributes == 4);
    SMALL_RECT outside{10, 10, 12, 12};
    CHECK_FALSE(sb.write_block(block, COORD{3, 3}, COORD{0, 0}, outside));
}

TEST_CASE("ScrollConsoleScreenBuffer semantics", "[model]") {
    ScreenBuffer sb(4, 4, 4, 4);
    sb.write_chars(COORD{0, 0}, u"abcdefghijklmnop");
    // Move rows 1..3 up by one, fill with '.'.
    CHECK(sb.scroll(SMALL_RECT{0, 1, 3, 3}, nullptr, COORD{0, 0}, CHAR_INFO{u'.', 0x1F}));
    CHECK(row(sb, 0) == "efgh");
    CHECK(row(sb, 2) == "mnop");
    CHECK(row(sb, 3) == "....");
    CHECK(sb.at(0, 3).attr == 0x1F);
    // With a clip rectangle, cells outside it stay.
    ScreenBuffer s2(4, 2, 4, 2);
    s2.write_chars(COORD{0, 0}, u"abcdefgh");
    SMALL_RECT clip{0, 0, 1, 1};
    CHECK(s2.scroll(SMALL_RECT{0, 0, 3, 0}, &clip, COORD{0, 1}, CHAR_INFO{u'-', 7}));
    CHECK(row(s2, 0) == "--cd");
    CHECK(row(s2, 1) == "abgh");
    CHECK_FALSE(s2.scroll(SMALL_RECT{5, 5, 6, 6}, nullptr, COORD{0, 0}, CHAR_INFO{u' ', 7}));
}

TEST_CASE("buffer resize keeps content and refuses a size smaller than the window", "[model]") {
    ScreenBuffer sb(10, 10, 5, 5);
    sb.write(u"hello");
    CHECK(sb.resize(20, 30));
    CHECK(row(sb, 0) == "hello");
    CHECK_FALSE(sb.resize(3, 30));
    sb.resize_window(8, 4);
    CHECK(sb.width() == 8);
    CHECK(sb.window().Right == 7);
}

TEST_CASE("VT: SGR colours", "[model][vt]") {
    ScreenBuffer sb(20, 3, 20, 3);
    sb.mode |= ENABLE_VIRTUAL_TERMINAL_PROCESSING;
    sb.write(u"\x1b[31;44ma\x1b[1mb\x1b[0mc\x1b[92;101md\x1b[7me\x1b[39;49mf\x1b[38;5;4mg");
    CHECK(row(sb, 0) == "abcdefg");
    CHECK(sb.at(0, 0).attr == (FOREGROUND_RED | BACKGROUND_BLUE));
    CHECK(sb.at(1, 0).attr == (FOREGROUND_RED | FOREGROUND_INTENSITY | BACKGROUND_BLUE));
    CHECK(sb.at(2, 0).attr == 7);
    CHECK(sb.at(3, 0).attr == (FOREGROUND_GREEN | FOREGROUND_INTENSITY | BACKGROUND_RED | BACKGROUND_INTENSITY));
    CHECK((sb.at(4, 0).attr & COMMON_LVB_REVERSE_VIDEO));
    CHECK((sb.at(5, 0).attr & 0xFF) == 7);
    CHECK((sb.at(6, 0).attr & 0xF) == FOREGROUND_BLUE);
}

TEST_CASE("VT: cursor movement and erase", "[model][vt]") {
    ScreenBuffer sb(10, 5, 10, 5);
    sb.mode |= ENABLE_VIRTUAL_TERMINAL_PROCESSING;
    sb.write(u"xxxxxxxxxx\r\nyyyyyyyyyy\r\n");
    sb.write(u"\x1b[1;3HA\x1b[2;5HB\x1b[1A\x1b[2CC");
    CHECK(row(sb, 0) == "xxAxxxxCxx");
    CHECK(row(sb, 1) == "yyyyByyyyy");
    sb.write(u"\x1b[2;3H\x1b[K");
    CHECK(row(sb, 1) == "yy");
    sb.write(u"\x1b[1;5H\x1b[1K");
    CHECK(row(sb, 0) == "     xxCxx");
    sb.write(u"\x1b[2J");
    CHECK(row(sb, 0).empty());
    sb.write(u"\x1b[?25l");
    CHECK_FALSE(sb.cursor_visible);
    sb.write(u"\x1b[?25h\x1b[3;4H\x1b[sZ\x1b[1;1H\x1b[u");
    CHECK(sb.cursor().X == 3);
    CHECK(sb.cursor().Y == 2);
}

TEST_CASE("VT: title, unknown sequences are swallowed, not printed", "[model][vt]") {
    Console con(20, 3);
    ScreenBuffer& sb = con.active_buffer();
    sb.mode |= ENABLE_VIRTUAL_TERMINAL_PROCESSING;
    sb.write(u"\x1b]0;my title\x07" u"a\x1b[5nb\x1b]2;other\x1b\\c\x1b(Bd");
    CHECK(con.title == u"other");
    CHECK(row(sb, 0) == "abcBd");  // ESC ( is a two-byte escape we ignore; the 'B' designator prints
    // Without VT processing ESC is a cell.
    ScreenBuffer plain(10, 1, 10, 1);
    plain.write(u"\x1b[1m");
    CHECK(plain.at(0, 0).ch == 0x1B);
}

TEST_CASE("input queue: write, peek, read, flush; ReadConsole skips non-character events", "[model][input]") {
    InputBuffer in;
    INPUT_RECORD recs[3] = {InputBuffer::key(u'a', 'A', 0x1E, 0), InputBuffer::resize(80, 25),
                            InputBuffer::key(u'a', 'A', 0x1E, 0, false)};
    in.write(recs, 3);
    CHECK(in.count() == 3);
    INPUT_RECORD out[4];
    CHECK(in.peek(out, 4) == 3);
    CHECK(in.count() == 3);
    CHECK(in.read(out, 1) == 1);
    CHECK(out[0].Event.KeyEvent.uChar == u'a');
    CHECK(in.count() == 2);
    CHECK_FALSE(in.has_char());
    KEY_EVENT_RECORD k;
    CHECK_FALSE(in.next_key(k));
    CHECK(in.empty());
    in.write(recs, 1);
    in.flush();
    CHECK(in.count() == 0);
}

TEST_CASE("Ctrl+C with processed input raises an event instead of queueing", "[model][input]") {
    Console con(10, 3);
    int events = 0;
    con.on_ctrl = [&](uint32_t e) { events += e == CTRL_C_EVENT; };
    con.key_input(InputBuffer::key(3, 'C', 0x2E, LEFT_CTRL_PRESSED));
    CHECK(events == 1);
    CHECK(con.input.count() == 0);
    con.input_mode &= ~ENABLE_PROCESSED_INPUT;
    con.key_input(InputBuffer::key(3, 'C', 0x2E, LEFT_CTRL_PRESSED));
    CHECK(events == 1);
    CHECK(con.input.count() == 1);
    con.window_resized(30, 10);
    CHECK(con.input.count() == 2);
    CHECK(con.active_buffer().width() == 30);
}

TEST_CASE("cooked read: typing with echo, backspace, Enter", "[model][cooked]") {
    ScreenBuffer sb(20, 5, 20, 5);
    sb.write(u"> ");
    History h;
    CookedRead r(&sb, h, true, true);
    type(r, u"helo");
    r.key(vk(VK_BACK));
    type(r, u"lo");
    CHECK(row(sb, 0) == "> hello");
    CHECK(r.key(vk(VK_RETURN)));
    CHECK(r.result() == u"hello\r\n");
    CHECK(sb.cursor().Y == 1);
    CHECK(sb.cursor().X == 0);
}

TEST_CASE("cooked read: editing in the middle, insert and overwrite, Home/End, Delete", "[model][cooked]") {
    ScreenBuffer sb(20, 5, 20, 5);
    History h;
    CookedRead r(&sb, h, true, true);
    type(r, u"wrld");
    r.key(vk(VK_HOME));
    r.key(vk(VK_RIGHT));
    type(r, u"o");
    CHECK(r.line() == u"world");
    CHECK(row(sb, 0) == "world");
    CHECK(sb.cursor().X == 2);
    r.key(vk(VK_END));
    r.key(vk(VK_LEFT));
    r.key(vk(VK_DELETE));
    CHECK(row(sb, 0) == "worl");
    r.key(vk(VK_INSERT));  // overwrite
    r.key(vk(VK_HOME));
    type(r, u"W");
    CHECK(r.line() == u"Worl");
    r.key(vk(VK_ESCAPE));
    CHECK(row(sb, 0).empty());
    type(r, u"x");
    CHECK(r.key(ch(u'\r')));
    CHECK(r.result() == u"x\r\n");
}

TEST_CASE("cooked read: history with Up and Down; no echo", "[model][cooked]") {
    History h;
    for (auto s : {u"first", u"second"}) {
        CookedRead r(nullptr, h, true, true);
        type(r, s);
        r.key(vk(VK_RETURN));
    }
    ScreenBuffer sb(20, 5, 20, 5);
    CookedRead r(&sb, h, true, false);
    r.key(vk(VK_UP));
    CHECK(r.line() == u"second");
    r.key(vk(VK_UP));
    CHECK(r.line() == u"first");
    CHECK(row(sb, 0) == "first");
    r.key(vk(VK_DOWN));
    CHECK(row(sb, 0) == "second");
    CHECK(r.key(vk(VK_RETURN)));
    CHECK(r.result() == u"second\r");  // without processed input: CR only
}

TEST_CASE("cooked read: the echo follows the buffer when it scrolls", "[model][cooked]") {
    ScreenBuffer sb(4, 2, 4, 2);
    sb.write(u"x\n");
    History h;
    CookedRead r(&sb, h, true, true);
    type(r, u"abcdef");  // wraps on the last row: the buffer scrolls
    CHECK(row(sb, 0) == "abcd");
    r.key(vk(VK_HOME));
    type(r, u"Z");
    CHECK(row(sb, 0) == "Zabc");
    CHECK(row(sb, 1) == "def");
}

TEST_CASE("ENABLE_VIRTUAL_TERMINAL_INPUT: keys become VT sequences", "[model][input]") {
    Console con(80, 24);
    auto chars = [&] {
        std::string s;
        INPUT_RECORD r;
        while (con.input.read(&r, 1)) {
            REQUIRE(r.EventType == KEY_EVENT);
            const KEY_EVENT_RECORD& k = r.Event.KeyEvent;
            CHECK(k.wVirtualKeyCode == 0);
            CHECK(k.dwControlKeyState == 0);
            if (k.bKeyDown) s += char(k.uChar);
        }
        return s;
    };
    auto press = [&](uint16_t v, char16_t c, uint32_t state) {
        con.key_input(InputBuffer::key(c, v, 0, state, true));
        con.key_input(InputBuffer::key(c, v, 0, state, false));
    };
    // Without the mode, an arrow is one key event with its virtual-key code.
    press(VK_UP, 0, ENHANCED_KEY);
    REQUIRE(con.input.count() == 2);
    con.input.flush();

    con.input_mode |= ENABLE_VIRTUAL_TERMINAL_INPUT;
    press(VK_UP, 0, ENHANCED_KEY);
    REQUIRE(con.input.count() == 6);  // ESC [ A, a key-down and a key-up each
    CHECK(chars() == "\x1b[A");
    press(VK_DOWN, 0, ENHANCED_KEY);
    press(VK_RIGHT, 0, ENHANCED_KEY);
    press(VK_LEFT, 0, ENHANCED_KEY | LEFT_CTRL_PRESSED);
    CHECK(chars() == "\x1b[B\x1b[C\x1b[1;5D");
    press(VK_HOME, 0, ENHANCED_KEY);
    press(VK_END, 0, ENHANCED_KEY | SHIFT_PRESSED);
    press(VK_DELETE, 0, ENHANCED_KEY);
    press(VK_NEXT, 0, ENHANCED_KEY);
    CHECK(chars() == "\x1b[H\x1b[1;2F\x1b[3~\x1b[6~");
    press(VK_F1, 0, 0);
    press(uint16_t(VK_F1 + 4), 0, 0);                // F5
    press(uint16_t(VK_F1 + 11), 0, LEFT_ALT_PRESSED);  // Alt+F12
    CHECK(chars() == "\x1bOP\x1b[15~\x1b[24;3~");
    // Characters stay characters; Backspace is DEL; Alt+key is ESC + key; Shift+Tab is CSI Z.
    press('A', u'a', 0);
    press(VK_BACK, 8, 0);
    press('X', u'x', LEFT_ALT_PRESSED);
    press(VK_TAB, u'\t', SHIFT_PRESSED);
    press(VK_RETURN, u'\r', 0);
    CHECK(chars() == "a\x7f\x1bx\x1b[Z\r");
    // A lone modifier has no sequence.
    press(VK_SHIFT, 0, SHIFT_PRESSED);
    CHECK(con.input.empty());

    // ReadConsole (raw) gets the sequence in the character stream; Ctrl+C is still a control event.
    uint32_t ctrl = 99;
    con.on_ctrl = [&](uint32_t ev) { ctrl = ev; };
    press('C', 3, LEFT_CTRL_PRESSED);
    CHECK(ctrl == CTRL_C_EVENT);
    press(VK_UP, 0, ENHANCED_KEY);
    std::u16string got;
    KEY_EVENT_RECORD k;
    while (con.input.next_key(k)) got += char16_t(k.uChar);
    CHECK(got == u"\x1b[A");
    // Records a program queues itself are not translated.
    INPUT_RECORD up = InputBuffer::key(0, VK_UP, 0x48, ENHANCED_KEY);
    con.input.write(&up, 1);
    INPUT_RECORD r;
    REQUIRE(con.input.read(&r, 1) == 1);
    CHECK(r.Event.KeyEvent.wVirtualKeyCode == VK_UP);
}
