#!/usr/bin/env bash
# Sets up and runs the whole test suite: lint, then every test on SQLite and on PostgreSQL
# (browser tests in headless Chromium included). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "==> $(date -u +%H:%M:%S) $*"; }
step "Setting up (scripts/setup.sh --test)"
bash scripts/setup.sh --test
export CHILDNRM_ENV=test
py=.venv/bin/python

# mypy takes a minute on a fresh clone and uses one core: it runs beside the other checks, which use the other.
step "Types (mypy with the Django plugin: access, audit, kit, decisions, triage), in the background"
mypy_log=$(mktemp)
.venv/bin/mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
trap 'kill "$mypy_pid" 2>/dev/null || true' EXIT

step "ruff (lint and format)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
step "Import layers (.importlinter: the kit at the bottom, each stage above the ones it uses)"
PYTHONPATH=. .venv/bin/lint-imports
step "Template lint (djLint, Jinja2 profile)"
.venv/bin/djlint childnrm --lint
step "Deployment checks with production settings"
DJANGO_SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" \
  DJANGO_ALLOWED_HOSTS=panels.example.gov.uk CHILDNRM_BASE_URL=https://panels.example.gov.uk CHILDNRM_TRUSTED_PROXIES=1 CHILDNRM_ENV=production CHILDNRM_VAR_DIR="$(mktemp -d)" \
  $py manage.py check --deploy --fail-level WARNING
step "Migrations are up to date"
$py manage.py makemigrations --check --dry-run -v0
step "Types (mypy): waiting for it"
status=0
wait "$mypy_pid" || status=$?
cat "$mypy_log"
rm -f "$mypy_log"
[ "$status" -eq 0 ] || exit "$status"

# Playwright's sync API runs an event loop in the test process; Django must allow ORM calls beside it.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# Both cores (pytest-xdist; each worker has its own test database), a module per worker so a module's
# fixtures load once, and the slowest tests printed so a slow newcomer is seen. Files are handed out in the
# collection's order, which the root conftest puts the long committing files (browser journeys) first in, so the
# short ones fill the end on both cores (xdist's own order, by number of tests, left a journey alone at the end).
workers=${CHILDNRM_TEST_WORKERS:-2}
parallel=(-n "$workers" --dist loadfile --no-loadscope-reorder --durations=15)
# What runs once (ADR 0030): the browser journeys on PostgreSQL; the walks of what pages say (marker `wording`:
# Welsh and each nation's wording, which no database changes) on SQLite.
# The benchmark's seeder check (tests/bench) seeds a PostgreSQL database of its own: it runs in that pass only.
step "Tests on SQLite (browser journeys run once, on PostgreSQL)"
DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" $py -m pytest "${parallel[@]}" --ignore=tests/browser --ignore=tests/bench "$@"
step "Tests on PostgreSQL, browser journeys included (wording walks ran once, on SQLite)"
DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres" $py -m pytest "${parallel[@]}" -m "not wording" "$@"
step "Done"
