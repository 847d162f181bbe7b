#!/usr/bin/env bash
# The console on a terminal, driven as a person would drive it: a tmux server of our own (private
# socket), an 80x24 pane running a plain bash, keys sent with send-keys, the screen read back with
# capture-pane. Usage: tmux_console.sh WINRUN CONSOLE_PROGRAM_DIR
set -u
WINRUN=$(readlink -f "$1")
DIR=$(readlink -f "$2")
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/setup.sh installs it)"; exit 1; }
WORK=$(mktemp -d)
SOCK="winrun-console-test-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; echo "--- screen:"; T capture-pane -p -t t; echo "---"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
screen() { T capture-pane -p -t t; }
# Waits (up to $2 seconds, default 5) for a line of the screen matching the regex $1.
wait_for() {
    local end=$((SECONDS + ${2:-5}))
    while ((SECONDS < end)); do
        screen | grep -qE -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
row() { screen | sed -n "$(($1 + 1))p"; }
keys() { T send-keys -t t "$@"; }
prompt() { keys "clear" Enter; wait_for '^\$ *$' 5; }

T new-session -d -x 80 -y 24 -s t "env TERM=xterm-256color PS1='$ ' bash --norc --noprofile"
wait_for '^\$' 5 || { echo "the shell did not start"; exit 1; }

# 1. Full-screen: a coloured box moved with the arrow keys; keys decoded; a resize.
prompt
keys "$WINRUN $DIR/con_box.exe" Enter
if wait_for '^pos 10,5' 10; then
    [[ "$(row 5)" == "          ######"* ]] && pass "box drawn at 10,5" || fail "box not at 10,5"
    # Colours: yellow (bright) on blue: 93 and 44 in tmux's SGR.
    T capture-pane -p -e -t t | sed -n 6p | grep -q $'\e\\[[0-9;]*93[;m]' && T capture-pane -p -e -t t | sed -n 6p | grep -q '44' &&
        pass "box colours" || fail "box colours: $(T capture-pane -p -e -t t | sed -n 6p | cat -v)"
    keys Right Right Down
    wait_for '^pos 12,6' 5 && [[ "$(row 6)" == "            ######"* && "$(row 5)" != *"#"* ]] && pass "arrows move the box" || fail "box did not move"
    keys F5
    wait_for 'key vk=116 scan=63 ch=0 st=0$' 5 && pass "F5" || fail "F5"
    keys C-Left
    wait_for 'key vk=37 scan=75 ch=0 st=108$' 5 && pass "Ctrl+Left" || fail "Ctrl+Left"
    keys M-x
    wait_for 'key vk=88 scan=45 ch=120 st=2$' 5 && pass "Alt+x" || fail "Alt+x"
    keys S-Up
    wait_for 'key vk=38 scan=72 ch=0 st=110$' 5 && pass "Shift+Up" || fail "Shift+Up"
    T resize-window -t t -x 100 -y 30
    wait_for '^resize 100x30' 5 && pass "resize -> WINDOW_BUFFER_SIZE_EVENT" || fail "no resize event"
    T resize-window -t t -x 80 -y 24
    keys q
    wait_for '^\$ *$' 5 && pass "normal screen back after exit" || fail "no prompt after the full-screen program"
else
    fail "con_box did not start"
fi

# 2. A line program: ReadConsole (cooked) with editing, output in the normal screen, Ctrl+C.
prompt
keys "$WINRUN $DIR/con_line.exe" Enter
if wait_for '^prompt>' 10; then
    screen | grep -q 'con_line.exe' && pass "line mode keeps the shell's screen" || fail "the command line is gone (alternate screen?)"
    T capture-pane -p -e -t t | grep 'green text' | grep -q $'\e\\[[0-9;]*92m' && pass "SetConsoleTextAttribute colour" || fail "green text colour"
    keys "hello world" Enter
    wait_for '^got: \[hello world\]' 5 && pass "cooked read + echo" || fail "cooked read"
    keys "abcd" BSpace BSpace "X" Left Left "Y" Enter
    wait_for '^got: \[aYbX\]' 5 && pass "cooked editing (backspace, left, insert)" || fail "cooked editing"
    keys C-c
    wait_for '\[ctrl-c handled\]' 5 && pass "Ctrl+C reaches the handler" || fail "Ctrl+C"
    keys "quit" Enter
    wait_for '^bye' 5 && wait_for '^\$ *$' 5 && pass "line program exits" || fail "line program exit"
else
    fail "con_line did not start"
fi

# 3. SIGKILL: conhost gives the terminal back; the shell's terminal is sane.
prompt
keys "bash -c 'echo \$\$ > $WORK/pid; exec $WINRUN $DIR/con_line.exe'" Enter
if wait_for '^prompt>' 10; then
    kill -KILL "$(cat "$WORK/pid")"
    wait_for '^\$ *$' 5 || fail "no prompt after SIGKILL"
    keys "stty -a > $WORK/stty" Enter
    sleep 0.3
    grep -qw icanon "$WORK/stty" && grep -qw echo "$WORK/stty" && grep -qw isig "$WORK/stty" && pass "stty sane after SIGKILL" ||
        fail "stty after SIGKILL: $(cat "$WORK/stty")"
    prompt
    keys "cat" Enter
    sleep 0.2
    keys "typed-text"
    wait_for '^typed-text$' 5 && pass "typed text echoes (cat)" || fail "no echo after SIGKILL"
    keys Enter C-d
else
    fail "con_line (kill test) did not start"
fi

# 4. Ctrl+C typed at the terminal reaches both processes sharing the console (parent and child).
prompt
keys "$WINRUN $DIR/con_ctrl2.exe" Enter
if wait_for '^child ready' 10; then
    keys C-c
    wait_for '^\[parent ctrl-c\]' 5 && wait_for '^\[child ctrl-c\]' 5 && pass "Ctrl+C reaches parent and child" || fail "Ctrl+C to parent and child"
    wait_for '^both handled' 5 && wait_for '^\$ *$' 5 && pass "parent and child exit after Ctrl+C" || fail "exit after Ctrl+C (two processes)"
else
    fail "con_ctrl2 did not start"
fi

# 5. Mixed redirection: stdout piped, stdin and stderr the console.
prompt
keys "$WINRUN $DIR/con_box.exe | cat" Enter
wait_for '^no console$' 10 && pass "stdout piped: not a console handle" || fail "piped stdout"

echo "$failures failure(s)"
exit $((failures > 0))
