// build: -loleaut32
/* OLEAUT32's BSTR functions and the VARIANT basics (the set 7-Zip imports by ordinal). */
#include "ok.h"
#include <oleauto.h>

static void test_bstr(void) {
    BSTR b = SysAllocString(L"hello");
    ok(b != NULL, "SysAllocString\n");
    ok(SysStringLen(b) == 5 && SysStringByteLen(b) == 10, "lengths %u %u\n", SysStringLen(b), SysStringByteLen(b));
    ok(((DWORD*)b)[-1] == 10, "length prefix %lu\n", ((DWORD*)b)[-1]);
    ok(b[5] == 0, "terminated\n");
    ok(((ULONG_PTR)b & 7) == 0, "BSTR %p not 8-byte aligned\n", b);
    ok(SysAllocString(NULL) == NULL, "SysAllocString(NULL)\n");
    ok(SysStringLen(NULL) == 0 && SysStringByteLen(NULL) == 0, "lengths of NULL\n");

    BSTR e = SysAllocStringLen(L"abcdef", 3);
    ok(e && SysStringLen(e) == 3 && !wcscmp(e, L"abc"), "SysAllocStringLen: %s\n", wine_dbgstr_w(e));
    BSTR z = SysAllocStringLen(NULL, 4);
    ok(z && SysStringLen(z) == 4 && z[4] == 0, "SysAllocStringLen(NULL, 4)\n");
    /* embedded NULs are part of the string */
    BSTR n = SysAllocStringLen(L"a\0b", 3);
    ok(SysStringLen(n) == 3 && n[2] == 'b', "embedded NUL\n");

    BSTR by = SysAllocStringByteLen("abc", 3);
    ok(by && SysStringByteLen(by) == 3 && SysStringLen(by) == 1, "SysAllocStringByteLen: %u %u\n", SysStringByteLen(by),
       SysStringLen(by));
    ok(!memcmp(by, "abc", 4), "byte string contents (terminated)\n");

    ok(SysReAllocString(&b, L"longer string") && !wcscmp(b, L"longer string") && SysStringLen(b) == 13,
       "SysReAllocString: %s\n", wine_dbgstr_w(b));
    /* from a part of itself */
    ok(SysReAllocString(&b, b + 7) && !wcscmp(b, L"string"), "SysReAllocString from itself: %s\n", wine_dbgstr_w(b));
    ok(SysReAllocStringLen(&b, L"xyz123", 3) && SysStringLen(b) == 3 && !wcscmp(b, L"xyz"), "SysReAllocStringLen\n");
    ok(SysReAllocStringLen(&b, NULL, 2) && SysStringLen(b) == 2 && b[0] == 'x' && b[1] == 'y' && b[2] == 0,
       "SysReAllocStringLen(NULL) keeps the text: %s\n", wine_dbgstr_wn(b, 2));
    ok(!SysReAllocString(NULL, L"x"), "SysReAllocString(NULL)\n");

    SysFreeString(b);
    SysFreeString(e);
    SysFreeString(z);
    SysFreeString(n);
    SysFreeString(by);
    SysFreeString(NULL);
}

static void test_variant(void) {
    VARIANT v, w;
    memset(&v, 0xcc, sizeof(v));
    VariantInit(&v);
    ok(V_VT(&v) == VT_EMPTY, "VariantInit: vt %u\n", V_VT(&v));

    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(L"text");
    VariantInit(&w);
    ok(VariantCopy(&w, &v) == S_OK, "VariantCopy\n");
    ok(V_VT(&w) == VT_BSTR && V_BSTR(&w) != V_BSTR(&v) && !wcscmp(V_BSTR(&w), L"text"), "deep copy of the BSTR\n");
    ok(VariantClear(&v) == S_OK && V_VT(&v) == VT_EMPTY, "VariantClear\n");
    ok(VariantClear(&w) == S_OK && V_VT(&w) == VT_EMPTY, "VariantClear of the copy\n");

    V_VT(&v) = VT_I4;
    V_I4(&v) = 42;
    ok(VariantCopy(&w, &v) == S_OK && V_VT(&w) == VT_I4 && V_I4(&w) == 42, "copy VT_I4\n");
    V_VT(&v) = 0x0fff;  /* not a type */
    ok(VariantClear(&v) == DISP_E_BADVARTYPE, "VariantClear of a bad type\n");
    ok(V_VT(&v) == 0x0fff, "bad variant left alone\n");
    ok(VariantCopy(&w, &v) == DISP_E_BADVARTYPE, "VariantCopy of a bad type\n");
}

START_TEST(oleaut_bstr)
{
    test_bstr();
    test_variant();
}
