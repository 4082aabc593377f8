# Every external dependency, found once. All come from Debian 12 packages:
# libssl-dev, libpqxx-dev, libsqlite3-dev, libboost-program-options-dev (the
# gander command only), catch2 (the tests only), pkg-config. libpqxx and
# SQLite are looked up even before the runner uses them, so a machine that
# lacks them fails at configure time.
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(SQLite3 REQUIRED)
# Debian's libpqxx 6.4 ships no CMake config, only libpqxx.pc.
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# libpq itself: the runner parses DSNs with it, and the static link of the
# gander command (StaticDependencies.cmake) and the floor benchmark on the
# plain C APIs (tools/bench/noop_floor.cpp) name it.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
if(GANDER_BUILD_TOOLS)
  find_package(Boost REQUIRED COMPONENTS program_options)
endif()

if(GANDER_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
  include(Catch)
endif()
