#!/usr/bin/env bash
# Sets up everything the service and its tests need on a fresh machine. Safe to run again.
# Usage: scripts/setup.sh [--test]   (--test also installs test tools and Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}

# Each step with the time it began, so a slow step on a fresh machine is seen in CI's log.
log() { printf '\033[1m==> %s %s\033[0m\n' "$(date -u +%H:%M:%S)" "$*"; }

# Python packages from the lock file (every package pinned with its hashes; scripts/lock.sh makes it),
# reinstalled only when the lock changes.
lock=requirements.lock
[ "$want_test" = "--test" ] && lock=requirements-dev.lock
if [ ! -x .venv/bin/python ]; then
  log "Creating the Python virtual environment (.venv)"
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log "Installing Python packages from $lock (hashes checked)"
  if ! .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r "$lock" >.venv/pip.log 2>&1; then
    grep -v "^WARNING: Location" .venv/pip.log >&2
    exit 1
  fi
  .venv/bin/python -c "import django, django_otp, axes, django_tasks_db" >/dev/null
  touch "$stamp"
fi

# GOV.UK Frontend, Sass and axe-core from npm; the stylesheet compiled with Arial and /static/ paths.
npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  log "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
log "Building the GOV.UK Frontend assets"
bash scripts/build-assets.sh

# The Welsh catalogues (childnrm/<app>/locale/cy/LC_MESSAGES/django.po, ADR 0023) compiled to the .mo files Django
# reads, which git does not keep: again only when a catalogue changed or a compiled file is missing. GNU gettext
# compiles them (msgfmt) and its xgettext, msgmerge and msgcat write them (`manage.py translations update`).
if ! command -v msgfmt >/dev/null 2>&1 || ! command -v xgettext >/dev/null 2>&1; then
  log "Installing gettext from Debian packages"
  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
fi
po_files=$(find childnrm -path '*/locale/*/LC_MESSAGES/django.po' | sort)
if [ -n "$po_files" ]; then
  po_stamp="var/.messages-$(cat $po_files | sha256sum | cut -c1-16)"
  missing_mo=""
  for po in $po_files; do [ -f "${po%.po}.mo" ] || missing_mo=1; done
  if [ ! -f "$po_stamp" ] || [ -n "$missing_mo" ]; then
    log "Compiling the translations"
    mkdir -p var
    CHILDNRM_ENV="${CHILDNRM_ENV:-development}" .venv/bin/python manage.py compilemessages \
      --ignore=.venv --ignore=node_modules -v0
    rm -f var/.messages-*
    touch "$po_stamp"
  fi
fi

if [ "$want_test" = "--test" ]; then
  if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    log "Installing Chromium from Debian packages"
    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    log "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
