/* crt_ctype.c: <ctype.h>/<wctype.h> in msvcrt's "C" locale: the exact values of the _pctype table
 * (the is* functions return the masked table bits, not 1), nothing above 0x7F in the narrow table,
 * the Latin-1 wide table, towupper/towlower mapping only ASCII, _toupper/_tolower unchecked. */
#include "ok.h"
#include <ctype.h>
#include <wctype.h>

static volatile int vc;
/* Through a volatile, so that GCC cannot fold the calls at compile time. */
#define V(c) (vc = (c), vc)

START_TEST(crt_ctype)
{
    /* The table bits: _UPPER 1, _LOWER 2, _DIGIT 4, _SPACE 8, _PUNCT 0x10, _CONTROL 0x20, _BLANK 0x40, _HEX 0x80. */
    ok(_pctype['A'] == (_UPPER | _HEX), "_pctype['A'] = %#x\n", _pctype['A']);
    ok(_pctype['z'] == _LOWER, "_pctype['z'] = %#x\n", _pctype['z']);
    ok(_pctype['5'] == (_DIGIT | _HEX), "_pctype['5'] = %#x\n", _pctype['5']);
    ok(_pctype[' '] == (_SPACE | _BLANK), "_pctype[' '] = %#x\n", _pctype[' ']);
    ok(_pctype['\t'] == (_SPACE | _CONTROL), "_pctype['\\t'] = %#x\n", _pctype['\t']);
    ok(_pctype['!'] == _PUNCT, "_pctype['!'] = %#x\n", _pctype['!']);
    ok(_pctype[0x7f] == _CONTROL, "_pctype[0x7f] = %#x\n", _pctype[0x7f]);
    ok(_pctype[0xe9] == 0, "nothing above 0x7f in the C locale: %#x\n", _pctype[0xe9]);
    ok(_pctype[-1] == 0, "_pctype[EOF] = %#x\n", _pctype[-1]);
    ok(__pctype_func() == _pctype, "__pctype_func\n");

    ok(isalpha(V('a')) == _LOWER, "isalpha(V('a')) = %d\n", isalpha(V('a')));
    ok(isalpha(V('A')) == _UPPER, "isalpha(V('A')) = %d\n", isalpha(V('A')));
    {
        /* GCC expands isdigit inline; call msvcrt's through a pointer. */
        int (*volatile p_isdigit)(int) = isdigit;
        ok(p_isdigit('7') == _DIGIT, "isdigit = %d\n", p_isdigit('7'));
        ok(p_isdigit('a') == 0, "isdigit('a')\n");
    }
    ok(isspace(V(' ')) == _SPACE && isspace(V('\n')) == _SPACE && !isspace(V('x')), "isspace\n");
    ok(isxdigit(V('f')) == _HEX && !isxdigit(V('g')), "isxdigit\n");
    ok(isalnum(V('_')) == 0 && isalnum(V('0')) == _DIGIT, "isalnum\n");
    ok(ispunct(V('_')) == _PUNCT, "ispunct\n");
    ok(isprint(V(' ')) == _BLANK && !isprint(V('\n')), "isprint: %d\n", isprint(V(' ')));
    ok(isgraph(V(' ')) == 0 && isgraph(V('a')) == _LOWER, "isgraph\n");
    ok(iscntrl(V('\n')) == _CONTROL, "iscntrl\n");
    ok(isupper(V('Q')) && !isupper(V('q')) && islower(V('q')), "isupper/islower\n");
    ok(isalpha(V(0xe9)) == 0 && isalpha(V(EOF)) == 0, "isalpha(V(0xe9)), isalpha(V(EOF))\n");
    ok(_isctype(V('a'), _LOWER | _HEX) == (_LOWER | _HEX), "_isctype\n");
    ok(__isascii(V(0x7f)) && !__isascii(V(0x80)), "__isascii\n");
    ok(__toascii(V(0x1c1)) == 0x41, "__toascii\n");
    ok(__iscsym(V('_')) && __iscsym(V('9')) && !__iscsymf(V('9')) && __iscsymf(V('a')), "__iscsym/__iscsymf\n");

    ok(toupper(V('a')) == 'A' && toupper(V('A')) == 'A' && toupper(V('1')) == '1', "toupper\n");
    ok(tolower(V('Z')) == 'z' && tolower(V(0xc9)) == 0xc9, "tolower leaves Latin-1 alone\n");
    ok(toupper(V(0x1e3)) == 0x1e3, "toupper of a value above 0xff: %#x\n", toupper(V(0x1e3)));
    ok(_toupper(V('1')) == '1' - 0x20 && _tolower(V('A')) == 'a', "_toupper/_tolower do not check\n");

    /* The wide table is Latin-1 with the 0x100 (alpha) bit. */
    ok(iswalpha(V(L'a')) == (_LOWER | 0x100), "iswalpha(V('a')) = %#x\n", iswalpha(V(L'a')));
    ok(iswalpha(V(0xe9)) == (_LOWER | 0x100), "iswalpha(V(0xe9)) = %#x\n", iswalpha(V(0xe9)));
    ok(iswupper(V(0xc9)) == _UPPER, "iswupper(V(0xc9)) = %#x\n", iswupper(V(0xc9)));
    ok(iswspace(V(0xa0)) == _SPACE, "iswspace(V(0xa0)) = %#x\n", iswspace(V(0xa0)));
    ok(iswdigit(V(L'3')) == _DIGIT && !iswdigit(V(L'a')), "iswdigit\n");
    ok(iswpunct(V(0xd7)) == _PUNCT, "iswpunct(V(0xd7)) = %#x\n", iswpunct(V(0xd7)));
    ok(iswctype(V(L'A'), _UPPER | _HEX) == (_UPPER | _HEX), "iswctype\n");
    ok(iswctype(V(WEOF), 0xffff) == 0, "iswctype(V(WEOF))\n");
    ok(iswalpha(V(0x3b1)) != 0 && iswlower(V(0x3b1)) != 0, "Greek alpha is a lower-case letter\n");
    ok(iswupper(V(0x416)) != 0, "Cyrillic capital ZHE is upper-case\n");
    ok(iswascii(V(0x7f)) && !iswascii(V(0x80)), "iswascii\n");

    /* In the "C" locale msvcrt's towupper/towlower map only A-Z/a-z. */
    ok(towupper(V(L'q')) == L'Q' && towlower(V(L'Q')) == L'q', "towupper/towlower ASCII\n");
    ok(towupper(V(0xe9)) == 0xe9, "towupper(V(0xe9)) = %#x\n", towupper(V(0xe9)));
    ok(towlower(V(0x416)) == 0x416, "towlower(V(0x416)) = %#x\n", towlower(V(0x416)));
}
