#!/usr/bin/env python3
"""Random C++ programs for differential testing of `kara-tidy --fix`
(kara-parallelize), csmith-style: every program is valid C++17/C++20 for
g++-12 and clang++-19, deterministic, free of undefined and unspecified
behaviour, and prints a digest of all its state. The same seed always gives
the same program (`gen.py SEED` prints it).

What a program holds (see docs/fuzzing.md):
  * globals, some in a namespace (`db::users`), so resources form a hierarchy;
  * free functions, annotated (`reads`, `writes`, `pure`, naming globals, a
    parent namespace, or a parameter) or not (effects inferred from the
    visible body), taking parameters by value, const/non-const reference and
    pointer; some throw `std::runtime_error`/`std::logic_error` for some
    inputs, some are `noexcept`; a few annotations are false (the body does
    more than they say, directly or through an unannotated callee);
  * structs with annotated member functions (`this`), one with a reference
    member and one with a pointer member (both designate another object);
  * value-returning helpers for `std::vector`, `std::string`,
    `std::unique_ptr` (move-only) and function templates;
  * test functions, some of them templates, with locals, local aliases
    (pointers, references, references to objects), a run of 2-8 candidate
    statements with def-use chains (declarations with `const`, `auto`,
    explicit types and sometimes several declarators; expression statements;
    assignments through aliases), sometimes inside try/catch;
  * `main`, which calls each test function on several inputs (sometimes
    passing a global by reference, so a parameter aliases a global) and
    prints results, the exception caught and every global after each call.

Evaluation order is never unspecified: a call has at most one argument that
contains a call, and when that nested call writes anything its sibling
arguments are literals; nested calls take their arguments by value.
"""
import random
import sys

MOD = 997


class Fn:
    def __init__(self, name):
        self.name = name
        self.params = []      # (kind, name): val, cref, ref, ptr, cptr
        self.ret = "int"
        self.reads = set()    # true effects: qualified global names
        self.writes = set()
        self.throws = False   # may throw for some inputs
        self.noexcept = False
        self.annot = None     # None (unannotated) or text of the attribute(s)
        self.truthful = True
        self.member = None    # struct name for member functions
        self.const = False
        self.calls = []       # callees (for transitive effects)
        self.lines = []
        self.template = False

    def harmless(self):
        """Writes nothing and takes only values: safe beside other arguments."""
        return (not self.writes and all(k == "val" for k, _ in self.params)
                and self.member is None and self.ret == "int")


