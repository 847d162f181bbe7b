// Tests for side-by-side: the manifest parser (sxs/manifest.cpp), the RT_MANIFEST resource walk
// (loader/pe/pe_resource.cpp, trees built byte by byte) and the resolver's search order, policies
// and cache (sxs/resolver.cpp, on a temporary application directory and store).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "manifest.h"
#include "pe/pe_image.h"
#include "pe_builder.h"
#include "resolver.h"
#include "store.h"
#include "sxs_rsrc.h"

using namespace winrun::sxs;
using Catch::Matchers::Contains;

namespace {

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::string err(const winrun::Result<Manifest>& r) { return r ? std::string("<no error>") : r.error().message; }

const char* k_app = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
  <assemblyIdentity type="win32" name="Test.App" version="1.2.3.4" processorArchitecture="amd64"/>
  <dependency>
    <dependentAssembly>
      <assemblyIdentity type="win32" name="Contoso.Lib" version="1.0.0.0" processorArchitecture="amd64"
                        publicKeyToken="0123456789ABCDEF" language="*"/>
    </dependentAssembly>
  </dependency>
  <asmv3:application>
    <asmv3:windowsSettings>
      <activeCodePage xmlns="http://schemas.microsoft.com/SMI/2019/WindowsSettings">UTF-8</activeCodePage>
      <longPathAware xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">true</longPathAware>
    </asmv3:windowsSettings>
  </asmv3:application>
</assembly>
)";

std::string assembly_manifest(const std::string& name, const std::string& version, const std::string& token,
                              const std::vector<std::string>& files, const std::string& extra = "") {
    std::string s = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">\n"
                    "<assemblyIdentity type=\"win32\" name=\"" + name + "\" version=\"" + version +
                    "\" processorArchitecture=\"amd64\"" + (token.empty() ? "" : " publicKeyToken=\"" + token + "\"") + "/>\n";
    for (const auto& f : files) s += "<file name=\"" + f + "\"/>\n";
    return s + extra + "</assembly>\n";
}

std::string app_manifest(const std::string& name, const std::string& version, const std::string& token,
                         const std::string& language = "") {
    return "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"><dependency><dependentAssembly>"
           "<assemblyIdentity type=\"win32\" name=\"" + name + "\" version=\"" + version +
           "\" processorArchitecture=\"amd64\"" + (token.empty() ? "" : " publicKeyToken=\"" + token + "\"") +
           (language.empty() ? "" : " language=\"" + language + "\"") +
           "/></dependentAssembly></dependency></assembly>\n";
}

struct TempDir {
    std::string path;
    TempDir() {
        char t[] = "/tmp/winrun-sxs-test-XXXXXX";
        path = mkdtemp(t);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& rel, const std::string& content) const {
        std::string p = path + "/" + rel;
        std::filesystem::create_directories(std::filesystem::path(p).parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
};

}  // namespace

TEST_CASE("sxs: an application manifest with namespaces, a dependency and settings") {
    auto r = parse_manifest(bytes(k_app), "app.exe.manifest", Kind::application);
    REQUIRE(r.ok());
    REQUIRE(r->identity->name == "Test.App");
    REQUIRE(r->identity->version.str() == "1.2.3.4");
    REQUIRE(r->dependencies.size() == 1);
    const Identity& d = r->dependencies[0].identity;
    REQUIRE(d.name == "Contoso.Lib");
    REQUIRE(d.public_key_token == "0123456789abcdef");
    REQUIRE(d.language == "*");
    REQUIRE(r->dependencies[0].line == 5);
    REQUIRE(r->settings.active_code_page == std::optional<std::string>("UTF-8"));
    REQUIRE(r->settings.long_path_aware == std::optional<bool>(true));
}

TEST_CASE("sxs: settings in the wrong namespace are ignored, as Windows ignores them") {
    std::string m = R"(<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
<application xmlns="urn:schemas-microsoft-com:asm.v3"><windowsSettings>
<activeCodePage xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">UTF-8</activeCodePage>
</windowsSettings></application></assembly>)";
    auto r = parse_manifest(bytes(m), "x.manifest", Kind::application);
    REQUIRE(r.ok());
    REQUIRE(!r->settings.active_code_page);
}

