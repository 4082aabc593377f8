#!/usr/bin/env bash
# The installed package, end to end (registered in tests/CMakeLists.txt):
#  1. stage `cmake --install` of gander's build tree;
#  2. copy tests/consumer to a scratch folder, build it against the stage with
#     find_package(gander) and gander_embed_migrations(), apply its embedded
#     migrations to a fresh SQLite file, and check with the staged `gander
#     status` that the stored checksums are those of the files on disk;
#  3. edit, add and delete migrations in the copy and check that each rebuild
#     embeds the new set;
#  4. build the same program with `pkg-config --cflags --libs gander`.
# Any failing step fails the test.
#
# Usage: consumer_test.sh CMAKE BUILD_DIR CONSUMER_DIR SCRATCH_DIR CXX GENERATOR [FLAGS]
# FLAGS go to the consumer's compile and link lines: the staged static
# libraries need the sanitizer runtime when gander was built with it.

set -euo pipefail

cmake=$1
build_dir=$2
consumer_source=$3
scratch=$4
cxx=$5
generator=$6
flags=${7:-}

fail() {
  echo "consumer test: FAILED: $*" >&2
  exit 1
}

rm -rf "$scratch"
mkdir -p "$scratch/consumer"
stage=$scratch/stage
consumer=$scratch/consumer
migrations=$consumer/migrations
consumer_build=$scratch/consumer-build

echo "== stage the install tree in $stage"
"$cmake" --install "$build_dir" --prefix "$stage"
cp -R "$consumer_source/CMakeLists.txt" "$consumer_source/main.cpp" "$consumer_source/migrations" "$consumer/"

echo "== configure and build the consumer ($generator)"
"$cmake" -S "$consumer" -B "$consumer_build" -G "$generator" -DCMAKE_PREFIX_PATH="$stage" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags"
"$cmake" --build "$consumer_build"

# Runs the consumer against the fresh database $1; its output goes to $1.out.
run_consumer() {
  local database=$scratch/$1
  [[ ! -e $database ]] || fail "$database exists already"
  "$consumer_build/consumer" "$database" >"$database.out" || fail "the consumer failed on $database"
  cat "$database.out"
}

# Checks that the database $1 holds exactly the *.sql files of the consumer's
# copy, each applied with the checksum the staged CLI computes from the file.
check_database_matches_files() {
  local database=$scratch/$1
  local expected actual status
  expected=$(cd "$migrations" && ls -- *.sql)
  actual=$(grep -v '^applied ' "$database.out" | cut -d' ' -f1)
  [[ $actual == "$expected" ]] || fail "$1 holds [$actual], the files are [$expected]"
  status=$("$stage/bin/gander" --driver sqlite3 --db "$database" --dir "$migrations" --no-color --full status) ||
    fail "gander status on $1 reports a problem: $status"
  while read -r name state checksum; do
    [[ $name == applied ]] && continue
    [[ $state == applied && $checksum =~ ^[0-9a-f]{64}$ ]] || fail "$1: $name is $state with checksum $checksum"
    grep -Eq "applied +$checksum +$name\$" <<<"$status" ||
      fail "gander status does not show $name applied with $checksum:"$'\n'"$status"
  done <"$database.out"
}

# The checksum the consumer printed for migration $2 in its run on $1.
printed_checksum() {
  awk -v name="$2" '$1 == name { print $3 }' "$scratch/$1.out"
}

echo "== apply the embedded migrations"
run_consumer first.db
grep -qx 'applied 00002_create_note_tags.sql' "$scratch/first.db.out" || fail "00002 was not applied"
check_database_matches_files first.db

echo "== edit an embedded migration and rebuild"
printf -- '-- +goose Up\nCREATE TABLE note_tags (note_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (note_id, tag));\n\n-- +goose Down\nDROP TABLE note_tags;\n' \
  >"$migrations/00002_create_note_tags.sql"
"$cmake" --build "$consumer_build"
if "$consumer_build/consumer" "$scratch/first.db" 2>"$scratch/refusal.err"; then
  fail "the rebuilt consumer accepted first.db, whose 00002 was applied with the old bytes"
fi
grep -q '00002_create_note_tags.sql' "$scratch/refusal.err" || fail "the refusal does not name the edited file"
run_consumer second.db
check_database_matches_files second.db
[[ $(printed_checksum first.db 00002_create_note_tags.sql) != $(printed_checksum second.db 00002_create_note_tags.sql) ]] ||
  fail "the edited migration kept its old checksum: the rebuild did not embed the new bytes"

echo "== add a migration and rebuild"
printf -- '-- +goose Up\nCREATE INDEX notes_by_body ON notes (body);\n' >"$migrations/00003_index_notes.sql"
"$cmake" --build "$consumer_build"
run_consumer third.db
check_database_matches_files third.db

echo "== delete a migration and rebuild"
rm "$migrations/00003_index_notes.sql"
"$cmake" --build "$consumer_build"
run_consumer fourth.db
check_database_matches_files fourth.db

echo "== build the consumer with pkg-config"
pc_file=$(find "$stage" -name gander.pc)
[[ -n $pc_file ]] || fail "no gander.pc was installed"
generated=$(find "$consumer_build" -name 'gander__embedded_migrations.cpp')
[[ -n $generated ]] || fail "no generated source in $consumer_build"
pkg_config_flags=$(PKG_CONFIG_PATH=$(dirname "$pc_file") pkg-config --cflags --libs gander)
# shellcheck disable=SC2086 # flag lists are meant to split into words
"$cxx" -std=c++17 -Wall -Wextra -Werror $flags "$consumer/main.cpp" "$generated" $pkg_config_flags \
  -o "$scratch/consumer-pkg-config"
"$scratch/consumer-pkg-config" "$scratch/fifth.db" >"$scratch/fifth.db.out" ||
  fail "the pkg-config build of the consumer failed"
cmp "$scratch/fourth.db.out" "$scratch/fifth.db.out" || fail "the pkg-config build printed something else"

echo "== the installed package works"
