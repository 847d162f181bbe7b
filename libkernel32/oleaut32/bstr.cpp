// OLEAUT32.dll: BSTRs and the VARIANT basics (what 7-Zip and other COM-style console tools use).
//
// A BSTR points at UTF-16 text preceded by a 4-byte length in bytes and followed by a NUL unit.
// As on 64-bit Windows the pointer is 8 bytes into a 16-byte aligned block (the 4 bytes before the
// length are padding), and blocks are sized in multiples of 16.
#include <cstdlib>
#include <cstring>

#include "builtin/builtin.h"
#include "log.h"
#include "unicode.h"
#include "wintypes.h"

namespace winrun::oleaut {
using namespace winrun::win;
using BSTR = WCHAR*;
using OLECHAR = WCHAR;
using HRESULT = LONG;
using VARTYPE = USHORT;

constexpr HRESULT S_OK = 0, E_INVALIDARG = HRESULT(0x80070057), E_OUTOFMEMORY = HRESULT(0x8007000E),
                  E_NOTIMPL = HRESULT(0x80004001), DISP_E_BADVARTYPE = HRESULT(0x80020008);
constexpr VARTYPE VT_EMPTY = 0, VT_NULL = 1, VT_BSTR = 8, VT_DISPATCH = 9, VT_ERROR = 10, VT_BOOL = 11, VT_VARIANT = 12,
                  VT_UNKNOWN = 13, VT_DECIMAL = 14, VT_I1 = 16, VT_UINT = 23, VT_RECORD = 36, VT_ARRAY = 0x2000,
                  VT_BYREF = 0x4000, VT_TYPEMASK = 0xFFF;

struct IUnknownVtbl {
    HRESULT(WINAPI* QueryInterface)(void*, const void*, void**);
    ULONG(WINAPI* AddRef)(void*);
    ULONG(WINAPI* Release)(void*);
};
struct IUnknown {
    const IUnknownVtbl* lpVtbl;
};

// VARIANT (oaidl.h): 24 bytes on x64; the union starts at 8.
struct VARIANT {
    VARTYPE vt;
    WORD wReserved1, wReserved2, wReserved3;
    union {
        LONGLONG llVal;
        BSTR bstrVal;
        IUnknown* punkVal;
        void* byref;
        struct {
            void* pvRecord;
            void* pRecInfo;
        } rec;
    };
};
static_assert(sizeof(VARIANT) == 24 && offsetof(VARIANT, bstrVal) == 8);

namespace {

constexpr size_t k_header = 8;  // padding + length
constexpr UINT k_max_bytes = 0x7FFFFFF0u;

// A BSTR of `bytes` bytes of uninitialised text (the terminator and the tail are zeroed).
BSTR bstr_alloc(size_t bytes) {
    if (bytes > k_max_bytes) return nullptr;
    size_t total = (k_header + bytes + sizeof(WCHAR) + 15) & ~size_t(15);
    auto* block = static_cast<uint8_t*>(std::aligned_alloc(16, total));
    if (!block) return nullptr;
    std::memset(block, 0, 4);
    std::memset(block + k_header + bytes, 0, total - k_header - bytes);
    uint32_t len = uint32_t(bytes);
    std::memcpy(block + 4, &len, 4);
    return reinterpret_cast<BSTR>(block + k_header);
}

uint32_t byte_len(BSTR s) {
    uint32_t len;
    std::memcpy(&len, reinterpret_cast<uint8_t*>(s) - 4, 4);
    return len;
}

bool valid_vt(VARTYPE vt) {
    if (vt & ~(VT_TYPEMASK | VT_ARRAY | VT_BYREF)) return false;
    VARTYPE base = vt & VT_TYPEMASK;
    if (base == VT_VARIANT) return (vt & (VT_BYREF | VT_ARRAY)) != 0;  // a VARIANT only by reference or in an array
    if (base == VT_EMPTY || base == VT_NULL) return !(vt & (VT_BYREF | VT_ARRAY)) || (vt & VT_ARRAY);
    return base <= VT_DECIMAL || (base >= VT_I1 && base <= VT_UINT) || base == VT_RECORD;
}

}  // namespace

BSTR WINAPI SysAllocStringLen(const OLECHAR* s, UINT len) {
    if (len > k_max_bytes / 2) return nullptr;
    BSTR b = bstr_alloc(size_t(len) * 2);
    if (b && s) std::memmove(b, s, size_t(len) * 2);
    else if (b) std::memset(b, 0, size_t(len) * 2);
    return b;
}

BSTR WINAPI SysAllocString(const OLECHAR* s) {
    if (!s) return nullptr;
    return SysAllocStringLen(s, UINT(wcslen16(s)));
}

// `len` bytes of `s` (which may be NULL: zeroed text); the result is NUL-terminated after them.
BSTR WINAPI SysAllocStringByteLen(LPCSTR s, UINT len) {
    BSTR b = bstr_alloc(len);
    if (b && s) std::memmove(b, s, len);
    else if (b) std::memset(b, 0, len);
    return b;
}

void WINAPI SysFreeString(BSTR s) {
    if (s) std::free(reinterpret_cast<uint8_t*>(s) - k_header);
}

UINT WINAPI SysStringLen(BSTR s) { return s ? byte_len(s) / 2 : 0; }
UINT WINAPI SysStringByteLen(BSTR s) { return s ? byte_len(s) : 0; }

// The new string is built before the old one is freed: `s` may point into *old.
INT WINAPI SysReAllocString(BSTR* old, const OLECHAR* s) {
    if (!old) return FALSE;
    BSTR b = SysAllocString(s);
    if (s && !b) return FALSE;
    SysFreeString(*old);
    *old = b;
    return TRUE;
}

// With s == NULL the old text is kept (up to the new length), like a realloc.
INT WINAPI SysReAllocStringLen(BSTR* old, const OLECHAR* s, UINT len) {
    if (!old || len > k_max_bytes / 2) return FALSE;
    BSTR b = bstr_alloc(size_t(len) * 2);
    if (!b) return FALSE;
    if (s) {
        std::memmove(b, s, size_t(len) * 2);
    } else {
        size_t keep = *old ? std::min<size_t>(byte_len(*old), size_t(len) * 2) : 0;
        if (keep) std::memcpy(b, *old, keep);
        std::memset(reinterpret_cast<uint8_t*>(b) + keep, 0, size_t(len) * 2 - keep);
    }
    SysFreeString(*old);
    *old = b;
    return TRUE;
}

// Only vt is set: Windows leaves the rest of the VARIANT alone.
void WINAPI VariantInit(VARIANT* v) { v->vt = VT_EMPTY; }

HRESULT WINAPI VariantClear(VARIANT* v) {
    if (!v) return E_INVALIDARG;
    if (!valid_vt(v->vt)) return DISP_E_BADVARTYPE;
    if (!(v->vt & VT_BYREF)) {
        if (v->vt & VT_ARRAY) {
            WR_WARN(crt, "VariantClear: SAFEARRAY variants are not supported");
            return E_NOTIMPL;
        }
        switch (v->vt) {
        case VT_BSTR: SysFreeString(v->bstrVal); break;
        case VT_UNKNOWN:
        case VT_DISPATCH:
            if (v->punkVal) v->punkVal->lpVtbl->Release(v->punkVal);
            break;
        case VT_RECORD:
            WR_WARN(crt, "VariantClear: VT_RECORD variants are not supported");
            return E_NOTIMPL;
        default: break;
        }
    }
    v->vt = VT_EMPTY;
    return S_OK;
}

HRESULT WINAPI VariantCopy(VARIANT* dst, const VARIANT* src) {
    if (!dst || !src) return E_INVALIDARG;
    if (!valid_vt(src->vt)) return DISP_E_BADVARTYPE;
    if (dst == src) return S_OK;
    if (!(src->vt & VT_BYREF) && ((src->vt & VT_ARRAY) || src->vt == VT_RECORD)) {
        WR_WARN(crt, "VariantCopy: SAFEARRAY and VT_RECORD variants are not supported");
        return E_NOTIMPL;
    }
    if (HRESULT hr = VariantClear(dst)) return hr;
    *dst = *src;
    if (src->vt == VT_BSTR && src->bstrVal) {
        dst->bstrVal = SysAllocStringByteLen(reinterpret_cast<LPCSTR>(src->bstrVal), byte_len(src->bstrVal));
        if (!dst->bstrVal) {
            dst->vt = VT_EMPTY;
            return E_OUTOFMEMORY;
        }
    } else if ((src->vt == VT_UNKNOWN || src->vt == VT_DISPATCH) && src->punkVal) {
        src->punkVal->lpVtbl->AddRef(src->punkVal);
    }
    return S_OK;
}

// OLEAUT32 exports these by name and by these fixed ordinals (7-Zip imports them by ordinal).
constexpr builtin::ExportDef with_ordinal(builtin::ExportDef e, uint16_t ordinal) {
    e.ordinal = ordinal;
    return e;
}
WR_EXPORT_PART(oleaut32_bstr,
    with_ordinal(WR_EXPORT(SysAllocString), 2),
    with_ordinal(WR_EXPORT(SysReAllocString), 3),
    with_ordinal(WR_EXPORT(SysAllocStringLen), 4),
    with_ordinal(WR_EXPORT(SysReAllocStringLen), 5),
    with_ordinal(WR_EXPORT(SysFreeString), 6),
    with_ordinal(WR_EXPORT(SysStringLen), 7),
    with_ordinal(WR_EXPORT(VariantInit), 8),
    with_ordinal(WR_EXPORT(VariantClear), 9),
    with_ordinal(WR_EXPORT(VariantCopy), 10),
    with_ordinal(WR_EXPORT(SysStringByteLen), 149),
    with_ordinal(WR_EXPORT(SysAllocStringByteLen), 150));

}  // namespace winrun::oleaut
