# The gander command starts on every deploy and, in a service's entrypoint,
# on every start; on a machine where a page fault is expensive, each shared
# library it loads costs measurable time (tools/bench/startup-cost). With
# GANDER_STATIC_DEPS the command links the C++ runtime, libpqxx, SQLite and
# Boost.Program_options from Debian's static archives. libpq and libcrypto
# stay shared: Debian ships no static libpq with its dependencies.
# Sanitizer builds keep every library shared, as the sanitizers expect. Only
# the command links archives, so a build without it needs none; the option is
# on by default only where gander is the top-level project, and a service
# that links gander::gander is never asked for them.
set(gander_link_archives OFF)
if(GANDER_STATIC_DEPS AND GANDER_BUILD_TOOLS AND NOT GANDER_SANITIZE)
  set(gander_link_archives ON)
endif()

if(gander_link_archives)
  # Only the gander command uses Boost, so its imported target may name the archive.
  set(Boost_USE_STATIC_LIBS ON)
  find_library(gander_pqxx_archive NAMES libpqxx.a REQUIRED)
  find_library(gander_sqlite_archive NAMES libsqlite3.a REQUIRED)
endif()

# gander_link_static_dependencies(TARGET): links TARGET, an executable that
# uses gander::gander, against the archives above when they are used. The
# archives come after the runner on the link line, so they resolve its
# references, and --as-needed then drops the shared copies. libpq, which
# the libpqxx archive needs, is Dependencies.cmake's PkgConfig::LIBPQ.
function(gander_link_static_dependencies target)
  if(NOT gander_link_archives)
    return()
  endif()
  target_link_libraries(${target} PRIVATE gander_runner ${gander_pqxx_archive} ${gander_sqlite_archive}
                                          PkgConfig::LIBPQ)
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc LINKER:--as-needed)
endfunction()
