#!/usr/bin/env python3
"""kara-sarif: clang-style diagnostics (kara-tidy's output) to SARIF 2.1.0.

  kara-tidy -p build src/*.cpp > kara.txt 2>&1; status=$?
  kara-sarif kara.txt --base-dir "$PWD" --exit-code "$status" -o kara.sarif
  run-clang-tidy-19 -clang-tidy-binary kara-tidy -p build 2>&1 | kara-sarif -o kara.sarif

Every warning or error becomes a result: ruleId is the check in brackets
(clang-tidy's ",-warnings-as-errors" marker removed; clang-diagnostic-*
for compiler diagnostics), the notes that follow are its related locations,
in order. A diagnostic without a location (a compiler or configuration
error) is kept (GitHub rejects results without a location, so it is
anchored at line 1 of a file): under run-clang-tidy, of the command's
translation unit; otherwise (kara-tidy reports such a diagnostic once per
run) of --anchor, by default the .clang-tidy or CMakeLists.txt in
--base-dir, else the first translation unit the input names. Source excerpts and "N warnings generated." lines
are skipped.

Rules carry shortDescription, fullDescription, help and an absolute
helpUri: kara checks link to --docs-base-url (default: $KARA_DOCS_BASE_URL,
else the installed docs as file://), other checks to LLVM's pages. Paths
under --base-dir are written relative to it (uriBaseId SRCROOT). Each
result has a partialFingerprints entry that does not depend on line
numbers, so results keep their identity when code above them moves.

Exit status: 0, or 2 if the input cannot be read or the output written.
"""
import argparse
import hashlib
import json
import os
import re
import sys

VERSION = "@PROJECT_VERSION@"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Where this script's installed documentation lives, relative to it
# (<prefix>/bin/kara-sarif -> <prefix>/share/doc/kara/); the build tree
# substitutes the source tree's docs/.
DOCS_DIR = "@KARA_SARIF_DOCS_DIR@"

DIAGNOSTIC = re.compile(
    r"^(?:(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): )?"
    r"(?P<level>warning|error|note|remark|fatal error): (?P<message>.*?)"
    r"(?: \[(?P<rule>[^\]\s]+)\])?$")
# A note of a hop in another translation unit (kara-effect-contract's chains
# through the summary database): no location of its own, "at FILE:LINE" last.
HOP_AT = re.compile(r" at (?P<file>[^\s:][^:]*):(?P<line>\d+)$")
SOURCE_SUFFIX = re.compile(r"\.(c|cc|cp|cpp|cxx|c\+\+|C|m|mm|cu)$")

# SPEC §3: what each kara check reports.
KARA_RULES = {
    "kara-effect-contract": (
        "A function body exceeds its declared effects.",
        "The body of a function reads or writes resources its kara annotations do "
        "not declare; the notes follow the calls down to the access."),
    "kara-parallelize": (
        "Independent statements can run in parallel.",
        "A run of independent calls to annotated functions can run in parallel; "
        "the fix rewrites it into kara::par. A suggestion, not a defect."),
    "kara-par-conflict": (
        "Parallel branches or tasks have conflicting effects.",
        "kara::par branches, tasks of one kara::scope, spawned tasks or map "
        "callables read and write the same resource: a data race proved at "
        "compile time. Both sides are named."),
    "kara-sendable": (
        "A value that must not cross a spawn boundary crosses it.",
        "A non-sendable value or a by-reference capture that races crosses a "
        "spawn boundary, or a kara::unique is used after it was sent."),
    "kara-annotation": (
        "A kara attribute is malformed.",
        "A kara attribute names an unknown parameter, uses this outside a member, "
        "has an empty list, unbalanced tokens, or contradicts another."),
    "kara-suggest-effects": (
        "A function can be annotated with its inferred effects.",
        "An unannotated function chosen by FunctionFilter has effects the "
        "analysis can write as kara annotations; the fix inserts them on its "
        "first declaration. A suggestion, not a defect."),
}


def docs_base(option):
    """The URL kara checks' pages are below, ending in '/'."""
    base = option or os.environ.get("KARA_DOCS_BASE_URL")
    if not base:
        here = os.path.dirname(os.path.realpath(__file__))
        docs = DOCS_DIR if not DOCS_DIR.startswith("@") else ""
        if not docs or not os.path.isdir(docs):
            docs = os.path.join(here, os.pardir, "share", "doc", "kara")
        base = "file://" + os.path.abspath(docs)
    return base.rstrip("/") + "/"


