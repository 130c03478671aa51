"""gunicorn's access log without secrets: gunicorn writes it itself, outside Django's logging (kit.logs).

Run gunicorn with `--logger-class childnrm.kit.gunicorn_logging.RedactingLogger`. Only gunicorn imports this module.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from childnrm.kit.logs import redact

# gunicorn's atoms that hold an address: the request line, the path, the query string, the referrer (as an atom, a
# header and in the environment), a redirect's Location and the environment's paths. Any other atom is redacted
# when the format writes it.
ADDRESS_ATOMS = frozenset(
    {"r", "U", "q", "f", "{referer}i", "{location}o"}
    | {f"{{{name}}}e" for name in ("raw_uri", "path_info", "query_string", "request_uri", "http_referer")}
)


class RedactingLogger(Logger):
    """Every atom the access log line writes with the secret part of paths redacted: the path, the request line and
    the referrer too (the thank-you page is opened from the child's form).

    Only those that hold an address, and any other the line's format names: gunicorn's atoms hold every request and
    response header too (a hundred of up to 8 KB each), and redacting what is never written would be work an
    anonymous request could multiply.
    """

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        written = self.cfg.access_log_format
        return {
            name: redact(value)
            if isinstance(value, str) and (name in ADDRESS_ATOMS or f"%({name})" in written)
            else value
            for name, value in found.items()
        }
