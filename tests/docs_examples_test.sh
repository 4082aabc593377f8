#!/usr/bin/env bash
# Every example in README.md and docs/*.md is checked (registered in
# tests/CMakeLists.txt as docs_examples; the convention is in
# docs/contributing.md, "Examples in the documentation"). Each fenced block
# must follow a marker comment:
#   <!-- test: sh [SESSION] -->        run with bash -e -o pipefail, gander first on PATH
#   <!-- test: postgres [SESSION] -->  the same, with DATABASE_URL naming a fresh database
#   <!-- test: lint RULE -->           the block, as a migration file, makes `gander lint` report RULE
#                                      (RULE none: lint finds nothing at all)
#   <!-- test: same-as PATH -->        the block is PATH, or whole lines of it, verbatim
#   <!-- not-run: REASON -->           not checked, and says why
# A block without a marker, an indented code block, an unterminated fence or
# a relative link to a file the repository lacks fails the test, so no
# example escapes it. A shell block runs in a fresh
# directory holding copies of the repository's migrations/ and
# tests/lint_fixtures/; blocks of one document that name the same SESSION
# share a directory (and database) and run in the order they appear.
# The service example of the README (docs/examples/service/main.cpp, built
# as gander_docs_service_example) is also run on a fresh SQLite file.
#
# PostgreSQL blocks need the server that tools/test starts (PGHOST, PGPORT,
# PGUSER): without one they are skipped loudly (exit 125), and under CI=true
# that is a failure. So is a build without install rules (empty BUILD_DIR),
# where the service example cannot be built.
#
# Usage: docs_examples_test.sh GANDER SOURCE_DIR SCRATCH_DIR CMAKE BUILD_DIR CXX [FLAGS]
# FLAGS go to the service example's compile and link lines: the staged static
# libraries need the sanitizer runtime when gander was built with it.
set -euo pipefail
gander=$1 source_dir=$2 scratch=$3 cmake=$4 build_dir=$5 cxx=$6 flags=${7:-}

rm -rf "$scratch"
mkdir -p "$scratch/blocks" "$scratch/run"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

documents=("$source_dir/README.md" "$source_dir"/docs/*.md)

# Splits every document into blocks: blocks/N.body holds the block's lines
# (the fence's indentation removed), blocks.tsv "N <tab> document <tab> line
# <tab> marker". Problems go to problems.txt, one a line.
awk -v out="$scratch/blocks" -v root="$source_dir/" '
  function problem(message) { print FILENAME_SHORT ":" FNR ": " message > (out "/../problems.txt") }
  FNR == 1 {
    if (in_fence) { print FILENAME_SHORT ":" fence_line ": a fence that is never closed" > (out "/../problems.txt") }
    in_fence = 0; previous = ""; last_nonblank = ""
    FILENAME_SHORT = FILENAME; sub("^" root, "", FILENAME_SHORT)
  }
  {
    if (in_fence) {
      if ($0 ~ /^[ ]*```[ ]*$/) { in_fence = 0; close(body); last_nonblank = ""; previous = $0; next }
      line = $0
      if (fence_indent > 0 && substr(line, 1, fence_indent) ~ /^[ ]*$/) line = substr(line, fence_indent + 1)
      print line > body
      next
    }
    if ($0 ~ /^[ ]*```/) {
      count++
      in_fence = 1; fence_line = FNR
      match($0, /^[ ]*/); fence_indent = RLENGTH
      body = out "/" count ".body"
      printf "" > body
      marker = last_nonblank
      sub(/^[ ]*/, "", marker)
      if (marker !~ /^<!-- (test|not-run): .*-->$/) {
        problem("a fenced block without a marker (<!-- test: ... --> or <!-- not-run: REASON -->)")
        marker = "none"
      }
      print count "\t" FILENAME_SHORT "\t" FNR "\t" marker > (out "/../blocks.tsv")
      previous = $0
      next
    }
    if ($0 ~ /^(    |\t)/ && previous ~ /^[ ]*$/ && last_nonblank !~ /^<!--/) {
      problem("an indented code block: write it as a fenced block with a marker")
    }
    if ($0 !~ /^[ ]*$/) last_nonblank = $0
    previous = $0
  }
  END { if (in_fence) print FILENAME_SHORT ":" fence_line ": a fence that is never closed" > (out "/../problems.txt") }
