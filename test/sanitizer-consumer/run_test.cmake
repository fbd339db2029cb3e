# Builds this consumer project against an installed Kara (PREFIX) with a
# sanitizer and runs its programs with 1, 2 and 4 workers; any sanitizer
# report, wrong output or non-zero exit fails. Run with cmake -P:
#   -DPREFIX=<install prefix> -DSOURCE_DIR=<this directory> -DWORK_DIR=<dir>
#   -DGENERATOR=<generator> -DCXX=<compiler>
#   -DSANITIZER=thread|address,undefined
#   -DSTYLE=flags|target   flags: -DCMAKE_CXX_FLAGS=-fsanitize=...;
#                          target: an INTERFACE target holding the flags
#   -DPKG_CONFIG=<pkg-config>  optional: also build one program without CMake
#   -DSETARCH=<setarch>     optional: run TSan programs without ASLR
# The variant is checked on the link lines, so a fallback to the plain
# runtime cannot pass unnoticed.
foreach(var PREFIX SOURCE_DIR WORK_DIR GENERATOR CXX SANITIZER STYLE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_test.cmake: -D${var}= is required")
  endif()
endforeach()

function(fail msg)
  message(FATAL_ERROR "sanitizer consumer (${SANITIZER}, ${STYLE}, ${CXX}): ${msg}")
endfunction()

if(SANITIZER STREQUAL "thread")
  set(variant tsan)
  set(env "TSAN_OPTIONS=halt_on_error=1:exitcode=66:report_signal_unsafe=0:second_deadlock_stack=1")
  set(launcher "")
  if(SETARCH)
    # Some kernels map memory where TSan does not expect it (see
    # test/tsan_support.py).
    execute_process(COMMAND uname -m OUTPUT_VARIABLE arch
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(launcher ${SETARCH} ${arch} -R)
  endif()
else()
  set(variant asan)
  set(env "ASAN_OPTIONS=halt_on_error=1:exitcode=66:detect_leaks=1"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
  set(launcher "")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
set(build "${WORK_DIR}/build")
set(config_args -G "${GENERATOR}" -DCMAKE_PREFIX_PATH=${PREFIX}
  -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if(STYLE STREQUAL "flags")
  list(APPEND config_args "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZER} -fno-omit-frame-pointer")
else()
  list(APPEND config_args "-DCONSUMER_SANITIZE=${SANITIZER}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${build}"
    ${config_args}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("configuring failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${build}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("building failed:\n${out}\n${err}")
endif()

set(programs semantics e2e-02-service-fanout e2e-05-mergesort e2e-07-simulation)

# Every program's link line names the instrumented archive.
set(link_text "")
if(EXISTS "${build}/build.ninja")
  file(READ "${build}/build.ninja" link_text)
else()
  file(GLOB_RECURSE link_files "${build}/*/link.txt")
  foreach(f IN LISTS link_files)
    file(READ "${f}" t)
    string(APPEND link_text "${t}")
  endforeach()
endif()
string(REGEX MATCHALL "libkara_runtime_${variant}\\.a" hits "${link_text}")
list(LENGTH hits n)
list(LENGTH programs want)
if(n LESS want)
  fail("libkara_runtime_${variant}.a is on ${n} link lines, expected ${want}")
endif()

function(run_program name threads expected)
  set(exe "${build}/${name}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${env} KARA_THREADS=${threads}
      ${ARGN} ${launcher} "${exe}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT 120)
  if(NOT rc EQUAL 0 OR err MATCHES "Sanitizer|runtime error:")
    fail("${name} with KARA_THREADS=${threads} exited with ${rc}:\n${err}\n${out}")
  endif()
  if(NOT out STREQUAL expected)
    fail("${name} with KARA_THREADS=${threads} printed:\n${out}\nexpected:\n${expected}")
  endif()
endfunction()

set(semantics_out "")
foreach(line
    "ok par" "ok par results" "ok par exception" "ok scope/spawn"
    "ok kara::spawn" "ok unique/recover/unwrap" "ok scope cancel"
    "ok failure cancels the scope" "ok par failure" "ok join_handle cancel"
    "ok race" "ok map" "ok map_limited" "ok with_timeout" "ok blocking"
    "semantics ok")
  string(APPEND semantics_out "${line}\n")
endforeach()

foreach(threads 1 2 4)
  if(threads EQUAL 2)
    # Tracing on: its per-thread buffers and the writer at exit.
    run_program(semantics ${threads} "${semantics_out}"
      KARA_TRACE=${WORK_DIR}/trace.json)
    file(READ "${WORK_DIR}/trace.json" trace)
    if(NOT trace MATCHES "\"traceEvents\"" OR NOT trace MATCHES "scope\\.spawn")
      fail("KARA_TRACE wrote no task events")
    endif()
  else()
    run_program(semantics ${threads} "${semantics_out}")
  endif()
  foreach(case 02-service-fanout 05-mergesort 07-simulation)
    file(READ "${SOURCE_DIR}/e2e/${case}.out" expected)
    run_program(e2e-${case} ${threads} "${expected}")
  endforeach()
endforeach()

# Without CMake: the pkg-config file of the variant, and the check that a
# TSan build cannot link the plain runtime.
if(PKG_CONFIG)
  file(GLOB_RECURSE pc_files "${PREFIX}/*/kara-runtime.pc")
  get_filename_component(pc_dir "${pc_files}" DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
  set(pcs kara-runtime-${variant})
  if(variant STREQUAL "tsan")
    list(APPEND pcs kara-runtime)
  endif()
  foreach(pc IN LISTS pcs)
    execute_process(COMMAND ${PKG_CONFIG} --cflags --libs ${pc}
      RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      fail("pkg-config does not know ${pc}")
    endif()
    separate_arguments(flags UNIX_COMMAND "${flags}")
    set(exe "${WORK_DIR}/pc-${pc}")
    execute_process(COMMAND ${CXX} -std=c++20 -O1 -g -Wno-attributes
        -fsanitize=${SANITIZER} "${SOURCE_DIR}/e2e/05-mergesort.cpp" -o "${exe}"
        ${flags}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(pc STREQUAL "kara-runtime")
      if(variant STREQUAL "tsan" AND (rc EQUAL 0 OR NOT err MATCHES
          "kara_tsan_build_needs_libkara_runtime_tsan"))
        fail("a TSan program linked the plain runtime (${rc}):\n${err}")
      endif()
      continue()
    endif()
    if(NOT rc EQUAL 0)
      fail("building with `pkg-config ${pc}` failed:\n${err}")
    endif()
    file(READ "${SOURCE_DIR}/e2e/05-mergesort.out" expected)
    get_filename_component(name "${exe}" NAME)
    set(build "${WORK_DIR}")
    run_program(${name} 2 "${expected}")
  endforeach()
endif()
message(STATUS "sanitizer consumer (${SANITIZER}, ${STYLE}, ${CXX}): 0 reports")
