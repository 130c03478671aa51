"""Production collects the static files with whitenoise's manifest storage, which rewrites every file a stylesheet or
script names (images, fonts, source maps) to its hashed name, and fails on one that is missing: then no page could
render. The suite otherwise runs with the plain storage, so this collects the assets as production does."""

from __future__ import annotations

import json

from django.core.management import call_command


def test_the_assets_collect_with_productions_manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for asset in (
        "css/application.css",
        "govuk/govuk-frontend.min.js",
        "autocomplete/accessible-autocomplete.min.js",
        "autocomplete/accessible-autocomplete.min.css",
    ):
        assert (tmp_path / paths[asset]).is_file(), asset
