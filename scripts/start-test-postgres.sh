#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback and prints its URL (for CI).
# Usage: url=$(scripts/start-test-postgres.sh DIR PORT)
set -euo pipefail
dir=${1:?data directory}; port=${2:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed" >&2; exit 1; }
as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
cd /  # the postgres user may not be allowed into the caller's folder
mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
"${as_pg[@]}" "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir" -w -l "$dir/log" \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
