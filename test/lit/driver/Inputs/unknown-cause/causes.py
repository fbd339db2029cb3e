# Prints one line per function with an unknown effect:
#   function: kind function-where-it-ends chain-length [system]
import json
import sys

for f in json.load(sys.stdin):
    c = f.get("unknown_cause")
    if c is None:
        print("%s: known" % f["function"])
        continue
    print("%s: %s %s %d%s" % (f["function"], c["kind"], c["function"], len(c["chain"]),
                             " system" if c.get("system") else ""))