TEST_CASE("sxs: UTF-16 manifests (with a BOM) parse like UTF-8 ones") {
    std::u16string w;
    for (char c : std::string(k_app)) w.push_back(char16_t(c));
    std::string b = "\xFF\xFE";
    for (char16_t c : w) {
        b.push_back(char(c & 0xFF));
        b.push_back(char(c >> 8));
    }
    auto r = parse_manifest(bytes(b), "utf16.manifest", Kind::application);
    REQUIRE(r.ok());
    REQUIRE(r->dependencies.size() == 1);
}

TEST_CASE("sxs: malformed manifests are refused with file, line and element") {
    REQUIRE_THAT(err(parse_manifest(bytes("<assembly"), "a.manifest", Kind::application)),
                 Contains("a.manifest:1: not well-formed XML"));
    REQUIRE_THAT(err(parse_manifest(bytes("\n\n<foo/>"), "b.manifest", Kind::application)),
                 Contains("b.manifest:3: <foo>: the root element must be <assembly>"));
    REQUIRE_THAT(err(parse_manifest(bytes("<assembly manifestVersion=\"1.0\"/>"), "c", Kind::application)),
                 Contains("namespace"));
    REQUIRE_THAT(err(parse_manifest(bytes("<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"2.0\"/>"),
                                    "d", Kind::application)),
                 Contains("manifestVersion \"2.0\""));
    std::string bad_version = app_manifest("X", "1.0", "");
    REQUIRE_THAT(err(parse_manifest(bytes(bad_version), "e.manifest", Kind::application)),
                 Contains("e.manifest:1: <assemblyIdentity>: version \"1.0\" is not four numbers"));
    REQUIRE_THAT(err(parse_manifest(bytes(app_manifest("X", "1.0.0.70000", "")), "f", Kind::application)),
                 Contains("version \"1.0.0.70000\""));
    REQUIRE_THAT(err(parse_manifest(bytes(app_manifest("X", "1.0.0.0", "12345")), "g", Kind::application)),
                 Contains("publicKeyToken \"12345\" is not 16 hexadecimal digits"));
    REQUIRE_THAT(err(parse_manifest(bytes(app_manifest("a\\b", "1.0.0.0", "")), "h", Kind::application)),
                 Contains("is not a valid assembly name"));
    std::string no_name = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">\n"
                          "<dependency>\n<dependentAssembly>\n<assemblyIdentity version=\"1.0.0.0\"/>"
                          "</dependentAssembly></dependency></assembly>";
    REQUIRE_THAT(err(parse_manifest(bytes(no_name), "i.manifest", Kind::application)),
                 Contains("i.manifest:4: <assemblyIdentity>: the name attribute is missing"));
    REQUIRE_THAT(err(parse_manifest(bytes(assembly_manifest("L", "1.0.0.0", "", {"..\\evil.dll"})), "j", Kind::assembly)),
                 Contains("<file>: name \"..\\evil.dll\" must be a plain file name"));
    REQUIRE_THAT(err(parse_manifest(bytes(assembly_manifest("L", "1.0.0.0", "", {"a.dll", "A.DLL"})), "k", Kind::assembly)),
                 Contains("listed twice"));
    std::string no_identity = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"/>";
    REQUIRE_THAT(err(parse_manifest(bytes(no_identity), "l", Kind::assembly)), Contains("no assemblyIdentity"));
    std::string arch = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"><assemblyIdentity "
                       "type=\"win32\" name=\"n\" version=\"1.0.0.0\" processorArchitecture=\"sparc\"/></assembly>";
    REQUIRE_THAT(err(parse_manifest(bytes(arch), "m", Kind::assembly)), Contains("processorArchitecture \"sparc\""));
}

