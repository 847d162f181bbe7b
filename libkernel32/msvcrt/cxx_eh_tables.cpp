// Readers for MSVC's C++ exception tables (see cxx_eh_tables.h). Pure functions over memory: the
// runtime (cxx_eh.cpp) and the unit tests both call them.
#include "cxx_eh_tables.h"

#include <cstring>

namespace winrun::cxx {

namespace {

template <typename T>
const T* at(uintptr_t base, uint32_t rva) {
    return reinterpret_cast<const T*>(base + rva);
}

uint32_t read_u32(const uint8_t*& p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    return v;
}

}  // namespace

// ---- FH4 ------------------------------------------------------------------------------------
uint32_t read_compressed(const uint8_t*& p) {
    uint8_t b0 = p[0];
    uint32_t v;
    if ((b0 & 1) == 0) {
        v = b0 >> 1;
        p += 1;
    } else if ((b0 & 3) == 1) {
        v = (b0 >> 2) | (uint32_t(p[1]) << 6);
        p += 2;
    } else if ((b0 & 7) == 3) {
        v = (b0 >> 3) | (uint32_t(p[1]) << 5) | (uint32_t(p[2]) << 13);
        p += 3;
    } else if ((b0 & 15) == 7) {
        v = (b0 >> 4) | (uint32_t(p[1]) << 4) | (uint32_t(p[2]) << 12) | (uint32_t(p[3]) << 20);
        p += 4;
    } else {
        const uint8_t* q = p + 1;
        v = read_u32(q);
        p += 5;
    }
    return v;
}

bool decode_func_info4(uintptr_t base, uint32_t info_rva, uint32_t func_rva, FuncInfo4& out) {
    const uint8_t* p = at<uint8_t>(base, info_rva);
    out = FuncInfo4{};
    out.header = *p++;
    if (out.header & 0x80) return false;  // reserved
    if (out.header & FI4_BBT) out.bbt_flags = read_compressed(p);
    if (out.header & FI4_UNWIND_MAP) out.unwind_map = read_u32(p);
    if (out.header & FI4_TRY_BLOCK_MAP) out.try_block_map = read_u32(p);
    uint32_t ip_map = read_u32(p);
    if (out.header & FI4_IS_SEPARATED) {
        // A function split into pieces (funclets, cold code): one IP-to-state map per piece.
        const uint8_t* q = at<uint8_t>(base, ip_map);
        uint32_t n = read_compressed(q);
        ip_map = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t fn = read_u32(q), map = read_u32(q);
            if (fn == func_rva) {
                ip_map = map;
                break;
            }
        }
        if (!ip_map) return false;
    }
    out.ip_map = ip_map;
    if (out.header & FI4_IS_CATCH) out.frame = read_compressed(p);
    return true;
}

std::vector<UnwindEntry> decode_unwind_map4(uintptr_t base, uint32_t map_rva) {
    std::vector<UnwindEntry> out;
    if (!map_rva) return out;
    const uint8_t* p = at<uint8_t>(base, map_rva);
    uint32_t n = read_compressed(p);
    const uint8_t* first = p;
    // Entries link to their successor by a backward byte distance: remember where each one starts.
    std::vector<const uint8_t*> starts;
    starts.reserve(n);
    out.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t* start = p;
        starts.push_back(start);
        uint32_t v = read_compressed(p);
        UnwindEntry e;
        uint32_t back = v >> 2;
        if (back != 0 && start - back >= first) {
            const uint8_t* target = start - back;
            for (size_t j = 0; j < starts.size(); j++)
                if (starts[j] == target) e.next = int(j);
        }
        switch (v & 3) {
        case 0: e.kind = UnwindKind::None; break;
        case 1:
            e.kind = UnwindKind::DtorObject;
            e.action = read_u32(p);
            e.object = int32_t(read_compressed(p));
            break;
        case 2:
            e.kind = UnwindKind::DtorPointer;
            e.action = read_u32(p);
            e.object = int32_t(read_compressed(p));
            break;
        case 3:
            e.kind = UnwindKind::Funclet;
            e.action = read_u32(p);
            break;
        }
        out.push_back(e);
    }
    return out;
}

