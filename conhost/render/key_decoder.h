// Terminal input bytes -> KEY_EVENT_RECORDs (a key-down and its key-up per key): UTF-8 characters,
// control bytes (Ctrl+letter, Enter, Tab, Backspace, Escape) and the xterm/VT sequences terminals
// send for the other keys (CSI / SS3: arrows, Home/End, Ins/Del, PgUp/PgDn, F1-F12, with the
// xterm modifier parameter for Shift/Alt/Ctrl; ESC + key = Alt+key). Virtual-key codes and
// scan codes (set 1) are those of a US keyboard. Pure: no terminal, tested on its own.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/input_buffer.h"
#include "model/types.h"

namespace winrun::con {

class KeyDecoder {
public:
    // Decodes what it can; an incomplete sequence at the end waits for more bytes unless `flush`
    // (nothing more arrived soon: a lone ESC is then the Escape key).
    std::vector<INPUT_RECORD> feed(std::string_view bytes, bool flush);
    bool pending() const { return !buf_.empty(); }

    // The key records for one key (down and up).
    static void key(std::vector<INPUT_RECORD>& out, uint16_t vk, char16_t ch, uint32_t state);
    static uint16_t scan_code(uint16_t vk);

private:
    // Decodes one key at buf_[i]; returns the bytes used, 0 when incomplete.
    size_t decode(size_t i, bool flush, std::vector<INPUT_RECORD>& out);
    void character(char32_t c, uint32_t state, std::vector<INPUT_RECORD>& out);
    std::string buf_;
};

}  // namespace winrun::con