TEST_CASE("sxs: publisher policies and configuration files carry bindingRedirects") {
    std::string pol = R"(<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
<assemblyIdentity type="win32-policy" name="policy.1.0.Contoso.Lib" version="1.0.0.0" processorArchitecture="amd64" publicKeyToken="0123456789abcdef"/>
<dependency><dependentAssembly>
<assemblyIdentity type="win32" name="Contoso.Lib" processorArchitecture="amd64" publicKeyToken="0123456789abcdef"/>
<bindingRedirect oldVersion="1.0.0.0-1.0.65535.65535" newVersion="1.0.2.0"/>
</dependentAssembly></dependency></assembly>)";
    auto p = parse_manifest(bytes(pol), "p.policy", Kind::policy);
    REQUIRE(p.ok());
    const auto& rs = p->dependencies.at(0).redirects;
    REQUIRE(rs.size() == 1);
    bool red = false;
    REQUIRE(apply_redirects(rs, *parse_version("1.0.5.0"), &red).str() == "1.0.2.0");
    REQUIRE(red);
    REQUIRE(apply_redirects(rs, *parse_version("2.0.0.0"), &red).str() == "2.0.0.0");
    REQUIRE(!red);
    std::string bad = pol;
    bad.replace(bad.find("1.0.0.0-1.0.65535.65535"), 23, "2.0.0.0-1.0.0.0");
    REQUIRE_THAT(err(parse_manifest(bytes(bad), "q.policy", Kind::policy)), Contains("q.policy:5: <bindingRedirect>: oldVersion range"));

    std::string cfg = R"(<?xml version="1.0"?>
<configuration><windows><assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
<dependentAssembly><assemblyIdentity name="Contoso.Lib" processorArchitecture="amd64" publicKeyToken="0123456789abcdef"/>
<bindingRedirect oldVersion="1.0.0.0" newVersion="1.0.1.0"/><publisherPolicy apply="no"/></dependentAssembly>
</assemblyBinding></windows></configuration>)";
    auto c = parse_config(bytes(cfg), "app.exe.config");
    REQUIRE(c.ok());
    REQUIRE(c->dependencies.size() == 1);
    REQUIRE(!c->dependencies[0].publisher_policy);
    REQUIRE(c->dependencies[0].redirects[0].new_version.str() == "1.0.1.0");
}

TEST_CASE("sxs: identities match by name, version, architecture, token and language") {
    Identity w, f;
    w.name = "Lib";
    f.name = "lib";
    w.version = f.version = *parse_version("1.0.0.0");
    w.has_version = f.has_version = true;
    w.architecture = "*";
    f.architecture = "amd64";
    w.language = "*";
    std::string why;
    REQUIRE(identity_matches(w, f, &why));
    f.version = *parse_version("1.0.0.1");
    REQUIRE(!identity_matches(w, f, &why));
    REQUIRE(why == "its version is 1.0.0.1");
    f.version = w.version;
    f.public_key_token = "0123456789abcdef";
    REQUIRE(!identity_matches(w, f, &why));
    REQUIRE_THAT(why, Contains("publicKeyToken"));
}

// ---- RT_MANIFEST through the checked PE reader ------------------------------------------------

namespace {
pe_builder::Image image_with_rsrc(uint32_t id, const std::string& data, uint32_t type = 24) {
    pe_builder::PeBuilder b;
    b.add_section(".rsrc", pe_builder::SCN_RDATA, std::vector<uint8_t>(sxs_rsrc::DATA + data.size()));
    uint32_t va = b.section_rva(1);
    b.sections[1].data = sxs_rsrc::build(va, id, data, type);
    auto img = b.build();
    img.set_directory(2, va, uint32_t(b.sections[1].data.size()));
    return img;
}
size_t rsrc_off(const pe_builder::Image& img) { return img.sections.at(1).raw_offset; }
}  // namespace