std::vector<TryBlock> decode_try_blocks4(uintptr_t base, uint32_t map_rva, uint32_t func_rva) {
    std::vector<TryBlock> out;
    if (!map_rva) return out;
    const uint8_t* p = at<uint8_t>(base, map_rva);
    uint32_t n = read_compressed(p);
    for (uint32_t i = 0; i < n; i++) {
        TryBlock tb;
        tb.try_low = int(read_compressed(p));
        tb.try_high = int(read_compressed(p));
        tb.catch_high = int(read_compressed(p));
        uint32_t handlers = read_u32(p);
        if (handlers) {
            const uint8_t* h = at<uint8_t>(base, handlers);
            uint32_t nh = read_compressed(h);
            for (uint32_t j = 0; j < nh; j++) {
                Handler ht;
                uint8_t hdr = *h++;
                if (hdr & HT4_ADJECTIVES) ht.adjectives = read_compressed(h);
                if (hdr & HT4_TYPE) ht.type = int32_t(read_u32(h));
                if (hdr & HT4_CATCH_OBJ) ht.catch_obj = int32_t(read_compressed(h));
                ht.handler = read_u32(h);
                ht.n_continuations = (hdr & HT4_CONT_MASK) >> HT4_CONT_SHIFT;
                if (ht.n_continuations > 2) ht.n_continuations = 2;
                for (int k = 0; k < ht.n_continuations; k++)
                    ht.continuation[k] = (hdr & HT4_CONT_IS_RVA) ? read_u32(h) : func_rva + read_compressed(h);
                tb.handlers.push_back(ht);
            }
        }
        out.push_back(std::move(tb));
    }
    return out;
}

std::vector<IpState> decode_ip_map4(uintptr_t base, uint32_t map_rva, uint32_t func_rva) {
    std::vector<IpState> out;
    if (!map_rva) return out;
    const uint8_t* p = at<uint8_t>(base, map_rva);
    uint32_t n = read_compressed(p);
    uint32_t ip = func_rva;
    for (uint32_t i = 0; i < n; i++) {
        ip += read_compressed(p);  // deltas from the previous entry (the first from the function start)
        int state = int(read_compressed(p)) - 1;
        out.push_back({ip, state});
    }
    return out;
}

// ---- FH3 ------------------------------------------------------------------------------------
std::vector<TryBlock> decode_try_blocks3(uintptr_t base, const FuncInfo3& fi) {
    std::vector<TryBlock> out;
    if (!fi.n_try_blocks || !fi.try_block_map) return out;
    const auto* tbs = at<TryBlockMapEntry3>(base, uint32_t(fi.try_block_map));
    for (uint32_t i = 0; i < fi.n_try_blocks; i++) {
        TryBlock tb;
        tb.try_low = tbs[i].try_low;
        tb.try_high = tbs[i].try_high;
        tb.catch_high = tbs[i].catch_high;
        const auto* hs = at<HandlerType3>(base, uint32_t(tbs[i].handler_array));
        for (int j = 0; j < tbs[i].n_catches; j++) {
            Handler h;
            h.adjectives = hs[j].adjectives;
            h.type = hs[j].type;
            h.catch_obj = hs[j].catch_obj;
            h.handler = uint32_t(hs[j].handler);
            h.frame = hs[j].frame;
            tb.handlers.push_back(h);
        }
        out.push_back(std::move(tb));
    }
    return out;
}

std::vector<UnwindEntry> decode_unwind_map3(uintptr_t base, const FuncInfo3& fi) {
    std::vector<UnwindEntry> out;
    if (fi.max_state <= 0 || !fi.unwind_map) return out;
    const auto* um = at<UnwindMapEntry3>(base, uint32_t(fi.unwind_map));
    for (int i = 0; i < fi.max_state; i++) {
        UnwindEntry e;
        e.next = um[i].to_state;
        e.action = uint32_t(um[i].action);
        e.kind = e.action ? UnwindKind::Funclet : UnwindKind::None;
        out.push_back(e);
    }
    return out;
}

int ip_to_state(const std::vector<IpState>& map, uint32_t pc_rva) {
    int state = -1;
    for (const IpState& e : map) {
        if (e.ip > pc_rva) break;
        state = e.state;
    }
    return state;
}

int ip_to_state3(uintptr_t base, const FuncInfo3& fi, uint32_t pc_rva) {
    if (!fi.n_ip_map || !fi.ip_map) return -1;
    const auto* m = at<IpToStateEntry3>(base, uint32_t(fi.ip_map));
    // Sorted by ip: binary search for the last entry at or before pc.
    uint32_t lo = 0, hi = fi.n_ip_map;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (uint32_t(m[mid].ip) <= pc_rva) lo = mid + 1;
        else hi = mid;
    }
    return lo ? m[lo - 1].state : -1;
}

// ---- matching ---------------------------------------------------------------------------------
void* adjust_pointer(void* object, const PMD& pmd) {
    if (!object) return nullptr;
    auto* obj = static_cast<char*>(object);
    char* r = obj + pmd.mdisp;
    if (pmd.pdisp >= 0) {
        // A virtual base: its offset is in the vbtable the object points to at pdisp.
        const char* vbtable = *reinterpret_cast<char* const*>(obj + pmd.pdisp);
        int32_t off;
        std::memcpy(&off, vbtable + pmd.vdisp, 4);
        r += pmd.pdisp + off;
    }
    return r;
}

