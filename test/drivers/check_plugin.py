#!/usr/bin/env python3
"""tool.plugin: the kara checks run inside an unmodified clang-tidy-19 through
--load=libKaraTidyPlugin.so. Negative control: without --load the same command
reports no kara diagnostic (so this test can fail)."""
import subprocess
import sys

clang_tidy, plugin, filecheck, sample, include = sys.argv[1:6]
base = [clang_tidy, "--checks=-*,kara-*", sample, "--", "-std=c++20", "-I" + include]

r = subprocess.run([base[0], "--load=" + plugin] + base[1:], capture_output=True,
                   text=True, timeout=120)
out = r.stdout + r.stderr
print(out)
if r.returncode < 0 or r.returncode >= 128 or "Stack dump" in out:
    sys.exit("FAIL: clang-tidy crashed with the plugin (exit %d)" % r.returncode)
if "error while loading" in out.lower() or "undefined symbol" in out:
    sys.exit("FAIL: the plugin did not load")
fc = subprocess.run([filecheck, sample], input=out, text=True, timeout=60)
if fc.returncode != 0:
    sys.exit("FAIL: FileCheck")

r = subprocess.run(base, capture_output=True, text=True, timeout=120)
ctrl = r.stdout + r.stderr
if "[kara-" in ctrl:
    sys.exit("FAIL: negative control: kara diagnostics without --load?\n" + ctrl)
print("PASS: kara diagnostics only with the plugin loaded")
