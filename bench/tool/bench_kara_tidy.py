#!/usr/bin/env python3
"""Compares kara-tidy (only the kara checks) with clang++-19 -fsyntax-only on
the same translation units with the same flags, in one run, interleaved.

For each repetition and each translation unit of the robustness corpus
(test/robustness/corpus.json) it runs, in alternating order,
    kara-tidy --checks=-*,kara-* TU -- FLAGS
    clang++-19 -fsyntax-only FLAGS TU
and reports per-TU median wall times, their ratio, the median of the ratios
and PASS/FAIL against the threshold (default 1.2). Child CPU time (user+sys)
is reported as well: on a shared machine it is less noisy than wall time.
--baseline adds `kara-tidy --checks=-*,misc-definitions-in-headers` (clang-tidy
with one cheap non-kara check: parsing plus clang-tidy's own overhead) to
separate clang-tidy's cost from the kara checks'.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
source_dir = os.path.dirname(os.path.dirname(here))

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--kara-tidy", required=True)
p.add_argument("--clang", default="clang++-19")
p.add_argument("--reps", type=int, default=5)
p.add_argument("--tu", action="append", help="corpus entries (default: all)")
p.add_argument("--kara-checks", default="kara-*",
               help="the kara check globs (default kara-*; e.g. 'kara-*,-kara-parallelize' to isolate one)")
p.add_argument("--threshold", type=float, default=1.2)
p.add_argument("--no-threshold", action="store_true", help="smoke mode: always exit 0 on success")
p.add_argument("--baseline", action="store_true")
p.add_argument("--json", help="write the raw figures here")
a = p.parse_args()

corpus_dir = os.path.join(source_dir, "test", "robustness")
corpus = json.load(open(os.path.join(corpus_dir, "corpus.json")))
names = a.tu or [n for n in corpus if not n.startswith("_")]


def flags(name):
    return [f.replace("@KARA_SOURCE@", source_dir) for f in corpus[name]]


def commands(name):
    src = os.path.join(corpus_dir, name + ".cpp")
    cmds = {
        "kara": [a.kara_tidy, "--checks=-*," + a.kara_checks, "--quiet", src, "--"] + flags(name),
        "clang": [a.clang, "-fsyntax-only"] + flags(name) + [src],
    }
    if a.baseline:
        cmds["tidy-base"] = [a.kara_tidy, "--checks=-*,misc-definitions-in-headers", "--quiet", src,
                             "--"] + flags(name)
    return cmds


def timed(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if r.returncode < 0 or r.returncode >= 128 or "Stack dump" in r.stderr:
        sys.exit("FAIL: crashed: %s\n%s" % (" ".join(cmd), r.stderr[-4000:]))
    return wall, cpu


print("kara-tidy: %s\nclang:     %s\nreps: %d, TUs: %s" % (a.kara_tidy, a.clang, a.reps, ", ".join(names)))
print("example commands:")
for k, c in commands(names[0]).items():
    print("  %-9s %s" % (k, " ".join(c)))
sys.stdout.flush()

samples = {n: {} for n in names}
for rep in range(a.reps):
    for i, n in enumerate(names):
        cmds = list(commands(n).items())
        if (rep + i) % 2:
            cmds.reverse()  # alternate the order against warm-cache bias
        for kind, cmd in cmds:
            samples[n].setdefault(kind, []).append(timed(cmd))
    print("rep %d/%d done" % (rep + 1, a.reps), flush=True)

kinds = ["kara", "clang"] + (["tidy-base"] if a.baseline else [])
print()
hdr = "%-10s" % "TU" + "".join("%12s" % ("%s wall" % k) for k in kinds) + "%10s%12s%12s" % ("ratio", "kara cpu", "clang cpu") + "%10s" % "cpu ratio"
print(hdr)
ratios, cpu_ratios, rows = [], [], {}
for n in names:
    med = {k: statistics.median(w for w, _ in samples[n][k]) for k in kinds}
    cmed = {k: statistics.median(c for _, c in samples[n][k]) for k in kinds}
    ratio = med["kara"] / med["clang"]
    cratio = cmed["kara"] / cmed["clang"]
    ratios.append(ratio)
    cpu_ratios.append(cratio)
    rows[n] = {"wall_median": med, "cpu_median": cmed, "ratio": ratio, "cpu_ratio": cratio,
               "samples": samples[n]}
    print("%-10s" % n + "".join("%11.2fs" % med[k] for k in kinds) +
          "%10.3f%11.2fs%11.2fs%10.3f" % (ratio, cmed["kara"], cmed["clang"], cratio))
m = statistics.median(ratios)
print("\nmedian wall-time ratio kara-tidy / clang++ -fsyntax-only: %.3f (threshold %.2f)" % (m, a.threshold))
print("median CPU-time ratio: %.3f" % statistics.median(cpu_ratios))
if a.json:
    json.dump({"reps": a.reps, "tus": rows, "median_ratio": m,
               "median_cpu_ratio": statistics.median(cpu_ratios)}, open(a.json, "w"), indent=1)
if a.no_threshold:
    print("SMOKE: no threshold applied")
    sys.exit(0)
print("PASS" if m <= a.threshold else "FAIL")
sys.exit(0 if m <= a.threshold else 1)
