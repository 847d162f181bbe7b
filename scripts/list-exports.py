#!/usr/bin/env python3
"""Lists the exports of every builtin DLL, by area, from the WR_EXPORT_PART blocks of the sources
(the one export list per DLL). Prints Markdown table rows for docs/compatibility.md.

    scripts/list-exports.py            all DLLs
    scripts/list-exports.py msvcrt     one DLL
"""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent / "libkernel32"
part_re = re.compile(r"WR_EXPORT_PART\(\s*(\w+)\s*,(.*?)\);", re.S)
name_re = re.compile(r'WR_EXPORT\((\w+)\)|WR_EXPORT_AS\("([^"]+)"|WR_EXPORT_NORELAY\("([^"]+)"|WR_DATA\("([^"]+)"')

parts = {}
for src in sorted(root.rglob("*.cpp")):
    for m in part_re.finditer(src.read_text()):
        part, body = m.group(1), m.group(2)
        folder = src.parent.name  # "ws2_32_startup" belongs to ws2_32, not to a DLL "ws2"
        if part.startswith(folder + "_"):
            dll, area = folder, part[len(folder) + 1:]
        else:
            dll, _, area = part.partition("_")
        names = []
        for n in name_re.finditer(body):
            names.append(next(g for g in n.groups() if g) + (" (data)" if n.group(4) else ""))
        parts.setdefault(dll, []).append((area or part, src.relative_to(root.parent), names))

want = sys.argv[1] if len(sys.argv) > 1 else None
for dll in sorted(parts):
    if want and dll != want:
        continue
    total = sum(len(n) for _, _, n in parts[dll])
    print(f"\n### {dll} ({total} exports)\n")
    print("| area | source | exports |")
    print("|---|---|---|")
    for area, src, names in parts[dll]:
        print(f"| {area} | `{src}` | {len(names)}: {' '.join(sorted(names, key=str.lower))} |")
