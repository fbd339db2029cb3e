#!/usr/bin/env python3
"""Configures and builds test/annotations/consumer with one compiler.

--expect pass: the build (-Wall -Wextra -Werror) must succeed.
--expect fail: negative control; the build must fail, and because of a
               warning about the kara attributes (so the positive test can fail).
"""
import argparse
import os
import shutil
import subprocess
import sys

p = argparse.ArgumentParser()
p.add_argument("--cxx", required=True)
p.add_argument("--source-dir", required=True, help="the kara checkout")
p.add_argument("--work-dir", required=True)
p.add_argument("--plugin", default="")
p.add_argument("--no-flags", action="store_true")
p.add_argument("--expect", choices=["pass", "fail"], required=True)
p.add_argument("--expect-flag", default="", help="a flag the compile line must contain")
a = p.parse_args()

consumer = os.path.join(a.source_dir, "test", "annotations", "consumer")
shutil.rmtree(a.work_dir, ignore_errors=True)
cfg = ["cmake", "-S", consumer, "-B", a.work_dir, "-G", "Ninja",
       "-DCMAKE_CXX_COMPILER=" + a.cxx, "-DKARA_SOURCE_DIR=" + a.source_dir,
       "-DKARA_CONSUMER_NO_FLAGS=" + ("ON" if a.no_flags else "OFF")]
if a.plugin:
    cfg.append("-DKARA_ATTRIBUTES_PLUGIN=" + a.plugin)
r = subprocess.run(cfg, capture_output=True, text=True, timeout=120)
if r.returncode != 0:
    print(r.stdout, r.stderr)
    sys.exit("FAIL: configure failed")
r = subprocess.run(["cmake", "--build", a.work_dir, "--verbose"],
                   capture_output=True, text=True, timeout=300)
out = r.stdout + r.stderr
print(out)
if a.expect_flag and a.expect_flag not in out:
    sys.exit("FAIL: compile line lacks " + a.expect_flag)
if a.expect == "pass":
    if r.returncode != 0:
        sys.exit("FAIL: annotated code does not build warning-free with " + a.cxx)
    print("PASS: warning-free with", a.cxx)
else:
    if r.returncode == 0:
        sys.exit("FAIL: negative control built; the test cannot detect warnings")
    if "kara::" not in out and "kara" not in out:
        sys.exit("FAIL: negative control failed for another reason")
    print("PASS: without Kara::annotations's flags", a.cxx, "warns about the kara attributes")
