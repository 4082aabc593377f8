#!/usr/bin/env bash
# gander as a subproject (registered in tests/CMakeLists.txt): a parent
# project (tests/subproject) adds gander's source tree with add_subdirectory()
# and builds with its own build type, without -Werror and without static
# archives; its configure fails when gander overrides what the parent owns
# (tests/subproject/CMakeLists.txt). This script then checks that
#  1. a parent without a build type keeps none;
#  2. the default build makes only the libraries and the parent's program:
#     no gander command, benchmarks, example service or tests;
#  3. no -Werror and no archive link reaches any compile or link line;
#  4. the parent's program applies its embedded migrations to SQLite.
# Any failing step fails the test.
#
# Usage: subproject_test.sh CMAKE GANDER_SOURCE CONSUMER_DIR SUBPROJECT_DIR SCRATCH_DIR CXX

set -euo pipefail

cmake=$1
gander_source=$2
consumer_source=$3
subproject_source=$4
scratch=$5
cxx=$6

fail() {
  echo "subproject test: FAILED: $*" >&2
  exit 1
}

rm -rf "$scratch"
parent=$scratch/parent
mkdir -p "$parent"
cp -R "$subproject_source/CMakeLists.txt" "$consumer_source/main.cpp" "$consumer_source/migrations" "$parent/"

echo "== a parent without a build type keeps none"
"$cmake" -S "$parent" -B "$scratch/no-build-type" -DGANDER_SOURCE_DIR="$gander_source" -DCMAKE_CXX_COMPILER="$cxx" \
  >"$scratch/no-build-type.log" 2>&1 || { cat "$scratch/no-build-type.log"; fail "the configure without a build type failed"; }
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$scratch/no-build-type/CMakeCache.txt")
[[ -z $build_type ]] || fail "gander gave a parent without a build type the build type '$build_type'"

echo "== configure and build the parent (MinSizeRel)"
build=$scratch/build
"$cmake" -S "$parent" -B "$build" -DGANDER_SOURCE_DIR="$gander_source" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
[[ $build_type == MinSizeRel ]] || fail "the parent's build type is now '$build_type'"
"$cmake" --build "$build"

echo "== only the libraries and the parent's program were built"
[[ -x $build/consumer ]] || fail "the parent's program was not built"
built=$(find "$build" -type f -executable -not -path '*/CMakeFiles/*' -not -name consumer)
[[ -z $built ]] || fail "the default build made programs the parent did not ask for: $built"
[[ -f $build/gander/libgander_runner.a ]] || fail "gander's runner library was not built in $build/gander"

echo "== no -Werror and no static archive of a dependency on any command line"
grep -q '"command":.*main\.cpp' "$build/compile_commands.json" || fail "compile_commands.json lacks the parent's main.cpp"
if grep -n -- '-Werror' "$build/compile_commands.json"; then
  fail "-Werror is on the compile lines above"
fi
link_lines=$(find "$build" -name link.txt -exec cat {} +)
[[ $link_lines == *consumer* ]] || fail "no link line of the parent's program was found"
if grep -E -- 'libpqxx\.a|libsqlite3\.a|libboost_[a-z_]*\.a|-static-lib' <<<"$link_lines"; then
  fail "a static archive of a dependency is on the link lines above"
fi

echo "== the parent's program applies its migrations to SQLite"
"$build/consumer" "$scratch/notes.db" >"$scratch/notes.out" || fail "the parent's program failed"
cat "$scratch/notes.out"
for migration in 00001_create_notes.sql 00002_create_note_tags.sql; do
  grep -qx "applied $migration" "$scratch/notes.out" || fail "$migration was not applied"
  grep -Eq "^$migration applied [0-9a-f]{64}\$" "$scratch/notes.out" || fail "$migration is not recorded with its checksum"
done

echo "== gander builds as a well-behaved subproject"
