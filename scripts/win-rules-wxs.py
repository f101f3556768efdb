#!/usr/bin/env python3
"""The MSI's rules\\ folder (docs/windows.md, "The MSI"): writes a wixl
fragment installing every file under DIR (build-win/rules, the copy of the
shipped rules/malware that scripts/win-build.sh makes beside canhgac.exe)
as INSTALLDIR\\rules\\..., one component per file, all in the component
group "Rules" that win/canhgac-agent.wxs names.

Generated at build time so a rule file added to rules/malware is shipped
without editing the .wxs; reproducible: files sorted, each component's
GUID and each id derived from the file's path (uuid5), so the same tree
gives the same fragment and a file keeps its component across releases,
as Windows Installer's component rules want.

argv: DIR (relative to the working directory, as wixl wants sources)
and OUTPUT."""
import hashlib
import os
import sys
import uuid
from xml.sax.saxutils import quoteattr

NS = uuid.UUID("0850fbc9-9761-490e-bded-30bd5e2ea67d")  # the MSI's UpgradeCode


def ident(kind, rel):
    return kind + hashlib.sha256(rel.encode()).hexdigest()[:24]


def main():
    top, out = sys.argv[1], sys.argv[2]
    comps = []
    lines = []

    def walk(d, rel, indent):
        for name in sorted(os.listdir(d)):
            p, r = os.path.join(d, name), rel + "/" + name if rel else name
            if os.path.islink(p):
                sys.exit(f"win-rules-wxs: {p}: a symbolic link, not shipped")
            if os.path.isdir(p):
                lines.append(f'{indent}<Directory Id="{ident("RD", r)}" Name={quoteattr(name)}>')
                walk(p, r, indent + "  ")
                lines.append(f"{indent}</Directory>")
            elif os.path.isfile(p):
                cid = ident("RC", r)
                comps.append(cid)
                guid = str(uuid.uuid5(NS, "rules/" + r)).upper()
                lines.append(f'{indent}<Component Id="{cid}" Guid="{guid}" Win64="yes">')
                lines.append(f'{indent}  <File Id="{ident("RF", r)}" Name={quoteattr(name)} '
                             f'Source={quoteattr(p)} KeyPath="yes"/>')
                lines.append(f"{indent}</Component>")

    walk(top, "", "        ")
    if not comps:
        sys.exit(f"win-rules-wxs: {top}: no rule files")
    with open(out + ".tmp", "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n'
                "<!-- written by scripts/win-rules-wxs.py: do not edit -->\n"
                '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">\n  <Fragment>\n'
                '    <DirectoryRef Id="INSTALLDIR">\n'
                '      <Directory Id="RulesDir" Name="rules">\n')
        f.write("\n".join(lines) + "\n")
        f.write('      </Directory>\n    </DirectoryRef>\n    <ComponentGroup Id="Rules">\n')
        for c in comps:
            f.write(f'      <ComponentRef Id="{c}"/>\n')
        f.write("    </ComponentGroup>\n  </Fragment>\n</Wix>\n")
    os.replace(out + ".tmp", out)


main()
