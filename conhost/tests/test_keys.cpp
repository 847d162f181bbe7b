// The terminal key decoder: bytes a terminal sends -> KEY_EVENT_RECORDs.
#include <catch2/catch.hpp>

#include "render/key_decoder.h"

using namespace winrun::con;

namespace {
// The key-down records of one feed (each key also gets its key-up).
std::vector<KEY_EVENT_RECORD> downs(std::string_view bytes, bool flush = true) {
    KeyDecoder d;
    std::vector<KEY_EVENT_RECORD> v;
    auto recs = d.feed(bytes, flush);
    REQUIRE(recs.size() % 2 == 0);
    for (size_t i = 0; i < recs.size(); i += 2) {
        REQUIRE(recs[i].Event.KeyEvent.bKeyDown);
        REQUIRE_FALSE(recs[i + 1].Event.KeyEvent.bKeyDown);
        v.push_back(recs[i].Event.KeyEvent);
    }
    return v;
}
}  // namespace

TEST_CASE("keys: letters, shift, digits, punctuation, UTF-8") {
    auto k = downs("aZ1!é");
    REQUIRE(k.size() == 5);
    CHECK(k[0].wVirtualKeyCode == 'A');
    CHECK(k[0].wVirtualScanCode == 0x1E);
    CHECK(k[0].uChar == u'a');
    CHECK(k[0].dwControlKeyState == 0);
    CHECK(k[1].wVirtualKeyCode == 'Z');
    CHECK(k[1].dwControlKeyState == SHIFT_PRESSED);
    CHECK(k[2].wVirtualKeyCode == '1');
    CHECK(k[2].wVirtualScanCode == 0x02);
    CHECK(k[3].wVirtualKeyCode == '1');
    CHECK(k[3].dwControlKeyState == SHIFT_PRESSED);
    CHECK(k[4].uChar == u'é');
}

TEST_CASE("keys: control bytes") {
    auto k = downs("\r\t\x7f\x03");
    REQUIRE(k.size() == 4);
    CHECK(k[0].wVirtualKeyCode == VK_RETURN);
    CHECK(k[0].uChar == u'\r');
    CHECK(k[1].wVirtualKeyCode == VK_TAB);
    CHECK(k[2].wVirtualKeyCode == VK_BACK);
    CHECK(k[2].uChar == u'\b');
    CHECK(k[3].wVirtualKeyCode == 'C');
    CHECK(k[3].uChar == 3);
    CHECK(k[3].dwControlKeyState == LEFT_CTRL_PRESSED);
}

TEST_CASE("keys: arrows, Home/End, PgUp/PgDn, Ins/Del, F-keys") {
    auto k = downs("\x1b[A\x1b[D\x1bOH\x1b[4~\x1b[5~\x1b[6~\x1b[2~\x1b[3~\x1bOP\x1b[15~\x1b[24~");
    REQUIRE(k.size() == 11);
    CHECK(k[0].wVirtualKeyCode == VK_UP);
    CHECK(k[0].wVirtualScanCode == 0x48);
    CHECK(k[0].dwControlKeyState == ENHANCED_KEY);
    CHECK(k[0].uChar == 0);
    CHECK(k[1].wVirtualKeyCode == VK_LEFT);
    CHECK(k[2].wVirtualKeyCode == VK_HOME);
    CHECK(k[3].wVirtualKeyCode == VK_END);
    CHECK(k[4].wVirtualKeyCode == VK_PRIOR);
    CHECK(k[5].wVirtualKeyCode == VK_NEXT);
    CHECK(k[6].wVirtualKeyCode == VK_INSERT);
    CHECK(k[7].wVirtualKeyCode == VK_DELETE);
    CHECK(k[8].wVirtualKeyCode == VK_F1);
    CHECK(k[8].wVirtualScanCode == 0x3B);
    CHECK(k[9].wVirtualKeyCode == VK_F1 + 4);
    CHECK(k[10].wVirtualKeyCode == VK_F1 + 11);
    CHECK(k[10].wVirtualScanCode == 0x58);
}

TEST_CASE("keys: modifiers (xterm parameter, ESC prefix)") {
    auto k = downs("\x1b[1;5C\x1b[1;2A\x1b[1;3D\x1bx\x1b[Z");
    REQUIRE(k.size() == 5);
    CHECK(k[0].wVirtualKeyCode == VK_RIGHT);
    CHECK(k[0].dwControlKeyState == (LEFT_CTRL_PRESSED | ENHANCED_KEY));
    CHECK(k[1].dwControlKeyState == (SHIFT_PRESSED | ENHANCED_KEY));
    CHECK(k[2].dwControlKeyState == (LEFT_ALT_PRESSED | ENHANCED_KEY));
    CHECK(k[3].wVirtualKeyCode == 'X');
    CHECK(k[3].dwControlKeyState == LEFT_ALT_PRESSED);
    CHECK(k[4].wVirtualKeyCode == VK_TAB);
    CHECK(k[4].dwControlKeyState == SHIFT_PRESSED);
}

TEST_CASE("keys: a lone ESC waits for more, then is Escape; a cut sequence completes") {
    KeyDecoder d;
    CHECK(d.feed("\x1b", false).empty());
    CHECK(d.pending());
    auto r = d.feed("", true);
    REQUIRE(r.size() == 2);
    CHECK(r[0].Event.KeyEvent.wVirtualKeyCode == VK_ESCAPE);
    CHECK(d.feed("\x1b[1;", false).empty());
    r = d.feed("5A", false);
    REQUIRE(r.size() == 2);
    CHECK(r[0].Event.KeyEvent.wVirtualKeyCode == VK_UP);
    CHECK(r[0].Event.KeyEvent.dwControlKeyState == (LEFT_CTRL_PRESSED | ENHANCED_KEY));
}
