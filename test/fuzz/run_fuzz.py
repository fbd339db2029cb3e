#!/usr/bin/env python3
"""Differential tester of `kara-tidy --fix` (kara-parallelize, SPEC §4) on
random programs from gen.py.

For every seed: generate a program; compile it with g++ and clang++ and
require the same output (else the generator is at fault: `invalid-original`);
run `kara-tidy --fix --checks=-*,kara-parallelize` on a copy; when the tool
changed it: compile the rewrite with both compilers, run it with
KARA_THREADS=1 and 2 and compare with the original's output; build it with
ThreadSanitizer against a TSan build of the runtime and require no report;
run `--fix` again and require no change; run kara-par-conflict and
kara-sendable on it and require no warning.

Failure classes: tool-crash, tool-error, no-compile-g++, no-compile-clang++,
wrong-output, hang, tsan-report, non-idempotent, own-check-rejects,
invalid-original. Any failure makes the exit status 1. Failing programs are
kept under WORK/fail/SEED/ with a log.

  run_fuzz.py --build BUILD [--src REPO] [--seeds 1-24] [-j 2] [--work DIR] [FILE.cpp...]
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import gen  # noqa: E402
from tsan_support import TSAN_OPTIONS, build_runtime, tsan_prefix  # noqa: E402

CLASSES = ["tool-crash", "tool-error", "no-compile-g++", "no-compile-clang++",
           "wrong-output", "hang", "tsan-report", "non-idempotent",
           "own-check-rejects", "invalid-original"]
RUN_TIMEOUT = 60
# How often a ThreadSanitizer run repeats the program's calls.
TSAN_REPEAT = 200
# The fixed seed set of the ctest (test/fuzz/CMakeLists.txt passes it too).
CI_SEEDS = "1-24"


# The headers of every generated program (gen.py) and of the rewrite.
PCH_HEADERS = ["kara/annotations.hpp", "kara/runtime.hpp", "cstdio", "cstdlib", "memory",
               "stdexcept", "string", "utility", "vector"]


class Config:
    def __init__(self):
        self.lock = threading.Lock()
        self.pchs = {}
        self.use_pch = True
        self.setup_cost = {}

    def pch(self, cc, flags):
        """A clang precompiled header of PCH_HEADERS for these flags (built
        once per work directory and flag set), or None. kara-tidy never uses
        it: it sees the real file."""
        if not self.use_pch or "clang" not in os.path.basename(cc):
            return None
        key = tuple([cc] + flags)
        with self.lock:
            if key not in self.pchs:
                d = os.path.join(self.work, "pch")
                os.makedirs(d, exist_ok=True)
                name = os.path.join(d, "h%d" % len(self.pchs))
                open(name + ".hpp", "w").write(
                    "".join("#include <%s>\n" % h for h in PCH_HEADERS))
                rc, out, err = run([cc] + flags + ["-x", "c++-header", name + ".hpp",
                                                   "-o", name + ".pch"],
                                   cost=self.setup_cost, what="pch")
                self.pchs[key] = name + ".pch" if rc == 0 else None
                if rc != 0:
                    sys.stderr.write("note: no precompiled header (%s)\n" % err[-500:])
            return self.pchs[key]


def run(cmd, env=None, timeout=600, cwd=None, cost=None, what=None):
    """Runs cmd; returns (rc, stdout, stderr), rc None on a timeout. With
    `cost`, adds the CPU seconds of the command and its children (wait4's
    rusage) to cost[what]."""
    full = dict(os.environ)
    full.update(env or {})
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        for attempt in range(30):
            try:
                p = subprocess.Popen(cmd, stdout=fo, stderr=fe, env=full, cwd=cwd)
                break
            except (PermissionError, OSError):
                # A binary being relinked (another tree's build): wait for it.
                if attempt == 29 or not os.path.exists(cmd[0]) and attempt > 5:
                    raise
                time.sleep(10)
        fired = []
        timer = threading.Timer(timeout, lambda: (fired.append(1), p.kill()))
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        timed_out = bool(fired) and rc == -signal.SIGKILL
        if cost is not None:
            cost[what] = cost.get(what, 0.0) + usage.ru_utime + usage.ru_stime
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode(errors="replace")
        err = fe.read().decode(errors="replace")
    if timed_out:
        return None, out, "timeout after %ds" % timeout
    return rc, out, err


def crashed(rc, err):
    return rc is None or rc < 0 or rc >= 128 or "Stack dump" in err or \
        "PLEASE submit a bug report" in err


class Case:
    """One program through the pipeline; `steps` selects what runs (the
    reducer asks for one class only)."""

    def __init__(self, cfg, seed, text, std, wdir):
        self.cfg, self.seed, self.text, self.std, self.dir = cfg, seed, text, std, wdir
        self.log = []
        self.failures = []   # (class, detail)
        self.rewritten = False
        self.pars = 0
        self.cost = {}  # CPU seconds per step (run()'s `what`)

    def note(self, *parts):
        self.log.append(" ".join(str(p) for p in parts))

    def failed(self, cls, detail):
        self.failures.append((cls, detail.strip()[:4000]))
        self.note("FAIL", cls, "\n" + detail.strip()[:4000])

    def path(self, name):
        return os.path.join(self.dir, name)

    def flags(self):
        c = self.cfg
        return ["-std=" + self.std, "-I", c.annotations_include, "-I", c.runtime_include]

    def tidy(self, checks, file, fix, what):
        cmd = [self.cfg.tidy, "--checks=" + checks, "--quiet"] + (["--fix"] if fix else []) + \
            [file, "--"] + self.flags()
        return run(cmd, timeout=300, cost=self.cost, what=what)

    def compile_flags(self, cc, tsan):
        quiet = "-Wno-unknown-attributes" if "clang" in os.path.basename(cc) else "-Wno-attributes"
        flags = self.flags() + ["-O1", quiet, "-Werror=return-type"]
        return (["-g", "-fsanitize=thread"] if tsan else []) + flags

    def compile(self, cc, src, exe, tsan=False, pch=False):
        """Compiles and links src. With `pch` (clang++ only), the common
        headers come from a precompiled header (Config.pch); a failure is
        confirmed by a compile without it, whose result counts."""
        flags = self.compile_flags(cc, tsan)
        libs = [self.cfg.tsan_lib if tsan else self.cfg.runtime_lib, "-lpthread"]
        what = ("tsan-" if tsan else "") + os.path.basename(cc) + \
            ("-rewrite" if "rewritten" in src else "-original")
        if pch:
            header = self.cfg.pch(cc, flags)
            if header:
                rc, out, err = run([cc] + flags + ["-include-pch", header, src, "-o", exe] + libs,
                                   timeout=600, cost=self.cost, what=what)
                if rc == 0:
                    return True, out + err
                self.note("note: compile with the precompiled header failed; again without")
        rc, out, err = run([cc] + flags + [src, "-o", exe] + libs, timeout=600,
                           cost=self.cost, what=what)
        return rc == 0, out + err

    def execute(self, exe, threads, tsan=False):
        env = {"KARA_THREADS": str(threads)}
        cmd = [exe] + ([str(TSAN_REPEAT)] if tsan else [])
        if tsan:
            env["TSAN_OPTIONS"] = TSAN_OPTIONS
            cmd = tsan_prefix() + cmd
        rc, out, err = run(cmd, env=env, timeout=RUN_TIMEOUT * (4 if tsan else 1),
                           cost=self.cost, what="run-tsan" if tsan else "run")
        return rc, out, err

    def first_error(self, text):
        for line in text.splitlines():
            if "error:" in line:
                return line
        return text.splitlines()[0] if text else ""

    def go(self, only=None):
        """Runs the pipeline; `only` limits it to what decides one class."""
        cfg = self.cfg
        want = lambda cls: only is None or cls in only  # noqa: E731
        orig = self.path("original.cpp")
        rw = self.path("rewritten.cpp")
        open(orig, "w").write(self.text)
        open(rw, "w").write(self.text)

        # The original must be a valid deterministic program: g++ always,
        # clang++ too when outputs are compared.
        ok, msg = self.compile(cfg.gxx, orig, self.path("orig-gxx"))
        if not ok:
            self.failed("invalid-original", "g++ rejects the generated program:\n" + msg)
            return
        rc, out, err = self.execute(self.path("orig-gxx"), 1)
        ref = (rc, out)
        if rc != 0:
            self.failed("invalid-original", "the original exits with %s:\n%s" % (rc, err[-2000:]))
            return
        if want("wrong-output") or want("invalid-original"):
            ok, msg = self.compile(cfg.clangxx, orig, self.path("orig-clang"))
            if not ok:
                self.failed("invalid-original", "clang++ rejects the generated program:\n" + msg)
                return
            rc2, out2, _ = self.execute(self.path("orig-clang"), 1)
            if (rc2, out2) != ref:
                self.failed("invalid-original", "g++ and clang++ builds of the original differ")
                return

        rc, out, err = self.tidy("-*,kara-parallelize", rw, True, "tidy-fix")
        if crashed(rc, err):
            self.failed("tool-crash", "kara-tidy --fix crashed (rc %s):\n%s" % (rc, err[-3000:]))
            return
        if re.search(r"\berror:", out + err):
            self.failed("tool-error", "kara-tidy reported an error:\n" + self.first_error(out + err))
        if "will not be applied" in out + err:
            self.note("note: a fix was not applied (overlap)")
        fixed = open(rw).read()
        self.pars = fixed.count("kara::par(")
        self.rewritten = fixed != self.text
        if not self.rewritten:
            return

        # The rewrite compiles with both compilers and behaves the same.
        behaviour = want("wrong-output") or want("hang")
        for cc, cls in ((cfg.gxx, "no-compile-g++"), (cfg.clangxx, "no-compile-clang++")):
            if not (want(cls) or behaviour):
                continue
            exe = self.path("rw-" + os.path.basename(cc))
            ok, msg = self.compile(cc, rw, exe, pch=cc == cfg.clangxx)
            if not ok:
                if want(cls):
                    self.failed(cls, self.first_error(msg) + "\n" + msg[-2000:])
                continue
            if not behaviour or ref is None:
                continue
            for threads in (1, 2):
                rc2, out2, err2 = self.execute(exe, threads)
                if rc2 is None:
                    self.failed("hang", "%s build, KARA_THREADS=%d: no end within %ds"
                                % (os.path.basename(cc), threads, RUN_TIMEOUT))
                    break
                if (rc2, out2) != ref and want("wrong-output"):
                    self.failed("wrong-output", "%s build, KARA_THREADS=%d: exit %s (original %s)\n%s"
                                % (os.path.basename(cc), threads, rc2, ref[0],
                                   first_diff(ref[1], out2)))
                    break

        if want("tsan-report"):
            exe = self.path("rw-tsan")
            ok, msg = self.compile(cfg.clangxx, rw, exe, tsan=True, pch=True)
            if ok:
                for threads in (2, 4):
                    rc2, out2, err2 = self.execute(exe, threads, tsan=True)
                    if "ThreadSanitizer" in err2 or rc2 == 66:
                        m = re.search(r"WARNING: ThreadSanitizer: .*", err2)
                        self.failed("tsan-report", "KARA_THREADS=%d: %s\n%s" % (
                            threads, m.group(0) if m else "", tsan_summary(err2)))
                        break
            elif only is not None:
                self.failed("no-compile-clang++", self.first_error(msg))

        # One kara-tidy run on a copy of the rewrite answers both: a change
        # by kara-parallelize's fix (the only one of the three with fix-its)
        # is non-idempotence, a kara-par-conflict or kara-sendable warning
        # (computed on the rewrite, before any fix is applied) a rejection.
        checks = [c for c, cls in (("kara-parallelize", "non-idempotent"),
                                   ("kara-par-conflict", "own-check-rejects"),
                                   ("kara-sendable", "own-check-rejects")) if want(cls)]
        if checks:
            again = self.path("again.cpp")
            shutil.copy(rw, again)
            fix = "kara-parallelize" in checks
            rc, out, err = self.tidy(",".join(["-*"] + checks), again, fix, "tidy-check")
            if crashed(rc, err):
                self.failed("tool-crash", "second kara-tidy run (%s) crashed:\n%s"
                            % (",".join(checks), err[-3000:]))
                return
            if fix and open(again).read() != fixed:
                d = run(["diff", "-u", rw, again])[1]
                self.failed("non-idempotent", "a second --fix changed the rewrite:\n" + d[-3000:])
            ws = [l for l in (out + err).splitlines()
                  if re.search(r"(warning|error):", l) and
                  re.search(r"\[kara-(par-conflict|sendable)\]|error:", l)]
            if ws and want("own-check-rejects"):
                self.failed("own-check-rejects", "\n".join(ws[:10]))


def signature(cls, detail):
    """The failure's first line without paths, names and numbers, to group
    failures of one kind in a campaign's summary."""
    line = next((l for l in detail.splitlines() if l.strip()), "")
    line = re.sub(r"\S*/", "", line)
    line = re.sub(r"^\S+:\d+:\d+:\s*", "", line)
    line = re.sub(r"'[^']*'|\"[^\"]*\"|‘[^’]*’", "'X'", line)
    line = re.sub(r"\d+", "N", line)
    return "%s: %s" % (cls, line.strip()[:110])


