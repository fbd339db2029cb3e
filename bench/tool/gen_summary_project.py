#!/usr/bin/env python3
"""A generated project for kara-summarize's scaling figures (docs/benchmarks-tool.md).

  gen_summary_project.py OUT [--units 2000] [--depth 10]

Writes OUT/src/u<N>.cpp (each including <string>, <vector>, <map> and
<algorithm> like ordinary code, so that parsing dominates as it does in real
projects), OUT/src/chain<C>.h and OUT/build/compile_commands.json. Units come in
chains of --depth units: unit k of chain C defines c<C>_f<k>, which calls
c<C>_f<k+1> defined in the next unit; the last one writes the global
c<C>_sink. Every unit also has an internal helper and an inline function of
its chain's header. Expected: every c<C>_f<k> writes c<C>_sink (0 unknown).
"""
import argparse
import json
import os

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--units", type=int, default=2000)
p.add_argument("--depth", type=int, default=10)
p.add_argument("--cxx", default="clang++-19")
a = p.parse_args()
src = os.path.join(a.out, "src")
os.makedirs(src, exist_ok=True)
os.makedirs(os.path.join(a.out, "build"), exist_ok=True)
chains = (a.units + a.depth - 1) // a.depth
db = []
for c in range(chains):
    with open(os.path.join(src, "chain%d.h" % c), "w") as h:
        h.write("#pragma once\n#include <string>\n#include <vector>\n")
        h.write("extern int c%d_sink;\n" % c)
        h.write("inline int c%d_size(const std::vector<int> &v) { return int(v.size()); }\n" % c)
        for k in range(a.depth):
            h.write("void c%d_f%d(std::vector<int> &v, const std::string &s);\n" % (c, k))
for u in range(a.units):
    c, k = divmod(u, a.depth)
    last = k == a.depth - 1 or u == a.units - 1
    path = os.path.join(src, "u%d.cpp" % u)
    with open(path, "w") as f:
        f.write('#include "chain%d.h"\n#include <algorithm>\n#include <map>\n\n' % c)
        f.write("static int helper(std::vector<int> &v) {\n"
                "  std::sort(v.begin(), v.end());\n  return c%d_size(v);\n}\n\n" % c)
        f.write("void c%d_f%d(std::vector<int> &v, const std::string &s) {\n" % (c, k))
        f.write("  std::map<std::string, int> m;\n  m[s] = helper(v);\n")
        if last:
            f.write("  c%d_sink = m.size();\n" % c)
        else:
            f.write("  c%d_f%d(v, s);\n" % (c, k + 1))
        f.write("}\n")
        if last:
            f.write("int c%d_sink;\n" % c)
    db.append({"directory": src, "file": path,
               "arguments": [a.cxx, "-std=c++17", "-O2", "-c", path]})
with open(os.path.join(a.out, "build", "compile_commands.json"), "w") as f:
    json.dump(db, f, indent=1)
print("%d units, %d chains of %d -> %s" % (a.units, chains, a.depth, a.out))
