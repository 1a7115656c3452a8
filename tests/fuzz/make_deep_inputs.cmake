# Writes the reproducers of issue 15, item 2 that are too big to keep in the tree (a dotted key, a table
# header and an array-of-tables header 50,000 levels deep: 100 KB each, which overflowed the stack inside
# toml++ before the depth check) for the scenario, model and experiment targets, into OUT/<target>/.
# Run by ctest as the fixture fuzz_make_deep_inputs:  cmake -DOUT=DIR -P make_deep_inputs.cmake
if(NOT OUT)
  message(FATAL_ERROR "usage: cmake -DOUT=DIR -P make_deep_inputs.cmake")
endif()
set(levels 50000)
math(EXPR more "${levels} - 1")
string(REPEAT ".a" ${more} tail)
set(key "a${tail}")
set(dotted_key "${key} = 1\n")
set(table_header "[${key}]\nx = 1\n")
set(array_header "[[${key}]]\nx = 1\n")
# model: the first byte chooses the file (model_fuzz.cpp): '0' agents.toml, '3' influence.toml
foreach(target scenario experiment model)
  file(MAKE_DIRECTORY ${OUT}/${target})
  foreach(kind dotted_key table_header array_header)
    if(target STREQUAL "model")
      file(WRITE ${OUT}/${target}/agents-${kind}-50000 "0${${kind}}")
      file(WRITE ${OUT}/${target}/influence-${kind}-50000 "3${${kind}}")
    else()
      file(WRITE ${OUT}/${target}/${kind}-50000 "${${kind}}")
    endif()
  endforeach()
endforeach()
# A dotted key of 50,000 quoted parts ("a"."a"...), which the depth check must count as parts too.
string(REPEAT ".\"a\"" ${more} quoted_tail)
file(WRITE ${OUT}/scenario/quoted_dotted_key-50000 "\"a\"${quoted_tail} = 1\n")
