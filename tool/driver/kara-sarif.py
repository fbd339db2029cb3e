#!/usr/bin/env python3
"""kara-sarif: clang-style diagnostics (kara-tidy's output) to SARIF 2.1.0.

  kara-tidy -p build src/*.cpp 2>&1 | kara-sarif --base-dir "$PWD" > kara.sarif
  kara-sarif diagnostics.txt -o kara.sarif

Every warning or error becomes a result (ruleId = the check in brackets,
clang-diagnostic-* for compiler diagnostics); the notes that follow it
become its related locations, in order, so code-scanning UIs show the note
chain. Source excerpts and "N warnings generated." lines are skipped.
Paths under --base-dir are written relative to it (uriBaseId SRCROOT).
Exit status: 0, or 2 if the input cannot be read or the output written.
"""
import argparse
import json
import os
import re
import sys

DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<level>warning|error|note|remark|fatal error): (?P<message>.*?)"
    r"(?: \[(?P<rule>[^\]\s]+)\])?$")
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "docs/checks/%s.md"


def location(file, line, col, base_dir):
    path = os.path.normpath(file)
    artifact = {"uri": path}
    if base_dir and os.path.isabs(path):
        rel = os.path.relpath(path, base_dir)
        if not rel.startswith(".."):
            artifact = {"uri": rel.replace(os.sep, "/"), "uriBaseId": "SRCROOT"}
    return {"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startLine": int(line), "startColumn": int(col)}}}


def convert(lines, base_dir):
    results, rules = [], {}
    current = None
    for raw in lines:
        m = DIAGNOSTIC.match(raw.rstrip("\n"))
        if not m:
            continue
        where = location(m["file"], m["line"], m["col"], base_dir)
        if m["level"] == "note":
            if current is not None:
                current.setdefault("relatedLocations", []).append(
                    dict(where, id=len(current.get("relatedLocations", [])),
                         message={"text": m["message"]}))
            continue
        rule = m["rule"] or ("clang-diagnostic-error" if "error" in m["level"]
                             else "clang-diagnostic-warning")
        if rule not in rules:
            entry = {"id": rule, "name": rule}
            if rule.startswith("kara-"):
                entry["helpUri"] = DOCS % rule
            rules[rule] = entry
        level = {"warning": "warning", "remark": "note"}.get(m["level"], "error")
        current = {"ruleId": rule, "level": level,
                   "message": {"text": m["message"]}, "locations": [where]}
        results.append(current)
    run = {"tool": {"driver": {"name": "kara-tidy",
                               "informationUri": "docs/drivers.md",
                               "rules": list(rules.values())}},
           "results": results}
    if base_dir:
        run["originalUriBaseIds"] = {
            "SRCROOT": {"uri": "file://" + os.path.abspath(base_dir).rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", nargs="?", help="diagnostics file (default: stdin)")
    ap.add_argument("-o", "--output", help="SARIF file (default: stdout)")
    ap.add_argument("--base-dir", help="write paths below this directory relative to it")
    args = ap.parse_args()
    try:
        source = open(args.input, errors="replace") if args.input else sys.stdin
        with source:
            sarif = convert(source, args.base_dir)
    except OSError as e:
        sys.stderr.write("kara-sarif: error: cannot read %s: %s\n" % (args.input, e.strerror))
        return 2
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
