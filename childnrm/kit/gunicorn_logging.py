"""gunicorn's access log without secrets: gunicorn writes it itself, outside Django's logging (kit.logs).

Run gunicorn with `--logger-class childnrm.kit.gunicorn_logging.RedactingLogger`. Only gunicorn imports this module.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from childnrm.kit.logs import REDACTED, RedactSecretPaths, redact

_SEARCH_PAGE = "/children/?"


class RedactingLogger(Logger):
    """gunicorn's access and error lines redacted as written (`kit.logs.redact`): the path, the request line, the
    referrer and any header the format writes, whatever its case (the thank-you page is opened from the child's
    form; the error log writes a failed request's address).

    The line is redacted whole, once, in time linear in its length: redacting each of gunicorn's atoms, which hold
    every request header (a hundred of up to 8 KB), was work an anonymous request could multiply, and an atom named
    in the format with capitals was missed.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecretPaths) for f in log.filters):  # setup runs again on a reload
                log.addFilter(RedactSecretPaths())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        # A query string written on its own has no address to know a search by: the search page's is redacted here.
        if str(environ.get("PATH_INFO", "")).rstrip("/") == _SEARCH_PAGE.rstrip("/?"):
            for name in ("q", "{query_string}e"):
                if isinstance(found.get(name), str) and found[name]:
                    found[name] = _search_query_redacted(found[name])
        return found


def _search_query_redacted(query: str) -> str:
    """A "Find a child" query string with what was typed redacted (all of it, if redact took the word whole)."""
    redacted = redact(_SEARCH_PAGE + query)
    return redacted[len(_SEARCH_PAGE) :] if redacted.startswith(_SEARCH_PAGE) else REDACTED
