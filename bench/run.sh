#!/usr/bin/env bash
# The benchmark in one command. See docs/benchmarks.md.
#   bash bench/run.sh            full: 100,000 children, 10,000,000 audit events, 20 s per page
#   bash bench/run.sh --quick    smoke test: 10,000 children, 200,000 audit events, 5 s per page
#   bash bench/run.sh --reseed   drop and seed the database again even if it already matches
# Other options: bash bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ] || [ ! -x .venv/bin/gunicorn ]; then
  echo "==> Setting up the Python environment (scripts/setup.sh)"
  bash scripts/setup.sh
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "==> Installing wrk (apt)"
  (apt-get install -y -qq wrk >/dev/null 2>&1) || \
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "==> Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
exec .venv/bin/python -m bench.run "$@"
