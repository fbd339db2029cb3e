# kara_summaries(TARGET <target> OUTPUT <file> [ALL]
#                [SUMMARIZE <kara-summarize>] [EFFECTS_DB <file>...])
#
# The effect summaries of <target>'s sources as ordinary build actions
# (SPEC §7, docs/scaling.md): one `kara-summarize --map` per C/C++ source,
# with the front end's depfile, so ninja runs them in parallel and re-runs
# only those whose unit changed; one `kara-summarize --link` into <file>.
# Adds the custom target <target>_kara_summaries (built by default with ALL).
# Flags come from the compilation database: configure with
# CMAKE_EXPORT_COMPILE_COMMANDS=ON. kara-summarize is found next to this
# package (or on PATH), or given with SUMMARIZE / KARA_SUMMARIZE_EXECUTABLE.
set(_KARA_SUMMARIES_BINDIR "${CMAKE_CURRENT_LIST_DIR}/../../../bin"
  "${CMAKE_CURRENT_LIST_DIR}/../../../../bin")

function(kara_summaries)
  cmake_parse_arguments(PARSE_ARGV 0 KS "ALL" "TARGET;OUTPUT;SUMMARIZE"
    "EFFECTS_DB")
  if(NOT KS_TARGET OR NOT KS_OUTPUT)
    message(FATAL_ERROR "kara_summaries: TARGET and OUTPUT are required")
  endif()
  if(NOT TARGET ${KS_TARGET})
    message(FATAL_ERROR "kara_summaries: '${KS_TARGET}' is not a target")
  endif()
  if(NOT CMAKE_EXPORT_COMPILE_COMMANDS)
    message(FATAL_ERROR "kara_summaries: the map steps read the compilation "
      "database: set CMAKE_EXPORT_COMPILE_COMMANDS to ON")
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    message(WARNING "kara_summaries: depfiles need a Ninja or Makefile "
      "generator; with ${CMAKE_GENERATOR} header changes are not tracked")
  endif()
  set(_exe "${KS_SUMMARIZE}")
  if(NOT _exe)
    if(NOT KARA_SUMMARIZE_EXECUTABLE)
      find_program(KARA_SUMMARIZE_EXECUTABLE kara-summarize
        HINTS "${_KARA_SUMMARIES_BINDIR}")
    endif()
    set(_exe "${KARA_SUMMARIZE_EXECUTABLE}")
  endif()
  if(NOT _exe)
    message(FATAL_ERROR "kara_summaries: kara-summarize not found (set "
      "KARA_SUMMARIZE_EXECUTABLE)")
  endif()
  set(_exe_dep)
  if(TARGET ${_exe})
    set(_exe_dep ${_exe})
    set(_exe $<TARGET_FILE:${_exe}>)
  elseif(EXISTS "${_exe}")
    set(_exe_dep "${_exe}")
  endif()
  set(_db_args)
  foreach(_db IN LISTS KS_EFFECTS_DB)
    get_filename_component(_db "${_db}" ABSOLUTE)
    list(APPEND _db_args --effects-db "${_db}")
  endforeach()
  get_filename_component(_output "${KS_OUTPUT}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  get_target_property(_sources ${KS_TARGET} SOURCES)
  get_target_property(_source_dir ${KS_TARGET} SOURCE_DIR)
  # The depfiles name their outputs by absolute path: let CMake map them to
  # ninja's names whatever policy version the project asks for.
  if(POLICY CMP0116)
    cmake_policy(PUSH)
    cmake_policy(SET CMP0116 NEW)
  endif()
  set(_unit_dir "${CMAKE_CURRENT_BINARY_DIR}/kara-units/${KS_TARGET}")
  set(_units)
  foreach(_src IN LISTS _sources)
    if(_src MATCHES "\\$<" OR NOT _src MATCHES "\\.(c|cc|cpp|cxx|c\\+\\+|C)$")
      continue()
    endif()
    get_filename_component(_abs "${_src}" ABSOLUTE BASE_DIR "${_source_dir}")
    file(RELATIVE_PATH _rel "${_source_dir}" "${_abs}")
    string(REPLACE "../" "__/" _rel "${_rel}")
    set(_unit "${_unit_dir}/${_rel}.kara-unit.json")
    add_custom_command(OUTPUT "${_unit}"
      COMMAND ${_exe} --map "${_abs}" -p "${CMAKE_BINARY_DIR}" -o "${_unit}"
              -MF "${_unit}.d" ${_db_args}
      DEPFILE "${_unit}.d"
      DEPENDS "${_abs}" "${CMAKE_BINARY_DIR}/compile_commands.json"
              ${_exe_dep} ${KS_EFFECTS_DB}
      COMMENT "kara-summarize --map ${_rel}"
      VERBATIM)
    list(APPEND _units "${_unit}")
  endforeach()
  if(POLICY CMP0116)
    cmake_policy(POP)
  endif()
  if(NOT _units)
    message(FATAL_ERROR "kara_summaries: '${KS_TARGET}' has no C/C++ sources")
  endif()
  list(JOIN _units "\n" _list)
  file(GENERATE OUTPUT "${_unit_dir}/units.rsp" CONTENT "${_list}\n")
  add_custom_command(OUTPUT "${_output}"
    COMMAND ${_exe} --link -o "${_output}" "@${_unit_dir}/units.rsp"
    DEPENDS ${_units} "${_unit_dir}/units.rsp" ${_exe_dep}
    COMMENT "kara-summarize --link ${KS_OUTPUT}"
    VERBATIM)
  set(_all)
  if(KS_ALL)
    set(_all ALL)
  endif()
  add_custom_target(${KS_TARGET}_kara_summaries ${_all} DEPENDS "${_output}")
endfunction()
