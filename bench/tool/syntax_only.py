#!/usr/bin/env python3
"""The baseline of the kara-summarize figures: every unit of a compilation
database through `clang++-19 -fsyntax-only` with its own flags.

  syntax_only.py BUILD_DIR [-j N]
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess

p = argparse.ArgumentParser()
p.add_argument("build")
p.add_argument("-j", type=int, default=1)
a = p.parse_args()
db = json.load(open(os.path.join(a.build, "compile_commands.json")))


def run(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = ["clang++-19"], False
    for x in args[1:]:
        if skip:
            skip = False
        elif x in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif x not in ("-c", "-MD", "-MMD"):
            out.append(x)
    return subprocess.run(out + ["-fsyntax-only"], cwd=entry["directory"]).returncode


with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
    failed = sum(1 for rc in pool.map(run, db) if rc)
raise SystemExit(1 if failed else 0)
