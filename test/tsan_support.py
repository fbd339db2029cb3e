"""What the TSan-based test drivers share (test/e2e, test/concurrency):
running commands, failing with their output, and building the runtime with
ThreadSanitizer once per build tree."""
import glob
import os
import shlex
import shutil
import subprocess
import sys

TSAN_OPTIONS = "halt_on_error=1:exitcode=66:report_signal_unsafe=0"


def run(cmd, env=None, timeout=600, **kw):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                          timeout=timeout, **kw)


def fail(msg, proc=None):
    sys.stderr.write("FAIL: " + msg + "\n")
    if proc is not None:
        sys.stderr.write("--- command: " + " ".join(map(shlex.quote, proc.args)) + "\n")
        sys.stderr.write("--- stdout:\n" + proc.stdout[-6000:] + "\n")
        sys.stderr.write("--- stderr:\n" + proc.stderr[-6000:] + "\n")
    sys.exit(1)


def tsan_prefix():
    # Some kernels map memory where TSan does not expect it; disabling ASLR
    # for the process avoids "unexpected memory mapping".
    return ["setarch", os.uname().machine, "-R"] if shutil.which("setarch") else []


def build_runtime(clang, ar, runtime_src, runtime_include, work):
    """Compiles runtime/src/*.cpp with -fsanitize=thread into
    work/libkara_runtime_tsan.a."""
    os.makedirs(work, exist_ok=True)
    objs = []
    for src in sorted(glob.glob(os.path.join(runtime_src, "*.cpp"))):
        obj = os.path.join(work, os.path.basename(src) + ".tsan.o")
        p = run([clang, "-std=c++20", "-O1", "-g", "-fsanitize=thread",
                 "-I", runtime_include, "-c", src, "-o", obj])
        if p.returncode != 0:
            fail("building the TSan runtime", p)
        objs.append(obj)
    lib = os.path.join(work, "libkara_runtime_tsan.a")
    if os.path.exists(lib):
        os.remove(lib)
    p = run([ar, "rcs", lib] + objs)
    if p.returncode != 0:
        fail("archiving the TSan runtime", p)
    print("built", lib)
    return lib


def add_runtime_arguments(ap):
    """The arguments both TSan drivers take: the compiler, the runtime's
    sources, the work directory, --build-runtime and the case."""
    ap.add_argument("--clang", required=True)
    ap.add_argument("--ar", default="llvm-ar-19")
    ap.add_argument("--runtime-include", required=True)
    ap.add_argument("--runtime-src", required=True)
    ap.add_argument("--annotations-include", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--build-runtime", action="store_true")
    ap.add_argument("case", nargs="?")


def runtime_archive(args, setup_test):
    """With --build-runtime, builds the TSan runtime and returns None (the
    setup test is done); otherwise returns the archive's path, which the
    setup test `setup_test` must have built."""
    if args.build_runtime:
        build_runtime(args.clang, args.ar, args.runtime_src,
                      args.runtime_include, args.work)
        return None
    if not args.case:
        fail("no case given")
    lib = os.path.join(args.work, "libkara_runtime_tsan.a")
    if not os.path.exists(lib):
        fail("the TSan runtime archive is missing (run the %s test)" % setup_test)
    return lib
