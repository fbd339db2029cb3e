#!/usr/bin/env python3
"""Validates kara-sarif output for GitHub code scanning.

  check_sarif.py FILE.sarif [--fetch scripts/fetch-sarif-schema.sh] [--expect-results N]

1. Against the SARIF 2.1.0 JSON schema (python3-jsonschema), fetched by the
   project's scripts/fetch-sarif-schema.sh from npm when it is not cached.
2. Against what GitHub code scanning requires beyond the schema: every
   result has a rule id without clang-tidy's ",-warnings-as-errors", a
   message, at least one location with an artifact URI and a start line,
   and partialFingerprints; every rule has shortDescription,
   fullDescription, help and an absolute helpUri; the tool has a name and a
   version; the run records its invocation.
Exit status 0 (valid), 1 (invalid), 77 (skipped: the schema cannot be
fetched because npm is missing or the registry unreachable).
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.parse

SKIP = 77


def github_problems(sarif):
    problems = []
    for r, run in enumerate(sarif.get("runs", [])):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append("run %d: tool.driver.name missing" % r)
        if not driver.get("version") and not driver.get("semanticVersion"):
            problems.append("run %d: tool.driver has no version" % r)
        invocations = run.get("invocations") or []
        if not invocations or "executionSuccessful" not in invocations[0]:
            problems.append("run %d: no invocation with executionSuccessful" % r)
        rules = {rule.get("id"): rule for rule in driver.get("rules", [])}
        for rule_id, rule in rules.items():
            for field in ("shortDescription", "fullDescription", "help"):
                if not rule.get(field, {}).get("text"):
                    problems.append("rule %s: %s.text missing" % (rule_id, field))
            uri = urllib.parse.urlparse(rule.get("helpUri", ""))
            if not uri.scheme:
                problems.append("rule %s: helpUri %r is not absolute" % (rule_id, rule.get("helpUri")))
        for i, result in enumerate(run.get("results", [])):
            where = "result %d (%s)" % (i, result.get("ruleId"))
            rule_id = result.get("ruleId", "")
            if not rule_id or "," in rule_id:
                problems.append("%s: bad ruleId %r" % (where, rule_id))
            elif rule_id not in rules:
                problems.append("%s: ruleId not among the driver's rules" % where)
            if not result.get("message", {}).get("text"):
                problems.append("%s: message.text missing" % where)
            locations = result.get("locations") or []
            if not locations:
                problems.append("%s: no location (GitHub rejects the whole file)" % where)
            for loc in locations:
                phys = loc.get("physicalLocation", {})
                if not phys.get("artifactLocation", {}).get("uri"):
                    problems.append("%s: location without artifactLocation.uri" % where)
                if not phys.get("region", {}).get("startLine"):
                    problems.append("%s: location without region.startLine" % where)
            if not result.get("partialFingerprints"):
                problems.append("%s: no partialFingerprints" % where)
    return problems


def schema_path(fetch):
    path = os.environ.get("KARA_SARIF_SCHEMA") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "kara", "sarif-2.1.0-rtm.5.json")
    if not os.path.exists(path) and fetch:
        subprocess.run(["bash", fetch, path], check=False)
    return path if os.path.exists(path) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sarif")
    ap.add_argument("--fetch", help="scripts/fetch-sarif-schema.sh")
    ap.add_argument("--expect-results", type=int)
    args = ap.parse_args()
    with open(args.sarif) as f:
        sarif = json.load(f)
    problems = github_problems(sarif)
    count = sum(len(run.get("results", [])) for run in sarif.get("runs", []))
    if args.expect_results is not None and count != args.expect_results:
        problems.append("%d results, expected %d" % (count, args.expect_results))
    for p in problems:
        print("check_sarif: %s: %s" % (args.sarif, p))
    try:
        import jsonschema
    except ImportError:
        print("check_sarif: SKIPPED schema validation: python3-jsonschema is not installed "
              "(scripts/install-deps.sh installs it)")
        return 1 if problems else SKIP
    schema = schema_path(args.fetch)
    if schema is None:
        print("check_sarif: SKIPPED schema validation: the SARIF 2.1.0 schema could not be "
              "fetched from npm (@microsoft/jest-sarif); run scripts/fetch-sarif-schema.sh "
              "with network access")
        return 1 if problems else SKIP
    with open(schema) as f:
        validator = jsonschema.Draft4Validator(json.load(f))
    for error in sorted(validator.iter_errors(sarif), key=lambda e: list(e.path)):
        problems.append("schema: %s at /%s" % (error.message, "/".join(map(str, error.path))))
        print("check_sarif: %s: %s" % (args.sarif, problems[-1]))
    if problems:
        return 1
    print("check_sarif: %s: valid SARIF 2.1.0 for GitHub code scanning, %d results" % (args.sarif, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