TEST_CASE("pe resources: RT_MANIFEST 1, 2 and 3 are found; other ids and types are absent") {
    for (uint32_t id : {1u, 2u, 3u}) {
        auto img = image_with_rsrc(id, "<assembly/>");
        auto pe = winrun::pe::PeImage::parse(img.span());
        REQUIRE(pe.ok());
        auto r = pe->resource(24, id);
        REQUIRE(r.ok());
        REQUIRE(r->has_value());
        REQUIRE(std::string(reinterpret_cast<const char*>((*r)->data()), (*r)->size()) == "<assembly/>");
        auto other = pe->resource(24, id + 1);
        REQUIRE(other.ok());
        REQUIRE(!other->has_value());
    }
    auto img = image_with_rsrc(1, "x", 16 /* RT_VERSION */);
    auto pe = winrun::pe::PeImage::parse(img.span());
    REQUIRE(pe.ok());
    auto r = pe->resource(24, 1);
    REQUIRE(r.ok());
    REQUIRE(!r->has_value());
    // No resource directory at all.
    pe_builder::PeBuilder plain;
    auto pimg = plain.build();
    auto ppe = winrun::pe::PeImage::parse(pimg.span());
    REQUIRE(ppe.ok());
    REQUIRE(!ppe->resource(24, 1)->has_value());
}

TEST_CASE("pe resources: malformed trees are refused cleanly") {
    using namespace sxs_rsrc;
    auto check = [](auto corrupt, const std::string& what) {
        auto img = image_with_rsrc(1, "<assembly/>");
        corrupt(img, rsrc_off(img));
        auto pe = winrun::pe::PeImage::parse(img.span());
        REQUIRE(pe.ok());
        auto r = pe->resource(24, 1);
        INFO("expected: " << what);
        REQUIRE(!r.ok());
        REQUIRE_THAT(r.error().message, Contains(what));
    };
    // Subdirectory offset past the directory.
    check([](pe_builder::Image& i, size_t o) { i.put32(o + ROOT_ENTRY + 4, 0x80000000u | 0x7FFFFFF0u); }, "past the directory's size");
    // Entry count far beyond the data.
    check([](pe_builder::Image& i, size_t o) { i.put16(o + ROOT + 14, 0xFFFF); }, "run past the directory's size");
    // A data entry where a subdirectory is expected (and the reverse).
    check([](pe_builder::Image& i, size_t o) { i.put32(o + ROOT_ENTRY + 4, DATA_ENTRY); }, "data entry where a subdirectory");
    check([](pe_builder::Image& i, size_t o) { i.put32(o + LANG_ENTRY + 4, 0x80000000u | ROOT); }, "subdirectory where a data entry");
    // Data RVA outside the file; size wrapping past 4 GiB.
    check([](pe_builder::Image& i, size_t o) { i.put32(o + DATA_ENTRY, 0x7FFFFF00u); }, "resource 24/1: data at RVA");
    check([](pe_builder::Image& i, size_t o) { i.put32(o + DATA_ENTRY + 4, 0xFFFFFFFFu); }, "is not inside the file's data");
    // A self-referencing tree cannot loop: the walk has three levels.
    check([](pe_builder::Image& i, size_t o) { i.put32(o + NAME_ENTRY + 4, 0x80000000u | NAME_DIR); i.put32(o + NAME_ENTRY, 1); },
          "subdirectory where a data entry");
}

// ---- the resolver ------------------------------------------------------------------------------

