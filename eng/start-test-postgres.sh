#!/usr/bin/env bash
# Starts the throwaway PostgreSQL server the tests use, installing PostgreSQL first when it is missing (Debian/Ubuntu,
# as root). Idempotent: when the server already runs, it does nothing but print the connection string.
#
#   export THREADSYNC_TEST_POSTGRES="$(bash eng/start-test-postgres.sh)"
#
# Stdout carries only the connection string; progress goes to stderr.
# The cluster lives in THREADSYNC_TEST_PG_DIR (default /tmp/threadsync-test-pg) and listens on 127.0.0.1 only, on
# THREADSYNC_TEST_PG_PORT (default 55432), with trust authentication and fsync off: for tests, never for data.
set -euo pipefail

dir="${THREADSYNC_TEST_PG_DIR:-/tmp/threadsync-test-pg}"
port="${THREADSYNC_TEST_PG_PORT:-55432}"
connection="Host=127.0.0.1;Port=${port};Username=postgres;Database=postgres"

log() { echo "start-test-postgres: $*" >&2; }

# One caller at a time (test.sh and a test fixture may both start the server).
exec 9>>"${dir}.lock"
chmod a+rw "${dir}.lock" 2>/dev/null || true
flock 9

# The newest installed server binaries: pg_config's, or the highest /usr/lib/postgresql/<version>/bin.
find_bindir() {
  local candidates=()
  if command -v pg_config >/dev/null 2>&1; then
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if ! bindir="$(find_bindir)"; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed and installing it needs root: run 'apt-get install -y postgresql' first."
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL is not installed and this machine has no apt-get: install the PostgreSQL server first."
    exit 1
  fi
  log "PostgreSQL not found; installing it with apt-get."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  if ! bindir="$(find_bindir)"; then
    log "PostgreSQL was installed but its server binaries (postgres, initdb, pg_ctl) were not found."
    exit 1
  fi
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres OS user.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id "$owner" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$owner"
  fi
  as_owner() {
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$owner" -- "$@"
    else
      su "$owner" -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  }
else
  owner="$(id -un)"
  as_owner() { "$@"; }
fi

if [ -f "$dir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  log "already running in $dir on port $port."
  echo "$connection"
  exit 0
fi

version="$("$bindir/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')"
if [ -f "$dir/PG_VERSION" ] && [ "$(cat "$dir/PG_VERSION")" != "$version" ]; then
  log "cluster in $dir is from PostgreSQL $(cat "$dir/PG_VERSION"), not $version: recreating it."
  rm -rf "$dir"
fi

if [ ! -f "$dir/PG_VERSION" ]; then
  log "creating a PostgreSQL $version cluster in $dir."
  rm -rf "$dir"
  mkdir -p "$dir"
  chown "$owner" "$dir"
  chmod 700 "$dir"
  as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1 9>&- || {
    cat "$dir.initdb.log" >&2
    exit 1
  }
  cat >"$dir/pg_hba.conf" <<'EOF'
# Test cluster: local connections only, trusted.
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
  chown "$owner" "$dir/pg_hba.conf"
fi
if ! grep -qx "include 'threadsync.conf'" "$dir/postgresql.conf"; then
  echo "include 'threadsync.conf'" >>"$dir/postgresql.conf"
fi

# Rewritten on every start, so a changed setting applies without recreating the cluster.
cat >"$dir/threadsync.conf" <<EOF
# ThreadSync test cluster (eng/start-test-postgres.sh): loopback only, not durable.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 500
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
chown "$owner" "$dir/threadsync.conf"

log "starting PostgreSQL $version ($bindir) in $dir on 127.0.0.1:$port."
# The server must not inherit any descriptor beyond stdio, or it holds it for as long as it runs: not the lock above,
# nor one of the caller's (a `flock <file> ./test.sh` wrapper's lock would never be released).
start_server() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd 2>/dev/null); do
    if [ "$fd" -gt 2 ]; then
      eval "exec $fd>&-" 2>/dev/null || true
    fi
  done
  as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >&2
}
if ! (start_server); then
  tail -n 50 "$dir/server.log" >&2 || true
  exit 1
fi
echo "$connection"
