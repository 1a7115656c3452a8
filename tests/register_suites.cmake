# Registers a GoogleTest executable's tests with ctest one *suite* at a time, where gtest_discover_tests
# registers one test at a time: run at build time (POST_BUILD, tests/CMakeLists.txt, hedgesim_add_test), it
# lists the executable's tests (--gtest_list_tests, under FILTER) and writes OUT, a ctest script with one
# test per suite, named PREFIX + the suite, that runs the suite's listed tests by their full names.
# Why: a test executable's process costs more to start and to end than most unit tests take (about 0.2 s
# under the sanitizers: shadow memory, page faults, LeakSanitizer's scan at exit); one process per suite
# pays that once per suite instead of once per test. CMake's GoogleTest module has no such mode.
#   cmake -DEXECUTABLE=exe -DFILTER=gtest-filter -DPREFIX=p -DLABELS=a,b -DWORKING_DIRECTORY=dir -DOUT=file -P
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${EXECUTABLE}" --gtest_list_tests "--gtest_filter=${FILTER}"
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests failed (${status}):\n${listing}${errors}")
endif()

# The listing: "Suite." on a line of its own, then "  Test" for each of its tests; typed and value-
# parameterised ones end with a "# TypeParam = ..." or "# GetParam() = ..." comment, which may hold any
# character, so comments go before the lines are split into a CMake list.
string(REGEX REPLACE "#[^\n]*" "" listing "${listing}")
string(REGEX REPLACE "[][;]" "" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")

set(suites)
set(suite)
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ ]+)\\.[ ]*$")
    set(suite "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^  ([^ ]+)[ ]*$" AND suite)
    set(test "${CMAKE_MATCH_1}")
    if(suite MATCHES "DISABLED_" OR test MATCHES "^DISABLED_")
      continue()  # gtest does not run them unless told to; neither does ctest
    endif()
    if(NOT DEFINED tests_of_${suite})  # its first test: defined by the APPEND below
      list(APPEND suites "${suite}")
    endif()
    list(APPEND tests_of_${suite} "${suite}.${test}")
  elseif(suite AND NOT line STREQUAL "")  # before the first suite: gtest_main's "Running main() from ..."
    message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests: a line neither a suite nor a test: '${line}'")
  endif()
endforeach()

string(REPLACE "," ";" labels "${LABELS}")
set(script "# Written by tests/register_suites.cmake from ${EXECUTABLE} --gtest_list_tests: one test per suite.\n")
foreach(suite IN LISTS suites)
  list(JOIN tests_of_${suite} ":" names)
  string(APPEND script
    "add_test([==[${PREFIX}${suite}]==] [==[${EXECUTABLE}]==] [==[--gtest_filter=${names}]==])\n"
    "set_tests_properties([==[${PREFIX}${suite}]==] PROPERTIES LABELS [==[${labels}]==]"
    " WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==])\n")
endforeach()
file(WRITE "${OUT}.tmp" "${script}")
file(RENAME "${OUT}.tmp" "${OUT}")
