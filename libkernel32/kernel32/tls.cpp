// Thread-local storage slots: 64 in the TEB, 1024 more in TlsExpansionSlots, as on Windows.
#include <bitset>
#include <cstdlib>
#include <mutex>

#include "builtin/builtin.h"
#include "k32.h"
#include "thread.h"

namespace winrun::k32 {

namespace {
constexpr DWORD TLS_OUT_OF_INDEXES = 0xFFFFFFFF;
constexpr int k_total = TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS;
std::mutex g_mutex;
std::bitset<k_total> g_used;

void** expansion(TEB* teb, bool create) {
    if (!teb->TlsExpansionSlots && create)
        teb->TlsExpansionSlots = static_cast<void**>(calloc(TLS_EXPANSION_SLOTS, sizeof(void*)));
    return teb->TlsExpansionSlots;
}

void clear_slot_everywhere(int i) {
    for_each_teb(
        [](TEB* teb, void* ctx) {
            int slot = int(reinterpret_cast<intptr_t>(ctx));
            if (slot < TLS_MINIMUM_AVAILABLE) teb->TlsSlots[slot] = nullptr;
            else if (void** x = expansion(teb, false)) x[slot - TLS_MINIMUM_AVAILABLE] = nullptr;
        },
        reinterpret_cast<void*>(intptr_t(i)));
}
}  // namespace

DWORD WINAPI TlsAlloc() {
    std::lock_guard lock(g_mutex);
    for (int i = 0; i < k_total; i++) {
        if (!g_used[i]) {
            g_used[i] = true;
            // A fresh slot reads as NULL in every thread.
            clear_slot_everywhere(i);
            return DWORD(i);
        }
    }
    set_last_error(ERROR_NO_MORE_ITEMS);
    return TLS_OUT_OF_INDEXES;
}

BOOL WINAPI TlsFree(DWORD index) {
    std::lock_guard lock(g_mutex);
    if (index >= DWORD(k_total) || !g_used[index]) return fail(ERROR_INVALID_PARAMETER);
    g_used[index] = false;
    clear_slot_everywhere(int(index));  // Windows zeroes a freed slot in all threads
    return TRUE;
}

LPVOID WINAPI TlsGetValue(DWORD index) {
    TEB* teb = current_teb();
    // Quirk: TlsGetValue clears the last error on success, so that callers can tell a stored NULL
    // from a failure.
    if (index < DWORD(TLS_MINIMUM_AVAILABLE)) {
        teb->LastErrorValue = ERROR_SUCCESS;
        return teb->TlsSlots[index];
    }
    if (index >= DWORD(k_total)) {
        teb->LastErrorValue = ERROR_INVALID_PARAMETER;
        return nullptr;
    }
    teb->LastErrorValue = ERROR_SUCCESS;
    void** x = expansion(teb, false);
    return x ? x[index - TLS_MINIMUM_AVAILABLE] : nullptr;
}

BOOL WINAPI TlsSetValue(DWORD index, LPVOID value) {
    TEB* teb = current_teb();
    if (index < DWORD(TLS_MINIMUM_AVAILABLE)) {
        teb->TlsSlots[index] = value;
        return TRUE;
    }
    if (index >= DWORD(k_total)) return fail(ERROR_INVALID_PARAMETER);
    expansion(teb, true)[index - TLS_MINIMUM_AVAILABLE] = value;
    return TRUE;
}

WR_EXPORT_PART(kernel32_tls,
    WR_EXPORT(TlsAlloc),
    WR_EXPORT(TlsFree),
    WR_EXPORT(TlsGetValue),
    WR_EXPORT(TlsSetValue));

}  // namespace winrun::k32
