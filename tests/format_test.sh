#!/usr/bin/env bash
# tools/check-format passes on the repository, and on a scratch tree with
# .clang-format, one formatted and one unformatted file it fails naming only
# the unformatted one.
#   format_test.sh CHECKER SOURCE_DIR SCRATCH_DIR
set -euo pipefail
checker=$1 source_dir=$2 scratch=$3

"$checker" "$source_dir"

rm -rf "$scratch"
mkdir -p "$scratch/parser/src" "$scratch/tests"
cp "$source_dir/.clang-format" "$scratch/"
printf 'int formatted(int value) { return value + 1; }\n' >"$scratch/parser/src/formatted.cpp"
printf 'int   unformatted( int value ){return value+1;}\n' >"$scratch/tests/unformatted.cpp"
if output=$("$checker" "$scratch" 2>&1); then
  echo "FAIL: check-format accepted tests/unformatted.cpp" >&2
  exit 1
fi
if [[ $output != *tests/unformatted.cpp* || $output == *parser/src/formatted.cpp* ]]; then
  echo "FAIL: check-format should name tests/unformatted.cpp alone, but said: $output" >&2
  exit 1
fi
echo "refused as expected: $output"
rm -rf "$scratch"
