#!/usr/bin/env python3
"""tool.clangd: kara-clangd over LSP (stdio) publishes the kara diagnostics
(source "clang-tidy", code "kara-effect-contract"), including one that needs
an annotation from a header in the precompiled preamble, and offers a quickfix code
action for the kara-annotation fix-it. With --expect-none (negative control,
run against Debian's plain clangd) no kara diagnostic may arrive. With
--database-reload (tool.clangd.database-reload) an effects database named in
.clang-tidy is edited while kara-clangd runs: the next parse must use the new
entry (docs/drivers.md#kara-clangd)."""
import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--clangd", required=True)
p.add_argument("--sample", required=True)
p.add_argument("--include", required=True)
p.add_argument("--expect-none", action="store_true")
p.add_argument("--database-reload", action="store_true")
p.add_argument("--timeout", type=float, default=90)
a = p.parse_args()

work = tempfile.mkdtemp(prefix="kara-clangd-")
src = os.path.join(work, "t.cpp")
shutil.copy(a.sample, src)
# A header the main file includes ends up in clangd's preamble.
shutil.copy(os.path.join(os.path.dirname(os.path.abspath(a.sample)), "store.h"),
            os.path.join(work, "store.h"))
with open(os.path.join(work, ".clangd"), "w") as f:
    f.write("Diagnostics: {ClangTidy: {Add: ['kara-*'], FastCheckFilter: None}}\n")
with open(os.path.join(work, "compile_flags.txt"), "w") as f:
    f.write("-std=c++20\n-I%s\n" % a.include)
db = os.path.join(work, "effects.json")


def write_db(resource, bump):
    with open(db, "w") as f:
        json.dump({"functions": {"lib::put": {"writes": [resource]}}}, f)
    if bump:  # a new modification time even within one timestamp tick
        st = os.stat(db)
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + bump * 10**9))


if a.database_reload:
    with open(src, "w") as f:
        f.write("#include <kara/annotations.hpp>\n"
                "namespace lib { void put(int v); }\n"
                "[[kara::reads(Declared)]] void f() { lib::put(1); }\n")
    with open(os.path.join(work, ".clang-tidy"), "w") as f:
        f.write("CheckOptions:\n  kara.EffectsDatabases: effects.json\n")
    write_db("FirstDB", 0)
uri = "file://" + src
log = open(os.path.join(work, "clangd.log"), "w")
proc = subprocess.Popen([a.clangd, "--log=verbose", "-j=1", "--background-index=false",
                         "--pch-storage=memory", "--clang-tidy", "--enable-config"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=work)
msgs = queue.Queue()


def reader():
    f = proc.stdout
    while True:
        headers = {}
        while True:
            line = f.readline()
            if not line:
                msgs.put(None)
                return
            line = line.decode().strip()
            if not line:
                break
            k, v = line.split(":", 1)
            headers[k.lower()] = v.strip()
        body = f.read(int(headers["content-length"]))
        msgs.put(json.loads(body))


threading.Thread(target=reader, daemon=True).start()
next_id = [0]


def send(method, params, notify=False):
    m = {"jsonrpc": "2.0", "method": method, "params": params}
    if not notify:
        next_id[0] += 1
        m["id"] = next_id[0]
    data = json.dumps(m).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
    proc.stdin.flush()
    return m.get("id")


deadline = time.monotonic() + a.timeout


def wait_for(pred, what):
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            fail("timed out waiting for " + what)
        try:
            m = msgs.get(timeout=left)
        except queue.Empty:
            fail("timed out waiting for " + what)
        if m is None:
            fail("kara-clangd exited (code %s) while waiting for %s" % (proc.poll(), what))
        if pred(m):
            return m


def fail(why):
    proc.kill()
    log.close()
    with open(os.path.join(work, "clangd.log")) as f:
        tail = f.read()[-6000:]
    print(tail)
    sys.exit("FAIL: " + why + " (log: %s)" % work)


rid = send("initialize", {"processId": os.getpid(), "rootUri": "file://" + work,
                          "capabilities": {"textDocument": {
                              "publishDiagnostics": {"relatedInformation": True},
                              "codeAction": {"codeActionLiteralSupport": {
                                  "codeActionKind": {"valueSet": ["quickfix", "refactor"]}}}}}})
wait_for(lambda m: m.get("id") == rid, "initialize")
send("initialized", {}, notify=True)
with open(src) as f:
    text = f.read()
send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "cpp",
                                               "version": 1, "text": text}}, notify=True)


