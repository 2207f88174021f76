#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: `postgres.sh start` prints
#   DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres
#   PGDATA=<dir>
# and `postgres.sh stop <PGDATA>` stops it and removes the directory.
# Used by .ci/run and by the vitest global setup when DATABASE_URL is not set, so there is one way
# to start it. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
set -euo pipefail

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && echo "$found" && return
  echo "postgres.sh: $name not found; install PostgreSQL server binaries (apt-get install postgresql)" >&2
  exit 1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    dir=$(mktemp -d /tmp/aimass-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    as_pg "$initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # fsync off and a short checkpoint: data is thrown away after the run, speed matters.
    as_pg "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "PGDATA=$dir"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop <PGDATA>}
    pg_ctl=$(find_bin pg_ctl)
    as_pg "$pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start | stop <PGDATA>" >&2
    exit 64
    ;;
esac