def rule_for(rule, base):
    """A reportingDescriptor with what GitHub code scanning requires."""
    if rule in KARA_RULES:
        short, full = KARA_RULES[rule]
        uri = base + "checks/%s.md" % rule
    elif rule.startswith("clang-diagnostic-"):
        flag = rule[len("clang-diagnostic-"):]
        if flag in ("error", "warning"):
            short = "Clang compiler %s." % flag
            full = "A diagnostic of the Clang front end while parsing the translation unit."
            uri = "https://clang.llvm.org/docs/DiagnosticsReference.html"
        else:
            short = "Clang compiler warning -W%s." % flag
            full = "The Clang front end's -W%s diagnostic." % flag
            uri = "https://clang.llvm.org/docs/DiagnosticsReference.html#w%s" % flag
    elif rule == "clang-tidy-config":
        short = "clang-tidy configuration problem."
        full = "A problem in the clang-tidy configuration (.clang-tidy, --config, CheckOptions)."
        uri = "https://clang.llvm.org/extra/clang-tidy/"
    else:
        group, _, name = rule.partition("-")
        short = "clang-tidy check %s." % rule
        full = "The clang-tidy check %s." % rule
        uri = "https://clang.llvm.org/extra/clang-tidy/checks/%s/%s.html" % (group, name)
    return {"id": rule, "name": rule,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": "%s See %s" % (full, uri),
                     "markdown": "%s See [%s](%s)." % (full, rule, uri)},
            "helpUri": uri}


def artifact(file, base_dir):
    path = os.path.normpath(file)
    if base_dir:
        absolute = os.path.abspath(path)
        rel = os.path.relpath(absolute, os.path.abspath(base_dir))
        if not rel.startswith(".."):
            return {"uri": rel.replace(os.sep, "/"), "uriBaseId": "SRCROOT"}
    return {"uri": path.replace(os.sep, "/")}


def location(file, line, col, base_dir):
    region = {"startLine": int(line)}
    if col:
        region["startColumn"] = int(col)
    return {"physicalLocation": {"artifactLocation": artifact(file, base_dir),
                                 "region": region}}


RUN_CLANG_TIDY_PROGRESS = re.compile(r"^\[\s*\d+/\d+\](?:\[[\d.]+s\])?\s*")


def invocation_file(line):
    """The source file of a run-clang-tidy command line
    ("[1/3][0.2s] /usr/bin/kara-tidy -p=build /src/a.cpp"), if this is one."""
    words = RUN_CLANG_TIDY_PROGRESS.sub("", line).split()
    if len(words) >= 2 and ("tidy" in os.path.basename(words[0])) and \
            any(w.startswith("-p") for w in words[1:]) and SOURCE_SUFFIX.search(words[-1]):
        return words[-1]
    return None


def rule_id(raw, level):
    """The check in brackets without clang-tidy's -warnings-as-errors marker."""
    names = [n for n in (raw or "").split(",") if n and not n.startswith("-")]
    if names:
        return names[0]
    return "clang-diagnostic-error" if "error" in level else "clang-diagnostic-warning"


PROCESSING = re.compile(r"^(?:\[\d+/\d+\] Processing file |Error while processing )(?P<file>.+)\.$")