' "${documents[@]}"

if [ -s "$scratch/problems.txt" ]; then
  while IFS= read -r problem; do fail "$problem"; done <"$scratch/problems.txt"
fi

# Every relative link names a file the repository has.
for document in "${documents[@]}"; do
  while IFS= read -r target; do
    target=${target%%#*}
    [ -n "$target" ] || continue
    [ -e "$(dirname "$document")/$target" ] ||
      fail "${document#"$source_dir"/}: a link to $target, which the repository does not have"
  done < <(grep -oE '\]\([^ )]+\)' "$document" | sed -E 's/^\]\((.*)\)$/\1/' | grep -v '^[a-z]*:' || true)
done

postgres_available=0
if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ] && [ -n "${PGUSER:-}" ]; then
  postgres_available=1
fi
postgres_skipped=0

gander_dir=$(dirname "$gander")
export PATH="$gander_dir:$PATH"
# A scratch git identity and no system configuration, for examples that commit.
export HOME="$scratch/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "docs example"
git config --global user.email "docs@example.invalid"
git config --global init.defaultBranch main

# Sets session_directory (and, for PostgreSQL, session_database) for the
# session KEY, creating them on first use: a directory with the sample files,
# a fresh database. Globals, not output, so that the maps outlive the call.
declare -A session_dirs=() session_databases=()
open_session() {
  local key=$1 kind=$2
  if [ -z "${session_dirs[$key]:-}" ]; then
    local dir="$scratch/run/session-${#session_dirs[@]}"
    mkdir -p "$dir/tests"
    cp -R "$source_dir/migrations" "$dir/migrations"
    cp -R "$source_dir/tests/lint_fixtures" "$dir/tests/lint_fixtures"
    session_dirs[$key]=$dir
  fi
  session_directory=${session_dirs[$key]}
  if [ "$kind" = postgres ] && [ -z "${session_databases[$key]:-}" ]; then
    local name="gander_docs_$$_${#session_databases[@]}"
    PGOPTIONS="-c client_min_messages=warning" psql -q -X -v ON_ERROR_STOP=1 -d postgres \
      -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    session_databases[$key]=$name
  fi
  session_database=${session_databases[$key]:-}
}

run_shell_block() {
  local id=$1 where=$2 kind=$3 session=$4 key dir log
  key="$where"
  [ -n "$session" ] && key="${where%%:*}|$kind|$session"
  open_session "$key" "$kind"
  dir=$session_directory
  log="$scratch/blocks/$id.log"
  local environment=()
  if [ "$kind" = postgres ]; then
    environment=("DATABASE_URL=postgres://$PGUSER@$PGHOST:$PGPORT/$session_database" "PGDATABASE=$session_database")
  fi
  # A safety net only: no example waits for anything.
  if (cd "$dir" && env "${environment[@]}" timeout 300 bash -e -o pipefail "$scratch/blocks/$id.body") >"$log" 2>&1; then
    echo "ok: $where ($kind${session:+ $session})"
  else
    fail "$where: the example failed; it was:"
    sed 's/^/    | /' "$scratch/blocks/$id.body" >&2
    echo "  and it printed:" >&2
    sed 's/^/    > /' "$log" >&2
  fi
}

check_lint_block() {
  local id=$1 where=$2 rule=$3 dir output
  dir="$scratch/run/lint-$id"
  mkdir -p "$dir"
  cp "$scratch/blocks/$id.body" "$dir/00001_example.sql"
  output=$(gander lint --dir "$dir" 2>&1 || true)
  if [ "$rule" = none ] && [[ $output == "0 errors, 0 warnings "* ]]; then
    echo "ok: $where (lint finds nothing)"
  elif [ "$rule" != none ] && [[ $output == *": $rule: "* ]]; then
    echo "ok: $where (lint $rule)"
  else
    fail "$where: gander lint does not report $rule for this example; it said:"
    printf '%s\n' "$output" | sed 's/^/    > /' >&2
  fi
}

