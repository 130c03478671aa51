"""Production refuses to start without the settings whose defaults would be silently wrong there: the address emails
link to, and how many proxies stand in front of the service (the audit trail's addresses and the child feedback
limit depend on it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "CHILDNRM_ENV": "production",
    "DJANGO_SECRET_KEY": "production-settings-test-" + "k" * 40,
    "DJANGO_ALLOWED_HOSTS": "panels.example.gov.uk",
    "CHILDNRM_BASE_URL": "https://panels.example.gov.uk",
    "CHILDNRM_TRUSTED_PROXIES": "1",
}


def _settings_with(tmp_path: Path, **changes: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHILDNRM_", "DJANGO_"))}
    env.update(PRODUCTION, CHILDNRM_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/settings.sqlite3")
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "childnrm.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_starts_with_every_required_setting(tmp_path):
    started = _settings_with(tmp_path)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "1"
    # No proxy at all is a valid answer, when said.
    assert _settings_with(tmp_path, CHILDNRM_TRUSTED_PROXIES="0").stdout.strip() == "0"


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"CHILDNRM_TRUSTED_PROXIES": None}, "Set CHILDNRM_TRUSTED_PROXIES to the number of proxies"),
        ({"CHILDNRM_TRUSTED_PROXIES": "one"}, "Set CHILDNRM_TRUSTED_PROXIES to the number of proxies"),
        ({"CHILDNRM_BASE_URL": "http://panels.example.gov.uk"}, "Set CHILDNRM_BASE_URL to the service's https://"),
    ],
    ids=["proxies-unset", "proxies-not-a-number", "base-url-not-https"],
)
def test_production_refuses_to_start_without_a_setting_whose_default_is_wrong_there(tmp_path, changes, said):
    refused = _settings_with(tmp_path, **changes)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and said in refused.stderr