def convert(lines, base_dir, docs, anchor, exit_code, command_line):
    results, rules = [], {}
    current = None
    unit = None           # run-clang-tidy: the file of the current command
    first_file = None     # the first translation unit the input names
    unanchored = []       # location-less results of the whole run
    failed = False
    reported = set()      # (rule, file, line, column, message) already a result

    for raw in lines:
        text = raw.rstrip("\n")
        started = invocation_file(text)
        if started:
            unit = started
            first_file = first_file or started
            continue
        processing = PROCESSING.match(text)
        if processing:
            failed |= text.startswith("Error while processing")
            first_file = first_file or processing["file"]
            continue
        m = DIAGNOSTIC.match(text)
        if not m:
            continue
        where = [location(m["file"], m["line"], m["col"], base_dir)] if m["file"] else []
        if m["level"] == "note" and not where:
            hop = HOP_AT.search(m["message"])
            if hop:
                where = [location(hop["file"], hop["line"], None, base_dir)]
        if m["level"] == "note":
            if current is not None and where:
                related = current.setdefault("relatedLocations", [])
                related.append(dict(where[0], id=len(related),
                                    message={"text": m["message"]}))
            continue
        if m["file"] and SOURCE_SUFFIX.search(m["file"]):
            first_file = first_file or m["file"]
        rule = rule_id(m["rule"], m["level"])
        if rule not in rules:
            rules[rule] = rule_for(rule, docs)
        level = {"warning": "warning", "remark": "note"}.get(m["level"], "error")
        current = {"ruleId": rule, "ruleIndex": list(rules).index(rule),
                   "level": level, "message": {"text": m["message"]}}
        # run-clang-tidy repeats a header's diagnostics for every unit that
        # includes it: one result (its notes go with the first).
        identity = (rule, m["file"] and os.path.abspath(m["file"]), m["line"], m["col"],
                    m["message"])
        if m["file"] and identity in reported:
            continue
        reported.add(identity)
        if where:
            current["locations"] = where
        elif unit:
            # run-clang-tidy prints each command's output after the command.
            current["locations"] = [location(unit, 1, None, base_dir)]
        else:
            # kara-tidy prints the diagnostics of all its units together,
            # deduplicated: a location-less one belongs to the run.
            unanchored.append(current)
        results.append(current)
    target = anchor or first_file
    if target:
        for result in unanchored:
            result["locations"] = [location(target, 1, None, base_dir)]
        unanchored.clear()
    # Fingerprints: the rule, the file and the message, not the line (code
    # moving above a result must not make it a new one); repeats numbered.
    seen = {}
    for result in results:
        uri = ""
        if result.get("locations"):
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        key = "\0".join([result["ruleId"], uri, result["message"]["text"]])
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256(("%s\0%d" % (key, seen[key])).encode()).hexdigest()
        result["partialFingerprints"] = {"karaResultHash/v1": digest[:32]}
    successful = (exit_code == 0) if exit_code is not None else not failed
    invocation = {"executionSuccessful": successful,
                  "workingDirectory": {"uri": "file://" + os.getcwd().rstrip("/") + "/"}}
    if exit_code is not None:
        invocation["exitCode"] = exit_code
    if command_line:
        invocation["commandLine"] = command_line
    run = {"tool": {"driver": {"name": "kara-tidy",
                               "fullName": "kara-tidy (Kara for C++)",
                               "version": VERSION,
                               "semanticVersion": VERSION,
                               "informationUri": docs + "drivers.md#kara-sarif",
                               "rules": list(rules.values())}},
           "invocations": [invocation],
           "results": results}
    if base_dir:
        run["originalUriBaseIds"] = {
            "SRCROOT": {"uri": "file://" + os.path.abspath(base_dir).rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, len(unanchored)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", nargs="?", help="diagnostics file (default: stdin)")
    ap.add_argument("-o", "--output", help="SARIF file (default: stdout)")
    ap.add_argument("--base-dir", help="write paths below this directory relative to it")
    ap.add_argument("--docs-base-url",
                    help="URL of Kara's docs/ directory for the kara checks' helpUri "
                         "(default: $KARA_DOCS_BASE_URL, else the installed docs)")
    ap.add_argument("--anchor",
                    help="file to attach diagnostics without a location to (default: "
                         "<base-dir>/.clang-tidy or <base-dir>/CMakeLists.txt if present, "
                         "else the first translation unit of the input)")
    ap.add_argument("--exit-code", type=int,
                    help="kara-tidy's exit status, recorded in the SARIF invocation")
    ap.add_argument("--command-line", help="the analysis command, recorded in the invocation")
    ap.add_argument("--version", action="version",
                    version="kara-sarif (Kara for C++) version %s" % VERSION)
    args = ap.parse_args()
    anchor = args.anchor
    if not anchor:
        for name in (".clang-tidy", "CMakeLists.txt"):
            candidate = os.path.join(args.base_dir or ".", name)
            if os.path.exists(candidate):
                anchor = candidate
                break
    try:
        source = open(args.input, errors="replace") if args.input else sys.stdin
        with source:
            sarif, unanchored = convert(source, args.base_dir, docs_base(args.docs_base_url),
                                        anchor, args.exit_code, args.command_line)
    except OSError as e:
        sys.stderr.write("kara-sarif: error: cannot read %s: %s\n" % (args.input, e.strerror))
        return 2
    if unanchored:
        sys.stderr.write("kara-sarif: warning: %d diagnostic(s) without a location and no "
                         "file to anchor them at (--anchor): GitHub code scanning "
                         "rejects such results\n" % unanchored)
    text = json.dumps(sarif, indent=1) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w") as out:
            out.write(text)
    except OSError as e:
        sys.stderr.write("kara-sarif: error: cannot write %s: %s\n" % (args.output, e.strerror))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
