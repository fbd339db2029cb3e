#!/usr/bin/env python3
"""How much of real code the effect inference knows, and why the rest is not.

Fetches Debian source packages of projects nobody here wrote (leveldb,
fmtlib, re2, ninja-build, spdlog) with `apt-get source` from the machine's
own Debian archive (a private sources list and lists directory: the system's
apt state is not touched), writes a compilation database for each, runs
`kara-effects --all --format=json` on the project's own translation units and
prints, per project, the share of functions defined in the project's own
files (sources and headers) whose summary is known, and the causes of
`unknown`, each traced to its root (the first call chain that reaches it).

  measure.py --bin build/bin [--work DIR] [--projects leveldb,re2]
             [--summaries] [--missing N] [--json OUT]

--summaries first runs kara-summarize over the project and gives kara-effects
its summaries (--summary-db), as kara-tidy runs with kara.SummaryDatabase;
spdlog, built against the fmtlib package, also gets fmtlib's summaries as an
effects database (--effects-db), as a user would give an installed library's.

Exit status: 0 on success, 77 when the Debian archive cannot be reached (the
caller decides whether that is a skip), 1 on any other failure.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77

# Name prefixes of the standard library and its implementation: functions
# defined in the project's files are counted, never these.
STD_PREFIXES = ("std::", "__gnu_cxx::", "__cxxabiv1::", "__")


class Unreachable(Exception):
    pass


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# --- Fetching ------------------------------------------------------------


def archive():
    """(URI, suite) of the machine's own Debian archive; KARA_DEBIAN_ARCHIVE
    ("URI SUITE") overrides it."""
    if os.environ.get("KARA_DEBIAN_ARCHIVE"):
        uri, suite = os.environ["KARA_DEBIAN_ARCHIVE"].split()
        return uri, suite
    text = ""
    for path in ("/etc/apt/sources.list.d/debian.sources",):
        if os.path.exists(path):
            text = open(path).read()
    m_uri = re.search(r"^URIs:\s*(\S+)", text, re.M)
    m_suite = re.search(r"^Suites:\s*(\S+)", text, re.M)
    if m_uri and m_suite:
        return m_uri.group(1), m_suite.group(1)
    if os.path.exists("/etc/apt/sources.list"):
        for line in open("/etc/apt/sources.list"):
            m = re.match(r"\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", line)
            if m and "security" not in m.group(2):
                return m.group(1), m.group(2)
    raise Unreachable("no Debian archive in /etc/apt/sources.list*")


def apt_options(work):
    return [
        "-o", "Dir::Etc::SourceList=" + os.path.join(work, "apt", "sources.list"),
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", "Dir::State::Lists=" + os.path.join(work, "apt", "lists"),
        "-o", "Dir::Cache=" + os.path.join(work, "apt", "cache"),
        "-o", "Acquire::Retries=1",
        "-o", "Acquire::http::Timeout=20",
    ]


def fetch(work, package):
    """Unpacks the Debian source package; returns its directory."""
    src = os.path.join(work, "src")
    os.makedirs(src, exist_ok=True)
    found = [d for d in os.listdir(src)
             if d.startswith(package + "-") and os.path.isdir(os.path.join(src, d))]
    if found:
        return os.path.join(src, sorted(found)[-1])
    lists = os.path.join(work, "apt", "lists")

    def have_sources():
        return os.path.isdir(lists) and any("_source_Sources" in f for f in os.listdir(lists))

    if not have_sources():
        uri, suite = archive()
        os.makedirs(os.path.join(lists, "partial"), exist_ok=True)
        os.makedirs(os.path.join(work, "apt", "cache", "archives", "partial"), exist_ok=True)
        with open(os.path.join(work, "apt", "sources.list"), "w") as f:
            f.write("deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                    "%s %s main\n" % (uri, suite))
        r = subprocess.run(["apt-get"] + apt_options(work) + ["update"],
                           capture_output=True, text=True)
        if r.returncode != 0 or not have_sources():
            raise Unreachable("apt-get update failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    r = subprocess.run(["apt-get"] + apt_options(work) + ["source", package],
                       cwd=src, capture_output=True, text=True)
    if r.returncode != 0:
        raise Unreachable("apt-get source %s failed:\n%s%s" % (package, r.stdout[-2000:], r.stderr[-2000:]))
    return fetch(work, package)


# --- Compilation databases -----------------------------------------------


def cmake_db(src, build, flags):
    if not os.path.exists(os.path.join(build, "compile_commands.json")):
        run(["cmake", "-S", src, "-B", build, "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
             "-DCMAKE_BUILD_TYPE=Release"] + flags, stdout=subprocess.DEVNULL)
    return json.load(open(os.path.join(build, "compile_commands.json")))


def generated_db(src, build, files, flags):
    os.makedirs(build, exist_ok=True)
    db = [{"directory": src, "file": os.path.join(src, f),
           "arguments": ["c++"] + flags + ["-c", os.path.join(src, f)]}
          for f in files]
    with open(os.path.join(build, "compile_commands.json"), "w") as out:
        json.dump(db, out, indent=1)
    return db


def own_file(path, src):
    rel = os.path.relpath(path, src)
    return not (rel.startswith("..") or re.search(
        r"(^|/)(test|tests|testing|third_party|benchmarks?|bench|fuzzing|doc|"
        r"debian|example)/|_test\.|_unittest\.|_bench|_benchmark\.|test\.cc$",
        rel))


def project_leveldb(work):
    src = fetch(work, "leveldb")
    build = os.path.join(work, "build", "leveldb")
    db = cmake_db(src, build, ["-DLEVELDB_BUILD_TESTS=OFF", "-DLEVELDB_BUILD_BENCHMARKS=OFF"])
    return src, build, [e["file"] for e in db]


def project_fmtlib(work):
    src = fetch(work, "fmtlib")
    build = os.path.join(work, "build", "fmtlib")
    db = cmake_db(src, build, ["-DFMT_TEST=OFF", "-DFMT_DOC=OFF"])
    return src, build, [e["file"] for e in db]


def project_ninja(work):
    src = fetch(work, "ninja-build")
    build = os.path.join(work, "build", "ninja")
    db = cmake_db(src, build, ["-DBUILD_TESTING=OFF"])
    # browse.cc includes a header generated at build time.
    return src, build, [e["file"] for e in db if not e["file"].endswith("browse.cc")]


def project_re2(work):
    src = fetch(work, "re2")
    build = os.path.join(work, "build", "re2")
    # The Debian source drops the generated tables; perl_groups.cc comes from
    # a script, the Unicode tables need unicode-data and are data only.
    perl_groups = os.path.join(src, "re2", "perl_groups.cc")
    if not os.path.exists(perl_groups):
        with open(perl_groups, "w") as out:
            run(["perl", os.path.join(src, "re2", "make_perl_groups.pl")], stdout=out)
    files = sorted("re2/" + f for f in os.listdir(os.path.join(src, "re2"))
                   if f.endswith(".cc") and not f.startswith("unicode_"))
    files += ["util/rune.cc", "util/strutil.cc"]
    db = generated_db(src, build, files, ["-std=c++11", "-pthread", "-I" + src])
    return src, build, [e["file"] for e in db]


def project_spdlog(work):
    src = fetch(work, "spdlog")
    fmt = fetch(work, "fmtlib")  # Debian's spdlog uses the packaged fmt
    build = os.path.join(work, "build", "spdlog")
    files = sorted("src/" + f for f in os.listdir(os.path.join(src, "src"))
                   if f.endswith(".cpp") and f != "fmt.cpp")
    db = generated_db(src, build, files,
                      ["-std=c++17", "-pthread", "-DSPDLOG_COMPILED_LIB",
                       "-DSPDLOG_FMT_EXTERNAL", "-I" + os.path.join(src, "include"),
                       "-I" + os.path.join(fmt, "include")])
    return src, build, [e["file"] for e in db]


PROJECTS = {
    "leveldb": project_leveldb,
    "fmtlib": project_fmtlib,
    "re2": project_re2,
    "ninja-build": project_ninja,
    "spdlog": project_spdlog,
}


# --- Analysis --------------------------------------------------------------

CAUSES = {
    "pointer-library": "library template analysed from its body, through a pointer it cannot follow",
    "pointer-access": "access through a pointer the analysis cannot follow (pointer members, owned memory, loaded pointers)",
    "pointer-argument": "callee's effect on an argument the caller cannot designate",
    "virtual-call": "virtual call",
    "function-pointer": "call through a function pointer or std::function",
    "inline-asm": "inline assembly",
    "database": "database entry says unknown",
    "summary": "summary from another unit says unknown",
    "recursion": "recursion through unknown",
    "no-body-system": "library function missing from the database",
    "no-body-project": "project function defined in another translation unit",
    "no-body": "function without a body (other library)",
    "other": "other",
}


def analyse_file(kara_effects, build, path, summary, extra_dbs):
    cmd = [kara_effects, "-p", build, "--all", "--format=json", path]
    if summary:
        cmd.insert(1, "--summary-db=" + summary)
    cmd[1:1] = ["--effects-db=" + d for d in extra_dbs]
    r = subprocess.run(cmd, capture_output=True, text=True)
    crashed = r.returncode < 0 or "Stack dump" in r.stderr or "PLEASE submit" in r.stderr
    try:
        out = json.loads(r.stdout) if r.stdout.strip() else []
    except json.JSONDecodeError:
        out, crashed = [], True
    return path, r.returncode, crashed, out, r.stderr


def cause_of(entry, project_functions):
    """(cause, the function or call the chain ends in)."""
    c = entry["unknown_cause"]
    kind = c["kind"]
    if kind == "no-body":
        if c.get("system"):
            kind = "no-body-system"
        elif c["function"] in project_functions:
            kind = "no-body-project"
    detail = c["function"]
    if kind == "virtual-call":
        detail = re.sub(r" \(its overriders.*", "", c["detail"])
    if kind == "pointer":
        # The first standard-library function on the chain is what the
        # project calls: an entry for it would stop the descent.
        for step in c["chain"]:
            callee = step.split(" at ")[0]
            if callee.startswith(STD_PREFIXES):
                return CAUSES["pointer-library"], callee
        kind = ("pointer-argument" if c.get("detail", "").startswith("calls ")
                else "pointer-access")
        if c["function"].startswith(STD_PREFIXES):
            return CAUSES["pointer-library"], c["function"]
    return CAUSES[kind], detail


# Libraries a project is built against, whose summaries --summaries gives
# it as an effects database (as a user would for an installed library).
DEPENDS = {"spdlog": "fmtlib"}


def summarize(name, args, extra_dbs):
    """Runs kara-summarize over the project; returns the summaries' path."""
    src, build, files = PROJECTS[name](args.work)
    files = [f for f in files if own_file(f, src)]
    summary = os.path.join(build, "kara-summaries.json")
    r = subprocess.run([os.path.join(args.bin, "kara-summarize"), "-p", build, "-o",
                        summary, "-j", str(args.jobs)]
                       + ["--effects-db=" + d for d in extra_dbs] + files,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.stderr.write(r.stderr)
        raise RuntimeError("kara-summarize failed on " + name)
    return summary


def measure(name, args):
    src, build, files = PROJECTS[name](args.work)
    files = [f for f in files if own_file(f, src)]
    kara_bin = args.bin
    summary = None
    extra_dbs = []
    if args.summaries:
        if name in DEPENDS:
            extra_dbs.append(summarize(DEPENDS[name], args, []))
        summary = summarize(name, args, extra_dbs)
    real_src = os.path.realpath(src)

    results = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for r in pool.map(lambda f: analyse_file(os.path.join(kara_bin, "kara-effects"),
                                                 build, f, summary, extra_dbs), files):
            results.append(r)

    crashes = [p for p, _, crashed, _, _ in results if crashed]
    errors = [p for p, rc, crashed, _, _ in results if rc != 0 and not crashed]
    kara_diags = sum(e.count("[kara-") for _, _, _, _, e in results)

    def own(entry):
        if entry["function"].startswith(STD_PREFIXES):
            return False
        # The full path: spdlog's fmt/chrono.h is not fmt's chrono.h.
        return own_file(os.path.realpath(entry["file"]), real_src)

    project_functions = set()
    for _, _, _, out, _ in results:
        for e in out:
            if own(e) and e["source"] != "unknown":
                project_functions.add(e["function"])

    # One row per function of the project's files; known only if known in
    # every unit that analysed it.
    functions = {}
    deleted = set()
    for _, _, _, out, _ in results:
        for e in out:
            if not own(e):
                continue
            key = (e["function"], e["location"])
            if e["source"] == "unknown":  # deleted: defined, never called
                deleted.add(key)
                continue
            if functions.get(key) is None:
                functions[key] = (cause_of(e, project_functions)
                                  if "unknown_cause" in e else None)
    total = len(functions)
    known = sum(1 for c in functions.values() if c is None)
    causes = collections.Counter(c[0] for c in functions.values() if c)
    missing = collections.Counter(c[1] for c in functions.values()
                                  if c and c[0] == "library function missing from the database")
    virtual = collections.Counter(c[1] for c in functions.values()
                                  if c and c[0] == "virtual call")
    # Where the chains of each cause end most often.
    ends = {cause: dict(collections.Counter(
        c[1] for c in functions.values() if c and c[0] == cause).most_common(args.missing))
        for cause in causes}
    return {
        "project": name, "source": os.path.basename(src), "units": len(files),
        "functions": total, "known": known, "deleted": len(deleted),
        "causes": dict(causes.most_common()),
        "missing": dict(missing.most_common(args.missing)),
        "virtual": dict(virtual.most_common(10)),
        "ends": ends,
        "crashes": crashes, "errors": errors, "kara_diagnostics": kara_diags,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="directory with kara-effects")
    ap.add_argument("--work", default="/tmp/kara-realcode")
    ap.add_argument("--projects", default=",".join(PROJECTS))
    ap.add_argument("--summaries", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--missing", type=int, default=15,
                    help="list this many missing library functions")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    args.work = os.path.abspath(args.work)
    args.bin = os.path.abspath(args.bin)
    for tool in ("apt-get", "cmake", "dpkg-source"):
        if not shutil.which(tool):
            print("measure.py: %s not found" % tool, file=sys.stderr)
            return 1
    rows = []
    for name in args.projects.split(","):
        if name not in PROJECTS:
            print("measure.py: unknown project '%s' (known: %s)" % (name, ", ".join(PROJECTS)),
                  file=sys.stderr)
            return 1
        try:
            rows.append(measure(name, args))
        except Unreachable as e:
            print("measure.py: the Debian archive is unreachable: %s" % e, file=sys.stderr)
            return SKIP
    report(rows, args)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)
    return 0


