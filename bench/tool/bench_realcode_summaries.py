#!/usr/bin/env python3
"""kara-summarize on real projects nobody here wrote (docs/benchmarks-tool.md).

Fetches the Debian source packages of test/realcode/measure.py (leveldb,
fmtlib, re2, ninja-build, spdlog), writes their compilation databases the
same way, and prints per project, one run each: wall, CPU (user+sys) and peak
RSS of `clang++-19 -fsyntax-only` over every unit at -j1 and -j2 (the
baseline), of `kara-summarize -p BUILD -j1` and `-j2`, the CPU ratio against
the baseline, the -j1 -> -j2 wall speed-up (meaningful on an idle machine
only: the load average is printed), whether the -j1 and -j2 databases are
identical, and the link line (functions, units, definitions, calls to
functions defined nowhere, unknown). A crash (a signal, or clang's crash
banner) is reported as such and makes the exit status 1.

  bench_realcode_summaries.py --bin build/bin [--work DIR] [--projects a,b]

Exit status: 0 on success, 77 when the Debian archive cannot be reached,
1 on a crash or any other failure.
"""

import argparse
import filecmp
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "realcode"))
import measure  # noqa: E402  (fetching and compilation databases)


def timed(cmd):
    """(wall s, cpu s, peak RSS MB, returncode, stderr) of one command, from
    /usr/bin/time (peak RSS of the largest process of the command)."""
    fig = os.path.join("/tmp", "kara-bench-time.%d" % os.getpid())
    p = subprocess.run(["/usr/bin/time", "-o", fig, "-f", "%e %U %S %M"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = open(fig).read().split()
    os.unlink(fig)
    wall, user, sys_, rss = float(last[-4]), float(last[-3]), float(last[-2]), float(last[-1])
    return wall, user + sys_, rss / 1024.0, p.returncode, p.stderr


def crashed(rc, err):
    return rc < 0 or rc >= 128 or "Terminated by signal" in err or "PLEASE submit a bug report" in err or "Stack dump" in err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="directory holding kara-summarize")
    ap.add_argument("--work", default="/tmp/kara-realcode")
    ap.add_argument("--projects", default=",".join(measure.PROJECTS))
    args = ap.parse_args()
    summarize = os.path.join(os.path.abspath(args.bin), "kara-summarize")
    if not os.access(summarize, os.X_OK):
        print("bench_realcode_summaries: no kara-summarize in %s" % args.bin, file=sys.stderr)
        return 1
    failures = 0
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    print("| project | units | step | wall | CPU | peak RSS |")
    print("|---|---|---|---|---|---|")
    notes = []
    for name in args.projects.split(","):
        if name not in measure.PROJECTS:
            print("bench_realcode_summaries: unknown project '%s'" % name, file=sys.stderr)
            return 1
        try:
            src, build, files = measure.PROJECTS[name](args.work)
        except measure.Unreachable as e:
            print("bench_realcode_summaries: Debian archive unreachable, skipped: %s" % e,
                  file=sys.stderr)
            return 77
        fig = {}
        steps = [
            ("syntax-only -j1", [sys.executable, os.path.join(HERE, "syntax_only.py"), build, "-j", "1"]),
            ("syntax-only -j2", [sys.executable, os.path.join(HERE, "syntax_only.py"), build, "-j", "2"]),
            ("kara-summarize -j1", [summarize, "-p", build, "-o", os.path.join(build, "db-j1.json"), "-j", "1"]),
            ("kara-summarize -j2", [summarize, "-p", build, "-o", os.path.join(build, "db-j2.json"), "-j", "2"]),
        ]
        link = ""
        for label, cmd in steps:
            wall, cpu, rss, rc, err = timed(cmd)
            fig[label] = (wall, cpu)
            print("| %s | %d | %s | %.1f s | %.2f s | %.0f MB |" % (name, len(files), label, wall, cpu, rss))
            if crashed(rc, err):
                failures += 1
                notes.append("%s: %s CRASHED (exit %d):\n%s" % (name, label, rc, err[-3000:]))
            elif label.startswith("kara") and rc != 0:
                notes.append("%s: %s exit %d (units that fail to parse are reported): %s"
                             % (name, label, rc, err.strip().splitlines()[-1:] or ""))
            m = re.search(r"kara-summarize: (\d+ functions.*) ->", err)
            if m:
                link = m.group(1)
        same = filecmp.cmp(os.path.join(build, "db-j1.json"), os.path.join(build, "db-j2.json"),
                           shallow=False) if all(
            os.path.exists(os.path.join(build, f)) for f in ("db-j1.json", "db-j2.json")) else False
        cpu_ratio = fig["kara-summarize -j1"][1] / max(fig["syntax-only -j1"][1], 1e-9)
        speedup = fig["kara-summarize -j1"][0] / max(fig["kara-summarize -j2"][0], 1e-9)
        base_speedup = fig["syntax-only -j1"][0] / max(fig["syntax-only -j2"][0], 1e-9)
        notes.append("%s: CPU ratio kara-summarize/syntax-only (-j1) %.2f; wall speed-up -j1 -> -j2 "
                     "%.2f (syntax-only %.2f); databases -j1/-j2 %s; %s"
                     % (name, cpu_ratio, speedup, base_speedup,
                        "identical" if same else "DIFFER", link))
        if not same:
            failures += 1
    print()
    for n in notes:
        print("- " + n)
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
