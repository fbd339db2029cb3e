#!/usr/bin/env python3
"""Runtime cross-check of kara-par-conflict (test/concurrency).

  run_tsan.py --build-runtime ...      builds the TSan runtime archive
  run_tsan.py ... <case.cpp>           checks one accepted-patterns file

For a case: kara-tidy with kara-par-conflict and kara-sendable must accept
it (no diagnostic);
then it is compiled with -DKARA_RUN -fsanitize=thread against the TSan
runtime, run several times with several worker threads, and must exit 0
without a ThreadSanitizer report. The cases are the lit files of accepted
patterns (test/lit/checks/kara-par-conflict*-accepted.cpp and
kara-sendable-accepted.cpp).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tsan_support import (TSAN_OPTIONS, add_runtime_arguments, fail,  # noqa: E402
                          run, runtime_archive, tsan_prefix)

TSAN_ENV = {"TSAN_OPTIONS": TSAN_OPTIONS, "KARA_THREADS": "4"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kara-tidy", required=True)
    ap.add_argument("--runs", type=int, default=3)
    add_runtime_arguments(ap)
    args = ap.parse_args()
    lib = runtime_archive(args, "concurrency.setup")
    if lib is None:
        return
    includes = ["-I", args.runtime_include, "-I", args.annotations_include]

    # 1. The check accepts the program.
    p = run([args.kara_tidy, "--checks=-*,kara-par-conflict,kara-sendable", "--quiet",
             args.case, "--", "-std=c++20"] + includes)
    if p.returncode != 0 or "warning:" in p.stdout or "error:" in p.stdout:
        fail("kara-par-conflict or kara-sendable does not accept " + args.case, p)

    # 2. It runs clean under ThreadSanitizer.
    name = os.path.splitext(os.path.basename(args.case))[0]
    binary = os.path.join(args.work, name + ".tsan")
    p = run([args.clang, "-std=c++20", "-O1", "-g", "-pthread",
             "-fsanitize=thread", "-DKARA_RUN"] + includes +
            [args.case, lib, "-o", binary])
    if p.returncode != 0:
        fail("compiling " + args.case + " with -fsanitize=thread", p)
    for i in range(args.runs):
        p = run(tsan_prefix() + [binary], env=TSAN_ENV)
        if "ThreadSanitizer" in p.stderr or p.returncode != 0:
            fail("run %d of %s under ThreadSanitizer" % (i + 1, name), p)
    print("OK: %s accepted by kara-par-conflict and kara-sendable, clean under TSan (%d runs)"
          % (name, args.runs))


if __name__ == "__main__":
    main()
