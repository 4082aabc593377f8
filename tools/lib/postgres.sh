# shellcheck shell=bash
# A throwaway PostgreSQL server for the tests: a fresh cluster in a temporary
# directory, listening on 127.0.0.1 only, on a free port. fsync is off for
# speed unless GANDER_PG_FSYNC=on (benchmarks). Exports PGHOST,
# PGPORT, PGUSER and PGDATABASE so that libpq (and libpqxx) find it.

gander_start_postgres() {
  local bin
  bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }

  gander_pg_dir=$(mktemp -d /tmp/gander-pg.XXXXXX)
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root; the postgresql package creates this user.
    chown postgres: "$gander_pg_dir"
    run_as=(runuser -u postgres --)
  fi
  gander_pg_run=("${run_as[@]}")

  local port
  for port in $(shuf -i 20000-60000 -n 20); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  "${run_as[@]}" "$bin/initdb" -D "$gander_pg_dir/data" -U gander -A trust --no-sync >"$gander_pg_dir/initdb.log" 2>&1 ||
    { cat "$gander_pg_dir/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$bin/pg_ctl" -D "$gander_pg_dir/data" -l "$gander_pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $gander_pg_dir -c fsync=${GANDER_PG_FSYNC:-off}" start >/dev/null ||
    { cat "$gander_pg_dir/server.log" >&2; return 1; }
  gander_pg_bin=$bin
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=gander PGDATABASE=postgres
  for _ in $(seq 1 50); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.2
  done
  echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $(head -n 1 "$gander_pg_dir/data/postmaster.pid"))"
}

# Stops the server started above, by the PID in its postmaster.pid, and
# removes its files.
gander_stop_postgres() {
  [ -n "${gander_pg_dir:-}" ] || return 0
  if [ -f "$gander_pg_dir/data/postmaster.pid" ]; then
    "${gander_pg_run[@]}" "$gander_pg_bin/pg_ctl" -D "$gander_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$gander_pg_dir"
}