def first_diff(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end>"
        y = bl[i] if i < len(bl) else "<end>"
        if x != y:
            return "line %d: original %r, rewrite %r" % (i + 1, x, y)
    return "(same lines; exit status differs)"


def tsan_summary(err):
    keep = [l for l in err.splitlines() if re.match(r"\s+#\d", l) or "SUMMARY" in l]
    return "\n".join(keep[:12])


def run_seed(cfg, seed):
    if isinstance(seed, str):  # a file instead of a generated program
        text = open(seed).read()
        # The standard: `-std=c++17` on the first line (as gen.py writes it).
        m = re.search(r"-std=(c\+\+\d+)", text.split("\n", 1)[0])
        std = m.group(1) if m else "c++20"
        wdir = os.path.join(cfg.work, os.path.splitext(os.path.basename(seed))[0])
        c = Case(cfg, seed, text, std, wdir)
        shutil.rmtree(wdir, ignore_errors=True)
        os.makedirs(wdir)
        try:
            c.go()
        except Exception as e:
            c.failed("tester-error", repr(e))
        c.seconds = 0
        return c
    text, std = gen.generate(seed)
    wdir = os.path.join(cfg.work, "s%d" % seed)
    shutil.rmtree(wdir, ignore_errors=True)
    os.makedirs(wdir)
    c = Case(cfg, seed, text, std, wdir)
    t0 = time.time()
    try:
        c.go()
    except Exception as e:  # a bug of the tester itself: report, do not hide
        c.failed("tester-error", repr(e))
    c.seconds = time.time() - t0
    if c.failures:
        fdir = os.path.join(cfg.work, "fail", "s%d" % seed)
        shutil.rmtree(fdir, ignore_errors=True)
        shutil.copytree(wdir, fdir, ignore=shutil.ignore_patterns("orig-*", "rw-*"))
        open(os.path.join(fdir, "log.txt"), "w").write("\n".join(c.log) + "\n")
    if not cfg.keep:
        shutil.rmtree(wdir, ignore_errors=True)
    return c


def parse_seeds(spec):
    seeds = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds += range(int(a), int(b) + 1)
        elif part:
            seeds.append(int(part))
    return seeds


def configure(args):
    cfg = Config()
    build = os.path.abspath(args.build)
    src = os.path.abspath(args.src)
    cfg.tidy = args.kara_tidy or next(
        (p for p in (os.path.join(build, "bin", "kara-tidy"),
                     os.path.join(build, "tool", "kara-tidy")) if os.path.exists(p)), None)
    cfg.runtime_lib = args.runtime_lib or os.path.join(build, "runtime", "libkara_runtime.a")
    for what, p in (("kara-tidy", cfg.tidy), ("the runtime library", cfg.runtime_lib)):
        if not p or not os.path.exists(p):
            sys.exit("error: %s not found in %s (build it, or pass --build)" % (what, build))
    cfg.annotations_include = os.path.join(src, "annotations", "include")
    cfg.runtime_include = os.path.join(src, "runtime", "include")
    cfg.gxx, cfg.clangxx = args.gxx, args.clangxx
    cfg.work = os.path.abspath(args.work)
    cfg.keep = args.keep
    cfg.use_pch = not args.no_pch
    os.makedirs(cfg.work, exist_ok=True)
    # The TSan runtime, built once per work directory and source tree.
    cfg.tsan_lib = os.path.join(cfg.work, "tsan", "libkara_runtime_tsan.a")
    stamp = os.path.join(cfg.work, "tsan", "source")
    srcs = os.path.join(src, "runtime", "src")
    newest = max(os.path.getmtime(os.path.join(srcs, f)) for f in os.listdir(srcs))
    fresh = (os.path.exists(cfg.tsan_lib) and os.path.exists(stamp)
             and open(stamp).read() == src and os.path.getmtime(cfg.tsan_lib) > newest)
    if not fresh:
        build_runtime(cfg.clangxx, args.ar, srcs, cfg.runtime_include,
                      os.path.join(cfg.work, "tsan"))
        open(stamp, "w").write(src)
    return cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"),
                    help="build tree with bin/kara-tidy and runtime/libkara_runtime.a")
    ap.add_argument("--src", default=os.path.join(HERE, "..", ".."),
                    help="source tree (annotations/ and runtime/ headers, runtime/src)")
    ap.add_argument("--kara-tidy", help="kara-tidy binary (default: BUILD/bin/kara-tidy)")
    ap.add_argument("--runtime-lib", help="default: BUILD/runtime/libkara_runtime.a")
    ap.add_argument("--seeds", default=CI_SEEDS, help="e.g. 1-40 or 3,7,100-200")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--work", default="fuzz-work")
    ap.add_argument("--keep", action="store_true", help="keep every program's directory")
    ap.add_argument("--gxx", default="g++-12")
    ap.add_argument("--clangxx", default="clang++-19")
    ap.add_argument("--ar", default="llvm-ar-19")
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--no-pch", action="store_true",
                    help="compile every clang++ build without the precompiled header")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("files", nargs="*", help="programs to check instead of generated ones")
    ap.add_argument("--summary", metavar="JSONL",
                    help="only print the figures of WORK/results.jsonl of a (partial) run")
    args = ap.parse_args()
    if args.summary:
        recs = {}
        for line in open(args.summary):
            r = json.loads(line)
            recs[r["seed"]] = r
        records = [recs[k] for k in sorted(recs)]
        summarize(records, sum(r["seconds"] for r in records), "(from %s)" % args.summary,
                  os.path.join(os.path.dirname(os.path.abspath(args.summary)), "fail"))
        return
    cfg = configure(args)
    seeds = args.files or parse_seeds(args.seeds)
    t0 = time.time()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_seed, cfg, s): s for s in seeds}
        for f in concurrent.futures.as_completed(futs):
            c = f.result()
            results.append(c)
            with open(os.path.join(cfg.work, "results.jsonl"), "a") as log:
                log.write(json.dumps(record(c)) + "\n")
            if not args.quiet or c.failures:
                print("seed %s: %s%s (%.1fs)" % (
                    c.seed, "rewritten, %d par" % c.pars if c.rewritten else "unchanged",
                    "".join("; FAIL " + cls for cls in sorted({x for x, _ in c.failures})),
                    c.seconds), flush=True)
    results.sort(key=lambda c: str(c.seed))
    records = [record(c) for c in results]
    failed = summarize(records, time.time() - t0, cfg.tidy, os.path.join(cfg.work, "fail"))
    if args.json:
        json.dump({"programs": len(records), "tidy": cfg.tidy, "records": records},
                  open(args.json, "w"), indent=1)
    sys.exit(1 if failed else 0)


