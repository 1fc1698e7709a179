#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with a database "test" that the user
# "postgres" reaches without a password (what the fleet tests and `npm run bench:queue` use; set
# EARSHOT_TEST_PG to use another server). Installs Debian's postgresql when there is none, starts it
# when it is down. Safe to run again. Crawling on one machine (SQLite) needs none of this.
set -uo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres bash -c "$1"; fi; }

if [ -n "${EARSHOT_TEST_PG:-}" ]; then
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "setup: installing Debian's postgresql" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

if ! answers; then
  echo "setup: starting PostgreSQL" >&2
  for version in $(ls /etc/postgresql 2>/dev/null); do
    $SUDO pg_ctlcluster "$version" main start 2>/dev/null || $SUDO service postgresql start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
if ! answers; then
  echo "setup: PostgreSQL does not answer on 127.0.0.1:5432; the fleet tests will fail" >&2
  exit 0
fi

# The tests connect as postgres without a password: trust local TCP connections when that fails.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT 1" >/dev/null 2>&1; then
  hba=$(as_postgres "psql -Atqc 'SHOW hba_file'" 2>/dev/null)
  if [ -n "$hba" ]; then
    echo "setup: allowing password-less connections from 127.0.0.1 to PostgreSQL (tests only)" >&2
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_postgres "psql -Atqc 'SELECT pg_reload_conf()'" >/dev/null
    sleep 1
  fi
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null 2>&1 || true
fi
exit 0
