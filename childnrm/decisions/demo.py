"""The decisions app's part of the demo: its reference data, which a database emptied and loaded again
(the demo reset, the tests' flush after a browser journey) would otherwise lack."""

from __future__ import annotations

from childnrm.decisions.negative_reasons import negative_reasons_ensure


def load_demo(*, site, site_users, organisations) -> None:
    negative_reasons_ensure()