def diags_of(m):
    if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
        return m["params"]["diagnostics"]
    return None


def contract_messages(m):
    return [d.get("message", "") for d in (diags_of(m) or [])
            if d.get("code") == "kara-effect-contract"]


if a.database_reload:
    m = wait_for(lambda m: any("writes(FirstDB)" in x for x in contract_messages(m)),
                 "a contract diagnostic naming the database's first entry")
    # The same size and another effect: only the modification time changes.
    write_db("OtherDB", 2)
    text += "// edited\n"
    send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                    "contentChanges": [{"text": text}]}, notify=True)
    m = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                 and m["params"].get("version") == 2, "diagnostics of version 2")
    found = contract_messages(m)
    print(json.dumps(found, indent=1))
    if not any("writes(OtherDB)" in x for x in found) or \
            any("writes(FirstDB)" in x for x in found):
        fail("after the database was edited, kara-clangd still reports its old "
             "entry: %r" % found)
    print("PASS: kara-clangd reads an edited effects database without a restart")
elif a.expect_none:
    m = wait_for(lambda m: diags_of(m) is not None, "publishDiagnostics")
    ds = diags_of(m)
    print(json.dumps(ds, indent=1))
    if any(str(d.get("code", "")).startswith("kara-") for d in ds):
        fail("negative control: plain clangd reported kara diagnostics")
    print("PASS: plain clangd reports no kara diagnostic")
else:
    m = wait_for(lambda m: any(d.get("code") == "kara-effect-contract"
                               for d in (diags_of(m) or [])),
                 "a kara-effect-contract diagnostic")
    ds = diags_of(m)
    print(json.dumps(ds, indent=1))
    contract = [d for d in ds if d.get("code") == "kara-effect-contract"]
    if contract[0].get("source") != "clang-tidy":
        fail("kara-effect-contract diagnostic does not come from clang-tidy")
    # The header's annotation, read through the preamble, names the effect.
    if not any("writes(UserDB)" in d.get("message", "") for d in contract):
        fail("no contract diagnostic names writes(UserDB) from the preamble "
             "header: the annotation did not survive the preamble")
    def code_actions(check, what):
        """The code actions offered for the first diagnostic of `check`."""
        found = [d for d in ds if d.get("code") == check]
        if not found:
            fail("no %s diagnostic for %s" % (check, what))
        rid = send("textDocument/codeAction", {"textDocument": {"uri": uri},
                                               "range": found[0]["range"],
                                               "context": {"diagnostics": found}})
        r = wait_for(lambda m: m.get("id") == rid, "codeAction reply (%s)" % check)
        actions = r.get("result") or []
        print(json.dumps(actions, indent=1))
        return actions

    annotation = [d["message"] for d in ds if d.get("code") == "kara-annotation"]
    for expected in ("unknown kara attribute 'kara::raeds'; did you mean 'kara::reads'?",
                     "malformed [[kara::reads]]: empty resource list"):
        if not any(expected.lower() in m.lower() for m in annotation):
            fail("kara-clangd lacks the kara-annotation diagnostic kara-tidy "
                 "reports: " + expected)
    # Each kara diagnostic links to Kara's own documentation of its check.
    for d in ds:
        if str(d.get("code", "")).startswith("kara-"):
            href = d.get("codeDescription", {}).get("href", "")
            if not href.endswith("/checks/%s.md" % d["code"]) or "llvm.org" in href:
                fail("%s links to %r, not to Kara's docs" % (d["code"], href))
    actions = code_actions("kara-annotation", "the misspelt parameter")
    fixes = [x for x in actions if x.get("kind") == "quickfix"
             and '"newText": "id"' in json.dumps(x.get("edit", {}))]
    if not fixes:
        fail("no quickfix code action for the kara-annotation fix-it")
    # The kara::par rewrite is offered as a code action too.
    actions = code_actions("kara-parallelize", "the two independent calls")
    rewrites = [x for x in actions if "kara::par(" in json.dumps(x.get("edit", {}))]
    if not rewrites:
        fail("the kara::par rewrite is not offered as a code action")
    print("PASS: kara diagnostics, a quickfix and the kara::par rewrite via LSP")

rid = send("shutdown", None)
wait_for(lambda m: m.get("id") == rid, "shutdown")
send("exit", None, notify=True)
try:
    proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill()
    fail("kara-clangd did not exit")
log.close()
shutil.rmtree(work, ignore_errors=True)
