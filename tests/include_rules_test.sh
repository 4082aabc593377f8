#!/usr/bin/env bash
# tools/check-includes passes on runner/ as it is, and fails, naming the
# file, on a copy of it with one deliberate violation of each kind.
#   include_rules_test.sh CHECKER RUNNER_DIR SCRATCH_DIR
set -euo pipefail
checker=$1 runner_dir=$2 scratch=$3

"$checker" "$runner_dir"

expect_refusal() {
  local file=$1 line=$2 expected=$3 output
  rm -rf "$scratch" && mkdir -p "$scratch" && cp -R "$runner_dir" "$scratch/runner"
  echo "$line" >>"$scratch/runner/$file"
  if output=$("$checker" "$scratch/runner" 2>&1); then
    echo "FAIL: check-includes accepted $file with: $line" >&2
    exit 1
  fi
  if [[ $output != *"$expected"* ]]; then
    echo "FAIL: check-includes refused $file with: $line, but said: $output" >&2
    exit 1
  fi
  echo "refused as expected: $file with $line"
}

expect_refusal src/plan/planner.cpp '#include "store/postgres/postgres_store.hpp"' \
  'runner/src/plan may not include "store/postgres/postgres_store.hpp"'
expect_refusal src/migrate/migrator.cpp '#include "store/sqlite/sqlite_connection.hpp"' \
  'runner/src/migrate may not include "store/sqlite/sqlite_connection.hpp"'
expect_refusal src/util/duration_text.cpp '#include "plan/timestamp_version.hpp"' \
  'runner/src/util may not include "plan/timestamp_version.hpp"'
expect_refusal src/migrate/migrator.cpp '#include <pqxx/pqxx>' 'only runner/src/store/postgres includes libpqxx'
expect_refusal include/gander/migrator.hpp '#include "migrate/migrator_impl.hpp"' \
  'a public header includes only <gander/...>'
rm -rf "$scratch"
