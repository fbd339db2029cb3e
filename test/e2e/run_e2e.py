#!/usr/bin/env python3
"""End-to-end proof of kara-parallelize on one program (SPEC §4).

For a case file: strip its CHECK lines, run `kara-tidy --fix` on a copy,
FileCheck the rewrite against the case's CHECK lines, run `--fix` again and
require no change, require kara-par-conflict and kara-sendable to accept the
rewrite, compile the original and the rewrite with clang++ (with
ThreadSanitizer, against a TSan build of the runtime) and the rewrite also
with g++ (against a g++ build of the runtime), run them (the clang rewrite
with 1 and with 4 workers, the g++ one with 2) and require identical output
and exit status everywhere and no ThreadSanitizer report.

Directives in the case file:
  // E2E-FLAGS: <compiler flags>        default: -std=c++20
  // E2E-TIDY-ARGS: <kara-tidy args>    e.g. --config=...
  // E2E-EXPECT: unchanged              the rewrite must change nothing
  // E2E-EXPECT: rewritten              (default) the rewrite must change it
  // E2E-DIAG: <regex>                  kara-tidy's first run prints a line
                                        matching it (one directive per line)
  // E2E-CLEAN-CHECKS: <checks>         these checks report nothing on the
                                        original program
With --build-runtime, builds the TSan runtime archive (clang) and the plain
runtime archive (g++) and exits.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tsan_support import (TSAN_OPTIONS, add_runtime_arguments, fail,  # noqa: E402
                          run, runtime_archive, tsan_prefix)

TSAN_ENV = {"TSAN_OPTIONS": TSAN_OPTIONS}


def directive(text, name, default=""):
    m = re.search(r"//\s*" + name + r":\s*(.*)", text)
    return m.group(1).strip() if m else default


def build_gxx_runtime(args):
    """runtime/src/*.cpp compiled with g++ into work/libkara_runtime_gxx.a."""
    objs = []
    for src in sorted(glob.glob(os.path.join(args.runtime_src, "*.cpp"))):
        obj = os.path.join(args.work, os.path.basename(src) + ".gxx.o")
        p = run([args.gxx, "-std=c++20", "-O1", "-I", args.runtime_include,
                 "-c", src, "-o", obj])
        if p.returncode != 0:
            fail("building the runtime with g++", p)
        objs.append(obj)
    lib = gxx_archive(args)
    if os.path.exists(lib):
        os.remove(lib)
    p = run([args.ar, "rcs", lib] + objs)
    if p.returncode != 0:
        fail("archiving the g++ runtime", p)
    print("built", lib)


def gxx_archive(args):
    return os.path.join(args.work, "libkara_runtime_gxx.a")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kara-tidy", required=True)
    ap.add_argument("--filecheck", required=True)
    ap.add_argument("--gxx", required=True)
    add_runtime_arguments(ap)
    args = ap.parse_args()
    lib = runtime_archive(args, "e2e.setup")
    if lib is None:
        build_gxx_runtime(args)
        return

    text = open(args.case).read()
    name = os.path.splitext(os.path.basename(args.case))[0]
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    flags = shlex.split(directive(text, "E2E-FLAGS", "-std=c++20"))
    tidy_args = shlex.split(directive(text, "E2E-TIDY-ARGS", ""))
    expect = directive(text, "E2E-EXPECT", "rewritten")
    includes = ["-I", args.runtime_include, "-I", args.annotations_include]

    # The program as a user has it: without the test's CHECK lines.
    source = "".join(l for l in text.splitlines(True)
                     if not re.match(r"\s*//\s*CHECK", l))
    original = os.path.join(out, "original.cpp")
    rewritten = os.path.join(out, "rewritten.cpp")
    open(original, "w").write(source)
    open(rewritten, "w").write(source)

    tidy = [args.kara_tidy, "--checks=-*,kara-parallelize", "--fix",
            "--quiet"] + tidy_args
    p = run(tidy + [rewritten, "--"] + flags + includes)
    if p.returncode >= 128 or p.returncode < 0 or "Stack dump" in p.stderr:
        fail("kara-tidy crashed", p)
    fixed = open(rewritten).read()
    for want in re.findall(r"//\s*E2E-DIAG:\s*(.*)", text):
        if not re.search(want.strip(), p.stdout + p.stderr):
            fail("kara-tidy printed no line matching %r" % want.strip(), p)
    if expect == "unchanged" and fixed != source:
        fail("the rewrite changed a program it must leave alone:\n" + fixed)
    if expect == "rewritten" and fixed == source:
        fail("kara-tidy did not rewrite the program", p)

    if re.search(r"//\s*CHECK", text):
        p = run([args.filecheck, args.case, "--input-file", rewritten])
        if p.returncode != 0:
            fail("the rewrite does not match the CHECK lines:\n" + fixed, p)

    clean = directive(text, "E2E-CLEAN-CHECKS")
    if clean:
        p = run([args.kara_tidy, "--checks=-*," + clean, "--quiet", original,
                 "--"] + flags + includes)
        if p.returncode != 0 or re.search(r"(warning|error):", p.stdout + p.stderr):
            fail("%s reports the original program" % clean, p)

    # Running --fix again changes nothing.
    again = os.path.join(out, "again.cpp")
    shutil.copy(rewritten, again)
    p = run(tidy + [again, "--"] + flags + includes)
    if open(again).read() != fixed:
        fail("a second --fix changed the rewritten program:\n" + open(again).read(), p)

    # kara's own spawn-boundary checks accept what kara-parallelize wrote.
    if fixed != source:
        p = run([args.kara_tidy, "--checks=-*,kara-par-conflict,kara-sendable",
                 "--quiet", rewritten, "--"] + flags + includes)
        if p.returncode != 0 or re.search(r"(warning|error):", p.stdout + p.stderr):
            fail("kara-par-conflict or kara-sendable rejects the rewrite:\n" + fixed, p)

    orig_bin = os.path.join(out, "original")
    new_bin = os.path.join(out, "rewritten")
    p = run([args.clang] + flags + includes + ["-O1", "-g", "-pthread",
            original, "-o", orig_bin, lib, "-fsanitize=thread"])
    if p.returncode != 0:
        fail("the original program does not compile", p)
    p = run([args.clang] + flags + includes + ["-O1", "-g", "-pthread",
            "-fsanitize=thread", "-Wall", rewritten, lib, "-o", new_bin])
    if p.returncode != 0:
        fail("the rewritten program does not compile:\n" + fixed, p)

    # The rewrite must also compile with g++ at the case's standard.
    gxx_bin = os.path.join(out, "rewritten-gxx")
    p = run([args.gxx] + flags + includes + ["-O1", "-pthread", "-Wno-attributes",
            rewritten, gxx_archive(args), "-o", gxx_bin])
    if p.returncode != 0:
        fail("the rewritten program does not compile with g++:\n" + fixed, p)

    a = run(tsan_prefix() + [orig_bin], env=TSAN_ENV)
    if "ThreadSanitizer" in a.stderr:
        fail("ThreadSanitizer reported a race in the original program", a)
    runs = [("clang++, 4 workers", tsan_prefix() + [new_bin], dict(TSAN_ENV, KARA_THREADS="4")),
            ("clang++, 1 worker", tsan_prefix() + [new_bin], dict(TSAN_ENV, KARA_THREADS="1")),
            ("g++, 2 workers", [gxx_bin], {"KARA_THREADS": "2"})]
    for what, cmd, env in runs:
        b = run(cmd, env=env)
        if "ThreadSanitizer" in b.stderr or b.returncode == 66:
            fail("ThreadSanitizer reported a race in the rewritten program (%s)" % what, b)
        if (a.stdout, a.returncode) != (b.stdout, b.returncode):
            fail("output differs (%s): original exit %d, rewritten exit %d\n--- original:\n%s\n--- rewritten:\n%s"
                 % (what, a.returncode, b.returncode, a.stdout[-3000:], b.stdout[-3000:]), b)
    print("PASS %s (%s, %d lines of output)" % (name, "rewritten" if fixed != source else "unchanged",
                                                  len(a.stdout.splitlines())))


if __name__ == "__main__":
    main()
