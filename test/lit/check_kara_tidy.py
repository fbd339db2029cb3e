#!/usr/bin/env python3
"""Runs kara-tidy on a copy of a test file and checks its output with FileCheck.

The kara equivalent of LLVM's check_clang_tidy.py:

  check_kara_tidy.py [options] <source> <checks> <temp> [-- <kara-tidy args> [-- <compiler args>]]

  <checks>   the checks to run, passed as --checks=-*,<checks>; `-` runs
             kara-tidy with no --checks at all (its defaults / .clang-tidy).
  <temp>     where the copy is written (the source's extension is appended
             unless <temp> ends with it); lit's %t.

Options:
  -check-suffix=S, -check-suffixes=A,B
             use CHECK-MESSAGES-S / CHECK-FIXES-S (one run checks all given).
  -expect-exit=N
             the exit status kara-tidy must return (default 0).
  -notes=loose
             notes need not all be matched (default: every warning, error
             and note in the output must be matched by a CHECK-MESSAGES line,
             so note chains are exact and absent diagnostics are tested).
  -no-fix    do not pass -fix.

What is checked:
  * kara-tidy did not crash (no signal, no stack dump), and exited with the
    expected status;
  * its diagnostics (stdout) against CHECK-MESSAGES[-S] lines of the source,
    with --implicit-check-not for warning/error/note; a source without
    CHECK-MESSAGES lines must produce no diagnostic at all;
  * the fixed copy against CHECK-FIXES[-S] lines; without them the copy must
    be unchanged (no unexpected fix).

The copy has every `// CHECK-...:` comment replaced by `//`, so line numbers
are the source's and CHECK text never leaks into diagnostics.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys


def fail(message):
    sys.stderr.write("check_kara_tidy.py: error: %s\n" % message)
    sys.exit(1)


def run(argv, stdin_text=None):
    sys.stdout.write("RUN: %s\n" % " ".join(shlex.quote(a) for a in argv))
    sys.stdout.flush()
    return subprocess.run(argv, input=stdin_text, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    tidy_args, compiler_args = extra, []
    if "--" in tidy_args:
        i = tidy_args.index("--")
        tidy_args, compiler_args = tidy_args[:i], tidy_args[i + 1:]

    parser = argparse.ArgumentParser(prefix_chars="-")
    parser.add_argument("--kara-tidy", required=True)
    parser.add_argument("--filecheck", required=True)
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("-check-suffix", "-check-suffixes", dest="suffixes",
                        default="")
    parser.add_argument("-expect-exit", type=int, default=0)
    parser.add_argument("-notes", choices=["strict", "loose"],
                        default="strict")
    parser.add_argument("-no-fix", action="store_true")
    parser.add_argument("source")
    parser.add_argument("checks")
    parser.add_argument("temp")
    args = parser.parse_args(argv)

    suffixes = [s for s in args.suffixes.split(",") if s]
    if suffixes:
        for s in suffixes:
            if not re.match(r"^[A-Z0-9\-]+$", s):
                fail("invalid check suffix '%s' (use A-Z, 0-9 and -)" % s)
        msg_prefixes = ["CHECK-MESSAGES-" + s for s in suffixes]
        fix_prefixes = ["CHECK-FIXES-" + s for s in suffixes]
    else:
        msg_prefixes = ["CHECK-MESSAGES"]
        fix_prefixes = ["CHECK-FIXES"]

    with open(args.source, encoding="utf-8") as f:
        text = f.read()

    def uses(prefix):
        return re.search(r"\b%s(-NOT|-NEXT|-SAME|-DAG)?:" % re.escape(prefix),
                         text) is not None

    has_messages = any(uses(p) for p in msg_prefixes)
    has_fixes = any(uses(p) for p in fix_prefixes)

    temp = args.temp
    ext = os.path.splitext(args.source)[1]
    if not temp.endswith(ext):
        temp += ext
    os.makedirs(os.path.dirname(os.path.abspath(temp)), exist_ok=True)
    cleaned = re.sub(r"// *CHECK-[A-Z0-9\-]*:[^\r\n]*", "//", text)
    with open(temp, "w", encoding="utf-8") as f:
        f.write(cleaned)

    command = [args.kara_tidy, temp]
    if args.checks != "-":
        command.append("--checks=-*," + args.checks)
    if not args.no_fix:
        command.append("-fix")
    command += tidy_args
    command.append("--")
    if not any(a.startswith("-std=") for a in compiler_args):
        command.append("-std=c++20")
    command += ["-I" + i for i in args.include]
    command += compiler_args

    result = run(command)
    sys.stdout.write("------------------------ kara-tidy output -----------------------\n")
    sys.stdout.write(result.stdout)
    sys.stdout.write("------------------------ kara-tidy stderr -----------------------\n")
    sys.stdout.write(result.stderr)
    sys.stdout.write("------------------------------------------------------------------\n")

    crashed = (result.returncode < 0 or "Stack dump" in result.stderr or
               "PLEASE submit a bug report" in result.stderr)
    if crashed:
        fail("kara-tidy crashed (exit status %d)" % result.returncode)
    if result.returncode != args.expect_exit:
        fail("kara-tidy exited with %d, expected %d" %
             (result.returncode, args.expect_exit))

    # The note clang-tidy adds when it applies a fix is not the check's.
    output = "\n".join(
        line for line in result.stdout.splitlines()
        if "note: FIX-IT applied suggested code changes" not in line) + "\n"

    kinds = "warning|error|note" if args.notes == "strict" else "warning|error"
    if has_messages:
        fc = run([args.filecheck, args.source,
                  "-check-prefixes=" + ",".join(msg_prefixes),
                  "--implicit-check-not={{%s}}:" % kinds, "-dump-input=fail"],
                 stdin_text=output)
        if fc.returncode != 0:
            sys.stdout.write(fc.stdout + fc.stderr)
            fail("FileCheck failed on the diagnostics (%s)" %
                 ",".join(msg_prefixes))
    else:
        unexpected = [l for l in output.splitlines()
                      if re.search(r": (%s): " % kinds, l)]
        if unexpected:
            fail("expected no diagnostics, got:\n  " + "\n  ".join(unexpected))

    with open(temp, encoding="utf-8") as f:
        fixed = f.read()
    if has_fixes:
        fc = run([args.filecheck, args.source,
                  "-check-prefixes=" + ",".join(fix_prefixes),
                  "-strict-whitespace", "-input-file=" + temp,
                  "-dump-input=fail"])
        if fc.returncode != 0:
            sys.stdout.write(fc.stdout + fc.stderr)
            fail("FileCheck failed on the fixed file (%s)" %
                 ",".join(fix_prefixes))
    elif fixed != cleaned:
        fail("kara-tidy changed the file but the test has no %s lines" %
             fix_prefixes[0])


if __name__ == "__main__":
    main()
