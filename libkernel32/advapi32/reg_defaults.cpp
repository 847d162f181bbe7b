// The default content of a fresh prefix's registry: the keys programs commonly read to learn
// which Windows they run on, where the shell folders are, and the console defaults. Values follow
// Windows 10 22H2 (build 19045), x64, as a standard (non-administrator) user "sees" them.
// Paths use the user's Linux login name under C:\users.
#include <unistd.h>

#include <cstdlib>
#include <initializer_list>

#include "reg_hive.h"
#include "kernel32/path_map.h"
#include "unicode.h"

namespace winrun::reg {

namespace {

Key& path(Key& root, std::u16string_view p) {
    Key* k = &root;
    size_t s = 0;
    while (s <= p.size()) {
        size_t e = p.find(u'\\', s);
        if (e == std::u16string_view::npos) e = p.size();
        std::u16string_view comp = p.substr(s, e - s);
        Key* next = k->find(comp);
        k = next ? next : &k->add(std::u16string(comp));
        s = e + 1;
    }
    return *k;
}

void sz(Key& k, std::u16string_view name, std::u16string_view v) { k.set_value(name, REG_SZ, sz_data(v)); }
void expand_sz(Key& k, std::u16string_view name, std::u16string_view v) { k.set_value(name, REG_EXPAND_SZ, sz_data(v)); }
void dword(Key& k, std::u16string_view name, uint32_t v) { k.set_value(name, REG_DWORD, dword_data(v)); }

std::u16string user_name() { return utf8_to_utf16(paths::windows_user_name()); }

}  // namespace

std::unique_ptr<Key> default_machine() {
    auto root = std::make_unique<Key>();
    Key& nt = path(*root, u"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
    sz(nt, u"ProductName", u"Windows 10 Pro");
    sz(nt, u"EditionID", u"Professional");
    sz(nt, u"InstallationType", u"Client");
    sz(nt, u"CurrentVersion", u"6.3");
    sz(nt, u"CurrentBuild", u"19045");
    sz(nt, u"CurrentBuildNumber", u"19045");
    dword(nt, u"CurrentMajorVersionNumber", 10);
    dword(nt, u"CurrentMinorVersionNumber", 0);
    sz(nt, u"ReleaseId", u"2009");
    sz(nt, u"DisplayVersion", u"22H2");
    sz(nt, u"CurrentType", u"Multiprocessor Free");
    sz(nt, u"SystemRoot", u"C:\\windows");
    sz(nt, u"PathName", u"C:\\windows");
    sz(nt, u"RegisteredOwner", user_name());
    sz(nt, u"RegisteredOrganization", u"");

    Key& cv = path(*root, u"SOFTWARE\\Microsoft\\Windows\\CurrentVersion");
    sz(cv, u"ProgramFilesDir", u"C:\\Program Files");
    sz(cv, u"ProgramFilesDir (x86)", u"C:\\Program Files (x86)");
    sz(cv, u"ProgramW6432Dir", u"C:\\Program Files");
    sz(cv, u"CommonFilesDir", u"C:\\Program Files\\Common Files");
    sz(cv, u"CommonFilesDir (x86)", u"C:\\Program Files (x86)\\Common Files");
    sz(cv, u"CommonW6432Dir", u"C:\\Program Files\\Common Files");
    expand_sz(cv, u"ProgramFilesPath", u"%ProgramFiles%");
    expand_sz(cv, u"DevicePath", u"%SystemRoot%\\inf");
    path(*root, u"SOFTWARE\\Classes");  // HKEY_CLASSES_ROOT

    Key& cp = path(*root, u"SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage");
    sz(cp, u"ACP", u"1252");
    sz(cp, u"OEMCP", u"437");
    sz(cp, u"MACCP", u"10000");

    Key& env = path(*root, u"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment");
    expand_sz(env, u"ComSpec", u"%SystemRoot%\\system32\\cmd.exe");
    sz(env, u"OS", u"Windows_NT");
    expand_sz(env, u"Path", u"%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem");
    sz(env, u"PATHEXT", u".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC");
    sz(env, u"PROCESSOR_ARCHITECTURE", u"AMD64");
    expand_sz(env, u"TEMP", u"%SystemRoot%\\TEMP");
    expand_sz(env, u"TMP", u"%SystemRoot%\\TEMP");
    expand_sz(env, u"windir", u"%SystemRoot%");
    path(*root, u"SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current");  // HKEY_CURRENT_CONFIG
    return root;
}

std::unique_ptr<Key> default_user() {
    auto root = std::make_unique<Key>();
    const std::u16string home = u"C:\\users\\" + user_name();

    Key& env = path(*root, u"Environment");
    expand_sz(env, u"TEMP", u"%USERPROFILE%\\AppData\\Local\\Temp");
    expand_sz(env, u"TMP", u"%USERPROFILE%\\AppData\\Local\\Temp");

    // Shell folders: "User Shell Folders" holds the unexpanded form, "Shell Folders" the expanded one.
    struct Folder {
        const char16_t* name;
        const char16_t* rel;  // below the profile
    };
    static const Folder k_folders[] = {
        {u"AppData", u"AppData\\Roaming"},
        {u"Local AppData", u"AppData\\Local"},
        {u"Cache", u"AppData\\Local\\Microsoft\\Windows\\INetCache"},
        {u"Cookies", u"AppData\\Local\\Microsoft\\Windows\\INetCookies"},
        {u"History", u"AppData\\Local\\Microsoft\\Windows\\History"},
        {u"Desktop", u"Desktop"},
        {u"Personal", u"Documents"},
        {u"Favorites", u"Favorites"},
        {u"My Music", u"Music"},
        {u"My Pictures", u"Pictures"},
        {u"My Video", u"Videos"},
        {u"{374DE290-123F-4565-9164-39C4925E467B}", u"Downloads"},
        {u"NetHood", u"AppData\\Roaming\\Microsoft\\Windows\\Network Shortcuts"},
        {u"PrintHood", u"AppData\\Roaming\\Microsoft\\Windows\\Printer Shortcuts"},
        {u"Recent", u"AppData\\Roaming\\Microsoft\\Windows\\Recent"},
        {u"SendTo", u"AppData\\Roaming\\Microsoft\\Windows\\SendTo"},
        {u"Start Menu", u"AppData\\Roaming\\Microsoft\\Windows\\Start Menu"},
        {u"Programs", u"AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs"},
        {u"Startup", u"AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup"},
        {u"Templates", u"AppData\\Roaming\\Microsoft\\Windows\\Templates"},
    };
    Key& sf = path(*root, u"Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Shell Folders");
    Key& usf = path(*root, u"Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\User Shell Folders");
    for (const Folder& f : k_folders) {
        sz(sf, f.name, home + u'\\' + f.rel);
        expand_sz(usf, f.name, std::u16string(u"%USERPROFILE%\\") + f.rel);
    }
    path(*root, u"Software\\Classes");

    // Console defaults (conhost reads them): Windows 10's "Campbell" colours, 120x30 window,
    // 9001-line buffer.
    Key& con = path(*root, u"Console");
    static const uint32_t k_colors[16] = {0x0C0C0C, 0xDA3700, 0x0EA113, 0xDD963A, 0x1F0FC5, 0x981788, 0x009CC1, 0xCCCCCC,
                                          0x767676, 0xFF783B, 0x0CC616, 0xD6D661, 0x5648E7, 0x9E00B4, 0xA5F1F9, 0xF2F2F2};
    for (int i = 0; i < 16; i++) {
        char16_t name[] = u"ColorTable00";
        name[10] = char16_t(u'0' + i / 10);
        name[11] = char16_t(u'0' + i % 10);
        dword(con, name, k_colors[i]);
    }
    sz(con, u"FaceName", u"Consolas");
    dword(con, u"FontFamily", 0x36);
    dword(con, u"FontSize", 0x00100000);
    dword(con, u"FontWeight", 400);
    dword(con, u"CursorSize", 25);
    dword(con, u"HistoryBufferSize", 50);
    dword(con, u"NumberOfHistoryBuffers", 4);
    dword(con, u"HistoryNoDup", 0);
    dword(con, u"InsertMode", 1);
    dword(con, u"QuickEdit", 1);
    dword(con, u"ScreenBufferSize", 0x23290078);
    dword(con, u"WindowSize", 0x001E0078);
    dword(con, u"ScreenColors", 0x07);
    dword(con, u"PopupColors", 0xF5);
    return root;
}

std::unique_ptr<Key> default_users() {
    auto root = std::make_unique<Key>();
    path(*root, u".DEFAULT\\Software");
    return root;
}

}  // namespace winrun::reg
