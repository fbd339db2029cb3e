#!/usr/bin/env python3
"""Reduces a program on which run_fuzz.py found a failure, keeping one
failure class: deletes blocks of main, top-level definitions, then single
lines, as long as the original stays a valid deterministic program and the
failure persists (a greedy delta debugger over the generator's line
structure).

  reduce.py --build BUILD [--src REPO] --class wrong-output (--seed N | FILE) -o OUT.cpp
"""
import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import run_fuzz  # noqa: E402


class Reducer:
    def __init__(self, cfg, cls, std, work):
        self.cfg, self.cls, self.std, self.work = cfg, cls, std, work
        self.tries = 0
        self.output = None

    def interesting(self, lines):
        self.tries += 1
        d = tempfile.mkdtemp(dir=self.work)
        try:
            c = run_fuzz.Case(self.cfg, 0, "\n".join(lines) + "\n", self.std, d)
            c.go(only={self.cls})
            classes = {x for x, _ in c.failures}
            return self.cls in classes and "invalid-original" not in classes
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def blocks(self, lines):
        """(start, end) spans: main's per-call blocks, top-level definitions."""
        spans = []
        i = 0
        while i < len(lines):
            l = lines[i]
            if l.startswith("      {") and l.strip() == "{":  # a call block of main
                j = i
                while lines[j] != "      }":
                    j += 1
                spans.append((i, j + 1))
                i = j + 1
                continue
            if l and not l[0].isspace() and l.rstrip().endswith("{") and not l.startswith("int main"):
                j = i
                while lines[j] not in ("}", "};"):
                    j += 1
                spans.append((i, j + 1))
                i = j + 1
                continue
            i += 1
        return spans

    def try_delete(self, lines, spans):
        """Deletes each span in turn, keeping deletions that stay interesting;
        spans are tried from the end so indices stay valid."""
        for a, b in sorted(spans, reverse=True):
            cand = lines[:a] + lines[b:]
            if self.interesting(cand):
                lines = cand
                if self.output:  # the best so far survives an interruption
                    open(self.output, "w").write("\n".join(lines) + "\n")
                print("  -%d lines (%d left, %d tries)" % (b - a, len(lines), self.tries), flush=True)
        return lines

    def reduce(self, lines):
        if not self.interesting(lines):
            sys.exit("error: the program does not show %s" % self.cls)
        prev = None
        while prev != lines:
            prev = lines
            lines = self.try_delete(lines, self.blocks(lines))
            # Single lines, in chunks first.
            for size in (8, 4, 2, 1):
                spans = [(i, min(i + size, len(lines))) for i in range(0, len(lines), size)]
                spans = [(a, b) for a, b in spans
                         if not any(lines[k].startswith("#include") or lines[k].startswith("//")
                                    for k in range(a, b))]
                lines = self.try_delete(lines, spans)
        return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--src", default=os.path.join(HERE, "..", ".."))
    ap.add_argument("--kara-tidy")
    ap.add_argument("--runtime-lib")
    ap.add_argument("--class", dest="cls", required=True, choices=run_fuzz.CLASSES)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--std", help="language standard (default: the seed's, or c++20)")
    ap.add_argument("file", nargs="?")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--work", default="fuzz-reduce")
    ap.add_argument("--gxx", default="g++-12")
    ap.add_argument("--clangxx", default="clang++-19")
    ap.add_argument("--ar", default="llvm-ar-19")
    args = ap.parse_args()
    args.keep = False
    args.no_pch = False
    cfg = run_fuzz.configure(args)
    if args.seed is not None:
        text, std = gen.generate(args.seed)
    else:
        text, std = open(args.file).read(), "c++20"
    std = args.std or std
    r = Reducer(cfg, args.cls, std, cfg.work)
    r.output = args.output
    lines = r.reduce(text.rstrip("\n").split("\n"))
    open(args.output, "w").write("\n".join(lines) + "\n")
    print("reduced to %d lines in %d tries: %s" % (len(lines), r.tries, args.output))


if __name__ == "__main__":
    main()
