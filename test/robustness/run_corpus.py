#!/usr/bin/env python3
"""tool.robustness.<name>: kara-tidy on a translation unit that includes heavy
third-party headers must not crash (no signal, no exit code >= 128, no
"Stack dump") and must report the diagnostics listed in the file's
`// EXPECT: <regex>` lines (so the analysis really ran)."""
import json
import os
import re
import subprocess
import sys

kara_tidy, source_dir, name = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
flags = [f.replace("@KARA_SOURCE@", source_dir)
         for f in json.load(open(os.path.join(here, "corpus.json")))[name]]
src = os.path.join(here, name + ".cpp")
expects = [l.split("EXPECT:", 1)[1].strip() for l in open(src) if l.startswith("// EXPECT:")]
if not expects:
    sys.exit("FAIL: %s has no EXPECT lines" % src)

cmd = [kara_tidy, "--checks=-*,kara-*", src, "--"] + flags
print(" ".join(cmd))
r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
out = r.stdout + r.stderr
kara_lines = [l for l in out.splitlines() if "[kara-" in l]
print("\n".join(kara_lines))
if r.returncode < 0 or r.returncode >= 128 or "Stack dump" in out or "PLEASE submit a bug report" in out:
    print(out[-8000:])
    sys.exit("FAIL: kara-tidy crashed (exit %d)" % r.returncode)
if re.search(r"error: .*\[clang-diagnostic-error\]", out):
    print(out[-8000:])
    sys.exit("FAIL: the translation unit does not compile")
missing = [e for e in expects if not any(re.search(e, l) for l in kara_lines)]
if missing:
    print(out[-8000:])
    sys.exit("FAIL: expected diagnostics missing: %s" % missing)
print("PASS: %s: exit %d, %d kara diagnostics, all %d expected present"
      % (name, r.returncode, len(kara_lines), len(expects)))
