"""The kit's download response, PDF renderer and per-user PDF limit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.kit.downloads import download_response, safe_filename
from childnrm.kit.pdf import pdf_render_slot, render_pdf
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("x.html", "png", "x.png"),
        ("Statement of A.pdf", "pdf", "Statement of A.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("report.html. ", "jpg", "report.jpg"),
        ('a"b;c\r\n.svg', "png", "a_b_c.png"),
        ("", "docx", "document.docx"),
    ],
)
def test_a_download_name_takes_the_detected_extension(name, extension, expected):
    assert safe_filename(name, extension=extension) == expected


def test_bytes_download_is_an_attachment_never_rendered_or_cached():
    response = download_response(content=b"{}", filename="x.html", extension="json", content_type="application/json")
    assert response["Content-Disposition"] == 'attachment; filename="x.json"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_fetches_nothing_from_outside(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("a PDF tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/hostname"><p>Letter</p>'
    assert render_pdf(html).startswith(b"%PDF-")


@pytest.fixture
def packet_url(demo):
    referral = submitted_referral("northbridge")
    return reverse("triage:case-packet-pdf", args=[referral.reference])


def test_pdf_downloads_over_the_per_minute_limit_get_a_429_page(client_as, packet_url, settings, monkeypatch):
    settings.PDF_RENDERS_PER_MINUTE = 2
    # All three downloads fall in one minute, however slowly the PDFs render on a busy machine.
    monkeypatch.setattr("childnrm.kit.pdf.time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    assert [coordinator.get(packet_url).status_code for _ in range(2)] == [200, 200]
    refused = coordinator.get(packet_url)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many documents requested at once" in refused.content.decode()
    # The limit is each user's own: another user is not held back by the first one's downloads.
    with pdf_render_slot(demo_user(Role.ADVISER, "northbridge").pk) as allowed:
        assert allowed


def test_the_pdf_limit_holds_across_workers(client_as, packet_url, settings, monkeypatch):
    settings.PDF_RENDERS_PER_MINUTE = 1
    monkeypatch.setattr("childnrm.kit.pdf.time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    assert coordinator.get(packet_url).status_code == 200
    # The next request reaches another gunicorn worker, whose own memory has counted nothing.
    caches["default"].clear()
    assert coordinator.get(packet_url).status_code == 429


def test_a_pdf_download_while_the_user_already_has_one_rendering_gets_a_429(client_as, packet_url, settings):
    settings.PDF_RENDERS_AT_ONCE = 1
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    with pdf_render_slot(demo_user(Role.COORDINATOR, "northbridge").pk) as allowed:  # a packet still rendering
        assert allowed
        assert coordinator.get(packet_url).status_code == 429
    assert coordinator.get(packet_url).status_code == 200
