# lit configuration of the kara tool tests (test/lit).
#
# Substitutions:
#   %kara_tidy, %kara_effects, %kara_summarize, %kara_clangd, %kara_sarif
#                               the tools under test
#   %check_kara_tidy            check_kara_tidy.py wired to the tools (see there)
#   %kara_include               the directory holding <kara/annotations.hpp>
#   %kara_runtime_include       the directory holding <kara/runtime.hpp>
#   %kara_std_effects           annotations/effects/std.json
#   %clangxx                    clang++-19
#   %python                     the Python that runs lit
# FileCheck and not are found on PATH (LLVM 19's bin directory comes first).
import os
import sys

import lit.formats

config.name = "Kara"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "check_kara_tidy.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = getattr(config, "kara_binary_dir", config.test_source_root)

kara_tidy = os.path.join(config.kara_tools_dir, "kara-tidy")
kara_effects = os.path.join(config.kara_tools_dir, "kara-effects")
kara_summarize = os.path.join(config.kara_tools_dir, "kara-summarize")
for tool in (kara_tidy, kara_effects, kara_summarize):
    if not os.path.exists(tool):
        lit_config.fatal("%s is missing: build it first (cmake --build <build>)" % tool)

filecheck = os.path.join(config.llvm_tools_dir, "FileCheck")
check_script = os.path.join(config.test_source_root, "check_kara_tidy.py")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Diagnostics must not depend on the user's terminal or locale.
config.environment["LC_ALL"] = "C"

config.substitutions.append(
    ("%check_kara_tidy",
     "%s %s --kara-tidy=%s --filecheck=%s --include=%s" % (
         config.python_executable, check_script, kara_tidy, filecheck,
         config.kara_include_dir)))
config.substitutions.append(("%kara_tidy", kara_tidy))
config.substitutions.append(("%kara_effects", kara_effects))
config.substitutions.append(("%kara_summarize", kara_summarize))
config.substitutions.append(("%kara_clangd", os.path.join(config.kara_tools_dir, "kara-clangd")))
config.substitutions.append(("%kara_sarif", "%s %s" % (sys.executable, os.path.join(config.kara_tools_dir, "kara-sarif"))))
config.substitutions.append(("%kara_runtime_include",
                              getattr(config, "kara_runtime_include_dir",
                                      os.path.join(os.path.dirname(os.path.dirname(
                                          config.test_source_root)), "runtime", "include"))))
config.substitutions.append(("%kara_include", config.kara_include_dir))
config.substitutions.append(("%kara_std_effects", config.kara_std_effects))
config.substitutions.append(("%clangxx", config.clangxx))
config.substitutions.append(("%python", config.python_executable))
