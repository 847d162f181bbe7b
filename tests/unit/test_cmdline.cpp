// Tests for loader/cmdline.cpp: the Windows command line built from a Linux argv must parse back,
// by the Windows rules, to exactly that argv.
//
// The parser below implements the rules Microsoft documents in "Parsing C command-line arguments"
// (learn.microsoft.com/cpp/c-language/parsing-c-command-line-arguments), which msvcrt/UCRT startup
// code and CommandLineToArgvW share:
//  - arguments are separated by spaces and tabs;
//  - argv[0] is the program name: everything up to the first space or tab outside double quotes;
//    the quotes are dropped and no other rule applies (no backslash escapes);
//  - a double-quoted string is one argument part, whatever whitespace it holds;
//  - backslashes are literal unless they precede a double quote: 2n backslashes + quote give n
//    backslashes and the quote toggles quoting; 2n+1 backslashes + quote give n backslashes and a
//    literal quote;
//  - a line that ends inside quotes ends the last argument.
// The parsers disagree only on "" inside a quoted string: the old msvcrt.dll rule toggled twice,
// later ones give a literal quote and stay in quotes (the rule the page describes in prose) or
// leave them (its corrected table: a"b"" c d -> ab" c d). A correct quoter never writes "" inside
// quotes, so the round trip must hold under all three.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "cmdline.h"

using winrun::loader::build_command_line;
using winrun::loader::quote_argument;

namespace {

enum class PairInQuotes { Toggle, LiteralStay, LiteralLeave };

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string> parse_windows_command_line(const std::string& line, PairInQuotes mode) {
    std::vector<std::string> argv;
    size_t i = 0;
    const size_t n = line.size();

    std::string prog;
    bool quoted = false;
    for (; i < n; i++) {
        char c = line[i];
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (!quoted && is_blank(c)) break;
        prog += c;
    }
    argv.push_back(prog);

    for (;;) {
        while (i < n && is_blank(line[i])) i++;
        if (i >= n) break;
        std::string arg;
        quoted = false;
        while (i < n && (quoted || !is_blank(line[i]))) {
            if (line[i] == '\\') {
                size_t k = i;
                while (k < n && line[k] == '\\') k++;
                size_t slashes = k - i;
                if (k < n && line[k] == '"') {
                    arg.append(slashes / 2, '\\');
                    i = k;
                    if (slashes % 2) {  // escaped: a literal quote
                        arg += '"';
                        i++;
                    }
                    // else the quote at i is a delimiter, handled below
                } else {
                    arg.append(slashes, '\\');
                    i = k;
                }
                continue;
            }
            if (line[i] == '"') {
                if (quoted && i + 1 < n && line[i + 1] == '"' && mode != PairInQuotes::Toggle) {
                    arg += '"';
                    i += 2;
                    if (mode == PairInQuotes::LiteralLeave) quoted = false;
                    continue;
                }
                quoted = !quoted;
                i++;
                continue;
            }
            arg += line[i++];
        }
        argv.push_back(arg);
    }
    return argv;
}

std::string show(const std::vector<std::string>& v) {
    std::string s = "{";
    for (const auto& a : v) {
        s += " [";
        for (unsigned char c : a) {
            if (c == '\t') s += "\\t";
            else if (c == '\n') s += "\\n";
            else if (c < 0x20 || c >= 0x7F) s += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
            else s += char(c);
        }
        s += "]";
    }
    return s + " }";
}

void check_round_trip(const std::string& argv0, const std::vector<std::string>& args) {
    std::string line = build_command_line(argv0, args);
    std::vector<std::string> expected{argv0};
    expected.insert(expected.end(), args.begin(), args.end());
    for (auto mode : {PairInQuotes::Toggle, PairInQuotes::LiteralStay, PairInQuotes::LiteralLeave}) {
        auto got = parse_windows_command_line(line, mode);
        INFO("command line: " << line << "\nmode " << int(mode) << "\nexpected " << show(expected) << "\ngot      "
                              << show(got));
        CHECK(got == expected);
    }
}

}  // namespace

TEST_CASE("cmdline: the test's parser follows Microsoft's documented examples", "[cmdline]") {
    using V = std::vector<std::string>;
    // The table of "Parsing C command-line arguments", prefixed with a program name.
    struct Row {
        const char* line;
        V args;
    };
    const Row rows[] = {
        {R"(p "a b c" d e)", {"a b c", "d", "e"}},
        {R"(p "ab\"c" "\\" d)", {"ab\"c", "\\", "d"}},
        {R"(p a\\\b d"e f"g h)", {R"(a\\\b)", "de fg", "h"}},
        {R"(p a\\\"b c d)", {R"(a\"b)", "c", "d"}},
        {R"(p a\\\\"b c" d e)", {R"(a\\b c)", "d", "e"}},
    };
    for (const auto& row : rows) {
        V expected{"p"};
        expected.insert(expected.end(), row.args.begin(), row.args.end());
        for (auto mode : {PairInQuotes::Toggle, PairInQuotes::LiteralStay, PairInQuotes::LiteralLeave}) {
            INFO(row.line << " mode " << int(mode));
            CHECK(parse_windows_command_line(row.line, mode) == expected);
        }
    }
    // The one row the parsers disagree on.
    CHECK(parse_windows_command_line(R"(p a"b"" c d)", PairInQuotes::LiteralStay) == V{"p", "ab\" c d"});
    CHECK(parse_windows_command_line(R"(p a"b"" c d)", PairInQuotes::LiteralLeave) == V{"p", "ab\"", "c", "d"});
    CHECK(parse_windows_command_line(R"(p a"b"" c d)", PairInQuotes::Toggle) == V{"p", "ab c d"});
    // argv[0]: quotes group, backslashes are literal even before a quote.
    CHECK(parse_windows_command_line(R"("C:\Program Files\a.exe" x)", PairInQuotes::Toggle) ==
          V{R"(C:\Program Files\a.exe)", "x"});
    CHECK(parse_windows_command_line(R"(C:\a\"b c\"d e)", PairInQuotes::Toggle) == V{R"(C:\a\b c\d)", "e"});
    // Unterminated quotes end the last argument; trailing blanks make no empty argument.
    CHECK(parse_windows_command_line("p \"a b", PairInQuotes::Toggle) == V{"p", "a b"});
    CHECK(parse_windows_command_line("p a \t ", PairInQuotes::Toggle) == V{"p", "a"});
}

