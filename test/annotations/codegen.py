#!/usr/bin/env python3
"""The Clang attribute plugin must not change code generation: the LLVM IR of
an annotated file is the same with -fplugin as with -Wno-unknown-attributes (which
drops the attributes), and carries no llvm.global.annotations. A control file
with [[clang::annotate]] proves the check detects recorded annotations."""
import re
import subprocess
import sys

cxx, plugin, src, include, control = sys.argv[1:6]

def ir(*flags, source=src):
    cmd = [cxx, "-std=c++20", "-O1", "-S", "-emit-llvm", "-o", "-", "-I", include,
           *flags, source]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("FAIL: %s\n%s" % (" ".join(cmd), r.stderr))
    # The module id and file names are the only expected differences.
    return "\n".join(l for l in r.stdout.splitlines()
                     if not l.startswith(("; ModuleID", "source_filename", "!llvm.ident", "!0 =", "!1 =", "!2 =", "!3 =", "!4 =")))

with_plugin = ir("-fplugin=" + plugin, "-Werror=unknown-attributes")
without = ir("-Wno-unknown-attributes")
if "llvm.global.annotations" in with_plugin:
    sys.exit("FAIL: the plugin records annotations into the object code")
if with_plugin != without:
    import difflib
    print("\n".join(difflib.unified_diff(without.splitlines(), with_plugin.splitlines(), lineterm="")))
    sys.exit("FAIL: code generation differs with the plugin")
ctrl = ir(source=control)
if "llvm.global.annotations" not in ctrl:
    sys.exit("FAIL: control: [[clang::annotate]] not visible; the check is blind")
print("PASS: identical IR with and without the plugin, no annotations recorded")
