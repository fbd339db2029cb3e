# How Kara::runtime picks the sanitizer-instrumented build of the runtime that
# matches the program it is linked into (docs/sanitizers.md). Used by the
# build tree (runtime/CMakeLists.txt) and by the installed KaraConfig.cmake.
#
# The choice is made per linking target (the executable or shared library),
# at generation time, from:
#   1. its KARA_RUNTIME_VARIANT property (tsan, asan or plain), if set;
#   2. else -fsanitize=...thread... (tsan) or -fsanitize=...address... (asan)
#      in its compile options or in the flags variables
#      (CMAKE_CXX_FLAGS[_<CONFIG>]) of the directory that called
#      find_package(Kara), read at the end of that directory. For tsan the
#      compile options include those it gets from the targets it links (an
#      INTERFACE "sanitizers" target); for asan only its own
#      (target_compile_options, add_compile_options): CMake expands the linked
#      targets' options once per link-options evaluation, and the tsan test
#      takes them. An ASan program that misses the asan runtime still works,
#      with the runtime uninstrumented.
# The instrumented archive is linked whole, ahead of the plain one, which
# then contributes nothing. It goes through the link options of a selector
# target per variant because CMake refuses to read a target's compile options
# while computing its link libraries.

# tsan, asan or "" for a string of compiler flags.
function(_kara_runtime_variant_of_flags flags out)
  set(re_head "(^| )-fsanitize=([^ ]*,)?")
  if(flags MATCHES "${re_head}thread(,| |$)")
    set(${out} tsan PARENT_SCOPE)
  elseif(flags MATCHES "${re_head}address(,| |$)")
    set(${out} asan PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# Sets `out` to the link options that add `file`, the runtime built for
# `variant` (tsan or asan) with `flag`, to the linking target when rules 1-2
# choose it. `flags_variant` is a generator expression giving tsan, asan or
# nothing from the directory's flags.
function(_kara_runtime_variant_link_option out variant file flags_variant flag)
  if(variant STREQUAL "tsan")
    set(san thread)
  else()
    set(san address)
  endif()
  set(opts "$<TARGET_PROPERTY:COMPILE_OPTIONS>")
  set(re "(^|[ :])-fsanitize=([^ ]*$<COMMA>)?${san}($<COMMA>| |$)")
  set(detected "$<OR:$<BOOL:$<FILTER:${opts},INCLUDE,${re}>>,$<STREQUAL:${flags_variant},${variant}>>")
  set(chosen "$<TARGET_PROPERTY:KARA_RUNTIME_VARIANT>")
  set(on "$<IF:$<BOOL:${chosen}>,$<STREQUAL:${chosen},${variant}>,${detected}>")
  string(REPLACE "," "$<COMMA>" flag "${flag}")
  set(${out}
    "$<${on}:LINKER:--whole-archive,${file},--no-whole-archive>"
    "$<${on}:${flag}>"
    PARENT_SCOPE)
endfunction()

# Run at the end of the directory that called find_package(Kara):
# records on `target`, per configuration, which variant that directory's flags
# ask for, in KARA_FLAGS_VARIANT_<CONFIG> (what the generator expression
# _kara_runtime_flags_variant reads; TARGET_PROPERTY does not evaluate
# generator expressions stored in custom properties, hence one per config).
function(_kara_runtime_record_directory_flags target)
  _kara_runtime_variant_of_flags("${CMAKE_CXX_FLAGS}" v)
  set_property(TARGET ${target} PROPERTY KARA_FLAGS_VARIANT_ "${v}")
  set(configs ${CMAKE_CONFIGURATION_TYPES} ${CMAKE_BUILD_TYPE})
  list(REMOVE_DUPLICATES configs)
  foreach(config IN LISTS configs)
    string(TOUPPER "${config}" upper)
    _kara_runtime_variant_of_flags(
      "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${upper}}" v)
    set_property(TARGET ${target} PROPERTY KARA_FLAGS_VARIANT_${upper} "${v}")
  endforeach()
endfunction()

# The generator expression that reads what the function above recorded.
function(_kara_runtime_flags_variant target out)
  set(${out}
    "$<TARGET_PROPERTY:${target},KARA_FLAGS_VARIANT_$<UPPER_CASE:$<CONFIG>>>"
    PARENT_SCOPE)
endfunction()