class Gen:
    def __init__(self, seed, std=None):
        self.seed = seed
        self.r = random.Random(seed)
        self.std = std or ("c++17" if self.r.random() < 0.15 else "c++20")
        self.out = []
        self.globals = []       # qualified names
        self.free = []          # callable free functions (Fn)
        self.helpers = []       # unannotated functions
        self.nfn = 0
        self.structs = {}       # name -> dict(kind, methods)
        self.uses_spin = False

    # ------------------------------------------------------------ helpers
    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        # Sets are sorted: their order depends on the process's hash seed.
        return self.r.choice(sorted(seq) if isinstance(seq, (set, frozenset)) else list(seq))

    def fname(self, prefix="f"):
        self.nfn += 1
        return "%s%d" % (prefix, self.nfn)

    def lit(self):
        return str(self.r.randint(0, 9))

    # ------------------------------------------------------------ globals
    def gen_globals(self):
        n = self.r.randint(3, 5)
        for i in range(n):
            self.globals.append("g%d" % i)
        self.ns_globals = ["db::users", "db::orders"] if self.chance(0.6) else []
        self.globals += self.ns_globals
        lines = ["int g%d = %d;" % (i, self.r.randint(0, 20)) for i in range(n)]
        if self.ns_globals:
            lines.append("namespace db {\nint users = %d;\nint orders = %d;\n} // namespace db"
                         % (self.r.randint(0, 9), self.r.randint(0, 9)))
        self.out += lines + [""]

    # ------------------------------------------------------------ annotations
    def resource_list(self, names):
        """Resources naming `names`, sometimes via the parent namespace."""
        res = set()
        for g in names:
            if g.startswith("db::") and self.chance(0.3):
                res.add("db")
            else:
                res.add(g)
        if "db" in res:
            res = {g for g in res if not g.startswith("db::")}
        return sorted(res)

    def annotation(self, fn, reads, writes, this_reads=False, this_writes=False):
        """Attribute text for declared effects (reads, writes of globals plus
        `this`); pure when there is nothing."""
        rd = self.resource_list(reads - writes)
        wr = self.resource_list(writes)
        if this_writes:
            wr = ["this"] + wr
        elif this_reads:
            rd = ["this"] + rd
        # Non-const reference parameters may be named explicitly.
        for k, p in fn.params:
            if k in ("ref", "ptr") and self.chance(0.2):
                wr.append(p)
        if self.chance(0.1):  # an over-approximation stays truthful
            extra = self.pick(self.globals)
            if extra not in reads and extra not in writes:
                rd.append(extra)
        if not rd and not wr:
            return self.pick(["[[kara::pure]]"] * 4 + ["KARA_PURE"])
        parts = []
        if rd:
            parts.append("kara::reads(%s)" % ", ".join(rd))
        if wr:
            parts.append("kara::writes(%s)" % ", ".join(wr))
        if len(parts) == 2 and self.chance(0.5):
            return "[[%s]] [[%s]]" % tuple(parts)
        if len(parts) == 1 and self.chance(0.15):
            return ("KARA_READS(%s)" % ", ".join(rd)) if rd else ("KARA_WRITES(%s)" % ", ".join(wr))
        return "[[%s]]" % ", ".join(parts)

    # ------------------------------------------------------------ bodies
    def throw_line(self, fn, var):
        exc = "std::logic_error" if self.chance(0.25) else "std::runtime_error"
        k = self.r.randint(3, 6)
        return "  if (%s %% %d == %d)\n    throw %s(\"%s\");" % (
            var, k, self.r.randint(0, k - 1), exc, fn.name)

    def body_effects(self, fn, reads, writes, first_val):
        """Lines that read `reads` and write `writes` (globals) and compute a
        result into `r`."""
        lines = ["  int r = %s;" % (first_val or self.lit())]
        for k, p in fn.params:
            if k == "val" and p != first_val:
                lines.append("  r = (r + %s * %d) %% %d;" % (p, self.r.randint(1, 5), MOD))
            elif k == "cref":
                lines.append("  r = (r + %s) %% %d;" % (p, MOD))
            elif k == "cptr":
                lines.append("  r = (r + *%s) %% %d;" % (p, MOD))
        for g in sorted(reads - writes):
            lines.append("  r = (r + %s * %d) %% %d;" % (g, self.r.randint(1, 3), MOD))
        for g in sorted(writes):
            lines.append("  %s = (%s + r + %d) %% %d;" % (g, g, self.r.randint(1, 9), MOD))
            lines.append("  r = (r + %s) %% %d;" % (g, MOD))
        for k, p in fn.params:
            if k == "ref":
                lines.append("  %s = (%s + r + 1) %% %d;" % (p, p, MOD))
            elif k == "ptr":
                lines.append("  *%s = (*%s * 2 + r) %% %d;" % (p, p, MOD))
        return lines

    def gen_free_function(self, annotated, template=False):
        fn = Fn(self.fname("h" if not annotated else "f"))
        fn.template = template
        nparams = self.r.randint(1, 3)
        # Parameter names are far from the resources' names (g0..g4, db),
        # except now and then: a resource one edit from a parameter (g1, b1)
        # is a case of its own (fuzz finding 04).
        near = self.chance(0.05)
        for i in range(nparams):
            kind = "val" if i == 0 or template else self.pick(
                ["val"] * 4 + ["cref", "ref", "ptr", "cptr"])
            fn.params.append((kind, "%s%d" % ("abcd"[i], i) if near else "arg%d" % i))
        # True effects on globals.
        if self.chance(0.3):
            pass  # pure
        else:
            fn.reads = set(self.r.sample(self.globals, self.r.randint(0, 2)))
            if self.chance(0.55):
                fn.writes = set(self.r.sample(self.globals, 1))
        if template:
            fn.writes = set()
        fn.noexcept = self.chance(0.55)
        fn.throws = not fn.noexcept and self.chance(0.5)
        # Sometimes call an earlier unannotated helper (transitive effects).
        callee = None
        if self.helpers and self.chance(0.3):
            cand = [h for h in self.helpers if h.harmless() or len(h.params) == 1]
            cand = [h for h in cand if all(k == "val" for k, _ in h.params)
                    and (not fn.noexcept or not h.throws)]
            if cand:
                callee = self.pick(cand)
                fn.reads |= callee.reads
                fn.writes |= callee.writes
                fn.calls.append(callee)
                fn.throws = fn.throws or callee.throws
        # Annotation (true or, sometimes, false).
        if annotated:
            reads, writes = set(fn.reads), set(fn.writes)
            if self.chance(0.1) and not template:
                fn.truthful = False
                if writes and self.chance(0.5):
                    g = self.pick(writes)
                    writes.discard(g)
                    reads.add(g)   # declared a read, the body writes it
                elif reads | writes:
                    g = self.pick(reads | writes)
                    reads.discard(g)
                    writes.discard(g)
                else:
                    g = self.pick(self.globals)  # pure, but writes a global
                    fn.writes.add(g)
            fn.annot = self.annotation(fn, reads, writes)
        first = fn.params[0][1]
        body = []
        if self.uses_spin and self.chance(0.4):
            body.append("  kspin();")
        if fn.throws:
            body.append(self.throw_line(fn, first))
        if template:
            body += ["  T r = %s;" % first]
            for g in sorted(fn.reads):
                body.append("  r = (r + %s) %% %d;" % (g, MOD))
            body.append("  return (r * %d + 1) %% %d;" % (self.r.randint(2, 5), MOD))
        else:
            body += self.body_effects(fn, fn.reads - (callee.reads if callee else set()),
                                      fn.writes - (callee.writes if callee else set()), first)
            if callee:
                body.append("  r = (r + %s(%s)) %% %d;" % (
                    callee.name, ", ".join(["r"] * len(callee.params)), MOD))
            body.append("  return r;")
        params = ", ".join(self.param_decl(k, p, template) for k, p in fn.params)
        if not fn.truthful:
            self.out.append("// false annotation: the body does more")
        head = ("template <class T> " if template else "")
        if fn.annot:
            head += fn.annot + " "
        head += "%s %s(%s)%s {" % ("T" if template else "int", fn.name, params,
                                  " noexcept" if fn.noexcept else "")
        self.out += [head] + body + ["}", ""]
        (self.free if annotated else self.helpers).append(fn)
        if not annotated:
            self.free.append(fn)
        return fn

    def param_decl(self, k, p, template=False):
        t = "T" if template else "int"
        return {"val": "%s %s", "cref": "const %s &%s", "ref": "%s &%s",
                "ptr": "%s *%s", "cptr": "const %s *%s"}[k] % (t, p)

    def gen_void_function(self):
        """An annotated void function writing a parameter or a global."""
        fn = Fn(self.fname("s"))
        fn.ret = "void"
        kind = self.pick(["ref", "ptr", "val"])
        fn.params = [(kind, "out"), ("val", "arg1")]
        if kind == "val":
            fn.writes = {self.pick(self.globals)}
        fn.noexcept = self.chance(0.6)
        fn.throws = not fn.noexcept and self.chance(0.4)
        fn.annot = self.annotation(fn, set(), set(fn.writes))
        if self.chance(0.08):
            fn.truthful = False
            g = self.pick(self.globals)
            fn.writes.add(g)
        body = []
        if fn.throws:
            body.append(self.throw_line(fn, "arg1"))
        if kind == "ref":
            body.append("  out = (out + arg1 + 1) %% %d;" % MOD)
        elif kind == "ptr":
            body.append("  *out = (*out * 3 + arg1) %% %d;" % MOD)
        else:
            body.append("  (void)out;")
        for g in sorted(fn.writes):
            body.append("  %s = (%s + arg1 + 2) %% %d;" % (g, g, MOD))
        params = ", ".join(self.param_decl(k, p) for k, p in fn.params)
        if not fn.truthful:
            self.out.append("// false annotation: the body does more")
        self.out += ["%s void %s(%s)%s {" % (fn.annot, fn.name, params,
                                             " noexcept" if fn.noexcept else "")]
        self.out += body + ["}", ""]
        self.free.append(fn)

    def gen_value_helpers(self):
        """Functions over std::vector, std::string and std::unique_ptr."""
        self.vec = self.chance(0.5)
        self.str = self.chance(0.35)
        self.uptr = self.chance(0.35)
        g = self.pick(self.globals)
        if self.vec:
            self.out += [
                "[[kara::pure]] std::vector<int> mkv(int n) {",
                "  std::vector<int> v;",
                "  for (int i = 0; i < n % 5 + 1; ++i)",
                "    v.push_back((n + i) %% %d);" % MOD,
                "  return v;", "}", "",
                "[[kara::reads(%s)]] int sumv(const std::vector<int> &v) noexcept {" % g,
                "  int s = %s;" % g,
                "  for (int e : v)", "    s = (s + e) %% %d;" % MOD,
                "  return s;", "}", ""]
        if self.str:
            self.out += [
                "[[kara::pure]] std::string label(int n) { return \"L\" + std::to_string(n %% %d); }" % MOD,
                "[[kara::pure]] int slen(const std::string &s) noexcept { return (int)s.size(); }", ""]
        if self.uptr:
            self.out += [
                "[[kara::pure]] std::unique_ptr<int> mkp(int n) { return std::make_unique<int>(n %% %d); }" % MOD,
                "[[kara::reads(%s)]] int deref(const std::unique_ptr<int> &p) noexcept { return (*p + %s) %% %d; }"
                % (g, g, MOD),
                "[[kara::pure]] int sink(std::unique_ptr<int> p) noexcept { return *p * 2 %% %d; }" % MOD, ""]

    def gen_structs(self):
        """S: value member; V: reference member; P: pointer member."""
        g = self.pick(self.globals)
        self.struct_global = g
        w = self.pick(self.globals)
        self.struct_w = w
        thr = self.chance(0.5)
        lines = [
            "struct S {",
            "  int v;",
            "  [[kara::writes(this)]] int add(int d) noexcept {",
            "    v = (v * 2 + d) %% %d;" % MOD, "    return v;", "  }",
            "  [[kara::reads(this)]] int get(int d) const%s {" % ("" if thr else " noexcept"),
        ]
        if thr:
            lines.append("    if (d % 4 == 3)\n      throw std::runtime_error(\"S::get\");")
        lines += ["    return (v + d) %% %d;" % MOD, "  }",
                  "  [[kara::reads(this, %s)]] int mix(int d) const noexcept { return (v + %s + d) %% %d; }"
                  % (g, g, MOD),
                  "  [[kara::writes(this, %s)]] void bump(int d) noexcept {" % w,
                  "    v = (v + d) %% %d;" % MOD,
                  "    %s = (%s + v) %% %d;" % (w, w, MOD), "  }"]
        # A false one: declared reads(this), writes a global too.
        self.s_liar = self.chance(0.15)
        if self.s_liar:
            lines += ["  // false annotation: the body does more",
                      "  [[kara::reads(this)]] int peek(int d) const noexcept {",
                      "    %s = (%s + d) %% %d;" % (w, w, MOD),
                      "    return (v + d) %% %d;" % MOD, "  }"]
        lines += ["  [[kara::reads(this)]] const int &cur() const noexcept { return v; }",
                  "};", ""]
        lines += [
            "struct V {",
            "  int &ref;",
            "  [[kara::writes(this)]] int add(int d) noexcept {",
            "    ref = (ref + d) %% %d;" % MOD, "    return ref;", "  }",
            "  [[kara::reads(this)]] int get() const noexcept { return ref; }",
            "};", "",
            "struct P {",
            "  int *p;",
            "  [[kara::writes(this)]] int add(int d) noexcept {",
            "    *p = (*p * 3 + d) %% %d;" % MOD, "    return *p;", "  }",
            "};", ""]
        self.out += lines
        self.gobj = self.chance(0.4)
        if self.gobj:
            self.out += ["S gs{%d};" % self.r.randint(0, 9), ""]

    # ------------------------------------------------------------ test functions
    def int_vars(self, env, lvalue=False):
        kinds = ("int", "ref") if lvalue else ("int", "ref", "long")
        vs = [n for n, t in env["vars"].items() if t in kinds
              and (not lvalue or n not in env["consts"])]
        return vs

    def atom(self, env):
        vs = self.int_vars(env)
        c = self.r.random()
        if c < 0.2 or not vs:
            return self.lit()
        if c < 0.3 and env["ptrs"]:
            return "*" + self.pick(env["ptrs"])
        if c < 0.35 and env["objs"]:
            return self.pick(env["objs"]) + ".v"
        return self.pick(vs)

    def lvalue(self, env):
        opts = self.int_vars(env, lvalue=True)
        if env["ptrs"] and self.chance(0.3):
            return "*" + self.pick(env["ptrs"])
        return self.pick(opts)

    def call(self, fn, env, depth=0):
        """A call of `fn`; at most one argument contains a call."""
        nested_at = -1
        if depth < 1 and self.chance(0.3):
            vals = [i for i, (k, _) in enumerate(fn.params) if k == "val"]
            if vals:
                nested_at = self.pick(vals)
        args = []
        nested = None
        if nested_at >= 0:
            cands = [f for f in self.free if f.ret == "int" and not f.template
                     and all(k == "val" for k, _ in f.params) and f is not fn
                     and (not env["noexcept_only"] or not f.throws)]
            if cands:
                nested = self.pick(cands)
            else:
                nested_at = -1
        literal_siblings = nested is not None and not nested.harmless()
        for i, (k, p) in enumerate(fn.params):
            if i == nested_at:
                args.append(self.call(nested, env, depth + 1))
            elif k == "val":
                args.append(self.lit() if literal_siblings else self.atom(env))
            elif k == "cref":
                args.append(self.pick(self.int_vars(env)))
            elif k == "ref":
                args.append(self.lvalue(env))
            else:
                lv = self.lvalue(env)
                args.append(lv[1:] if lv.startswith("*") else "&" + lv)
        name = fn.name
        # Deduction needs one type for T: explicit <int> when an argument
        # may be long.
        if fn.template and (self.chance(0.3) or env["template"] or any(
                env["vars"].get(a) == "long" for a in args)):
            name += "<int>"
        return "%s(%s)" % (name, ", ".join(args))

    def annotated_fns(self, env):
        return [f for f in self.free if f.annot and (not env["noexcept_only"] or not f.throws)]

    def candidate(self, env, idx):
        """One candidate statement (it calls an annotated function)."""
        fns = self.annotated_fns(env)
        c = self.r.random()
        vname = "d%d" % idx
        # Object calls.
        if c < 0.2 and env["objs"] + env["views"]:
            if env["views"] and (not env["objs"] or self.chance(0.3)):
                o = self.pick(env["views"])
                return "%s.add(%s);" % (o, self.lit()) if self.chance(0.5) else \
                    self.declare(env, vname, "%s.add(%s)" % (o, self.lit()))
            o = self.pick(env["objs"] + env["objrefs"])
            acc = "->" if o in env["objptrs"] else "."
            meth = self.pick(["add", "get", "mix", "bump"] + (["peek"] if self.s_liar else []))
            if meth == "get" and env["noexcept_only"]:
                meth = "mix"
            e = "%s%s%s(%s)" % (o, acc, meth, self.atom(env))
            if meth == "bump":
                return e + ";"
            return self.declare(env, vname, e) if self.chance(0.7) else e + ";"
        if c < 0.27 and self.gobj:
            return self.declare(env, vname, "gs.%s(%s)" % (self.pick(["add", "mix"]), self.atom(env)))
        if c < 0.35 and (self.vec or self.str or self.uptr):
            return self.value_stmt(env, idx)
        if c < 0.4 and env["curref"] and "S" and env["objs"]:
            o = self.pick(env["objs"])
            env["vars"]["%s_c" % vname] = "ref"
            env["consts"].add("%s_c" % vname)
            return "const int &%s_c = %s.cur();" % (vname, o)
        fn = self.pick(fns)
        e = self.call(fn, env)
        if fn.ret == "void":
            return e + ";"
        c = self.r.random()
        if c < 0.6:
            if c < 0.08:  # several declarators
                fn2 = self.pick([f for f in fns if f.ret == "int"])
                e2 = self.call(fn2, env)
                n2 = vname + "b"
                s = "int %s = %s, %s = %s;" % (vname, e, n2, e2)
                env["vars"][vname] = "int"
                env["vars"][n2] = "int"
                env["decl"] += [vname, n2]
                return s
            return self.declare(env, vname, e)
        if c < 0.75:
            return "%s = %s;" % (self.lvalue(env), e)
        if c < 0.85:
            return "acc += %s;" % e
        return e + ";"

    def declare(self, env, vname, e):
        t = self.pick(["int"] * 4 + ["const int", "auto", "const auto", "long", "auto"])
        # A template's result may be long (T deduced from x); so is `long`.
        deduced_long = "auto" in t and (env["template"] or "<" in e or any(
            f.template and f.name + "(" in e for f in self.free))
        env["vars"][vname] = "long" if t == "long" or deduced_long else "int"
        if t.startswith("const"):
            env["consts"].add(vname)
        env["decl"].append(vname)
        return "%s %s = %s;" % (t, vname, e)

    def value_stmt(self, env, idx):
        opts = []
        if self.vec:
            opts.append("vec")
        if self.str:
            opts.append("str")
        if self.uptr:
            opts.append("uptr")
        k = self.pick(opts)
        # Not s%d / f%d / h%d: those name functions.
        vname = "%s%d" % ({"vec": "vec", "str": "str", "uptr": "up"}[k], idx)
        have = [n for n, t in env["vars"].items() if t == k and n not in env["moved"]]
        if k == "vec":
            if have and self.chance(0.6):
                v = self.pick(have)
                if self.chance(0.1):  # unevaluated use
                    return self.declare(env, "d%d" % idx, "sumv(%s) + (int)sizeof(%s)" % (v, v))
                return self.declare(env, "d%d" % idx, "sumv(%s)" % v)
            t = self.pick(["std::vector<int>", "auto", "const std::vector<int>"])
            env["vars"][vname] = "vec"
            env["decl"].append(vname)
            return "%s %s = mkv(%s);" % (t, vname, self.atom(env))
        if k == "str":
            if have and self.chance(0.6):
                return self.declare(env, "d%d" % idx, "slen(%s)" % self.pick(have))
            env["vars"][vname] = "str"
            env["decl"].append(vname)
            t = self.pick(["std::string", "auto", "const std::string"])
            return "%s %s = label(%s);" % (t, vname, self.atom(env))
        if have and self.chance(0.6):
            v = self.pick(have)
            if self.chance(0.3) and not env["noexcept_only"]:
                env["moved"].add(v)
                return self.declare(env, "d%d" % idx, "sink(std::move(%s))" % v)
            return self.declare(env, "d%d" % idx, "deref(%s)" % v)
        env["vars"][vname] = "uptr"
        env["decl"].append(vname)
        t = self.pick(["std::unique_ptr<int>", "auto"])
        return "%s %s = mkp(%s);" % (t, vname, self.atom(env))

    def print_var(self, n, t, env):
        if t == "vec":
            return ("%d", "(int)%s.size()" % n)
        if t == "str":
            return ("%s", "%s.c_str()" % n)
        if t == "uptr":
            return ("%d", "(%s ? *%s : -1)" % (n, n))
        return ("%ld", "(long)%s" % n)

    def gen_test_function(self, k):
        name = "t%d" % k
        template = self.chance(0.12)
        env = {"vars": {}, "consts": set(), "ptrs": [], "objs": [], "objrefs": [],
               "objptrs": [], "views": [], "decl": [], "moved": set(),
               "noexcept_only": False, "curref": self.chance(0.1),
               "template": template}
        xt = "T" if template else "int"
        lines = []
        head = ("template <class T> " if template else "") + \
            "long %s(%s x, int &io, int *pp) {" % (name, xt)
        lines.append(head)
        lines.append("  long acc = 0;")
        env["vars"]["x"] = "long" if template else "int"
        env["consts"].add("x")  # written only through copies
        env["vars"]["io"] = "ref"
        env["ptrs"].append("pp")
        for i in range(self.r.randint(1, 3)):
            lines.append("  int a%d = (x * %d + %d) %% %d;" % (i, self.r.randint(1, 7), i, MOD)
                         if self.chance(0.7) else "  int a%d = %s;" % (i, self.lit()))
            env["vars"]["a%d" % i] = "int"
        locals_ = [n for n in env["vars"] if n.startswith("a")]
        if self.chance(0.5):
            lines.append("  int *p0 = &%s;" % self.pick(locals_))
            env["ptrs"].append("p0")
        if self.chance(0.4):
            lines.append("  int &r0 = %s;" % self.pick(locals_))
            env["vars"]["r0"] = "ref"
        if self.chance(0.6):
            n = self.r.randint(1, 2)
            decl = ", ".join("o%d{%s}" % (i, self.pick(["(int)(x % 5)", "3", "1", locals_[0]]))
                             for i in range(n))
            lines.append("  S %s;" % decl)
            env["objs"] += ["o%d" % i for i in range(n)]
            if self.chance(0.3):
                lines.append("  S &ro = o0;")
                env["objrefs"].append("ro")
            if self.chance(0.2):
                lines.append("  S *po = &o%d;" % (n - 1))
                env["objrefs"].append("po")
                env["objptrs"].append("po")
        if self.chance(0.2):
            tgt = [self.pick(locals_), self.pick(locals_)]
            lines.append("  V w0{%s}, w1{%s};" % tuple(tgt))
            env["views"] += ["w0", "w1"]
        if self.chance(0.1):
            lines.append("  P q0{&%s}, q1{&%s};" % (self.pick(locals_), self.pick(locals_)))
            env["views"] += ["q0", "q1"]
        prologue_vars = dict(env["vars"])
        use_try = self.chance(0.3)
        ind = "  "
        if use_try:
            lines.append("  try {")
            ind = "    "
        # Sometimes the run is a loop body or a branch of an if.
        wrap = self.pick(["none"] * 6 + ["for", "if"])
        if wrap == "for":
            lines.append(ind + "for (int it = 0; it < 2; ++it) {")
            env["vars"]["it"] = "int"
            env["consts"].add("it")
        elif wrap == "if":
            lines.append(ind + "if (x %% %d != 1) {" % self.r.randint(2, 4))
        if wrap != "none":
            ind += "  "
        nruns = 1 if self.chance(0.75) else 2
        idx = 0
        for run in range(nruns):
            n = self.r.randint(2, 8)
            for _ in range(n):
                lines.append(ind + self.candidate(env, idx))
                idx += 1
            if run + 1 < nruns:
                lines.append(ind + "acc += %s;" % self.pick(self.int_vars(env)))
        # Later uses of some of the run's variables.
        printed = []
        for v in env["decl"]:
            if v in env["moved"] or not self.chance(0.6):
                continue
            printed.append(v)
        fmt, args = [], []
        for v in printed:
            f, a = self.print_var(v, env["vars"][v], env)
            fmt.append(f)
            args.append(a)
            if env["vars"][v] in ("int", "ref"):
                lines.append(ind + "acc += %s;" % v)
        if printed:
            lines.append(ind + "std::printf(\"  %s run %s\\n\", %s);" % (name, " ".join(fmt), ", ".join(args)))
        if wrap != "none":
            ind = ind[:-2]
            lines.append(ind + "}")
        if use_try:
            lines.append("  } catch (const std::runtime_error &e) {")
            lines.append("    std::printf(\"  %s caught %%s\\n\", e.what());" % name)
            lines.append("    acc += 1000;")
            lines.append("  }")
        # Digest of the prologue's state.
        fmt, args = [], []
        for v, t in prologue_vars.items():
            if v in ("x",):
                continue
            fmt.append("%d")
            args.append(v)
        for o in env["objs"]:
            fmt.append("%d")
            args.append(o + ".v")
        lines.append("  std::printf(\"  %s state %s\\n\", %s);" % (name, " ".join(fmt), ", ".join(args)))
        lines.append("  return acc;")
        lines.append("}")
        self.out += lines + [""]
        return name, template

    # ------------------------------------------------------------ main
    def gen_main(self, tests):
        inputs = sorted(self.r.sample(range(0, 30), 4))
        # argv[1] repeats everything (ThreadSanitizer runs: more chances for
        # a sibling branch to be stolen); outputs are compared at 1.
        L = ["int main(int argc, char **argv) {"]
        L.append("  const int reps = argc > 1 ? std::atoi(argv[1]) : 1;")
        L.append("  const int inputs[] = {%s};" % ", ".join(map(str, inputs)))
        L.append("  for (int round = 0; round < 3 * reps; ++round) {")
        L.append("    for (int x : inputs) {")
        L.append("      x = x + round % 3;")
        for name, template in tests:
            alias = self.chance(0.3)
            io = self.pick([g for g in self.globals]) if alias else "io"
            pp = "&" + self.pick(self.globals) if alias and self.chance(0.5) else "&pv"
            call = "%s(%s, %s, %s)" % (name + ("<long>" if template and self.chance(0.5) else ""),
                                       "x", io, pp)
            L.append("      {")
            L.append("        int io = x + 1, pv = x * 2;")
            L.append("        try {")
            L.append("          long r = %s;" % call)
            L.append("          std::printf(\"%s(%%d) = %%ld io=%%d pv=%%d\\n\", x, r, io, pv);" % name)
            L.append("        } catch (const std::exception &e) {")
            L.append("          std::printf(\"%s(%%d) threw %%s io=%%d pv=%%d\\n\", x, e.what(), io, pv);" % name)
            L.append("        }")
            gl = list(self.globals)
            extra = " gs=%d" if self.gobj else ""
            L.append("        std::printf(\"  G %s%s\\n\", %s%s);" % (
                " ".join(["%d"] * len(gl)), extra, ", ".join(gl), ", gs.v" if self.gobj else ""))
            L.append("      }")
        L += ["    }", "  }", "}"]
        self.out += L

    def generate(self):
        self.out += [
            "// kara fuzz program, seed %d, -std=%s" % (self.seed, self.std),
            "#include <kara/annotations.hpp>",
            "#include <cstdio>",
            "#include <cstdlib>",
            "#include <memory>",
            "#include <stdexcept>",
            "#include <string>",
            "#include <utility>",
            "#include <vector>",
            ""]
        self.gen_globals()
        self.uses_spin = self.chance(0.5)
        if self.uses_spin:
            # Long enough for an idle worker to steal a sibling branch.
            self.out += ["void kspin() noexcept {", "  volatile int s = 0;",
                         "  for (int k = 0; k < 2000; ++k)", "    s = k;", "}", ""]
        for _ in range(self.r.randint(1, 3)):
            self.gen_free_function(annotated=False)
        for _ in range(self.r.randint(4, 8)):
            self.gen_free_function(annotated=True)
        if self.chance(0.3):
            self.gen_free_function(annotated=True, template=True)
        for _ in range(self.r.randint(0, 2)):
            self.gen_void_function()
        self.gen_value_helpers()
        self.gen_structs()
        tests = [self.gen_test_function(k) for k in range(self.r.randint(3, 5))]
        self.gen_main(tests)
        return "\n".join(self.out) + "\n"


def generate(seed):
    """(program text, language standard) for `seed`."""
    g = Gen(seed)
    return g.generate(), g.std


if __name__ == "__main__":
    text, std = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    sys.stdout.write(text)
