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

# gander_start_pgbouncer MODE POOL_SIZE VARIABLE: a PgBouncer on 127.0.0.1,
# on a free port, in front of the server started above, with pool_mode=MODE
# and at most POOL_SIZE server connections per database; exports its port
# as VARIABLE. Any database name passes through to the server of the same
# name, as the connecting user, with no password (auth_type=trust, each user
# listed in its auth_file). Like the server it runs as `postgres` when the
# tests run as root: PgBouncer refuses root.
gander_start_pgbouncer() {
  local mode=$1 pool_size=$2 variable=$3
  local binary
  binary=$(command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer)
  [ -x "$binary" ] || { echo "PgBouncer not found (Debian package pgbouncer)" >&2; return 1; }
  local dir
  dir=$(mktemp -d /tmp/gander-pgbouncer.XXXXXX)
  gander_pgbouncer_dirs+=("$dir")
  printf '"%s" ""\n' "$PGUSER" >"$dir/users.txt"
  # Below the kernel's range of ephemeral ports, which the tests' own
  # connections use; another port when someone takes this one first.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(shuf -i 20000-32000 -n 1)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PGPORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = $mode
default_pool_size = $pool_size
max_client_conn = 500
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
    "${gander_pg_run[@]}" "$binary" -d -q "$dir/pgbouncer.ini" 2>/dev/null && break
    [ "$attempt" -lt 5 ] || { cat "$dir/pgbouncer.log" >&2; return 1; }
  done
  local _
  # The daemon writes its pidfile after it forks: wait for both.
  for _ in $(seq 1 100); do
    [ -s "$dir/pgbouncer.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  [ -s "$dir/pgbouncer.pid" ] || { cat "$dir/pgbouncer.log" >&2; return 1; }
  export "$variable=$port"
  echo "==> PgBouncer $("$binary" --version | awk 'NR == 1 {print $2}') in $mode mode (pool size $pool_size) on 127.0.0.1:$port (pid $(cat "$dir/pgbouncer.pid"))"
}

# Stops every PgBouncer started above, by the PID in its pidfile, and removes
# its files.
gander_stop_pgbouncers() {
  local dir pid
  for dir in "${gander_pgbouncer_dirs[@]}"; do
    pid=$(cat "$dir/pgbouncer.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    rm -rf "$dir"
  done
  gander_pgbouncer_dirs=()
}
gander_pgbouncer_dirs=()
