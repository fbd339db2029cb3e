#!/usr/bin/env python3
"""kara-tidy and kara-effects on a real project nobody here wrote.

  robustness.py --bin build/bin [--work DIR] [--jobs N] PROJECT

Fetches the Debian source package (measure.py does), then runs kara-tidy
(default checks, kara-*) and kara-effects on every translation unit of the
project's own files. The project has no kara annotations, so any kara
diagnostic is a false report. Fails on a crash, a compile error (the
compilation database or the tool's parser is wrong) or a kara diagnostic.

Exit status: 0 pass, 1 fail, 77 when the Debian archive cannot be reached
(ctest SKIP_RETURN_CODE: a skip, with the reason printed).
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

CRASH = re.compile(r"Stack dump|PLEASE submit a bug report|Segmentation fault")


def check(tool, build, path):
    if os.path.basename(tool) == "kara-tidy":
        cmd = [tool, "-p", build, "--quiet", path]
    else:
        cmd = [tool, "-p", build, "--all", "--format=json", path]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:  # not built, not executable
        return path, os.path.basename(tool), 127, "cannot run %s: %s" % (tool, e)
    return path, os.path.basename(tool), r.returncode, r.stdout + r.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", default="/tmp/kara-realcode")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("project", choices=sorted(measure.PROJECTS))
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    try:
        src, build, files = measure.PROJECTS[args.project](work)
    except measure.Unreachable as e:
        print("SKIP: the Debian archive is unreachable, so %s cannot be fetched "
              "(this test needs network access to the machine's Debian mirror):\n%s"
              % (args.project, e))
        return measure.SKIP
    files = [f for f in files if measure.own_file(f, src)]
    tools = [os.path.join(args.bin, t) for t in ("kara-tidy", "kara-effects")]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = [pool.submit(check, t, build, f) for f in files for t in tools]
        for job in jobs:
            path, tool, rc, out = job.result()
            rel = os.path.relpath(path, src)
            if rc < 0 or CRASH.search(out):
                failures.append("%s crashed on %s (status %d):\n%s" % (tool, rel, rc, out[-3000:]))
            elif rc != 0:
                failures.append("%s failed on %s (status %d):\n%s" % (tool, rel, rc, out[-3000:]))
            elif tool == "kara-tidy" and "[kara-" in out:
                failures.append("kara-tidy reported kara diagnostics on unannotated code in %s:\n%s"
                                % (rel, out[-3000:]))
    print("%s (%s): %d translation units, kara-tidy and kara-effects: %d failures"
          % (args.project, os.path.basename(src), len(files), len(failures)))
    for f in failures:
        print(f)
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main())
