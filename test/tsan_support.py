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