const CatchableType* match_catch(const ThrowInfo* ti, uintptr_t throw_base, uint32_t adjectives,
                                 const TypeDescriptor* catch_type) {
    if (!ti || !ti->catchable_types) return nullptr;
    const auto* cta = at<CatchableTypeArray>(throw_base, uint32_t(ti->catchable_types));
    for (int32_t i = 0; i < cta->count; i++) {
        const auto* ct = at<CatchableType>(throw_base, uint32_t(cta->types[i]));
        if (!catch_type || !catch_type->name[0]) return ct;  // catch(...)
        const auto* td = at<TypeDescriptor>(throw_base, uint32_t(ct->type));
        if (td != catch_type && std::strcmp(td->name, catch_type->name) != 0) continue;
        // Some types may only be caught by reference (e.g. abstract classes).
        if ((ct->properties & CT_BY_REFERENCE_ONLY) && !(adjectives & HT_REFERENCE)) continue;
        // A thrown pointer to const (volatile, unaligned) needs a handler at least as qualified.
        if ((ti->attributes & TI_CONST) && !(adjectives & HT_CONST)) continue;
        if ((ti->attributes & TI_VOLATILE) && !(adjectives & HT_VOLATILE)) continue;
        if ((ti->attributes & TI_UNALIGNED) && !(adjectives & HT_UNALIGNED)) continue;
        return ct;
    }
    return nullptr;
}

// ---- type_info::name ----------------------------------------------------------------------------
namespace {

struct Undecorator {
    const char* p;
    bool ok = true;

    // Name@Scope1@Scope2@@ -> Scope2::Scope1::Name
    std::string qualified_name() {
        std::vector<std::string> parts;
        while (*p && *p != '@') {
            if (*p == '?' || (*p >= '0' && *p <= '9')) {  // templates, back references: not handled
                ok = false;
                return {};
            }
            const char* at_sign = std::strchr(p, '@');
            if (!at_sign) {
                ok = false;
                return {};
            }
            parts.emplace_back(p, at_sign);
            p = at_sign + 1;
        }
        if (*p != '@') {
            ok = false;
            return {};
        }
        p++;
        std::string r;
        for (size_t i = parts.size(); i-- > 0;) {
            r += parts[i];
            if (i) r += "::";
        }
        return r;
    }

    std::string type() {
        char c = *p++;
        switch (c) {
        case 'C': return "signed char";
        case 'D': return "char";
        case 'E': return "unsigned char";
        case 'F': return "short";
        case 'G': return "unsigned short";
        case 'H': return "int";
        case 'I': return "unsigned int";
        case 'J': return "long";
        case 'K': return "unsigned long";
        case 'M': return "float";
        case 'N': return "double";
        case 'O': return "long double";
        case 'X': return "void";
        case '_':
            switch (*p++) {
            case 'J': return "__int64";
            case 'K': return "unsigned __int64";
            case 'N': return "bool";
            case 'S': return "char16_t";
            case 'U': return "char32_t";
            case 'W': return "wchar_t";
            default: ok = false; return {};
            }
        case 'V': return "class " + qualified_name();
        case 'U': return "struct " + qualified_name();
        case 'T': return "union " + qualified_name();
        case 'W':
            if (*p++ != '4') {
                ok = false;
                return {};
            }
            return "enum " + qualified_name();
        case 'P':  // pointer: E (__ptr64), then the pointee's cv: A none, B const, C volatile, D both
        case 'Q':
        case 'A': {
            bool ref = c == 'A';
            if (*p != 'E') {
                ok = false;
                return {};
            }
            p++;
            char cv = *p++;
            if (cv < 'A' || cv > 'D') {
                ok = false;
                return {};
            }
            std::string pointee = type();
            if (cv == 'B' || cv == 'D') pointee += " const";
            if (cv == 'C' || cv == 'D') pointee += " volatile";
            return pointee + (ref ? " & __ptr64" : " * __ptr64");
        }
        default: ok = false; return {};
        }
    }
};

}  // namespace

std::string undecorate_type_name(const char* decorated) {
    if (!decorated || decorated[0] != '.') return decorated ? decorated : "";
    Undecorator u{decorated + 1};
    std::string r;
    if (u.p[0] == '?' && u.p[1] == 'A') {  // a class/struct/union/enum: ".?AVname@@"
        u.p += 2;
        r = u.type();
    } else {
        r = u.type();
    }
    if (!u.ok || *u.p) return decorated + 1;
    return r;
}

}  // namespace winrun::cxx
