#!/usr/bin/env bash
# tools/check-shell passes on the repository's scripts, and fails on a
# scratch tree whose one script has a finding, naming that script.
# Usage: shellcheck_test.sh CHECKER SOURCE_DIR SCRATCH_DIR
set -euo pipefail
checker=$1 source_dir=$2 scratch=$3

"$checker" "$source_dir"

rm -rf "$scratch"
mkdir -p "$scratch/tools"
cp "$source_dir/.shellcheckrc" "$scratch/"
# An unquoted expansion: SC2086.
# shellcheck disable=SC2016 # the script written, not this one, expands $1
printf '#!/usr/bin/env bash\nrm -rf $1/cache\n' >"$scratch/tools/unquoted"
if output=$("$checker" "$scratch" 2>&1); then
  echo "FAIL: check-shell accepted tools/unquoted" >&2
  exit 1
fi
if [[ $output != *tools/unquoted*SC2086* ]]; then
  echo "FAIL: check-shell should report SC2086 in tools/unquoted, but said: $output" >&2
  exit 1
fi
echo "refused as expected: tools/unquoted (SC2086)"
rm -rf "$scratch"
