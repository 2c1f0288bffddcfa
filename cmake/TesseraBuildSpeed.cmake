# Build speed on two cores: ccache when present, and shared precompiled headers
# for the heavy LibTorch headers (see tessera_core's target_precompile_headers).
find_program(TESSERA_CCACHE ccache)
if(TESSERA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${TESSERA_CCACHE}")
  # ccache must ignore the PCH's timestamp and hash its content instead.
  set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
  message(STATUS "Tessera: using ccache at ${TESSERA_CCACHE}")
endif()

function(tessera_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>)
  endif()
endfunction()
