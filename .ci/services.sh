#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) answer; start them if not.
# Tests that need them fail loudly under CI=true when they are missing, so say clearly here.
set -uo pipefail
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
my_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }
if ! pg_up; then
  echo "PostgreSQL is down: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! my_up; then
  echo "MariaDB is down: starting it"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
for i in $(seq 1 30); do pg_up && my_up && break; sleep 1; done

# HypoPG lets index advice on a real PostgreSQL use hypothetical indexes; the tests expect it there.
pgver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
if [ -n "$pgver" ] && [ ! -f "/usr/share/postgresql/$pgver/extension/hypopg.control" ]; then
  echo "Installing postgresql-$pgver-hypopg"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$pgver-hypopg" >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$pgver-hypopg" >/dev/null 2>&1 || echo "could not install postgresql-$pgver-hypopg"
  fi
fi
[ -n "$pgver" ] && [ -f "/usr/share/postgresql/$pgver/extension/hypopg.control" ] && echo "HypoPG: available" || echo "HypoPG: not available" 
# The pre-commit framework: the review-debt tests run .pre-commit-hooks.yaml through it.
if ! command -v pre-commit >/dev/null 2>&1; then
  echo "Installing pre-commit (Debian's package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q pre-commit >/dev/null 2>&1 || {
    apt-get update -q >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q pre-commit >/dev/null 2>&1 || echo "could not install pre-commit"
  }
fi
command -v pre-commit >/dev/null 2>&1 && echo "pre-commit: $(pre-commit --version)" || echo "pre-commit: not available"
pg_up && echo "PostgreSQL: up" || echo "PostgreSQL: NOT reachable on 127.0.0.1:5432"
my_up && echo "MariaDB: up" || echo "MariaDB: NOT reachable on 127.0.0.1:3306"
exit 0