check_same_as_block() {
  local id=$1 where=$2 path=$3 file body
  if [ ! -f "$source_dir/$path" ]; then
    fail "$where: same-as names $path, which the repository does not have"
    return
  fi
  file=$(cat "$source_dir/$path")
  body=$(cat "$scratch/blocks/$id.body")
  if [ -n "$body" ] && [[ $'\n'$file$'\n' == *$'\n'"$body"$'\n'* ]]; then
    echo "ok: $where (same as $path)"
  else
    fail "$where: the block is not a verbatim part of $path (copy it again from the file)"
  fi
}

while IFS=$'\t' read -r id document line marker; do
  where="$document:$line"
  if [[ $marker =~ ^\<!--\ not-run:\ *(.*[^ ])\ *--\>$ ]]; then
    [[ ${BASH_REMATCH[1]} == *[a-z]*[a-z]* ]] || fail "$where: not-run needs a reason"
    continue
  fi
  [[ $marker =~ ^\<!--\ test:\ *([a-z-]+)\ *([^ ]*)\ *--\>$ ]] || {
    [ "$marker" = none ] || fail "$where: a marker this test does not know: $marker"
    continue
  }
  kind=${BASH_REMATCH[1]} argument=${BASH_REMATCH[2]}
  case $kind in
    sh) run_shell_block "$id" "$where" sh "$argument" ;;
    postgres)
      if [ "$postgres_available" = 1 ]; then
        run_shell_block "$id" "$where" postgres "$argument"
      else
        postgres_skipped=$((postgres_skipped + 1))
        echo "SKIPPED: $where (PostgreSQL: no PGHOST, PGPORT and PGUSER)"
      fi
      ;;
    lint)
      [ -n "$argument" ] || fail "$where: lint needs the rule the example triggers"
      check_lint_block "$id" "$where" "$argument"
      ;;
    same-as)
      [ -n "$argument" ] || fail "$where: same-as needs a path"
      check_same_as_block "$id" "$where" "$argument"
      ;;
    *) fail "$where: a marker this test does not know: $marker" ;;
  esac
done <"$scratch/blocks.tsv"

# The README's service example, built as the README says.
service_skipped=0
if [ -z "$build_dir" ]; then
  service_skipped=1
  echo "SKIPPED: the service example (this build has no install rules, GANDER_INSTALL=OFF)"
else
  service=$scratch/service
  mkdir -p "$service/project/db"
  cp "$source_dir/docs/examples/service/CMakeLists.txt" "$source_dir/docs/examples/service/main.cpp" "$service/project/"
  cp -R "$source_dir/migrations" "$service/project/db/migrations"
  if "$cmake" --install "$build_dir" --prefix "$service/stage" >"$service/log" 2>&1 &&
    "$cmake" -S "$service/project" -B "$service/build" -DCMAKE_PREFIX_PATH="$service/stage" \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >>"$service/log" 2>&1 &&
    "$cmake" --build "$service/build" >>"$service/log" 2>&1 &&
    (cd "$service" && ./build/my_service ./app.db) >>"$service/log" 2>&1 &&
    gander --db "$service/app.db" --dir "$service/project/db/migrations" status >>"$service/log" 2>&1; then
    echo "ok: the service example (docs/examples/service) built and migrated a fresh SQLite database"
  else
    fail "the service example (docs/examples/service) failed:"
    sed 's/^/    > /' "$service/log" >&2
  fi
fi

blocks=$(wc -l <"$scratch/blocks.tsv")
if [ "$failures" -gt 0 ]; then
  echo "docs examples: $failures failures in $blocks blocks" >&2
  exit 1
fi
if [ "$postgres_skipped" -gt 0 ] || [ "$service_skipped" = 1 ]; then
  if [ "${CI:-}" = true ]; then
    echo "docs examples: FAILED: under CI=true every example must run; $postgres_skipped PostgreSQL examples and $service_skipped service example skipped" >&2
    exit 1
  fi
  echo "docs examples: SKIPPED $postgres_skipped PostgreSQL examples and $service_skipped service example; the other blocks passed" >&2
  exit 125
fi
rm -rf "$scratch"
echo "docs examples: all $blocks blocks passed"
