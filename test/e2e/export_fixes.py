#!/usr/bin/env python3
"""--export-fixes writes YAML that clang-apply-replacements applies to the
same result as --fix (issue: kara-parallelize, item 6)."""
import os, shutil, subprocess, sys, tempfile

kara_tidy, apply, case, *flags = sys.argv[1:]
work = tempfile.mkdtemp(prefix="kara-export-fixes-")
fixed_dir, yaml_dir = os.path.join(work, "fix"), os.path.join(work, "yaml")
os.makedirs(fixed_dir)
os.makedirs(yaml_dir)
fixed = os.path.join(fixed_dir, "program.cpp")
exported = os.path.join(yaml_dir, "program.cpp")
shutil.copy(case, fixed)
shutil.copy(case, exported)
checks = "--checks=-*,kara-parallelize"
subprocess.run([kara_tidy, checks, "--fix", "--quiet", fixed, "--"] + flags,
               capture_output=True, check=False)
yaml = os.path.join(yaml_dir, "fixes.yaml")
subprocess.run([kara_tidy, checks, "--quiet", "--export-fixes=" + yaml,
                exported, "--"] + flags, capture_output=True, check=False)
if not os.path.exists(yaml) or "ReplacementText" not in open(yaml).read():
    sys.exit("FAIL: --export-fixes wrote no replacements")
if open(exported).read() != open(case).read():
    sys.exit("FAIL: --export-fixes changed the source itself")
p = subprocess.run([apply, yaml_dir], capture_output=True, text=True)
if p.returncode != 0:
    sys.exit("FAIL: clang-apply-replacements failed:\n" + p.stderr)
if open(exported).read() != open(fixed).read():
    sys.exit("FAIL: applying the exported fixes differs from --fix:\n" +
             open(exported).read())
if "kara::par(" not in open(exported).read():
    sys.exit("FAIL: the exported fixes contain no kara::par rewrite")
print("PASS: clang-apply-replacements reproduces --fix")
shutil.rmtree(work)