def record(c):
    return {"seed": c.seed, "rewritten": c.rewritten, "pars": c.pars,
            "seconds": round(c.seconds, 1),
            "cpu": {k: round(v, 2) for k, v in sorted(c.cost.items())},
            "classes": sorted({x for x, _ in c.failures}),
            "signatures": sorted({signature(x, d) for x, d in c.failures})}


def summarize(records, seconds, tidy, faildir):
    """Prints the figures of a run; returns whether anything failed."""
    by_class = collections.OrderedDict()
    sigs = collections.Counter()
    for r in records:
        for cls in r["classes"]:
            by_class.setdefault(cls, []).append(r["seed"])
        for sig in r["signatures"]:
            sigs[sig] += 1
    n = len(records)
    nrw = sum(1 for r in records if r["rewritten"])
    print("\n%d programs, %d with a rewrite (%.0f%%), %d kara::par blocks, %.0fs, kara-tidy %s"
          % (n, nrw, 100.0 * nrw / max(n, 1), sum(r["pars"] for r in records), seconds, tidy))
    for label, rs in (("with a rewrite", [r for r in records if r["rewritten"]]),
                      ("unchanged", [r for r in records if not r["rewritten"]])):
        rs = [r for r in rs if r.get("cpu")]
        if rs:
            steps = collections.Counter()
            for r in rs:
                steps.update(r["cpu"])
            print("  CPU per program %s: %.1fs (%s)" % (
                label, sum(steps.values()) / len(rs),
                ", ".join("%s %.1f" % (k, v / len(rs)) for k, v in sorted(steps.items()))))
    for cls, ss in by_class.items():
        print("  %-20s %4d programs: seeds %s" % (cls, len(ss), ",".join(
            os.path.basename(str(x)) for x in ss[:30])))
    if by_class:
        print("by first line (programs):")
        for sig, k in sigs.most_common():
            print("  %4d  %s" % (k, sig))
        print("failing programs and logs: %s" % faildir)
    else:
        print("  no failures")
    return bool(by_class)


if __name__ == "__main__":
    main()
