#!/usr/bin/env python3
"""Runtime cross-check of kara-par-conflict (test/concurrency).

  run_tsan.py --build-runtime ...      builds the TSan runtime archive
  run_tsan.py ... <case.cpp>           checks one accepted-patterns file

For a case: kara-tidy with kara-par-conflict must accept it (no diagnostic);
then it is compiled with -DKARA_RUN -fsanitize=thread against the TSan
runtime, run several times with several worker threads, and must exit 0
without a ThreadSanitizer report. The cases are the lit files of accepted
patterns (test/lit/checks/kara-par-conflict*-accepted.cpp).
"""

import argparse
import glob
import os
import shlex
import shutil
import subprocess
import sys

TSAN_ENV = {"TSAN_OPTIONS": "halt_on_error=1:exitcode=66:report_signal_unsafe=0",
            "KARA_THREADS": "4"}


def run(cmd, env=None, timeout=600):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                          timeout=timeout)


def fail(msg, proc=None):
    sys.stderr.write("FAIL: " + msg + "\n")
    if proc is not None:
        sys.stderr.write("--- command: " + " ".join(map(shlex.quote, proc.args)) + "\n")
        sys.stderr.write("--- stdout:\n" + proc.stdout[-6000:] + "\n")
        sys.stderr.write("--- stderr:\n" + proc.stderr[-6000:] + "\n")
    sys.exit(1)


def tsan_prefix():
    # Disabling ASLR avoids TSan's "unexpected memory mapping" on some kernels.
    return ["setarch", os.uname().machine, "-R"] if shutil.which("setarch") else []


def build_runtime(args):
    os.makedirs(args.work, exist_ok=True)
    objs = []
    for src in sorted(glob.glob(os.path.join(args.runtime_src, "*.cpp"))):
        obj = os.path.join(args.work, os.path.basename(src) + ".tsan.o")
        p = run([args.clang, "-std=c++20", "-O1", "-g", "-fsanitize=thread",
                 "-I", args.runtime_include, "-c", src, "-o", obj])
        if p.returncode != 0:
            fail("building the TSan runtime", p)
        objs.append(obj)
    lib = os.path.join(args.work, "libkara_runtime_tsan.a")
    if os.path.exists(lib):
        os.remove(lib)
    p = run([args.ar, "rcs", lib] + objs)
    if p.returncode != 0:
        fail("archiving the TSan runtime", p)
    print("built", lib)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kara-tidy", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--ar", required=True)
    ap.add_argument("--runtime-include", required=True)
    ap.add_argument("--runtime-src", required=True)
    ap.add_argument("--annotations-include", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build-runtime", action="store_true")
    ap.add_argument("case", nargs="?")
    args = ap.parse_args()
    if args.build_runtime:
        build_runtime(args)
        return
    if not args.case:
        fail("no case given")
    lib = os.path.join(args.work, "libkara_runtime_tsan.a")
    if not os.path.exists(lib):
        fail("the TSan runtime archive is missing (run concurrency.setup)")
    includes = ["-I", args.runtime_include, "-I", args.annotations_include]

    # 1. The check accepts the program.
    p = run([args.kara_tidy, "--checks=-*,kara-par-conflict", "--quiet",
             args.case, "--", "-std=c++20"] + includes)
    if p.returncode != 0 or "warning:" in p.stdout or "error:" in p.stdout:
        fail("kara-par-conflict does not accept " + args.case, p)

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
    print("OK: %s accepted by kara-par-conflict and clean under TSan (%d runs)"
          % (name, args.runs))


if __name__ == "__main__":
    main()
