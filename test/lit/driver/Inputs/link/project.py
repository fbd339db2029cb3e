"""Helpers of kara-summarize-link.test (lit's shell has no loops).

  project.py db DIR CLANGXX INCLUDE     DIR/build/compile_commands.json for
                                        every DIR/*.cpp
  project.py map DIR SUMMARIZE UNITS    kara-summarize --map of each unit into
                                        UNITS/NAME.kara-unit.json; prints each
                                        unit's exit status
"""
import glob
import json
import os
import subprocess
import sys

mode, root = sys.argv[1], sys.argv[2]
units = sorted(glob.glob(os.path.join(root, "*.cpp")))
if mode == "db":
    clangxx, include = sys.argv[3], sys.argv[4]
    os.makedirs(os.path.join(root, "build"), exist_ok=True)
    with open(os.path.join(root, "build", "compile_commands.json"), "w") as f:
        json.dump([{"directory": root, "file": u,
                    "command": "%s -std=c++20 -I%s -c %s" % (clangxx, include, u)}
                   for u in units], f, indent=1)
elif mode == "map":
    summarize, out = sys.argv[3], sys.argv[4]
    os.makedirs(out, exist_ok=True)
    for u in units:
        name = os.path.basename(u)
        unit = os.path.join(out, name + ".kara-unit.json")
        status = subprocess.run(
            [summarize, "--map", u, "-p", os.path.join(root, "build"), "-o",
             unit, "-MF", unit + ".d"], stderr=subprocess.DEVNULL).returncode
        print("map %s: %d" % (name, status))
