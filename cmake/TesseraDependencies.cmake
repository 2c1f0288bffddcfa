# LibTorch: Debian's libtorch-dev (1.13, CPU) or the one inside a PyTorch install
# (2.x, CUDA): pass -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)').
find_package(Torch REQUIRED)
message(STATUS "Tessera: LibTorch ${Torch_VERSION} at ${TORCH_INSTALL_PREFIX}")

if(TESSERA_WITH_IO)
  # Debian's OpenImageIO CMake config points at a missing OpenCV path: use pkg-config.
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(OIIO REQUIRED IMPORTED_TARGET OpenImageIO)
  message(STATUS "Tessera: OpenImageIO ${OIIO_VERSION}")
endif()

if(TESSERA_BUILD_GUI)
  # Network: the app's download of the model zoo.
  find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets Network LinguistTools)
  find_package(ZLIB REQUIRED)
  if(TESSERA_BUILD_TESTS)
    find_package(Qt6 REQUIRED COMPONENTS Test)
  endif()
  qt_standard_project_setup()
endif()

# nlohmann-json (header only): Debian's package, or on machines without it a
# folder holding nlohmann/json.hpp given as TESSERA_NLOHMANN_INCLUDE_DIR.
find_package(nlohmann_json 3 QUIET)
if(NOT nlohmann_json_FOUND)
  find_path(TESSERA_NLOHMANN_INCLUDE_DIR nlohmann/json.hpp REQUIRED)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json INTERFACE ${TESSERA_NLOHMANN_INCLUDE_DIR})
endif()