TEST_CASE("resolver: private assemblies in the application directory, in the documented order") {
    TempDir t;
    t.write("app/Lib/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"impl.dll"}));
    t.write("app/Lib/impl.dll", "MZ");
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", ""));
    Resolver r;
    ResolveRequest req{src, 0, "", "", t.path + "/store"};
    auto ctx = r.resolve(req);
    REQUIRE(ctx.ok());
    REQUIRE(ctx->assemblies.size() == 2);
    REQUIRE(ctx->assemblies[1].directory == t.path + "/app/Lib");
    REQUIRE(ctx->redirect("IMPL.DLL") != nullptr);
    REQUIRE(*ctx->redirect("IMPL.DLL") == t.path + "/app/Lib/impl.dll");
    // appdir\name.manifest comes before appdir\name\name.manifest.
    t.write("app/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"impl.dll"}));
    auto ctx2 = r.resolve(req);
    REQUIRE(ctx2.ok());
    REQUIRE(ctx2->assemblies[1].directory == t.path + "/app");
    // Round trip through the wire form.
    auto back = decode(encode(ctx2.value()));
    REQUIRE(back.ok());
    REQUIRE(back->dll_redirects == ctx2->dll_redirects);
    REQUIRE(back->assemblies.size() == 2);
}

TEST_CASE("resolver: language subfolders come first for a language-specific reference") {
    TempDir t;
    t.write("app/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"lib.dll"}));
    std::string de = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\"><assemblyIdentity "
                     "type=\"win32\" name=\"Lib\" version=\"1.0.0.0\" processorArchitecture=\"amd64\" language=\"de-de\"/>"
                     "<file name=\"lib.dll\"/></assembly>";
    t.write("app/de-de/Lib.manifest", de);
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", "", "de-de"));
    Resolver r;
    auto ctx = r.resolve({src, 0, "", "", ""});
    REQUIRE(ctx.ok());
    REQUIRE(ctx->assemblies[1].directory == t.path + "/app/de-de");
}

TEST_CASE("resolver: a missing or mismatched assembly names the identity and every place searched") {
    TempDir t;
    t.write("app/Lib.manifest", assembly_manifest("Lib", "2.0.0.0", "", {"lib.dll"}));
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", "0123456789abcdef"));
    Resolver r;
    auto ctx = r.resolve({src, 0, "", "", t.path + "/store"});
    REQUIRE(!ctx.ok());
    const std::string& m = ctx.error().message;
    REQUIRE_THAT(m, Contains("dependent assembly Lib, version=1.0.0.0, type=win32, processorArchitecture=amd64, "
                             "publicKeyToken=0123456789abcdef could not be found"));
    REQUIRE_THAT(m, Contains(t.path + "/store/amd64_lib_0123456789abcdef_1.0.0.0_none/assembly.manifest (not found)"));
    REQUIRE_THAT(m, Contains(t.path + "/app/Lib.dll (not found)"));
    REQUIRE_THAT(m, Contains(t.path + "/app/Lib.manifest (found Lib, version=2.0.0.0"));
    REQUIRE_THAT(m, Contains(t.path + "/app/Lib/Lib.manifest (not found)"));
}

TEST_CASE("resolver: the store, publisher policy redirecting old to new, and the configuration file") {
    TempDir t;
    const std::string tok = "0123456789abcdef";
    for (const char* v : {"1.0.0.0", "1.0.1.0"}) {
        std::string dir = t.path + "/in-" + v;
        t.write(std::string("in-") + v + "/Lib.manifest", assembly_manifest("Lib", v, tok, {"lib.dll"}));
        t.write(std::string("in-") + v + "/lib.dll", v);
        auto r = install_assembly(dir, t.path + "/store");
        REQUIRE(r.ok());
    }
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", tok));
    Resolver r;
    auto ctx = r.resolve({src, 0, "", "", t.path + "/store"});
    REQUIRE(ctx.ok());
    REQUIRE(*ctx->redirect("lib.dll") == t.path + "/store/amd64_lib_" + tok + "_1.0.0.0_none/lib.dll");

    std::string pol = "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">"
                      "<assemblyIdentity type=\"win32-policy\" name=\"policy.1.0.Lib\" version=\"1.0.0.0\" processorArchitecture=\"amd64\" publicKeyToken=\"" + tok + "\"/>"
                      "<dependency><dependentAssembly><assemblyIdentity type=\"win32\" name=\"Lib\" processorArchitecture=\"amd64\" publicKeyToken=\"" + tok + "\"/>"
                      "<bindingRedirect oldVersion=\"1.0.0.0-1.0.0.65535\" newVersion=\"1.0.1.0\"/></dependentAssembly></dependency></assembly>";
    t.write("pol/policy.1.0.Lib.policy", pol);
    auto ip = install_assembly(t.path + "/pol", t.path + "/store");
    REQUIRE(ip.ok());
    ctx = r.resolve({src, 0, "", "", t.path + "/store"});
    REQUIRE(ctx.ok());
    REQUIRE(*ctx->redirect("lib.dll") == t.path + "/store/amd64_lib_" + tok + "_1.0.1.0_none/lib.dll");

    // The application configuration file turns publisher policy off.
    std::string cfg = "<configuration><windows><assemblyBinding xmlns=\"urn:schemas-microsoft-com:asm.v1\"><dependentAssembly>"
                      "<assemblyIdentity name=\"Lib\" processorArchitecture=\"amd64\" publicKeyToken=\"" + tok + "\"/>"
                      "<publisherPolicy apply=\"no\"/></dependentAssembly></assemblyBinding></windows></configuration>";
    std::string cfgp = t.write("app/app.exe.config", cfg);
    ctx = r.resolve({src, 0, "", cfgp, t.path + "/store"});
    REQUIRE(ctx.ok());
    REQUIRE(*ctx->redirect("lib.dll") == t.path + "/store/amd64_lib_" + tok + "_1.0.0.0_none/lib.dll");

    auto list = list_assemblies(t.path + "/store");
    REQUIRE(list.ok());
    REQUIRE(list->size() == 3);
}

TEST_CASE("store: malformed assemblies are refused with a reason") {
    TempDir t;
    t.write("a/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"lib.dll"}));
    auto r = install_assembly(t.path + "/a", t.path + "/store");
    REQUIRE(!r.ok());
    REQUIRE_THAT(r.error().message, Contains("has no publicKeyToken"));
    t.write("b/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "0123456789abcdef", {"lib.dll"}));
    r = install_assembly(t.path + "/b", t.path + "/store");
    REQUIRE(!r.ok());
    REQUIRE_THAT(r.error().message, Contains("lists file \"lib.dll\", which is not in"));
    t.write("c/Lib.manifest", "<assembly");
    r = install_assembly(t.path + "/c", t.path + "/store");
    REQUIRE(!r.ok());
    REQUIRE_THAT(r.error().message, Contains("not well-formed XML"));
    r = install_assembly(t.path + "/nothing-here", t.path + "/store");
    REQUIRE(!r.ok());
}

TEST_CASE("resolver: parsed manifests are cached on file identity, and a changed file is read again") {
    TempDir t;
    t.write("app/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"lib.dll"}));
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", ""));
    Resolver r;
    REQUIRE(r.resolve({src, 0, "", "", ""}).ok());
    uint64_t hits = r.cache_hits();
    REQUIRE(r.resolve({src, 0, "", "", ""}).ok());
    REQUIRE(r.cache_hits() == hits + 2);
    // Same name, new content (another size): parsed again, and the new content is what counts.
    t.write("app/Lib.manifest", assembly_manifest("Lib", "1.0.0.0", "", {"other.dll"}));
    auto ctx = r.resolve({src, 0, "", "", ""});
    REQUIRE(ctx.ok());
    REQUIRE(ctx->redirect("other.dll") != nullptr);
    REQUIRE(ctx->redirect("lib.dll") == nullptr);
}

TEST_CASE("resolver: an assembly embedded in a DLL as RT_MANIFEST 1") {
    TempDir t;
    auto img = image_with_rsrc(1, assembly_manifest("Lib", "1.0.0.0", "", {"Lib.dll"}));
    std::string dll(img.bytes.begin(), img.bytes.end());
    t.write("app/Lib.dll", dll);
    std::string src = t.write("app/app.exe.manifest", app_manifest("Lib", "1.0.0.0", ""));
    Resolver r;
    auto ctx = r.resolve({src, 0, "", "", ""});
    REQUIRE(ctx.ok());
    REQUIRE(*ctx->redirect("lib.dll") == t.path + "/app/Lib.dll");
}
