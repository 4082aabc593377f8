# Interface targets linked PRIVATE to gander's own targets only, so warnings
# and sanitizer flags never leak into a consumer's build.
add_library(gander_warnings INTERFACE)
target_compile_options(gander_warnings INTERFACE -Wall -Wextra $<$<BOOL:${GANDER_WERROR}>:-Werror>)

add_library(gander_sanitizers INTERFACE)
if(GANDER_SANITIZE)
  set(gander_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(gander_sanitizers INTERFACE ${gander_sanitizer_flags})
  target_link_options(gander_sanitizers INTERFACE ${gander_sanitizer_flags})
endif()

# libFuzzer steers by the coverage of the code under test, so every gander
# target is instrumented for it; only tools/fuzz links libFuzzer's main.
if(GANDER_BUILD_FUZZER)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GANDER_BUILD_FUZZER needs clang's libFuzzer; configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  target_compile_options(gander_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

# clang-tidy with the checks of .clang-tidy at the top of the tree; its
# WarningsAsErrors makes any finding a build error.
if(GANDER_CLANG_TIDY)
  find_program(gander_clang_tidy NAMES clang-tidy clang-tidy-14 REQUIRED)
endif()
