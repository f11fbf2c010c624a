# bench_smoke: `berth-bench --quick` exits 0 and prints every figure line.
# No timing is checked: a benchmark is not a test.
#   cmake -DBENCH=/path/to/berth-bench -P smoke.cmake
if(NOT BENCH)
  message(FATAL_ERROR "usage: cmake -DBENCH=/path/to/berth-bench -P smoke.cmake")
endif()
execute_process(COMMAND ${BENCH} --quick
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 50)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "berth-bench --quick failed: ${rc}")
endif()
foreach(fig udp_rtt_loopback_ns udp_socket_close_ns udp_bind_1000_ns udp_rtt_vlink_per_s
            udp_socket_ram_bytes)
  if(NOT out MATCHES "(^|\n)${fig} +berth=")
    message(FATAL_ERROR "figure line missing: ${fig}")
  endif()
endforeach()