TEST_CASE("cmdline: quote_argument", "[cmdline]") {
    CHECK(quote_argument("plain") == "plain");
    CHECK(quote_argument("") == "\"\"");
    CHECK(quote_argument("a b") == "\"a b\"");
    CHECK(quote_argument("a\tb") == "\"a\tb\"");
    CHECK(quote_argument(R"(C:\dir\file)") == R"(C:\dir\file)");  // backslashes alone need nothing
    CHECK(quote_argument(R"(a"b)") == R"("a\"b")");
    CHECK(quote_argument(R"(a\"b)") == R"("a\\\"b")");
    CHECK(quote_argument(R"(C:\dir with space\)") == R"("C:\dir with space\\")");  // trailing: doubled
    CHECK(quote_argument(R"(a\\b c)") == R"("a\\b c")");  // not before a quote: as they are
    CHECK(quote_argument("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");
}

TEST_CASE("cmdline: build_command_line", "[cmdline]") {
    CHECK(build_command_line("prog.exe", {}) == "prog.exe");
    CHECK(build_command_line("prog.exe", {"a", "b c", ""}) == R"(prog.exe a "b c" "")");
    CHECK(build_command_line(R"(C:\Program Files\x.exe)", {"1"}) == R"("C:\Program Files\x.exe" 1)");
}

TEST_CASE("cmdline: argument vectors survive the round trip", "[cmdline]") {
    using V = std::vector<std::string>;
    const std::string e_acute = "\xC3\xA9", cjk = "\xE4\xB8\xAD\xE6\x96\x87", emoji = "\xF0\x9F\x98\x80";
    const std::vector<V> cases = {
        {},
        {""},
        {"", ""},
        {"", "a", ""},
        {"a"},
        {"a", "b", "c"},
        {"hello world"},
        {" leading", "trailing ", "  both  "},
        {" "},
        {"\t"},
        {"a\tb", "\t\t"},
        {"\""},
        {"\"\""},
        {"\"\"\""},
        {"a\"b"},
        {"\"quoted\""},
        {"say \"hi\" now"},
        {"\\"},
        {"\\\\"},
        {"\\\\\\"},
        {"a\\"},
        {"a\\\\"},
        {"a b\\"},
        {"a b\\\\"},
        {"\\\""},
        {"\\\\\""},
        {"a\\\"b"},
        {"a\\\\\"b"},
        {"a\\\\\\\"b c"},
        {"\\\"\\\"\\\""},
        {"\"\\"},
        {"C:\\Program Files\\App\\", "D:\\x"},
        {"C:\\path\\to\\file.txt"},
        {"\\\\server\\share\\dir name\\"},
        {"--opt=\"a b\"", "-D", "X=\"1\""},
        {"line\nbreak", "vertical\vtab"},
        {"caret^", "pipe|", "amp&", "lt<", "gt>", "percent%PATH%", "bang!"},
        {"'single quotes'", "`backtick`", "$dollar"},
        {e_acute, "caf" + e_acute, cjk + " " + cjk, emoji, "\\" + emoji + "\\"},
        {"\xE2\x80\x83", "\xC2\xA0"},  // Unicode spaces are not separators
        {std::string(300, 'x'), std::string(200, ' '), std::string(100, '\\') + "\""},
    };
    const std::vector<std::string> programs = {
        "prog.exe",
        "C:\\Program Files\\App\\prog.exe",
        "C:\\tab\there\\p.exe",
        "C:\\" + cjk + "\\" + e_acute + ".exe",
        "\\\\server\\share\\p.exe",
        "",
    };
    for (const auto& p : programs)
        for (const auto& c : cases) check_round_trip(p, c);
}

TEST_CASE("cmdline: random argument vectors survive the round trip", "[cmdline]") {
    // Arguments drawn from the characters that matter (and some that should not), by a fixed
    // xorshift so a failure is reproducible.
    const std::vector<std::string> atoms = {"a", "b", " ", "  ", "\t", "\"", "\\", "\\\\", "\\\"", "\xC3\xA9",
                                            "\xE4\xB8\xAD", "\n", "'", "^", "=", "-"};
    uint64_t state = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int iter = 0; iter < 3000; iter++) {
        std::vector<std::string> args(next() % 5);
        for (auto& a : args) {
            size_t len = next() % 7;
            for (size_t k = 0; k < len; k++) a += atoms[next() % atoms.size()];
        }
        check_round_trip(iter % 2 ? "C:\\Program Files\\p.exe" : "p.exe", args);
    }
}
