# shellcheck shell=bash
# Shared by the benchmark scripts of tools/bench: the migrations they
# generate and the one way they time a command. Sourcing it sources
# tools/lib/common.sh too.

# shellcheck source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# bench_generate_small_migrations DIR COUNT [FORMAT]: COUNT small migrations
# (CREATE TABLE + INSERT each, a DROP TABLE to roll back) named
# 00001_t1.sql ..., in goose syntax or, with FORMAT dbmate, in dbmate's. One
# awk process writes them all: a shell loop forks once per file, which takes
# longer than the benchmark at 10,000.
bench_generate_small_migrations() {
  local dir=$1 count=$2 format=${3:-goose}
  mkdir -p "$dir"
  awk -v dir="$dir" -v count="$count" -v format="$format" 'BEGIN {
    up = format == "dbmate" ? "-- migrate:up" : "-- +goose Up"
    down = format == "dbmate" ? "-- migrate:down" : "-- +goose Down"
    for (i = 1; i <= count; i++) {
      file = sprintf("%s/%05d_t%d.sql", dir, i, i)
      printf "%s\nCREATE TABLE t%d (id INTEGER, v TEXT);\nINSERT INTO t%d (id, v) VALUES (1, '\''x'\'');\n%s\nDROP TABLE t%d;\n", up, i, i, down, i >file
      close(file)
    }
  }'
}

# bench_generate_large_migration FILE SIZE_MB: one goose migration of about
# SIZE_MB megabytes, a realistic mix: comments, multi-line statements,
# non-ASCII text, a StatementBegin block per 1000 rows, and a Down section.
bench_generate_large_migration() {
  local file=$1 size_mb=$2
  awk -v limit=$((size_mb * 1000000)) 'BEGIN {
    print "-- +goose Up"; bytes = 13
    for (i = 0; bytes < limit; i++) {
      if (i % 1000 == 0) {
        block = "-- +goose StatementBegin\nCREATE FUNCTION f" i "() RETURNS int AS $$\nBEGIN\n  RETURN " i ";\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd"
        print block; bytes += length(block) + 1
      }
      row = "-- row " i " (héllo wörld)\nINSERT INTO events (id, kind, payload)\n    VALUES (" i ", '\''click'\'', '\''{\"x\": " i ", \"note\": \"a; b\"}'\'');"
      print row; bytes += length(row) + 1
    }
    print "-- +goose Down\nDROP TABLE events;"
  }' >"$file"
}

# Microseconds since the epoch from bash's EPOCHREALTIME: no fork, so
# nothing but the command lies between two readings (date +%s%N forks a
# process inside the measured interval, and /usr/bin/time's elapsed time has
# 10 ms resolution). EPOCHREALTIME uses the locale's decimal separator.
bench_now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# bench_time OUT COMMAND...: runs the command once, its output discarded, and
# appends "WALL_US PEAK_RSS_KB" to OUT. The shell measures the wall time,
# which includes starting /usr/bin/time (well under a millisecond);
# /usr/bin/time gives the peak RSS (of the largest process, for a shell
# loop). A failing command stops the benchmark with its stderr.
bench_time() {
  local out=$1 start
  shift
  start=$(bench_now_us)
  /usr/bin/time -f "%M" -o "$out.rss" "$@" >/dev/null 2>"$out.stderr" ||
    { echo "failed: $*" >&2; cat "$out.stderr" "$out.rss" >&2; return 1; }
  echo "$(($(bench_now_us) - start)) $(tail -n 1 "$out.rss")" >>"$out"
}

# bench_summary OUT: "MEDIAN MIN MAX PEAK_RSS_KB" of the runs bench_time
# appended to OUT, times in ms to the microsecond; the median of an even
# number of runs is the lower middle one.
bench_summary() {
  sort -n "$1" | awk '{ t[NR] = $1 / 1000; if ($2 > rss) rss = $2 }
    END { printf "%.3f %.3f %.3f %d\n", t[int((NR + 1) / 2)], t[1], t[NR], rss }'
}
