"""gunicorn's access log without secrets: gunicorn writes it itself, outside Django's logging (kit.logs).

Run gunicorn with `--logger-class childnrm.kit.gunicorn_logging.RedactingLogger`. Only gunicorn imports this module.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from childnrm.kit.logs import redact


class RedactingLogger(Logger):
    """Every atom of an access log line with the secret part of paths redacted: the path, the request line and the
    referrer too (the thank-you page is opened from the child's form)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in found.items()}
