# bench_smoke: `berth-bench --quick` exits 0 and prints a line for every
# figure that `berth-bench --list` names. No timing is checked: a benchmark
# is not a test.
#   cmake -DBENCH=/path/to/berth-bench -P smoke.cmake
if(NOT BENCH)
  message(FATAL_ERROR "usage: cmake -DBENCH=/path/to/berth-bench -P smoke.cmake")
endif()
execute_process(COMMAND ${BENCH} --list
                RESULT_VARIABLE rc OUTPUT_VARIABLE figs ERROR_VARIABLE err TIMEOUT 10)
if(NOT rc EQUAL 0 OR figs STREQUAL "")
  message(FATAL_ERROR "berth-bench --list failed: ${rc} ${err}")
endif()
execute_process(COMMAND ${BENCH} --quick
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 50)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "berth-bench --quick failed: ${rc}")
endif()
string(REPLACE "\n" ";" figs "${figs}")
set(n 0)
foreach(fig IN LISTS figs)
  if(fig STREQUAL "")
    continue()
  endif()
  math(EXPR n "${n} + 1")
  if(NOT out MATCHES "(^|\n)${fig} +berth=")
    message(FATAL_ERROR "figure line missing: ${fig}")
  endif()
endforeach()
if(n LESS 5)
  message(FATAL_ERROR "berth-bench --list named only ${n} figures")
endif()
message("bench_smoke: all ${n} figure lines printed")