def report(rows, args):
    print("| project | units | functions | known | share known |")
    print("|---|---:|---:|---:|---:|")
    tf = tk = 0
    for r in rows:
        tf += r["functions"]
        tk += r["known"]
        print("| %s (%s) | %d | %d | %d | %.1f %% |" % (
            r["project"], r["source"], r["units"], r["functions"], r["known"],
            100.0 * r["known"] / max(r["functions"], 1)))
    print("| all | | %d | %d | %.1f %% |" % (tf, tk, 100.0 * tk / max(tf, 1)))
    print()
    causes = collections.Counter()
    for r in rows:
        causes.update(r["causes"])
    print("| root cause of `unknown` | " + " | ".join(r["project"] for r in rows) + " | all |")
    print("|---|" + "---:|" * (len(rows) + 1))
    for cause, n in causes.most_common():
        print("| %s | %s | %d |" % (cause, " | ".join(str(r["causes"].get(cause, 0)) for r in rows), n))
    print()
    missing = collections.Counter()
    for r in rows:
        missing.update(r["missing"])
    if missing:
        print("Library functions missing from the database (functions they leave unknown):")
        for n, c in missing.most_common(args.missing):
            print("  %5d  %s" % (c, n))
    virtual = collections.Counter()
    for r in rows:
        virtual.update(r["virtual"])
    if virtual:
        print("Most frequent virtual calls:")
        for n, c in virtual.most_common(8):
            print("  %5d  %s" % (c, n))
    for cause in (CAUSES["pointer-library"], CAUSES["pointer-access"],
                  CAUSES["pointer-argument"], CAUSES["no-body-project"]):
        ends = collections.Counter()
        for r in rows:
            ends.update(r["ends"].get(cause, {}))
        if ends:
            print("Where '%s' ends most often:" % cause)
            for n, c in ends.most_common(args.missing):
                print("  %5d  %s" % (c, n))
    for r in rows:
        if r["crashes"] or r["errors"]:
            print("%s: %d crashes %s, %d units with errors %s" % (
                r["project"], len(r["crashes"]), r["crashes"], len(r["errors"]), r["errors"]))
        if r["kara_diagnostics"]:
            print("%s: %d kara diagnostics" % (r["project"], r["kara_diagnostics"]))


if __name__ == "__main__":
    sys.exit(main())
