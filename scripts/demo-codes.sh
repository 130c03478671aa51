#!/usr/bin/env bash
# Prints the current security code of each demo account (or of one: scripts/demo-codes.sh --email ADDRESS).
cd "$(dirname "$0")/.." && CHILDNRM_ENV=development exec .venv/bin/python manage.py demo_codes "$@"
