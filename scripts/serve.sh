#!/usr/bin/env bash
# Sets up and starts Child NRM Panels on SQLite with demo data: web server and task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CHILDNRM_ENV=development
PORT=${PORT:-8000}
# Emails link to the address this server answers on (the web server and the task worker read it).
export CHILDNRM_BASE_URL=${CHILDNRM_BASE_URL:-http://127.0.0.1:${PORT}}
py=.venv/bin/python

$py manage.py migrate --no-input -v0
$py manage.py seed_demo
$py manage.py collectstatic --no-input -v0

# The task worker sends notification emails; its output is shown here too, prefixed [worker].
$py manage.py db_worker 2>&1 | sed -u 's/^/[worker] /' &
worker=$!
trap 'pkill -P $$ 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Child NRM Panels is running at http://127.0.0.1:${PORT}/

  Sign in with any demo account, for example:
    coordinator.northbridge@childnrm.example   (panel coordinator)
    first-responder.northbridge@childnrm.example (first responder)
    site-admin.three-rivers@childnrm.example   (site administrator)
    chair.northbridge@childnrm.example         (panel chair)
    data-protection-officer.northbridge@childnrm.example (retention and anonymisation)
  Every demo account: role.site@childnrm.example, with site northbridge or three-rivers
  (and police-member, social-care-member and second-chair: see the README).
  Each site has referrals waiting for triage, two cases on the next sitting's agenda and a
  decided case with its safeguarding plan and letters.
  Password: demo-panels-2026
  Security code: in another terminal run   scripts/demo-codes.sh
                 (or scripts/demo-codes.sh --email <address> for one account's current code)
  Emails (password resets, notifications) are printed to this terminal.

MSG
$py .venv/bin/gunicorn childnrm.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(M)sms' --access-logfile - \
  --logger-class childnrm.kit.gunicorn_logging.RedactingLogger
